/**
 * The condition side of an alarm (ISA-18.2 / IEC 62682 state model), driven by the rules'
 * transitions. Each function changes a live (not closed) alarm in place and returns the steps
 * to record; an empty list means nothing in the lifecycle changed.
 *
 *   alarm state        | activate, same level | activate, other level     | clear
 *   -------------------+----------------------+---------------------------+----------------
 *   active             | refresh value only   | escalate / deescalate (1) | clear (RTN)
 *   cleared (RTN)      | reactivate (2)       | reactivate at new level   | nothing
 *
 * (1) ISA-18.2: a new, more severe state needs acknowledging, so escalation makes the alarm
 *     unacknowledged again; deescalation keeps the acknowledgement.
 * (2) Reactivation is a new annunciation: unacknowledged again.
 * An annunciation (reactivate, escalate) on a resolved alarm reopens its workflow: the fix
 * did not hold, and close must not follow without a new resolve.
 */
import type { Alarm, AlarmStep, Transition } from '../model/alarm.js'

export const SYSTEM_ACTOR = 'system'

export interface ConditionChange {
  steps: AlarmStep[]
  /** Whether this was an activation (raise or reactivate) for chattering detection. */
  activation: boolean
}

const NONE: ConditionChange = { steps: [], activation: false }

function joinNotes(...parts: Array<string | undefined>): string | undefined {
  const kept = parts.filter((p): p is string => p !== undefined && p !== '')
  return kept.length > 0 ? kept.join('; ') : undefined
}

function reopen(a: Alarm): string | undefined {
  if (a.workflow !== 'resolved') return undefined
  a.workflow = 'open'
  return 'workflow reopened (resolved → open)'
}

function step(t: Transition, action: AlarmStep['action'], note: string | undefined): AlarmStep {
  return { ts: t.ts, actor: SYSTEM_ACTOR, action, note, level: t.level, value: t.value }
}

/** The first step of a new alarm. */
export function raiseStep(t: Transition): AlarmStep {
  return step(t, 'raise', t.message)
}

/** An `activate` transition for a key whose alarm is live. */
export function activateLive(a: Alarm, t: Transition): ConditionChange {
  a.value = t.value
  a.threshold = t.threshold
  if (a.condition === 'cleared') {
    const from = a.level
    a.condition = 'active'
    a.ack = 'unacked'
    a.level = t.level
    const levelNote = from !== t.level ? `level ${from} → ${t.level}` : undefined
    return { steps: [step(t, 'reactivate', joinNotes(t.message, levelNote, reopen(a)))], activation: true }
  }
  if (a.level === t.level) return NONE // a storm of identical readings: one alarm, no history
  const from = a.level
  a.level = t.level
  const levelNote = `level ${from} → ${t.level}`
  if (t.level < from) {
    // More severe (1 = red is the most severe).
    a.ack = 'unacked'
    return { steps: [step(t, 'escalate', joinNotes(t.message, levelNote, reopen(a)))], activation: false }
  }
  return { steps: [step(t, 'deescalate', joinNotes(t.message, levelNote))], activation: false }
}

/** A `clear` transition (return to normal) for a key whose alarm is live. */
export function clearLive(a: Alarm, t: Transition): ConditionChange {
  if (a.condition === 'cleared') return NONE
  a.condition = 'cleared'
  a.value = t.value
  return { steps: [{ ...step(t, 'clear', t.message), level: a.level }], activation: false }
}
