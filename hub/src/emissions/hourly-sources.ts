/**
 * Two hourly values of one stack, kept side by side (issue 25): the data logger's own 2061
 * hourly data (logger-hours.ts) and the hub's HJ 75-2017 recomputation from the minutes
 * (hourly.ts). Which one counts — is reported as the hour's value and judged against the
 * limit — is the stack's `hourlyAuthority` (`logger` by default: it is the record the logger
 * keeps and sends to the environmental authority); the other is shown beside it. Pure.
 *
 * Per hour and metric:
 *
 *   from the logger  measured = -Avg; corrected = -ZsAvg, else -Avg corrected with the
 *                    logger's own O2 -Avg (HJ 75: C_ref = C × (21 − O2_ref) / (21 − O2));
 *                    valid = the hour's -Flag is N (no flag sent: N); exceeded = valid and
 *                    the compared value (corrected, else measured) above the limit
 *   the authority's  used where it has the metric for the hour; else the other source's
 *                    (`sources` says which, per metric)
 *
 * Differing hours. The two are computed from the same minute data (the logger's 2051 minutes
 * are the hub's minutes where it sent them, emission-service.ts), so they differ only by
 * rounding — HJ 212-2017 sends concentrations with at most 3 decimals (表 B.1 data formats,
 * N.3), under 0.0005 a minute — unless something is wrong: minutes missing on one side, a
 * different validity rule (HJ 75-2017: an hour is valid with ≥ 45 valid minutes, minutes
 * flagged other than N do not count), a different O2 correction or reference O2, a unit or
 * basis set differently on the logger. A metric's hour differs when
 *
 *   |logger − hub| > max(1 % × max(|logger|, |hub|), 0.01)      (value)
 *
 * on the value compared with the limit (the hub's tolerance, far above rounding and far below
 * what HJ 75-2017 lets an analyser drift: its relative-accuracy criteria are 10–20 %), or when
 * one side calls the hour valid and the other not (validity), or when the logger sent hourly
 * data in the range but none for this hour or metric while the hub has a valid value, or the
 * reverse (hub_only, logger_only) — for the metrics the logger reports in the range at all. A
 * device without any logger hour in the range (MQTT) is compared with nothing. An hour that
 * ended less than 15 minutes before `now` is not yet `hub_only`: its 2061 may be on its way (the
 * wait of exceedance-monitor.ts).
 */
import type { HourValue, MetricHour } from './hourly.js'
import { EMISSION_METRICS, POLLUTANTS, type EmissionMetric, type StackInfo } from './minutes.js'
import type { HourlyAuthority, LoggerHour, LoggerMetricHour } from './logger-hours.js'
import { correctO2 } from './o2-correction.js'

export interface HourTolerance {
  /** Fraction of the larger value. */
  relative: number
  /** In the metric's unit (mg/m³, %, m³/h …). */
  absolute: number
}
export const DEFAULT_HOUR_TOLERANCE: HourTolerance = { relative: 0.01, absolute: 0.01 }

export type HourSource = 'logger' | 'hub'
export type DifferenceReason = 'value' | 'validity' | 'hub_only' | 'logger_only'

export interface HourDifference {
  metric: string
  reason: DifferenceReason
  /** The values compared with the limit (corrected, else measured); null where a side has none. */
  logger: number | null
  hub: number | null
}

export interface SourcedHour extends HourValue {
  /** Per metric: which source gave `metrics[m]`. */
  sources: Partial<Record<EmissionMetric, HourSource>>
  /** The other source's values beside them, per metric (null where it has none). */
  alternate: Partial<Record<EmissionMetric, MetricHour>>
  /** Metrics whose two values differ beyond the tolerance; empty when they agree or there is nothing to compare. */
  differs: HourDifference[]
}

const r3 = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 1000) / 1000)
const compared = (h: MetricHour | undefined): number | null => (h ? (h.corrected ?? h.measured) : null)

/** A metric's hour from the logger's 2061 figures, judged like the hub's (valid → compared with the limit). */
export function loggerMetricHour(stack: StackInfo, metric: EmissionMetric, l: LoggerMetricHour | undefined, o2: LoggerMetricHour | undefined): MetricHour | undefined {
  if (!l || (l.avg === undefined && l.zsAvg === undefined)) return undefined
  const correctable = POLLUTANTS.includes(metric) && stack.referenceO2 !== undefined
  const measured = r3(l.avg)
  let corrected: number | null = null
  if (correctable) corrected = l.zsAvg !== undefined ? r3(l.zsAvg) : measured !== null && o2?.avg !== undefined ? r3(correctO2(measured, o2.avg, stack.referenceO2!)) : null
  const valid = (l.flag === undefined || l.flag === 'N') && (correctable ? corrected !== null : measured !== null)
  const limit = stack.limits[metric] ?? null
  const value = correctable ? corrected : measured
  const exceeded = valid && limit !== null && value !== null && value > limit
  return {
    measured, corrected, validMinutes: null, valid, limit, exceeded, exceededBy: exceeded ? 'mean' : null,
    overRangeMinutes: l.flag === 'T' ? 60 : null, lowerBound: null, minutes: null,
  }
}

/** How long after an hour's end its 2061 is still awaited (as exceedance-monitor.ts waits). */
export const LOGGER_HOUR_AWAIT_MS = 15 * 60_000
/** Whether the logger's 2061 of the hour starting at `start` may still be on its way at `now`. */
export const awaited = (start: number, now: number): boolean => start + 3_600_000 + LOGGER_HOUR_AWAIT_MS > now

function differs(a: number, b: number, tol: HourTolerance): boolean {
  return Math.abs(a - b) > Math.max(tol.relative * Math.max(Math.abs(a), Math.abs(b)), tol.absolute)
}

/** The difference between the logger's and the hub's hour of one metric, or undefined when they agree. */
export function compareMetricHour(metric: string, logger: MetricHour | undefined, hub: MetricHour | undefined, loggerHasHour: boolean, tol: HourTolerance): HourDifference | undefined {
  const lv = compared(logger)
  const hv = compared(hub)
  if (lv !== null && hv !== null) {
    if (logger!.valid !== hub!.valid) return { metric, reason: 'validity', logger: lv, hub: hv }
    return differs(lv, hv, tol) ? { metric, reason: 'value', logger: lv, hub: hv } : undefined
  }
  if (lv === null && hv !== null && hub!.valid) return { metric, reason: 'hub_only', logger: null, hub: hv }
  if (hv === null && lv !== null && logger!.valid && loggerHasHour) return { metric, reason: 'logger_only', logger: lv, hub: null }
  return undefined
}

/**
 * The hours of one stack with both sources: the hub's `hubHours` (hourly.ts, one per hour
 * start) and the logger's rows; `authority` says which counts.
 */
export function sourcedHours(stack: StackInfo, hubHours: readonly HourValue[], loggerHours: readonly LoggerHour[], authority: HourlyAuthority, tol: HourTolerance = DEFAULT_HOUR_TOLERANCE, now = Infinity): SourcedHour[] {
  const byStart = new Map(loggerHours.map((h) => [h.start, h]))
  // Metrics the logger reports at all in the range: a metric it never sends (e.g. no moisture average) is not a difference.
  const reported = new Set(loggerHours.flatMap((h) => Object.keys(h.metrics)))
  return hubHours.map((hub) => {
    const row = byStart.get(hub.start)
    const metrics = {} as Record<EmissionMetric, MetricHour>
    const sources: SourcedHour['sources'] = {}
    const alternate: SourcedHour['alternate'] = {}
    const diffs: HourDifference[] = []
    for (const m of EMISSION_METRICS) {
      const h = hub.metrics[m]
      const l = loggerMetricHour(stack, m, row?.metrics[m], row?.metrics.o2)
      const useLogger = l !== undefined && (authority === 'logger' || compared(h) === null)
      metrics[m] = useLogger ? l : h
      sources[m] = useLogger ? 'logger' : 'hub'
      const other = useLogger ? h : l
      if (other) alternate[m] = other
      // Flue-gas conditions (o2, flow, temp, humidity) are compared too: a different O2 is a different correction.
      const d = reported.has(m) ? compareMetricHour(m, l, h, row !== undefined, tol) : undefined
      if (d?.reason === 'hub_only' && awaited(hub.start, now)) continue
      if (d) diffs.push(d)
    }
    return { start: hub.start, metrics, sources, alternate, differs: diffs }
  })
}
