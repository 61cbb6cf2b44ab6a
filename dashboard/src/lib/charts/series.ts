/**
 * Pure data shaping for the uPlot charts: uPlot's aligned columns from `[ts, value]` points,
 * the y range that keeps reference lines in view, isolated points to mark. No DOM.
 */
import { niceTicks } from '../chart.js'

export type Column = (number | null)[]

/**
 * x and y columns for a time range. `from` and `to` join the x column (with no value) when the
 * points do not reach them, so the chart spans the whole range asked for and a double click
 * zooms back out to it, not to the first and last reading. A null value is a gap, drawn as one.
 */
export function framedColumns(points: readonly (readonly [number, number | null])[], from: number, to: number): [number[], Column] {
  const xs: number[] = []
  const ys: Column = []
  if (!(points.length > 0 && points[0]![0] <= from)) {
    xs.push(from)
    ys.push(null)
  }
  let last = -Infinity
  for (const [t, v] of points) {
    // uPlot wants x ascending: a point at or before the last one (a live value racing the fetch) is dropped.
    if (!(t > last)) continue
    last = t
    xs.push(t)
    ys.push(v === null || !Number.isFinite(v) ? null : v)
  }
  if (!(last >= to)) {
    xs.push(to)
    ys.push(null)
  }
  return [xs, ys]
}

/** Indices of values with no neighbour: a line cannot show them, so they are drawn as dots. */
export function isolatedIndices(ys: readonly (number | null | undefined)[], i0 = 0, i1 = ys.length - 1): number[] {
  const out: number[] = []
  for (let i = Math.max(0, i0); i <= Math.min(i1, ys.length - 1); i++) {
    if (ys[i] === null || ys[i] === undefined) continue
    const prev = i > 0 ? ys[i - 1] : null
    const next = i < ys.length - 1 ? ys[i + 1] : null
    if ((prev === null || prev === undefined) && (next === null || next === undefined)) out.push(i)
  }
  return out
}

/**
 * The y range for values from `min` to `max` (null: none shown) with `keep` in view (the nearest
 * set point on each side, a limit): rounded out to nice ticks; zero joins the range when the
 * values sit near it (gas concentrations), not when they sit far above it (oxygen at 20.9 %VOL).
 * `fromZero` for bars, which always start at zero.
 */
export function valueRange(min: number | null, max: number | null, keep: readonly number[] = [], fromZero = false): [number, number] {
  let lo = min ?? Infinity
  let hi = max ?? -Infinity
  for (const v of keep) {
    if (!Number.isFinite(v)) continue
    lo = Math.min(lo, v)
    hi = Math.max(hi, v)
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1]
  if (fromZero || (lo >= 0 && lo <= hi * 0.25)) lo = Math.min(0, lo)
  const ticks = niceTicks(lo, hi, 4)
  return [ticks[0] ?? lo, ticks[ticks.length - 1] ?? hi]
}
