/**
 * Alarm-performance arithmetic (ISA-18.2 / EEMUA 191, DOMAIN.md): alarms per operator per
 * 10 minutes, ≈1 very likely acceptable, ≈2 the most that is manageable, > 10 a flood.
 */
export type LoadBand = 'acceptable' | 'manageable' | 'demanding' | 'overloaded'

export const BAND_LIMITS = { acceptable: 1, manageable: 2, flood: 10 } as const

export function loadBand(per10Min: number): LoadBand {
  if (per10Min <= BAND_LIMITS.acceptable) return 'acceptable'
  if (per10Min <= BAND_LIMITS.manageable) return 'manageable'
  if (per10Min <= BAND_LIMITS.flood) return 'demanding'
  return 'overloaded'
}

/** Counts of timestamps per bucket in [from, to); buckets start at `from`. */
export function bucketCounts(timestamps: Iterable<number>, from: number, to: number, bucketMs: number): number[] {
  const n = Math.max(0, Math.ceil((to - from) / bucketMs))
  const out = new Array<number>(n).fill(0)
  for (const ts of timestamps) {
    if (ts < from || ts >= to) continue
    const i = Math.floor((ts - from) / bucketMs)
    if (i >= 0 && i < n) out[i]!++
  }
  return out
}

export const KPI_WINDOWS = ['24h', '7d', '30d'] as const
export type KpiWindow = (typeof KPI_WINDOWS)[number]

const WINDOW_MS: Readonly<Record<KpiWindow, number>> = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 }

/** Window length and a bucket size giving 24–30 bars. */
export function windowSpec(w: KpiWindow): { ms: number; bucketMs: number } {
  const ms = WINDOW_MS[w]
  return { ms, bucketMs: w === '24h' ? 3_600_000 : w === '7d' ? 6 * 3_600_000 : 86_400_000 }
}

/**
 * A window of `ms` ending with the bucket that holds `now`, its buckets starting on round
 * local times (hours, days) in a zone `tzOffsetMs` ahead of UTC (UTC+8 for Asia/Shanghai).
 */
export function alignedWindow(now: number, ms: number, bucketMs: number, tzOffsetMs = 8 * 3_600_000): { from: number; to: number } {
  const to = Math.floor((now + tzOffsetMs) / bucketMs) * bucketMs - tzOffsetMs + bucketMs
  return { from: to - ms, to }
}

type Counts = { 1: number; 2: number; 3: number; 4: number }
type AlarmRef = { id?: string; device?: string; type?: string; level?: number; raisedAt?: number; count?: number }

/** Alarm KPIs as the page shows them, whichever of the hub's answer shapes arrived. */
export interface KpiView {
  average: number
  peak: number
  /** The hub's verdict when it gives one, else the band of the average. */
  rating: string
  /** Share of time in flood, 0–1. */
  floodShare: number
  byLevel: Counts | undefined
  annunciations: number | undefined
  standing: { count: number; ids: string[]; items: AlarmRef[] }
  chattering: { count: number; ids: string[]; items: AlarmRef[] }
  top: { key: string; device: string; type: string; count: number }[]
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {})

function refs(v: unknown): { count: number; ids: string[]; items: AlarmRef[] } {
  if (Array.isArray(v)) return { count: v.length, ids: [], items: v.map((x) => obj(x) as AlarmRef) }
  const o = obj(v)
  const ids = Array.isArray(o.alarms) ? o.alarms.filter((x): x is string => typeof x === 'string') : []
  return { count: typeof o.count === 'number' ? o.count : ids.length, ids, items: [] }
}

/**
 * Accepts the hub's `{ratePer10Min, flood, byLevel, standing: {count, alarms}, top}` and the
 * simpler `{alarmsPer10Min, floodShare, standing: [...], top10}`.
 */
export function normaliseKpi(raw: unknown): KpiView {
  const r = obj(raw)
  const rate = obj(r.ratePer10Min ?? r.alarmsPer10Min)
  const average = num(rate.average)
  const topRaw = Array.isArray(r.top) ? r.top : Array.isArray(r.top10) ? r.top10 : []
  const by = obj(r.byLevel)
  return {
    average,
    peak: num(rate.peak),
    rating: typeof rate.rating === 'string' ? rate.rating : loadBand(average),
    floodShare: typeof r.floodShare === 'number' ? r.floodShare : num(obj(r.flood).share),
    byLevel: r.byLevel === undefined ? undefined : { 1: num(by[1]), 2: num(by[2]), 3: num(by[3]), 4: num(by[4]) },
    annunciations: typeof r.annunciations === 'number' ? r.annunciations : undefined,
    standing: refs(r.standing),
    chattering: refs(r.chattering),
    top: topRaw.map((x, i) => {
      const o = obj(x)
      const device = typeof o.device === 'string' ? o.device : ''
      const type = typeof o.type === 'string' ? o.type : ''
      return { key: typeof o.key === 'string' ? o.key : `${device}|${type}|${i}`, device, type, count: num(o.count) }
    }),
  }
}
