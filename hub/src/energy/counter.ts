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
 * Plausibility (meter-limits.ts): a meter counts at most its rated rate × the elapsed time.
 *
 *   forward step ≤ rate × elapsed       normal   as above
 *   forward step above it               implausible  usage 0, a gap with its reason; the new
 *                                                reading is the baseline (a glitch or a meter
 *                                                replaced by a used one), and the old baseline
 *                                                is held
 *   back to at or above a held baseline, resumed  the readings since it were wrong: the counter
 *   plausibly from it                            went on from the held baseline, so usage =
 *                                                (cur − held) − what was counted since the hold
 *   a reset reading above rate × elapsed drop    a new meter cannot have counted more than that
 *
 * A drop or reset also holds the old baseline, so a counter alternating between two bases
 * (2 283 920 → 1 641 063 → 2 283 931 kWh) counts 11 kWh, not 643 000.
 *
 * Usage of an interval (prev.ts, cur.ts] belongs to the bucket holding cur.ts. An interval
 * longer than `gapFactor` × the meter's interval is a gap: its usage is known (the counter
 * kept counting) but not when it happened, so it is flagged.
 *
 * The same rules work on bucket summaries (first, last, min, max, count per bucket) that
 * InfluxDB computes from raw points or keeps in the rollups: see `summaryUsage`.
 */
import { maxStep, withinLimit } from './meter-limits.js'

export type StepKind = 'normal' | 'jitter' | 'reset' | 'drop' | 'implausible' | 'resumed'

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

/** A baseline set aside by a backward or an implausible step, with what was counted since. */
export interface HeldBaseline extends CounterReading {
  usedSince: number
}

export interface CounterState {
  baseline: CounterReading
  held?: HeldBaseline | undefined
}

export interface Advance {
  usage: number
  kind: StepKind
  state: CounterState
  /** cur − baseline. */
  delta: number
  /** The most the meter could have counted since the baseline (rate × elapsed). */
  limit: number
}

/** Whether a forward or backward step was left out as implausible (a gap with a reason, never use). */
export const isImplausible = (k: StepKind): boolean => k === 'implausible' || k === 'resumed'

/**
 * One reading against the meter's state, with its rated rate per hour (∞: no plausibility
 * check, the plain `step`). See the table at the top.
 */
export function advance(state: CounterState, r: CounterReading, ratePerHour: number): Advance {
  const base = state.baseline
  const held = state.held
  const delta = r.value - base.value
  const limit = maxStep(ratePerHour, r.ts - base.ts)
  const hold = (usedSince: number): HeldBaseline => held ?? { ts: base.ts, value: base.value, usedSince }
  if (delta >= 0 && withinLimit(delta, limit)) {
    return { usage: delta, kind: 'normal', delta, limit, state: { baseline: r, held: held && { ...held, usedSince: held.usedSince + delta } } }
  }
  if (delta < 0 && -delta <= jitterTolerance(base.value)) return { usage: 0, kind: 'jitter', delta, limit, state }
  if (held && r.value >= held.value - jitterTolerance(held.value) && withinLimit(r.value - held.value, maxStep(ratePerHour, r.ts - held.ts))) {
    return { usage: Math.max(0, r.value - held.value - held.usedSince), kind: 'resumed', delta, limit, state: { baseline: r } }
  }
  if (delta > 0) return { usage: 0, kind: 'implausible', delta, limit, state: { baseline: r, held: hold(0) } }
  const s = step(base.value, r.value)
  if (s.kind === 'reset' && withinLimit(r.value, limit)) return { usage: r.value, kind: 'reset', delta, limit, state: { baseline: r, held: hold(r.value) } }
  return { usage: 0, kind: 'drop', delta, limit, state: { baseline: r, held: hold(0) } }
}

export interface Interval {
  from: number
  to: number
  usage: number
  kind: StepKind
  gap: boolean
  /** The step left out as implausible (forward above the rated rate, or back to a held baseline). */
  implausible: boolean
}

/** Intervals between consecutive readings (sorted by time; a repeated timestamp is skipped); `ratePerHour`: the meter's rated rate. */
export function counterIntervals(readings: readonly CounterReading[], intervalMs: number, gapFactor = DEFAULT_GAP_FACTOR, ratePerHour = Infinity): Interval[] {
  const sorted = [...readings].sort((a, b) => a.ts - b.ts)
  const out: Interval[] = []
  let prev: CounterReading | undefined
  let state: CounterState | undefined
  for (const r of sorted) {
    if (prev && r.ts === prev.ts) continue
    if (state && prev) {
      const a = advance(state, r, ratePerHour)
      out.push({ from: prev.ts, to: r.ts, usage: a.usage, kind: a.kind, gap: r.ts - prev.ts > gapFactor * intervalMs || isImplausible(a.kind), implausible: isImplausible(a.kind) })
      state = a.state
    } else state = { baseline: r }
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
  /** A step in or just before this bucket left out as implausible (above the rated rate). */
  implausible: boolean
  /** Part of this bucket's usage spans a stretch without readings… */
  gap: boolean
  /** …which began here (the end of the data before it). */
  gapFrom: number | undefined
}

/**
 * Usage per bucket from bucket summaries, sorted by start. Inside a bucket the readings run
 * first → … → last; a drop shows as min below first (beyond jitter): the old register rose to
 * max, the new one started at min (its lowest, as it only counts up) and rose to last. Between
 * buckets the step is previous last → this first, by `advance`. Equal to `counterIntervals`
 * summed per bucket whenever a bucket holds at most one drop and no step is implausible.
 *
 * Plausibility with `ratePerHour`: summaries do not say when first and last were read, so a
 * step is judged against the longest time it can have taken (from the start of the bucket
 * holding the earlier reading to the end of the one holding the later): what is left out is
 * certainly implausible. Inside a bucket, a drop followed by a rise above rate × the bucket's
 * length back to at or above `first` is the counter's own base coming back: the low readings
 * were wrong, and the use is last − first.
 *
 * `baseline`: the last reading before the first bucket (its usage to the first reading goes to
 * the first bucket); `gapMs`: a longer stretch from baseline or from the previous non-empty
 * bucket marks the bucket as a gap.
 */
export function summaryUsage(buckets: readonly SummaryBucket[], baseline: CounterReading | undefined, gapMs: number, ratePerHour = Infinity): BucketUsage[] {
  const out: BucketUsage[] = []
  // `ts` of prev: the earliest its reading can have been taken.
  let prev: CounterReading | undefined = baseline && { ...baseline }
  let prevEnd = baseline?.ts
  let held: HeldBaseline | undefined
  for (const b of [...buckets].sort((x, y) => x.start - y.start)) {
    const { first, last, min, max, n } = b.s
    if (n <= 0) continue
    let usage = 0
    let reset = false
    let drop = false
    let implausible = false
    let gapFrom: number | undefined
    if (prev !== undefined && prevEnd !== undefined) {
      const a = advance({ baseline: prev, held }, { ts: b.end, value: first }, ratePerHour)
      usage += a.usage
      held = a.state.held
      reset ||= a.kind === 'reset'
      drop ||= a.kind === 'drop'
      implausible ||= isImplausible(a.kind)
      if (b.start - prevEnd > gapMs) gapFrom = prevEnd
    }
    const inside = maxStep(ratePerHour, b.end - b.start)
    const tol = jitterTolerance(first)
    const backToHeld = (x: number): boolean => held !== undefined && x >= held.value - jitterTolerance(held.value) && withinLimit(last - held.value, maxStep(ratePerHour, b.end - held.ts))
    if (min < first - tol) {
      if (held && backToHeld(min)) {
        // Down from a wrong reading to the base held before it: the counter went on from there.
        implausible = true
        usage += Math.max(0, last - held.value - held.usedSince)
        held = undefined
      } else if (last >= first - tol && !withinLimit(last - min, inside)) {
        // Down and back up faster than the meter can count: the low readings were wrong.
        implausible = true
        if (withinLimit(last - first, inside)) usage += Math.max(0, last - first)
      } else {
        const r = min <= max * RESET_FRACTION
        const since = r ? last : last - min
        usage += max - first + since
        reset ||= r
        drop ||= !r
        held = held ? { ...held, usedSince: held.usedSince + since } : { ts: b.start, value: max, usedSince: since }
      }
    } else {
      const d = Math.max(0, last - first)
      if (withinLimit(d, inside)) {
        usage += d
        if (held) held = { ...held, usedSince: held.usedSince + d }
        // Up and back down inside the bucket higher than the meter can count: a wrong reading
        // (a spike), left out without changing the use, but said.
        if (max > last + jitterTolerance(last) && !withinLimit(max - first, inside)) implausible = true
      } else {
        implausible = true
        if (held && backToHeld(last)) {
          usage += Math.max(0, last - held.value - held.usedSince)
          held = undefined
        } else held ??= { ts: b.start, value: first, usedSince: 0 }
      }
    }
    out.push({ start: b.start, end: b.end, usage, reset, drop, implausible, gap: gapFrom !== undefined || implausible, gapFrom })
    prev = { ts: b.start, value: last }
    prevEnd = b.end
  }
  return out
}
