/** Pure helpers for the charts (drawn with uPlot, charts/): nice ticks, the trend's time ranges and set-point lines. */

export type SeriesPoint = readonly [number, number | null]

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

/** A set point drawn on a trend: a dashed line in its level's colour. */
export interface SetpointLine {
  value: number
  level: 1 | 2 | 3 | 4
  dir: 'high' | 'low'
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
