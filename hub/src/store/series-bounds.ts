/**
 * Points arithmetic for series queries: how many points a request would return (buckets ×
 * series), the `every` chosen for a range when the client gives none, and the refusal past the
 * cap. A request's cost is known before InfluxDB is asked, so no reply is ever built larger than
 * `HUB_MAX_POINTS_PER_RESPONSE` points (InfluxDB 1.x GROUP BY time() with fill(null) returns one
 * row per bucket even where no point was stored).
 */

/** HUB_MAX_POINTS_PER_RESPONSE's default. */
export const DEFAULT_MAX_POINTS = 20_000

/** The message of a refusal past the cap (400, code TOO_MANY_POINTS): the points asked, the cap, what would fit. */
export function tooManyPointsMessage(asked: string, points: number, cap: number, instead: string): string {
  return `${asked} asks for ${points} points, past the hub's cap of ${cap} points per response (HUB_MAX_POINTS_PER_RESPONSE); ${instead}`
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Durations the hub picks from, finest first, when it chooses `every` itself. */
const NICE_EVERY = ['1s', '5s', '10s', '30s', '1m', '5m', '10m', '15m', '30m', '1h', '2h', '6h', '12h', '1d', '7d', '30d', '90d', '365d'] as const

/** Milliseconds of an InfluxQL duration `<n><s|m|h|d>` (EVERY_PATTERN); undefined when malformed. */
export function everyMs(every: string): number | undefined {
  const m = /^([1-9][0-9]{0,5})(s|m|h|d)$/.exec(every)
  if (!m) return undefined
  return Number(m[1]) * UNIT_MS[m[2]!]!
}

/**
 * Buckets InfluxDB returns for `GROUP BY time(every)` over [from, to] (both ends inclusive, the
 * buckets aligned to the epoch as InfluxDB 1.x aligns them), times the number of series.
 */
export function pointsFor(from: number, to: number, stepMs: number, series = 1): number {
  if (to < from || stepMs <= 0) return 0
  const buckets = Math.floor(to / stepMs) - Math.floor(from / stepMs) + 1
  return buckets * Math.max(1, series)
}

/** The finest of the hub's durations whose buckets over the range fit the cap. */
export function chooseEvery(from: number, to: number, cap: number, series = 1): string {
  for (const e of NICE_EVERY) if (pointsFor(from, to, everyMs(e)!, series) <= cap) return e
  return '365d'
}

export type SeriesPlan =
  | { ok: true; every: string | undefined; rawLimit: number; chosen: boolean }
  | { ok: false; points: number; cap: number; suggested: string }

/**
 * What to ask InfluxDB for. With an `every` from the client: its buckets, or a refusal when they
 * pass the cap (the client insisted on that resolution; the reply names the points and the
 * cap, and the coarsest `every` that fits). Without one: raw points when one a second over the
 * range would fit the cap (capped by LIMIT all the same), else buckets of a chosen `every`.
 */
export function planSeries(q: { from: number; to: number; every: string | undefined; series?: number }, cap: number): SeriesPlan {
  const series = q.series ?? 1
  if (q.every !== undefined) {
    const step = everyMs(q.every)
    if (step === undefined) return { ok: false, points: Number.POSITIVE_INFINITY, cap, suggested: chooseEvery(q.from, q.to, cap, series) }
    const points = pointsFor(q.from, q.to, step, series)
    if (points > cap) return { ok: false, points, cap, suggested: chooseEvery(q.from, q.to, cap, series) }
    return { ok: true, every: q.every, rawLimit: cap, chosen: false }
  }
  if (pointsFor(q.from, q.to, 1000, series) <= cap) return { ok: true, every: undefined, rawLimit: cap, chosen: false }
  return { ok: true, every: chooseEvery(q.from, q.to, cap, series), rawLimit: cap, chosen: true }
}
