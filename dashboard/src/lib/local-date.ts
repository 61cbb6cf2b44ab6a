/**
 * Local calendar days and months in the zone's time zone (Asia/Shanghai by default), whatever
 * the browser's own zone: `YYYY-MM-DD` keys, their instants, and ranges of whole days. Pure.
 */

import type { LocalParts as CalendarParts } from '../../../hub/src/energy/calendar.js'

export const DAY_MS = 86_400_000

const partFormats = new Map<string, Intl.DateTimeFormat>()

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let f = partFormats.get(timeZone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    partFormats.set(timeZone, f)
  }
  return f
}

/** The hub's local calendar parts (energy/calendar.ts), with seconds instead of the weekday. */
export type LocalParts = Omit<CalendarParts, 'weekday'> & { second: number }

/** Wall-clock parts of an instant in a time zone. */
export function localParts(ts: number, timeZone: string): LocalParts {
  const out: Record<string, number> = {}
  for (const p of partsFormat(timeZone).formatToParts(new Date(ts))) if (p.type !== 'literal') out[p.type] = Number(p.value)
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour! % 24, minute: out.minute!, second: out.second! }
}

/** Offset of the zone from UTC at an instant, in ms (+8 h for Asia/Shanghai). */
export function zoneOffsetMs(ts: number, timeZone: string): number {
  const p = localParts(ts, timeZone)
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return asUtc - Math.floor(ts / 1000) * 1000
}

/** The instant of a local wall-clock time (month 1–12; days and months may overflow, as Date.UTC allows). */
export function localInstant(year: number, month: number, day: number, hour: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day, hour)
  let ts = guess - zoneOffsetMs(guess, timeZone)
  // A second pass settles instants next to an offset change.
  ts = guess - zoneOffsetMs(ts, timeZone)
  return ts
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

/** `YYYY-MM-DD` of an instant in the zone. */
export function dayKey(ts: number, timeZone: string): string {
  const p = localParts(ts, timeZone)
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`
}

/** `YYYY-MM` of an instant in the zone. */
export function monthKey(ts: number, timeZone: string): string {
  return dayKey(ts, timeZone).slice(0, 7)
}

/** `{year, month, day}` of a valid `YYYY-MM-DD`, else null (2025-02-30 is not a day). */
export function parseDayKey(key: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key)
  if (!m) return null
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const d = new Date(Date.UTC(year, month - 1, day))
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null
  return { year, month, day }
}

/** `{year, month}` of a valid `YYYY-MM`, else null. */
export function parseMonthKey(key: string): { year: number; month: number } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(key)
  if (!m) return null
  const [year, month] = [Number(m[1]), Number(m[2])]
  return month >= 1 && month <= 12 ? { year, month } : null
}

/** The day `n` days after (before, if negative) a `YYYY-MM-DD`. */
export function shiftDay(key: string, n: number): string {
  const p = parseDayKey(key)
  if (!p) return key
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + n))
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}

/** Local midnight starting a `YYYY-MM-DD`, or NaN for an invalid key. */
export function dayStart(key: string, timeZone: string): number {
  const p = parseDayKey(key)
  return p ? localInstant(p.year, p.month, p.day, 0, timeZone) : NaN
}

/** `[from, to)` of one local day. */
export function dayRange(key: string, timeZone: string): { from: number; to: number } {
  return { from: dayStart(key, timeZone), to: dayStart(shiftDay(key, 1), timeZone) }
}

/** `[from, to)` of one local month `YYYY-MM`. */
export function monthRange(key: string, timeZone: string): { from: number; to: number } {
  const p = parseMonthKey(key)
  if (!p) return { from: NaN, to: NaN }
  return { from: localInstant(p.year, p.month, 1, 0, timeZone), to: localInstant(p.year, p.month + 1, 1, 0, timeZone) }
}

/** Whole local days from `first` to `last`, both included: `[first 00:00, day after last 00:00)`. */
export function daysRange(first: string, last: string, timeZone: string): { from: number; to: number } {
  return { from: dayStart(first, timeZone), to: dayStart(shiftDay(last, 1), timeZone) }
}

/** Number of local days in `[from, to)` of whole days (a day is 24 h in zones without DST). */
export function daysBetween(first: string, last: string): number {
  const a = parseDayKey(first)
  const b = parseDayKey(last)
  if (!a || !b) return NaN
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS) + 1
}
