/**
 * Red life-safety alarms are escalated per incident (response/: a red alarm opens an incident,
 * or joins the open one of its place): one escalation per incident instead of one per alarm,
 * one message per incident and change of state (level, alarms, someone dispatched, closed),
 * never held by quiet hours, and it keeps escalating until an alarm of it is acknowledged AND
 * someone is dispatched (an alarm of it dispatched, resolved or closed). The incidents are read
 * on the notifier's tick (the incident manager tells only the socket server).
 */
import type { Alarm } from '../model/alarm.js'
import type { Incident } from '../model/incident.js'
import type { Message } from '../model/messages/index.js'
import { incidentStepMessages, stepNote, type ComposeContext, type IncidentView } from './compose.js'
import { acknowledge, decide, dispatched, finish, startEscalation, type EscalationPlan, type EscalationStep } from './escalation.js'
import type { EscalationStore, KeptEscalation } from './escalation-store.js'
import type { OutboundMessage } from './types.js'

export interface IncidentSource {
  list(q: { state: 'open' }): Incident[]
  get(id: string): Incident | undefined
}

export interface IncidentSyncDeps {
  source: IncidentSource
  alarms: { get(id: string): Alarm | undefined }
  store: EscalationStore
  plan(a: Pick<Alarm, 'park' | 'class' | 'level'>): { plan: EscalationPlan } | undefined
  compose(): ComposeContext
  write(key: string, messages: OutboundMessage[], notes: Message[], alarm: string | undefined, next?: KeptEscalation): void
  clock: () => number
}

const DISPATCHED: ReadonlySet<Alarm['workflow']> = new Set(['dispatched', 'resolved', 'closed'])

export class IncidentSync {
  constructor(private readonly d: IncidentSyncDeps) {}

  /** A red life-safety alarm: escalated through its open incident (that escalation's key), or by itself (undefined: in no incident, or no policy). */
  onRedAlarm(alarm: Alarm, now: number): string | undefined {
    const inc = this.d.source.list({ state: 'open' }).find((i) => i.alarms.includes(alarm.id))
    if (!inc) return undefined
    const key = `incident:${inc.id}`
    if (this.d.store.get(key)) return key // its change of state is told on the tick
    const found = this.d.plan({ park: inc.park, class: 'life-safety', level: 1 })
    if (!found) return undefined
    const e: KeptEscalation = {
      ...startEscalation({ subject: 'incident', id: inc.id, park: inc.park, plan: { ...found.plan, red: true, needsDispatch: true, quietHours: undefined }, now }),
      signature: signatureOf(this.view(inc)),
    }
    this.d.store.put(e)
    this.d.store.save(e.key)
    this.step(e, now)
    return key
  }

  /** Acknowledgements, dispatches and changes of state of the incidents escalated. */
  tick(now: number): void {
    for (const held of [...this.d.store.all.values()]) {
      if (held.subject !== 'incident' || held.phase === 'done') continue
      const inc = this.d.source.get(held.id)
      let e: KeptEscalation = held
      if (!inc) {
        this.d.store.put(finish(e))
        this.d.store.save(e.key)
        continue
      }
      const alarms = inc.alarms.map((id) => this.d.alarms.get(id)).filter((a): a is Alarm => a !== undefined)
      const acked = alarms.find((a) => a.ack === 'acked')
      if (!e.acked && acked) {
        const step = [...acked.history].reverse().find((s) => s.action === 'ack')
        e = { ...e, ...acknowledge(e, step?.actor ?? 'unknown', step?.channel ?? 'api', now) }
      }
      const sent = alarms.find((a) => DISPATCHED.has(a.workflow))
      if (!e.dispatched && sent) e = { ...e, ...dispatched(e, sent.assignee ?? 'unknown', now) }
      const view = this.view(inc)
      const signature = signatureOf(view)
      if (signature !== e.signature) {
        e = { ...e, signature }
        this.tell(e, view, now)
        if (inc.state === 'closed') this.put(finish(e))
        continue
      }
      if (e !== held) this.put(e)
      if (e.phase === 'escalating' || e.phase === 'held') this.step(e, now)
    }
  }

  /** The incident's step due now, if any. */
  step(e: KeptEscalation, now: number): void {
    const inc = this.d.source.get(e.id)
    if (!inc) return
    const decided = decide(e, now)
    if (!decided) return
    const next: KeptEscalation = { ...e, ...decided.escalation }
    const view = this.view(inc)
    const ack = ackAlarm(inc, this.d.alarms)
    const ctx = this.d.compose()
    const { messages } = incidentStepMessages(ctx, next, decided.step, view, ack, false, now)
    const usable = next.plan.tiers[decided.step.tier]!.channels.some((c) => ctx.channels.has(c) && (ctx.usable?.(c) ?? true))
    this.d.write(next.key, messages, usable ? [stepNote(decided.step, messages)] : [], ack, next)
  }

  /** The escalation of the incident an alarm belongs to, if any. */
  escalationOfAlarm(alarmId: string): KeptEscalation | undefined {
    for (const e of this.d.store.all.values()) {
      if (e.subject !== 'incident') continue
      if (this.d.source.get(e.id)?.alarms.includes(alarmId)) return e
    }
    return undefined
  }

  /** One message to the tier reached so far about a change of the incident's state (its own sequence number). */
  private tell(e: KeptEscalation, view: IncidentView, now: number): void {
    const step: EscalationStep = { seq: e.steps, kind: 'repeat', tier: Math.max(0, e.tier), at: now, call: false }
    const next: KeptEscalation = { ...e, steps: e.steps + 1 }
    const inc = this.d.source.get(e.id)
    const ack = inc ? ackAlarm(inc, this.d.alarms) : undefined
    const { messages } = incidentStepMessages(this.d.compose(), next, step, view, ack, true, now)
    this.d.write(next.key, messages, [], ack, next)
  }

  private put(e: KeptEscalation): void {
    this.d.store.put(e)
    this.d.store.save(e.key)
  }

  private view(inc: Incident): IncidentView {
    const alarms = inc.alarms.map((id) => this.d.alarms.get(id)).filter((a): a is Alarm => a !== undefined)
    const state = inc.state === 'closed' ? 'closed' : alarms.some((a) => DISPATCHED.has(a.workflow)) ? 'dispatched' : 'open'
    // The most severe alarm (level 1 first), the earliest of a level: what its messages name.
    const lead = alarms.reduce<Alarm | undefined>((best, a) => (best === undefined || a.level < best.level ? a : best), undefined)
    return { id: inc.id, park: inc.park, level: inc.level, title: inc.title, titleEn: inc.titleEn, alarms: inc.alarms, state, lead }
  }
}

function signatureOf(v: IncidentView): string {
  return `${v.level}|${v.alarms.length}|${v.state}`
}

/** The alarm a personal link of the incident acknowledges: its first unacknowledged one, else its first. */
function ackAlarm(inc: Incident, alarms: { get(id: string): Alarm | undefined }): string | undefined {
  return inc.alarms.find((id) => alarms.get(id)?.ack === 'unacked') ?? inc.alarms[0]
}
