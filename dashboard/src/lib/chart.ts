/** Pure helpers for the small SVG charts: scales, ticks, line paths, time ranges. */

export type SeriesPoint = readonly [number, number | null]

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps to the middle. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0
  if (span === 0 || !Number.isFinite(span)) return () => (r0 + r1) / 2
  const k = (r1 - r0) / span
  return (v) => r0 + (v - d0) * k
}

/** "Nice" round tick values covering [min, max]: steps of 1, 2 or 5 × 10^n. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return []
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1
    min -= pad
    max += pad
  }
  if (min > max) [min, max] = [max, min]
  const raw = (max - min) / Math.max(1, count)
  const mag = 10 ** Math.floor(Math.log10(raw))
  const norm = raw / mag
  // Round to the nearest of 1, 2, 5, 10 on a log scale (as d3 does), so the count stays close to the request.
  const step = (norm >= Math.SQRT2 * 5 ? 10 : norm >= Math.sqrt(10) ? 5 : norm >= Math.SQRT2 ? 2 : 1) * mag
  const first = Math.floor(min / step) * step
  const ticks: number[] = []
  for (let v = first; v <= max + step * 1e-9; v += step) ticks.push(Math.round(v / step) * step)
  if (ticks[ticks.length - 1]! < max - step * 1e-9) ticks.push(ticks[ticks.length - 1]! + step)
  return ticks.map((v) => Number(v.toPrecision(12)))
}

/** Extent of the finite values plus any extra values (e.g. set points) to keep in view. */
export function valueExtent(points: readonly SeriesPoint[], extra: readonly number[] = []): [number, number] | null {
  let lo = Infinity
  let hi = -Infinity
  for (const [, v] of points) {
    if (v === null || !Number.isFinite(v)) continue
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  for (const v of extra) {
    if (!Number.isFinite(v)) continue
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  return lo === Infinity ? null : [lo, hi]
}

/** SVG path of a series; a `null` value (no data) breaks the line rather than drawing zero. */
export function linePath(points: readonly SeriesPoint[], x: (t: number) => number, y: (v: number) => number): string {
  let d = ''
  let pen = false
  for (const [t, v] of points) {
    if (v === null || !Number.isFinite(v)) {
      pen = false
      continue
    }
    d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`
    pen = true
  }
  return d
}

/** Isolated points (a value with no neighbour), drawn as dots since a path would not show them. */
export function isolatedPoints(points: readonly SeriesPoint[]): SeriesPoint[] {
  const out: SeriesPoint[] = []
  for (let i = 0; i < points.length; i++) {
    const v = points[i]![1]
    if (v === null) continue
    const prev = i > 0 ? points[i - 1]![1] : null
    const next = i < points.length - 1 ? points[i + 1]![1] : null
    if (prev === null && next === null) out.push(points[i]!)
  }
  return out
}

export const RANGES = ['1h', '6h', '24h', '7d'] as const
export type TimeRange = (typeof RANGES)[number]

const RANGE_SPEC: Readonly<Record<TimeRange, { ms: number; every: string }>> = {
  '1h': { ms: 3_600_000, every: '15s' },
  '6h': { ms: 6 * 3_600_000, every: '1m' },
  '24h': { ms: 24 * 3_600_000, every: '5m' },
  '7d': { ms: 7 * 24 * 3_600_000, every: '30m' },
}

/** Query for the series API: about 240–360 points whatever the range. */
export function rangeQuery(range: TimeRange, now: number): { from: number; to: number; every: string } {
  const spec = RANGE_SPEC[range]
  return { from: now - spec.ms, to: now, every: spec.every }
}

export function rangeMs(range: TimeRange): number {
  return RANGE_SPEC[range].ms
}

/** Evenly spaced time ticks for an axis. */
export function timeTicks(from: number, to: number, count = 6, tzOffsetMs = 8 * 3_600_000): number[] {
  if (!(to > from)) return []
  const steps = [60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000]
  const want = (to - from) / count
  const step = steps.find((s) => s >= want) ?? 86_400_000
  const out: number[] = []
  // Align on the step in the zone's offset (UTC+8 for Asia/Shanghai) so ticks fall on round local hours.
  const offset = tzOffsetMs
  for (let t = Math.ceil((from + offset) / step) * step - offset; t <= to; t += step) out.push(t)
  return out
}

/** A set point drawn on a trend: a dashed line in its level's colour. */
export interface SetpointLine {
  value: number
  level: 1 | 2 | 3 | 4
  dir: 'high' | 'low'
}

/**
 * Nice y ticks for a value extent. Zero joins the axis when the data sit near it (gas
 * concentrations), not when they sit far above it (oxygen at 20.9 %VOL).
 */
export function yTicksFor(extent: readonly [number, number] | null, count = 4): number[] {
  if (extent === null) return []
  let [lo, hi] = extent
  if (lo >= 0 && lo <= hi * 0.25) lo = 0
  return niceTicks(lo, hi, count)
}

/** Set-point lines from the hub's effective set points of one metric. */
export function setpointLines(sp: { high?: { value: number; level: number }[]; low?: { value: number; level: number }[] } | undefined): SetpointLine[] {
  if (sp === undefined) return []
  const lvl = (n: number): 1 | 2 | 3 | 4 => (n <= 1 ? 1 : n >= 4 ? 4 : (n as 2 | 3))
  return [
    ...(sp.high ?? []).map((s) => ({ value: s.value, level: lvl(s.level), dir: 'high' as const })),
    ...(sp.low ?? []).map((s) => ({ value: s.value, level: lvl(s.level), dir: 'low' as const })),
  ]
}
