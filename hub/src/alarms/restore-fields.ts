/**
 * Alarms saved before alarms carried a hazard class and a latch (state logs and snapshots of
 * older hubs) are given those fields on restore, derived from what they do carry:
 *
 *   field          | derived as
 *   ---------------+-------------------------------------------------------------------------
 *   class          | `alarmClassOf(rule, type, kind of its device)`
 *   peakLevel      | the most severe of `level` and every level in its history
 *   currentLevel   | `level` while the condition is active, else undefined
 *   latching       | whether its class latches in the zone's settings now
 *   latched        | false: an alarm that cleared under the old rules was never latched, and
 *                  |   a latch is never set on anyone's behalf after the fact
 *   overRange      | false
 *
 * Alarms that carry the fields keep them as they are.
 */
import { ALARM_CLASSES, alarmClassOf, type AlarmClass } from '../model/alarm-class.js'
import type { Alarm, AlarmLevel } from '../model/alarm.js'
import type { DeviceKind } from '../model/vocabulary.js'

export interface ClassContext {
  /** The kind of a device, when the hub knows it. */
  deviceKind: (device: string) => DeviceKind | undefined
  /** Whether alarms of a class latch. */
  latching: Readonly<Record<AlarmClass, boolean>>
}

function isLevel(x: unknown): x is AlarmLevel {
  return x === 1 || x === 2 || x === 3 || x === 4
}

/** The class a transition or an alarm without one is given. */
export function classFor(rule: string, type: string, device: string, ctx: ClassContext): AlarmClass {
  return alarmClassOf(rule, type, ctx.deviceKind(device))
}

/** The alarm with the fields of today's model, derived where it lacks them (changed in place). */
export function withClassAndLatch(a: Alarm, ctx: ClassContext): Alarm {
  const raw = a as Partial<Alarm> & Alarm
  if (!(ALARM_CLASSES as readonly string[]).includes(raw.class as string)) raw.class = classFor(a.rule, a.type, a.device, ctx)
  if (!isLevel(raw.peakLevel)) {
    let peak = a.level
    for (const s of a.history) if (isLevel(s.level) && s.level < peak) peak = s.level
    raw.peakLevel = peak
  }
  if (!isLevel(raw.currentLevel)) raw.currentLevel = a.condition === 'active' ? a.level : undefined
  if (typeof raw.latching !== 'boolean') raw.latching = ctx.latching[raw.class]
  if (typeof raw.latched !== 'boolean') raw.latched = false
  if (typeof raw.overRange !== 'boolean') raw.overRange = false
  return a
}
