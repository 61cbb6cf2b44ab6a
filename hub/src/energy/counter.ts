/**
 * Consumption from cumulative counters (kWh, m³, t): GB/T 2589-2020 counts what the meter
 * registered, i.e. the difference between readings, and never negative use.
 *
 * One step, from the meter's baseline `prev` to a new reading `cur`:
 *
 *   cur ≥ prev                          normal   usage = cur − prev; baseline cur
 *   prev − cur ≤ tolerance              jitter   usage 0; baseline stays prev (register rounding,
 *                                                float32 registers: a hair backwards is not a reset)
 *   cur ≤ prev × RESET_FRACTION         reset    usage = cur: the counter restarted from zero (reset,
 *                                                rollover or a new meter) and counted cur since;
 *                                                what the old register counted after its last
 *                                                reading is unknown and not counted
 *   otherwise (a smaller drop)          drop     usage 0; baseline cur: a meter swapped for one that
 *                                                does not start from zero, or a faulty register;
 *                                                counting cur from zero would invent use
 *
 * Usage of an interval (prev.ts, cur.ts] belongs to the bucket holding cur.ts. An interval
 * longer than `gapFactor` × the meter's interval is a gap: its usage is known (the counter
 * kept counting) but not when it happened, so it is flagged.
 *
 * The same rules work on bucket summaries (first, last, min, max, count per bucket) that
 * InfluxDB computes from raw points or keeps in the rollups: see `summaryUsage`.
 */
export type StepKind = 'normal' | 'jitter' | 'reset' | 'drop'

/** A drop to at most this share of the previous reading is a restart from zero. */
export const RESET_FRACTION = 0.5
/** Backward steps up to max(0.001, 1e-6 × reading) are register jitter. */
export const JITTER_ABSOLUTE = 0.001
export const JITTER_RELATIVE = 1e-6
export const DEFAULT_GAP_FACTOR = 3

export interface Step {
  usage: number
  kind: StepKind
  /** The meter's baseline after this step. */
  baseline: number
}

export const jitterTolerance = (prev: number): number => Math.max(JITTER_ABSOLUTE, JITTER_RELATIVE * Math.abs(prev))

export function step(prev: number, cur: number): Step {
  const d = cur - prev
  if (d >= 0) return { usage: d, kind: 'normal', baseline: cur }
  if (-d <= jitterTolerance(prev)) return { usage: 0, kind: 'jitter', baseline: prev }
  if (cur <= prev * RESET_FRACTION) return { usage: cur, kind: 'reset', baseline: cur }
  return { usage: 0, kind: 'drop', baseline: cur }
}

export interface CounterReading {
  ts: number
  value: number
}

export interface Interval {
  from: number
  to: number
  usage: number
  kind: StepKind
  gap: boolean
}

/** Intervals between consecutive readings (sorted by time; a repeated timestamp is skipped). */
export function counterIntervals(readings: readonly CounterReading[], intervalMs: number, gapFactor = DEFAULT_GAP_FACTOR): Interval[] {
  const sorted = [...readings].sort((a, b) => a.ts - b.ts)
  const out: Interval[] = []
  let prev: CounterReading | undefined
  let baseline = 0
  for (const r of sorted) {
    if (prev && r.ts === prev.ts) continue
    if (prev) {
      const s = step(baseline, r.value)
      out.push({ from: prev.ts, to: r.ts, usage: s.usage, kind: s.kind, gap: r.ts - prev.ts > gapFactor * intervalMs })
      baseline = s.baseline
    } else baseline = r.value
    prev = r
  }
  return out
}

/** Summary of one counter over one bucket, as InfluxDB gives it: first, last, min, max, count. */
export interface CounterSummary {
  first: number
  last: number
  min: number
  max: number
  n: number
}

export interface SummaryBucket {
  start: number
  end: number
  s: CounterSummary
}

export interface BucketUsage {
  start: number
  end: number
  usage: number
  /** A restart from zero (reset or new meter) in or just before this bucket. */
  reset: boolean
  /** A smaller drop (swapped meter not starting from zero, or a faulty register). */
  drop: boolean
  /** Part of this bucket's usage spans a stretch without readings… */
  gap: boolean
  /** …which began here (the end of the data before it). */
  gapFrom: number | undefined
}

/**
 * Usage per bucket from bucket summaries, sorted by start. Inside a bucket the readings run
 * first → … → last; a drop shows as min below first (beyond jitter): the old register rose to
 * max, the new one started at min (its lowest, as it only counts up) and rose to last. Between
 * buckets the step is previous last → this first, by `step`. Equal to `counterIntervals`
 * summed per bucket whenever a bucket holds at most one drop.
 *
 * `baseline`: the last reading before the first bucket (its usage to the first reading goes to
 * the first bucket); `gapMs`: a longer stretch from baseline or from the previous non-empty
 * bucket marks the bucket as a gap.
 */
export function summaryUsage(buckets: readonly SummaryBucket[], baseline: CounterReading | undefined, gapMs: number): BucketUsage[] {
  const out: BucketUsage[] = []
  let prevValue = baseline?.value
  let prevEnd = baseline?.ts
  for (const b of [...buckets].sort((x, y) => x.start - y.start)) {
    const { first, last, min, max, n } = b.s
    if (n <= 0) continue
    let usage = 0
    let reset = false
    let drop = false
    let gapFrom: number | undefined
    if (prevValue !== undefined && prevEnd !== undefined) {
      const s = step(prevValue, first)
      usage += s.usage
      reset ||= s.kind === 'reset'
      drop ||= s.kind === 'drop'
      if (b.start - prevEnd > gapMs) gapFrom = prevEnd
    }
    if (min < first - jitterTolerance(first)) {
      const r = min <= max * RESET_FRACTION
      usage += max - first + (r ? last : last - min)
      reset ||= r
      drop ||= !r
    } else usage += Math.max(0, last - first)
    out.push({ start: b.start, end: b.end, usage, reset, drop, gap: gapFrom !== undefined, gapFrom })
    prevValue = last
    prevEnd = b.end
  }
  return out
}
