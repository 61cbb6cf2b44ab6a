/**
 * Hourly values of a wastewater outlet for the API (wastewater.ts judges them live): per local
 * hour and metric, the mean of the valid samples (flag N) — the hub's — and, where the outlet's
 * HJ 212 logger sent its 2061 hourly data, the logger's `-Avg`; which counts is the outlet's
 * hourly authority (logger-hours.ts), the other beside it, and hours where they differ flagged
 * with the stacks' tolerance (hourly-sources.ts). Pollutants against the permit's limits, pH
 * against its range; flow has no limit.
 *
 * The range's mean per metric (`mean`; a day's is the daily mean): flow-weighted over the hours
 * with a value and a flow, Σ(Cᵢ × Qᵢ) / ΣQᵢ — the day's discharged mass over the day's water, as
 * HJ 356-2019 computes a daily concentration (check) — else the plain mean of the hours; pH
 * and flow as plain means.
 */
import type { LocalCalendar } from '../energy/calendar.js'
import { awaited, compareMetricHour, DEFAULT_HOUR_TOLERANCE, type HourDifference, type HourSource, type HourTolerance } from './hourly-sources.js'
import type { MetricHour } from './hourly.js'
import type { LoggerAggregateStore, LoggerHour } from './logger-hours.js'
import { WASTEWATER_POLLUTANTS, type OutletInfo } from './wastewater.js'

export interface OutletHourAgg {
  start: number
  /** Valid samples per metric: their sum and count. */
  metrics: Record<string, { sum: number; n: number }>
}

export interface OutletStore {
  /** Valid samples per local hour and metric of one outlet over [from, to); `offsetMinutes`: the zone's UTC offset. */
  outletHours(device: string, metrics: readonly string[], from: number, to: number, offsetMinutes: number): Promise<OutletHourAgg[]>
}

export interface OutletMetricHour {
  value: number | null
  valid: boolean
  limit: number | null
  exceeded: boolean
}

export interface OutletHour {
  start: number
  label: string
  metrics: Record<string, OutletMetricHour>
  sources: Record<string, HourSource>
  alternate: Record<string, OutletMetricHour>
  differs: HourDifference[]
}

export interface OutletRangeMean {
  value: number | null
  /** Weighted by the hours' flow (`flow_w`). */
  flowWeighted: boolean
  /** Hours with a value. */
  hours: number
  limit: number | null
  exceeded: boolean
}

export interface OutletHourlyReport {
  device: string
  park: string
  enterprise: string
  limits: Record<string, number>
  phRange: [number, number]
  from: number
  to: number
  timezone: string
  hourlyAuthority: HourSource
  tolerance: HourTolerance
  loggerHours: number
  differingHours: number
  hours: OutletHour[]
  mean: Record<string, OutletRangeMean>
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000

function judged(outlet: OutletInfo, metric: string, value: number | null): OutletMetricHour {
  const pollutant = (WASTEWATER_POLLUTANTS as readonly string[]).includes(metric)
  const limit = pollutant ? (outlet.limits[metric] ?? null) : metric === 'ph' ? outlet.phRange[1] : null
  const exceeded = value !== null && (metric === 'ph' ? value < outlet.phRange[0] || value > outlet.phRange[1] : limit !== null && value > limit)
  return { value, valid: value !== null, limit, exceeded }
}

/** As the stacks' comparison reads an hour: the value compared is `measured`. */
const asMetricHour = (h: OutletMetricHour | undefined): MetricHour | undefined =>
  h && { measured: h.value, corrected: null, validMinutes: null, valid: h.valid, limit: h.limit, exceeded: h.exceeded, exceededBy: null, overRangeMinutes: null, lowerBound: null, minutes: null }

/** An outlet's hours from the hub's valid samples and the logger's 2061 rows. Pure. */
export function outletHours(outlet: OutletInfo, starts: readonly number[], label: (start: number) => string, hub: readonly OutletHourAgg[], logger: readonly LoggerHour[], tol: HourTolerance = DEFAULT_HOUR_TOLERANCE, now = Infinity): OutletHour[] {
  const hubBy = new Map(hub.map((h) => [h.start, h]))
  const loggerBy = new Map(logger.map((h) => [h.start, h]))
  const reported = new Set(logger.flatMap((h) => Object.keys(h.metrics)))
  return starts.map((start) => {
    const row = loggerBy.get(start)
    const out: OutletHour = { start, label: label(start), metrics: {}, sources: {}, alternate: {}, differs: [] }
    for (const m of outlet.metrics) {
      const s = hubBy.get(start)?.metrics[m]
      const h = judged(outlet, m, s && s.n > 0 ? r3(s.sum / s.n) : null)
      const l = row?.metrics[m]?.avg
      const lh = l === undefined ? undefined : { ...judged(outlet, m, r3(l)), valid: row!.metrics[m]!.flag === undefined || row!.metrics[m]!.flag === 'N' }
      const useLogger = lh !== undefined && (outlet.hourlyAuthority === 'logger' || h.value === null)
      out.metrics[m] = useLogger ? lh : h
      out.sources[m] = useLogger ? 'logger' : 'hub'
      const other = useLogger ? h : lh
      if (other) out.alternate[m] = other
      const d = reported.has(m) ? compareMetricHour(m, asMetricHour(lh), asMetricHour(h), row !== undefined, tol) : undefined
      if (d && !(d.reason === 'hub_only' && awaited(start, now))) out.differs.push(d)
    }
    return out
  })
}

/** The mean of each metric over the hours: flow-weighted for concentrations where the hours have a flow. Pure. */
export function outletMeans(outlet: OutletInfo, hours: readonly OutletHour[]): Record<string, OutletRangeMean> {
  const out: Record<string, OutletRangeMean> = {}
  for (const m of outlet.metrics) {
    const weighted = (WASTEWATER_POLLUTANTS as readonly string[]).includes(m)
    let sum = 0, n = 0, wsum = 0, w = 0, all = true
    for (const h of hours) {
      const v = h.metrics[m]?.value
      if (v === null || v === undefined || !h.metrics[m]!.valid) continue
      sum += v
      n++
      const q = h.metrics.flow_w?.value
      if (q === null || q === undefined) all = false
      else {
        wsum += v * q
        w += q
      }
    }
    const flowWeighted = weighted && n > 0 && all && w > 0
    const value = n === 0 ? null : r3(flowWeighted ? wsum / w : sum / n)
    const j = judged(outlet, m, value)
    out[m] = { value, flowWeighted, hours: n, limit: j.limit, exceeded: j.exceeded }
  }
  return out
}

export class OutletService {
  constructor(private readonly d: { cal: LocalCalendar; store: OutletStore; logger?: LoggerAggregateStore; tolerance?: HourTolerance }) {}

  async hourly(outlet: OutletInfo, from: number, to: number, now: number): Promise<OutletHourlyReport> {
    const cal = this.d.cal
    const starts: number[] = []
    for (let h = cal.startOf('hour', from); h < Math.min(to, now); h = cal.next('hour', h)) starts.push(h)
    const a = starts[0] ?? cal.startOf('hour', from)
    const b = starts.length ? cal.next('hour', starts[starts.length - 1]!) : a
    const offset = cal.fixedOffsetMinutes() ?? cal.offsetMs(a) / 60_000
    const [hub, logger] = await Promise.all([this.d.store.outletHours(outlet.id, outlet.metrics, a, b, offset), this.d.logger?.loggerHours(outlet.id, a, b) ?? []])
    const tol = this.d.tolerance ?? DEFAULT_HOUR_TOLERANCE
    const hours = outletHours(outlet, starts, (s) => cal.label('hour', s), hub, logger, tol, now)
    const limits: Record<string, number> = {}
    for (const [m, v] of Object.entries(outlet.limits)) if (v !== undefined) limits[m] = v
    return {
      device: outlet.id, park: outlet.park, enterprise: outlet.enterprise, limits, phRange: [outlet.phRange[0], outlet.phRange[1]],
      from: a, to: b, timezone: cal.timezone, hourlyAuthority: outlet.hourlyAuthority, tolerance: tol,
      loggerHours: logger.length, differingHours: hours.filter((h) => h.differs.length > 0).length, hours, mean: outletMeans(outlet, hours),
    }
  }
}
