/**
 * The data logger's own aggregates as the emissions room reads them: InfluxDB measurement
 * `emission_logger` (written by the HJ 212 listener, store/logger-points.ts), tags park,
 * enterprise, device, area, `interval` (minute | hour | day), fields `<m>_avg`, `<m>_min`,
 * `<m>_max`, `<m>_cou`, `<m>_zs` (the O2-corrected average, -ZsAvg) and `<m>_flag` (string),
 * the period's start (DataTime) as the time.
 *
 * - hourly rows (HJ 212-2017 2061) → `LoggerHour` (emissions/logger-hours.ts), compared with the
 *   hub's HJ 75 recomputation (emissions/hourly-sources.ts);
 * - minute rows (2051) → the hub's minute aggregates (emissions/minutes.ts): one sample per
 *   minute at the logger's minute mean, valid when its flag is N (or absent), otherwise counted
 *   under its flag (T also kept as over-range evidence) — so the hub recomputes the hour from
 *   the very minutes the logger averaged.
 */
import { escape, type InfluxDB } from 'influx'
import type { LoggerAggregateStore, LoggerMetricHour } from '../emissions/logger-hours.js'
import { isEmissionMetric, type MinuteAgg, type MinuteMetric } from '../emissions/minutes.js'
import { DATA_FLAGS, type DataFlag } from '../model/vocabulary.js'
import { rawResults, rowsOf } from './influxql.js'
import { LOGGER_MEASUREMENT } from './logger-points.js'

const FIELD = /^(.+)_(avg|min|max|cou|zs|flag)$/
const KEY: Readonly<Record<string, keyof LoggerMetricHour>> = { avg: 'avg', min: 'min', max: 'max', cou: 'cou', zs: 'zsAvg', flag: 'flag' }
const FLAG_SET: ReadonlySet<string> = new Set(DATA_FLAGS)
const q = (s: string): string => escape.quoted(s)

/** The emissions room's reader of the logger's aggregates over InfluxDB. */
export function loggerAggregateStore(influx: InfluxDB, db: string): LoggerAggregateStore {
  return {
    loggerHours: async (device, from, to) => (await rows(influx, db, device, 'hour', from, to)).map(([start, metrics]) => ({ start, metrics })),
    loggerMinutes: async (device, from, to) => (await rows(influx, db, device, 'minute', from, to)).map(([start, metrics]) => minuteOf(start, metrics)),
  }
}

/** One row's fields by metric: `so2_avg` → metrics.so2.avg; numbers as numbers, the flag as text. */
export function metricsOfRow(row: Record<string, unknown>): Record<string, LoggerMetricHour> {
  const out: Record<string, LoggerMetricHour> = {}
  for (const [name, v] of Object.entries(row)) {
    const m = FIELD.exec(name)
    if (!m || v === null || v === undefined) continue
    const key = KEY[m[2]!]!
    const metric = (out[m[1]!] ??= {})
    if (key === 'flag') {
      if (typeof v === 'string' && v !== '') metric.flag = v
    } else if (typeof v === 'number' && Number.isFinite(v)) {
      metric[key] = v
    }
  }
  return out
}

/** A logger minute as a minute aggregate: its mean as one sample, under its flag. */
export function minuteOf(start: number, metrics: Record<string, LoggerMetricHour>): MinuteAgg {
  const agg: MinuteAgg = { start, metrics: {} }
  for (const [m, l] of Object.entries(metrics)) {
    if (!isEmissionMetric(m) || l.avg === undefined) continue
    const flag = l.flag === undefined || !FLAG_SET.has(l.flag) ? 'N' : (l.flag as DataFlag)
    const mm: MinuteMetric = flag === 'N' ? { sum: l.avg, n: 1 } : { sum: 0, n: 0, flagged: { [flag]: 1 } }
    if (flag === 'T') mm.t = { sum: l.avg, n: 1 }
    agg.metrics[m] = mm
  }
  return agg
}

async function rows(influx: InfluxDB, db: string, device: string, interval: 'minute' | 'hour', from: number, to: number): Promise<[number, Record<string, LoggerMetricHour>][]> {
  const [series = []] = await rawResults(influx, db, [
    `SELECT * FROM ${q(LOGGER_MEASUREMENT)} WHERE ${q('device')} = ${escape.stringLit(device)} AND ${q('interval')} = ${escape.stringLit(interval)} AND time >= ${from}ms AND time < ${to}ms`,
  ])
  const out: [number, Record<string, LoggerMetricHour>][] = []
  for (const s of series) for (const r of rowsOf(s)) if (typeof r.time === 'number') out.push([r.time, metricsOfRow(r)])
  return out.sort((a, b) => a[0] - b[0])
}
