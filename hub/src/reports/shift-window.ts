/**
 * Which shift a handover report covers (docs/reports.md): the park's duty roster's shifts
 * (notify/roster.ts), else the zone roster's, else the fixed 08:00–20:00 day shift and
 * 20:00–08:00 night shift — the common two-shift pattern of Chinese chemical parks' duty rooms
 * (两班制) — all in the zone's time zone. A shift whose end is at or before its start runs past
 * midnight and belongs to the day it starts on, as in the roster. Pure: no clock.
 */
import type { Roster, Shift } from '../model/notify.js'
import type { ShiftSource, ShiftWindow } from '../model/report.js'
import { localMoment, minuteOf, ZONE_SCOPE } from '../notify/roster.js'

const MINUTE = 60_000
const DAY = 86_400_000

export const DEFAULT_SHIFTS: readonly Pick<Shift, 'id' | 'name' | 'start' | 'end'>[] = [
  { id: 'default-day', name: '白班', start: '08:00', end: '20:00' },
  { id: 'default-night', name: '夜班', start: '20:00', end: '08:00' },
]

/** The instant of local day `day` (days since 1970-01-01), minute `minute`, in `timezone`. */
export function localInstant(day: number, minute: number, timezone: string): number {
  const wall = day * DAY + minute * MINUTE
  const offset = (ts: number): number => {
    const m = localMoment(ts, timezone)
    return m.day * DAY + m.minute * MINUTE - Math.floor(ts / MINUTE) * MINUTE
  }
  // Two passes: the offset at the guess, which is the offset at the answer except across a change.
  return wall - offset(wall - offset(wall))
}

/** `YYYY-MM-DD` of a day number. */
export function dayString(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10)
}

/** The shifts that apply to a park, and where they come from. */
export function shiftsOf(rosters: readonly Roster[], park: string): { shifts: readonly Pick<Shift, 'id' | 'name' | 'start' | 'end'>[]; source: ShiftSource } {
  const own = rosters.find((r) => r.scope === park)
  if (own && own.shifts.length > 0) return { shifts: own.shifts, source: 'park' }
  const zone = rosters.find((r) => r.scope === ZONE_SCOPE)
  if (zone && zone.shifts.length > 0) return { shifts: zone.shifts, source: 'zone' }
  return { shifts: DEFAULT_SHIFTS, source: 'default' }
}

/** Every window of `shifts` starting on local days `first`..`last`. */
function windows(shifts: readonly Pick<Shift, 'id' | 'name' | 'start' | 'end'>[], first: number, last: number, timezone: string, source: ShiftSource): ShiftWindow[] {
  const out: ShiftWindow[] = []
  for (let day = first; day <= last; day++) {
    for (const s of shifts) {
      const a = minuteOf(s.start)
      const b = minuteOf(s.end)
      // Past midnight (b ≤ a) ends the next day; a = b is 24 h.
      const endDay = b <= a ? day + 1 : day
      out.push({ id: s.id, name: s.name, start: s.start, end: s.end, day: dayString(day), from: localInstant(day, a, timezone), to: localInstant(endDay, b, timezone), source, timezone })
    }
  }
  return out
}

/**
 * The shift of `park` running at `at`: the first of the roster's shifts that runs then (as
 * `onDuty` takes the first when shifts overlap); outside every shift, the one that ended last.
 */
export function shiftAt(rosters: readonly Roster[], park: string, at: number, timezone: string): ShiftWindow {
  const { shifts, source } = shiftsOf(rosters, park)
  const today = localMoment(at, timezone).day
  const all = windows(shifts, today - 2, today + 1, timezone, source)
  for (const s of shifts) {
    const running = all.filter((w) => w.id === s.id && w.from <= at && at < w.to)
    if (running.length > 0) return running[running.length - 1]!
  }
  let best: ShiftWindow | undefined
  for (const w of all) if (w.to <= at && (!best || w.to > best.to)) best = w
  // A roster's shifts always end within a day of their start, so one ended in the last two days.
  if (!best) throw new Error(`no shift found for park ${park} at ${new Date(at).toISOString()}`)
  return best
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date, or undefined when it is not a date. */
export function dayNumber(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!m) return undefined
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  return dayString(t / DAY) === date ? t / DAY : undefined
}

/** Shift `shiftId` of `park` starting on local date `date` (`YYYY-MM-DD`); undefined for an unknown shift or a bad date. */
export function shiftOn(rosters: readonly Roster[], park: string, date: string, shiftId: string, timezone: string): ShiftWindow | undefined {
  const { shifts, source } = shiftsOf(rosters, park)
  const day = dayNumber(date)
  const shift = shifts.find((s) => s.id === shiftId)
  if (day === undefined || !shift) return undefined
  return windows([shift], day, day, timezone, source)[0]
}

/** The shift before `w` (the one running just before it started). */
export function previousShift(rosters: readonly Roster[], park: string, w: ShiftWindow): ShiftWindow {
  return shiftAt(rosters, park, w.from - 1, w.timezone)
}
