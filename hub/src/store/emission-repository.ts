/**
 * The emission repository: InfluxDB 1.x queries for CEMS data (measurement `emission`, one float field per metric,
 * HJ 212 flags as string fields `<metric>_flag` — CONTRACT.md). Validity is computed inside
 * InfluxDB without fetching every sample: per metric and minute, the sum and count of all
 * samples and of the flagged ones (`<metric>_flag` one of F M S D C T B; a sample without a
 * flag is not matched, so it counts as N); valid = all − flagged (validity.ts); and of the
 * samples flagged T (over range) and the flagged ones' most frequent flag (emissions/minutes.ts).
 * `emissionRepository` is the emissions room's `EmissionStore` over InfluxDB.
 */
import { escape, type InfluxDB } from 'influx'
import type { EmissionStore, RollupHour } from '../emissions/emission-store.js'
import { EMISSION_METRICS, type EmissionMetric, type MinuteAgg, type MinuteMetric, type SumCount } from '../emissions/minutes.js'
import type { DataFlag } from '../model/vocabulary.js'
import { rawResults, rowsOf } from './influxql.js'

/** The emissions room's store over InfluxDB. */
export function emissionRepository(influx: InfluxDB, db: string): EmissionStore {
  return {
    minutes: (device, from, to) => minuteAggregates(influx, db, device, from, to),
    rollupHours: (device, from, to) => rollupHours(influx, db, device, from, to),
  }
}

/**
 * A sample flagged anything but N. A regex, not `!= 'N'`: where a shard holds no flag field
 * at all, InfluxDB 1.x reads the name as a tag whose value is '' — and '' != 'N' would match
 * every sample. '' does not match the regex. (HJ 212-2017 flags: N F M S D C T B.)
 */
export function flaggedCondition(metric: string): string {
  return `${escape.quoted(`${metric}_flag`)} =~ /^[FMSDCTB]$/`
}

const q = (s: string): string => escape.quoted(s)
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)

const FLAGS = new Set<string>(['F', 'M', 'S', 'D', 'C', 'T', 'B'])

/**
 * Per minute and metric of one stack over [from, to): the valid samples (all − flagged), the
 * over-range ones (T) and the flagged ones' most frequent flag with their count — the reason
 * a minute without a valid sample is not valid (minutes.ts).
 */
export async function minuteAggregates(influx: InfluxDB, db: string, device: string, from: number, to: number): Promise<MinuteAgg[]> {
  const where = `${q('device')} = ${escape.stringLit(device)} AND time >= ${from}ms AND time < ${to}ms`
  const PER = 3
  const statements = EMISSION_METRICS.flatMap((m) => [
    `SELECT sum(${q(m)}) AS s, count(${q(m)}) AS n FROM ${q('emission')} WHERE ${where} GROUP BY time(1m) fill(none)`,
    `SELECT sum(${q(m)}) AS s, count(${q(m)}) AS n, mode(${q(`${m}_flag`)}) AS f FROM ${q('emission')} WHERE ${where} AND ${flaggedCondition(m)} GROUP BY time(1m) fill(none)`,
    `SELECT sum(${q(m)}) AS s, count(${q(m)}) AS n FROM ${q('emission')} WHERE ${where} AND ${q(`${m}_flag`)} = 'T' GROUP BY time(1m) fill(none)`,
  ])
  const results = await rawResults(influx, db, statements)
  const minutes = new Map<number, MinuteAgg>()
  EMISSION_METRICS.forEach((m, i) => {
    const all = new Map<number, MinuteMetric>()
    for (const s of results[PER * i] ?? []) for (const r of rowsOf(s)) all.set(num(r.time), { sum: num(r.s), n: num(r.n) })
    for (const s of results[PER * i + 1] ?? []) {
      for (const r of rowsOf(s)) {
        const a = all.get(num(r.time))
        if (!a) continue
        a.sum -= num(r.s)
        a.n -= num(r.n)
        if (typeof r.f === 'string' && FLAGS.has(r.f) && num(r.n) > 0) a.flagged = { [r.f as DataFlag]: num(r.n) }
      }
    }
    for (const s of results[PER * i + 2] ?? []) {
      for (const r of rowsOf(s)) {
        const a = all.get(num(r.time))
        if (a && num(r.n) > 0) a.t = { sum: num(r.s), n: num(r.n) }
      }
    }
    for (const [start, sc] of all) {
      if (sc.n <= 0 && !sc.flagged) continue
      let agg = minutes.get(start)
      if (!agg) minutes.set(start, (agg = { start, metrics: {} }))
      agg.metrics[m] = sc
    }
  })
  return [...minutes.values()].sort((a, b) => a.start - b.start)
}

/** The hourly rollup (emission-rollups.ts) of one stack over [from, to). */
export async function rollupHours(influx: InfluxDB, db: string, device: string, from: number, to: number): Promise<RollupHour[]> {
  const fields = EMISSION_METRICS.flatMap((m) => [`${m}_sum`, `${m}_n`, `${m}_bad_sum`, `${m}_bad_n`].map(q)).join(', ')
  const [series = []] = await rawResults(influx, db, [
    `SELECT ${fields} FROM ${q('rollup_1h')}.${q('emission_1h')} WHERE ${q('device')} = ${escape.stringLit(device)} AND time >= ${from}ms AND time < ${to}ms`,
  ])
  const out: RollupHour[] = []
  for (const s of series) {
    for (const r of rowsOf(s)) {
      const metrics: Partial<Record<EmissionMetric, SumCount>> = {}
      for (const m of EMISSION_METRICS) {
        const n = num(r[`${m}_n`]) - num(r[`${m}_bad_n`])
        if (n > 0) metrics[m] = { sum: num(r[`${m}_sum`]) - num(r[`${m}_bad_sum`]), n }
      }
      out.push({ start: num(r.time), metrics })
    }
  }
  return out.sort((a, b) => a.start - b.start)
}
