/**
 * The condition side of an alarm (ISA-18.2 / IEC 62682 state model), driven by the rules'
 * transitions. Each function changes a live (not closed) alarm in place and returns the steps
 * to record; an empty list means nothing in the lifecycle changed.
 *
 *   alarm state        | activate, same level | activate, other level     | clear
 *   -------------------+----------------------+---------------------------+----------------------
 *   active             | refresh value only   | escalate / deescalate (1) | clear (RTN) (3)
 *   cleared (RTN)      | reactivate (2)       | reactivate at new level   | nothing
 *
 * (1) ISA-18.2: a new, more severe state needs acknowledging, so escalation past the alarm's
 *     level makes it unacknowledged again. A less severe condition is recorded as the
 *     condition's `currentLevel` only while the alarm holds its level: a latching alarm
 *     (ISA-18.2 "latching alarm"; gas alarm controllers GB 16808, fire alarm control panels
 *     GB 4717) holds the most severe level it reached until reset, and any alarm holds its
 *     level while unacknowledged, so a red alarm never silently steps down to orange. An
 *     acknowledged non-latching alarm follows its condition down (ack releases a held level).
 * (2) Reactivation is a new annunciation: unacknowledged again. A latched alarm that
 *     reactivates before its reset keeps its held level if that is the more severe.
 * (3) A latching alarm whose condition clears is latched, awaiting reset (待复位), at its level.
 * An annunciation (reactivate, escalate) on a resolved alarm reopens its workflow: the fix
 * did not hold, and close must not follow without a new resolve.
 */
import type { Alarm, AlarmLevel, AlarmStep, Transition } from '../model/alarm.js'
import { noteOf, said, transitionPart, type NotePart } from './step-note.js'

export const SYSTEM_ACTOR = 'system'

export interface ConditionChange {
  steps: AlarmStep[]
  /** Whether this was an activation (raise or reactivate) for chattering detection. */
  activation: boolean
}

const NONE: ConditionChange = { steps: [], activation: false }

function reopen(a: Alarm): NotePart | undefined {
  if (a.workflow !== 'resolved') return undefined
  a.workflow = 'open'
  return said('alarmNote.reopened')
}

/** A step of the transition `t`, its note the transition's message and then `parts`, joined by `; `. */
function step(t: Transition, action: AlarmStep['action'], ...parts: Array<NotePart | undefined>): AlarmStep {
  const { note, messages } = noteOf('; ', transitionPart(t), ...parts)
  const s: AlarmStep = { ts: t.ts, actor: SYSTEM_ACTOR, action, note, level: t.level, value: t.value }
  if (messages !== undefined) s.messages = messages
  return s
}

/** The more severe of two levels (1 = red is the most severe). */
export function mostSevere(x: AlarmLevel, y: AlarmLevel): AlarmLevel {
  return x < y ? x : y
}

/** Why an alarm keeps its level when its condition eases, or undefined when it follows it. */
export function holdReason(a: Alarm): 'latching' | 'unacknowledged' | undefined {
  if (a.latching) return 'latching'
  return a.ack === 'unacked' ? 'unacknowledged' : undefined
}

/** The first step of a new alarm. */
export function raiseStep(t: Transition): AlarmStep {
  return step(t, 'raise')
}

/** An `activate` transition for a key whose alarm is live. */
export function activateLive(a: Alarm, t: Transition): ConditionChange {
  a.value = t.value
  a.threshold = t.threshold
  a.overRange = t.overRange === true
  if (t.devices !== undefined) a.devices = t.devices
  a.peakLevel = mostSevere(a.peakLevel, t.level)
  if (a.condition === 'cleared') return reactivate(a, t)
  const from = a.currentLevel ?? a.level
  if (from === t.level) return NONE // a storm of identical readings: one alarm, no history
  a.currentLevel = t.level
  const conditionNote = said('alarmNote.conditionLevel', { from, to: t.level })
  if (t.level < from) {
    // More severe. Past the alarm's level: a new annunciation, unacknowledged again.
    if (t.level < a.level) {
      const levelNote = said('alarmNote.level', { from: a.level, to: t.level })
      a.level = t.level
      a.ack = 'unacked'
      return { steps: [step(t, 'escalate', levelNote, reopen(a))], activation: false }
    }
    return { steps: [step(t, 'escalate', conditionNote, said('alarmNote.heldAt', { level: a.level }), reopen(a))], activation: false }
  }
  const hold = holdReason(a)
  if (hold !== undefined && a.level < t.level) {
    const held = said(hold === 'latching' ? 'alarmNote.heldLatching' : 'alarmNote.heldUnacknowledged', { level: a.level })
    return { steps: [step(t, 'deescalate', conditionNote, held)], activation: false }
  }
  const levelNote = said('alarmNote.level', { from: a.level, to: t.level })
  a.level = t.level
  return { steps: [step(t, 'deescalate', levelNote)], activation: false }
}

function reactivate(a: Alarm, t: Transition): ConditionChange {
  const from = a.level
  const heldNote = a.latched && a.level < t.level ? said('alarmNote.heldLatched', { level: a.level }) : undefined
  a.level = a.latched ? mostSevere(a.level, t.level) : t.level
  a.latched = false
  a.condition = 'active'
  a.currentLevel = t.level
  a.ack = 'unacked'
  const levelNote = from !== a.level ? said('alarmNote.level', { from, to: a.level }) : undefined
  return { steps: [step(t, 'reactivate', levelNote, heldNote, reopen(a))], activation: true }
}

/** A `clear` transition (return to normal) for a key whose alarm is live. */
export function clearLive(a: Alarm, t: Transition): ConditionChange {
  if (a.condition === 'cleared') return NONE
  a.condition = 'cleared'
  a.currentLevel = undefined
  a.value = t.value
  a.overRange = false
  if (a.latching) a.latched = true
  return { steps: [{ ...step(t, 'clear', a.latched ? said('alarmNote.latched') : undefined), level: a.level }], activation: false }
}
