/**
 * The escalation of one alarm or incident, as a pure state machine over a given clock: tiers by
 * minutes unacknowledged, reminders until acknowledged, held through quiet hours, stopped by an
 * acknowledgement (and, for a red life-safety incident, only once someone is also dispatched).
 *
 *   phase       | what happens next                                    | leaves by
 *   ------------+------------------------------------------------------+-------------------------------
 *   held        | nothing until the quiet hours end (nextAt)           | release → escalating; ack → stopped
 *   escalating  | at nextAt: the next tier when due, else a reminder   | ack (+ dispatch) → stopped;
 *               |                                                      | no tier and no reminder left → done
 *   stopped     | nothing; `stoppedBy` says who, through which channel | –
 *   done        | nothing (every tier told, or the alarm closed)       | ack → stopped
 *
 * Each `decide` returns at most one step; its sequence number is part of the message ids, so
 * a step decided once keeps its ids when written again (at least once, never a second step).
 * A red life-safety alarm reminds at least every RED_REPEAT_MIN minutes and, from its second
 * step on, also calls the first tier's phones (a group chat can be muted, a ringing phone less so).
 */
import type { PolicyTier, QuietHours } from '../model/notify.js'
import { RED_REPEAT_MIN } from './policy.js'

const MINUTE = 60_000

export type EscalationPhase = 'escalating' | 'held' | 'stopped' | 'done'
export type StepKind = 'alarm' | 'escalation' | 'repeat'
export type AckChannel = 'dashboard' | 'api' | 'link'

export interface EscalationPlan {
  tiers: PolicyTier[]
  repeatMin: number | undefined
  /** A red life-safety alarm or incident: reminds at least every RED_REPEAT_MIN, calls phones after its first step. */
  red: boolean
  /** Stop needs someone dispatched as well as acknowledged (a red life-safety incident). */
  needsDispatch: boolean
  quietHours?: QuietHours | undefined
}

export interface Escalation {
  /** `alarm:<id>` or `incident:<id>`. */
  key: string
  subject: 'alarm' | 'incident'
  id: string
  park: string
  plan: EscalationPlan
  phase: EscalationPhase
  /** When tier 0 fell due (the end of the quiet hours for a held one). */
  startedAt: number
  /** Highest tier told so far; -1 before the first step. */
  tier: number
  /** Steps decided so far: the next step's sequence number. */
  steps: number
  lastAt: number | undefined
  nextAt: number | undefined
  acked: boolean
  dispatched: boolean
  stoppedBy: { by: string; channel: string; at: number } | undefined
}

export interface EscalationStep {
  seq: number
  kind: StepKind
  /** The tier whose people are told. */
  tier: number
  at: number
  /** Also call the first tier's phones (voice). */
  call: boolean
}

/** A new escalation, held until `quietEnd` when given, else due at once. */
export function startEscalation(o: { subject: 'alarm' | 'incident'; id: string; park: string; plan: EscalationPlan; now: number; quietEnd?: number | undefined; steps?: number }): Escalation {
  const held = o.quietEnd !== undefined && o.quietEnd > o.now
  return {
    key: `${o.subject}:${o.id}`, subject: o.subject, id: o.id, park: o.park, plan: o.plan,
    phase: held ? 'held' : 'escalating', startedAt: held ? o.quietEnd! : o.now, tier: -1, steps: o.steps ?? 0,
    lastAt: undefined, nextAt: held ? o.quietEnd : o.now, acked: false, dispatched: false, stoppedBy: undefined,
  }
}

function repeatEvery(plan: EscalationPlan): number | undefined {
  if (plan.red) return Math.min(plan.repeatMin ?? RED_REPEAT_MIN, RED_REPEAT_MIN)
  return plan.repeatMin
}

function tierDue(e: Escalation, n: number): number {
  return e.startedAt + e.plan.tiers[n]!.afterMin * MINUTE
}

/** When the next step falls due after the last one, or undefined when none is left. */
function nextDue(e: Escalation): number | undefined {
  const next = e.tier + 1
  const candidates: number[] = []
  if (next < e.plan.tiers.length) candidates.push(tierDue(e, next))
  const every = repeatEvery(e.plan)
  if (every !== undefined && e.lastAt !== undefined) candidates.push(e.lastAt + every * MINUTE)
  return candidates.length > 0 ? Math.min(...candidates) : undefined
}

/**
 * The step due at `now`, if any, and the escalation after it. A held escalation whose quiet
 * hours ended starts then; several tiers overdue (after a restart) go one step per call.
 */
export function decide(e: Escalation, now: number): { escalation: Escalation; step: EscalationStep } | undefined {
  if (e.phase !== 'escalating' && e.phase !== 'held') return undefined
  if (e.nextAt === undefined || e.nextAt > now) return undefined
  const x: Escalation = { ...e, phase: 'escalating' }
  const next = x.tier + 1
  const escalates = next < x.plan.tiers.length && tierDue(x, next) <= now
  const tier = escalates ? next : Math.max(0, x.tier)
  const kind: StepKind = escalates ? (next === 0 ? 'alarm' : 'escalation') : 'repeat'
  const step: EscalationStep = { seq: x.steps, kind, tier, at: now, call: x.plan.red && x.steps >= 1 }
  x.tier = tier
  x.steps += 1
  x.lastAt = now
  x.nextAt = nextDue(x)
  if (x.nextAt === undefined) x.phase = 'done'
  return { escalation: x, step }
}

/** Acknowledged (dashboard, API or personal link): stops it, unless a dispatch is still needed. */
export function acknowledge(e: Escalation, by: string, channel: string, at: number): Escalation {
  const x: Escalation = { ...e, acked: true }
  if (x.plan.needsDispatch && !x.dispatched) return x
  return stop(x, by, channel, at)
}

/** Someone dispatched: stops a red incident's escalation once it is acknowledged too. */
export function dispatched(e: Escalation, by: string, at: number): Escalation {
  const x: Escalation = { ...e, dispatched: true }
  if (!x.acked) return x
  return stop(x, by, 'dispatch', at)
}

function stop(e: Escalation, by: string, channel: string, at: number): Escalation {
  if (e.phase === 'stopped') return e
  // Also after every tier was told (done): the acknowledgement is what ended it.
  return { ...e, phase: 'stopped', nextAt: undefined, stoppedBy: e.stoppedBy ?? { by, channel, at } }
}

/** Nothing more to do (the alarm closed, or cleared and acknowledged while held). */
export function finish(e: Escalation): Escalation {
  if (e.phase === 'stopped' || e.phase === 'done') return e
  return { ...e, phase: 'done', nextAt: undefined }
}

/** Whether it still decides steps. */
export function isLive(e: Escalation): boolean {
  return e.phase === 'escalating' || e.phase === 'held'
}

/** The next step as the API shows it: tier, when, and whom. */
export function nextStep(e: Escalation): { tier: number; at: number; roles: string[]; channels: string[] } | null {
  if (!isLive(e) || e.nextAt === undefined) return null
  const next = e.tier + 1
  const tier = next < e.plan.tiers.length && tierDue(e, next) <= e.nextAt ? next : Math.max(0, e.tier)
  const t = e.plan.tiers[tier]!
  return { tier, at: e.nextAt, roles: [...t.roles], channels: [...t.channels] }
}
