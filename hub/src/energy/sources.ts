/**
 * Which data answers a consumption query (docs/energy.md, "Rollups"): raw points for short
 * ranges, the hourly rollup for the complete hours of longer ones, the daily rollup for the
 * complete local days of long ones; the recent stretch the rollups do not hold yet always
 * comes from raw. Every source gives the same thing, bucket summaries of each counter
 * (first, last, min, max, count), so usage is computed one way (counter.ts) whatever the
 * source, and boundaries between segments are handled like any other bucket boundary.
 */
import type { LocalCalendar, Period } from './calendar.js'

export type Source = 'raw' | 'rollup_1h' | 'rollup_1d'

export interface Segment {
  source: Source
  /** Bucket size of the summaries asked for. */
  bucket: 'hour' | 'day'
  from: number
  to: number
}

export interface PlanOptions {
  /** Ranges up to this long are read from raw points. */
  rawMaxMs: number
  /** Ranges up to this long use hourly summaries; longer ones daily (for days and months). */
  hourlyMaxMs: number
  /** Whether the daily rollup follows local days (the zone has a fixed UTC offset). */
  dailyRollup: boolean
}

export const PLAN_DEFAULTS: PlanOptions = {
  rawMaxMs: 7 * 86_400_000,
  hourlyMaxMs: 92 * 86_400_000,
  dailyRollup: true,
}

const HOUR = 3_600_000

/** Hours before this are in the hourly rollup (its continuous query runs at the top of the hour). */
export function hourlyWatermark(now: number, cal: LocalCalendar): number {
  return cal.startOf('hour', now - 5 * 60_000)
}

/** Local days before this are in the daily rollup (rebuilt hourly from the hourly rollup). */
export function dailyWatermark(now: number, cal: LocalCalendar): number {
  return cal.startOf('day', now - HOUR - 5 * 60_000)
}

/**
 * Segments covering [from, to), oldest first. `period` is what the caller buckets into:
 * hourly answers never use daily summaries.
 */
export function planSources(from: number, to: number, period: Period, now: number, cal: LocalCalendar, o: PlanOptions = PLAN_DEFAULTS): Segment[] {
  if (to <= from) return []
  const span = to - from
  if (span <= o.rawMaxMs) return [{ source: 'raw', bucket: 'hour', from, to }]
  const out: Segment[] = []
  let cursor = from
  if (period !== 'hour' && span > o.hourlyMaxMs && o.dailyRollup) {
    const until = Math.min(to, dailyWatermark(now, cal))
    if (until > cursor) {
      out.push({ source: 'rollup_1d', bucket: 'day', from: cursor, to: until })
      cursor = until
    }
  }
  const hUntil = Math.min(to, hourlyWatermark(now, cal))
  if (hUntil > cursor) {
    out.push({ source: 'rollup_1h', bucket: 'hour', from: cursor, to: hUntil })
    cursor = hUntil
  }
  if (to > cursor) out.push({ source: 'raw', bucket: 'hour', from: cursor, to })
  return out
}
