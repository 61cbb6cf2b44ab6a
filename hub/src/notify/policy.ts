/**
 * Routing and escalation policies: the first policy whose park, classes and levels match an
 * alarm decides who is told, after how many minutes unacknowledged the next tier is, how often
 * a reminder goes, and the quiet hours. Quiet hours hold back levels 3–4 only (yellow, blue):
 * a level 1 or 2 alarm — above all a red life-safety one — is never held. Pure: no clock.
 */
import type { AlarmClass } from '../model/alarm-class.js'
import type { AlarmLevel } from '../model/alarm.js'
import type { Policy, QuietHours } from '../model/notify.js'
import { localMoment, minuteOf } from './roster.js'

const MINUTE = 60_000
/** Levels quiet hours may hold back (yellow, blue). */
export const QUIET_LEVELS: readonly AlarmLevel[] = [3, 4]
/** A red life-safety alarm repeats at least this often until acknowledged, whatever its policy says. */
export const RED_REPEAT_MIN = 5

export interface Routable {
  park: string
  class: AlarmClass
  level: AlarmLevel
}

/** The first policy matching the alarm, with its index, or undefined. */
export function policyFor(policies: readonly Policy[], a: Routable): { policy: Policy; index: number } | undefined {
  for (let index = 0; index < policies.length; index++) {
    const policy = policies[index]!
    if (policy.park !== '*' && policy.park !== a.park) continue
    if (policy.classes && policy.classes.length > 0 && !policy.classes.includes(a.class)) continue
    if (policy.levels && policy.levels.length > 0 && !policy.levels.includes(a.level)) continue
    return { policy, index }
  }
  return undefined
}

/** A red (level 1) life-safety alarm: never held, repeats until acknowledged, calls a phone after its first step. */
export function isRedLifeSafety(a: Pick<Routable, 'class' | 'level'>): boolean {
  return a.class === 'life-safety' && a.level === 1
}

/** Whether quiet hours hold back an alarm of this level at all. */
export function quietApplies(q: QuietHours | undefined, a: Pick<Routable, 'class' | 'level'>): q is QuietHours {
  return q !== undefined && QUIET_LEVELS.includes(a.level) && !isRedLifeSafety(a)
}

/**
 * When the quiet hours running at `ts` end (an instant), or undefined when `ts` is outside
 * them. `from` = `to` means no quiet hours. Local time of the zone.
 */
export function quietUntil(q: QuietHours, ts: number, timezone: string): number | undefined {
  const from = minuteOf(q.from)
  const to = minuteOf(q.to)
  if (from === to) return undefined
  const { minute } = localMoment(ts, timezone)
  const inside = from < to ? minute >= from && minute < to : minute >= from || minute < to
  if (!inside) return undefined
  const left = (to - minute + 1440) % 1440
  // To the start of the `to` minute; a later DST change of at most an hour is corrected by the next look.
  return Math.floor(ts / MINUTE) * MINUTE + left * MINUTE
}
