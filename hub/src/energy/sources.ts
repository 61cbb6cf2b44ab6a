/**
 * Which data answers a consumption query (docs/energy.md, "Rollups"): raw points for short
 * ranges and for the last week of long ones, the hourly or the daily rollup before that.
 * Every source gives the same thing, bucket summaries of each counter (first, last, min,
 * max, count), so usage is computed one way (counter.ts) whatever the source, and boundaries
 * between segments are handled like any other bucket boundary.
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

/**
 * Segments covering [from, to), oldest first. Raw points answer ranges up to `rawMaxMs`, and
 * within longer ones the last `rawMaxMs` before now (from a local midnight): readings that
 * arrive late, a backfill, show at once there, and the rollups are read only where their
 * continuous queries have long run. Older parts come from the hourly rollup, or from the daily
 * one for day and month answers over more than `hourlyMaxMs`. `from` is aligned to the
 * period asked for; hourly answers never use daily summaries.
 */
export function planSources(from: number, to: number, period: Period, now: number, cal: LocalCalendar, o: PlanOptions = PLAN_DEFAULTS): Segment[] {
  if (to <= from) return []
  if (to - from <= o.rawMaxMs) return [{ source: 'raw', bucket: 'hour', from, to }]
  const rawFrom = Math.max(from, cal.startOf('day', now - o.rawMaxMs))
  const older = Math.min(rawFrom, to)
  const out: Segment[] = []
  if (older > from) {
    const daily = period !== 'hour' && to - from > o.hourlyMaxMs && o.dailyRollup
    out.push(daily ? { source: 'rollup_1d', bucket: 'day', from, to: older } : { source: 'rollup_1h', bucket: 'hour', from, to: older })
  }
  if (to > older) out.push({ source: 'raw', bucket: 'hour', from: older, to })
  return out
}
