/**
 * Rollups in InfluxDB (docs/energy.md, "Rollups"): retention policies and continuous queries,
 * created at start when missing and never altered once they exist (an operator's change
 * stays); plus the same SELECT … INTO run for one bucket again when readings arrive late.
 *
 *   rollup_1h  1830 d   energy_1h     per counter: first, last, min, max, count; kW mean, max
 *                       emission_1h   per metric: sum and count of all samples, and of the
 *                                     flagged ones (emission-rollups.ts)
 *   rollup_1d  INF      energy_1d     the same per local day, from energy_1h
 *
 * Why first/last/min/max/count for counters, and not `max − min`, `last − first` or
 * `non_negative_difference` + `sum`: max − min is wrong across a reset (it reports the old
 * register's reading as use); last − first loses the step between the last reading of one
 * bucket and the first of the next, and is negative across a reset; summing
 * `non_negative_difference` drops what a new meter counted before its first reading and,
 * computed inside one continuous-query window, loses the step across the window edge too.
 * With the summaries, the hub applies the same step rules to bucket boundaries as to raw
 * readings (energy/counter.ts `summaryUsage`), so every source gives the same usage.
 *
 * Continuous queries run at the end of each interval over `RESAMPLE … FOR` (2 h hourly,
 * 2 d daily): data up to that late is picked up by themselves; readings older than that (a
 * gateway flushing its buffer, a backfill) mark their buckets for a rebuild (energy/rollup-backfill.ts).
 */
import { escape, type InfluxDB } from 'influx'
import { CARRIERS } from '../energy/coefficients.js'
import { groupTime, rawResults } from './influxql.js'

export interface RollupPolicy {
  name: string
  duration: string
}

export interface RollupQuery {
  name: string
  /** The statement without GROUP BY and time range: `SELECT … INTO … FROM … [WHERE …]`. */
  select: string
  /** `time(…)` of the GROUP BY. */
  every: string
  resample: string
  /** Whether the SELECT already has a WHERE (a time range is then joined with AND). */
  hasWhere: boolean
}

export const ROLLUP_POLICIES: RollupPolicy[] = [
  { name: 'rollup_1h', duration: '1830d' },
  { name: 'rollup_1d', duration: 'INF' },
]

const q = (s: string): string => escape.quoted(s)

export function energyRollups(db: string, rawPolicy: string, offsetMinutes: number, dailyFollowsLocalDays: boolean): RollupQuery[] {
  const counters1h = CARRIERS.map((c) => `first(${q(c)}) AS ${q(`${c}_first`)}, last(${q(c)}) AS ${q(`${c}_last`)}, min(${q(c)}) AS ${q(`${c}_min`)}, max(${q(c)}) AS ${q(`${c}_max`)}, count(${q(c)}) AS ${q(`${c}_n`)}`).join(', ')
  const counters1d = CARRIERS.map((c) => `first(${q(`${c}_first`)}) AS ${q(`${c}_first`)}, last(${q(`${c}_last`)}) AS ${q(`${c}_last`)}, min(${q(`${c}_min`)}) AS ${q(`${c}_min`)}, max(${q(`${c}_max`)}) AS ${q(`${c}_max`)}, sum(${q(`${c}_n`)}) AS ${q(`${c}_n`)}`).join(', ')
  const out: RollupQuery[] = [{
    name: 'cq_energy_1h',
    select: `SELECT ${counters1h}, mean(${q('kw')}) AS ${q('kw_mean')}, max(${q('kw')}) AS ${q('kw_max')}, count(${q('kw')}) AS ${q('kw_n')} INTO ${q(db)}.${q('rollup_1h')}.${q('energy_1h')} FROM ${q(db)}.${q(rawPolicy)}.${q('energy')}`,
    every: groupTime('hour', offsetMinutes),
    resample: 'RESAMPLE EVERY 1h FOR 2h',
    hasWhere: false,
  }]
  if (dailyFollowsLocalDays) {
    out.push({
      name: 'cq_energy_1d',
      select: `SELECT ${counters1d}, max(${q('kw_max')}) AS ${q('kw_max')}, sum(${q('kw_n')}) AS ${q('kw_n')} INTO ${q(db)}.${q('rollup_1d')}.${q('energy_1d')} FROM ${q(db)}.${q('rollup_1h')}.${q('energy_1h')}`,
      every: groupTime('day', offsetMinutes),
      resample: 'RESAMPLE EVERY 1h FOR 2d',
      hasWhere: false,
    })
  }
  return out
}

export function createStatement(db: string, r: RollupQuery): string {
  return `CREATE CONTINUOUS QUERY ${q(r.name)} ON ${q(db)} ${r.resample} BEGIN ${r.select} GROUP BY ${r.every}, * END`
}

/** The continuous query's statement for one explicit time range (a rebuild). */
export function rebuildStatement(r: RollupQuery, from: number, to: number): string {
  return `${r.select} ${r.hasWhere ? 'AND' : 'WHERE'} time >= ${from}ms AND time < ${to}ms GROUP BY ${r.every}, *`
}

/** The database's default retention policy (where the hub's writes land), `raw` unless changed. */
export async function defaultPolicy(influx: InfluxDB, db: string): Promise<string> {
  const rps = await influx.showRetentionPolicies(db)
  return rps.find((p) => p.default)?.name ?? 'raw'
}

export interface EnsureReport {
  createdPolicies: string[]
  createdQueries: string[]
  /** Existing continuous queries whose text differs from ours: kept as they are. */
  differing: string[]
}

/** Create what is missing; never alter or drop what exists. */
export async function ensureRollups(influx: InfluxDB, db: string, policies: RollupPolicy[], queries: RollupQuery[]): Promise<EnsureReport> {
  const report: EnsureReport = { createdPolicies: [], createdQueries: [], differing: [] }
  const rps = new Set((await influx.showRetentionPolicies(db)).map((p) => p.name))
  for (const p of policies) {
    if (rps.has(p.name)) continue
    await rawResults(influx, db, [`CREATE RETENTION POLICY ${q(p.name)} ON ${q(db)} DURATION ${p.duration} REPLICATION 1`], 'POST')
    report.createdPolicies.push(p.name)
  }
  const existing = await continuousQueries(influx, db)
  for (const r of queries) {
    const text = existing.get(r.name)
    if (text !== undefined) {
      if (normalise(text) !== normalise(createStatement(db, r))) report.differing.push(r.name)
      continue
    }
    await rawResults(influx, db, [createStatement(db, r)], 'POST')
    report.createdQueries.push(r.name)
  }
  return report
}

async function continuousQueries(influx: InfluxDB, db: string): Promise<Map<string, string>> {
  const [series = []] = await rawResults(influx, db, ['SHOW CONTINUOUS QUERIES'])
  const out = new Map<string, string>()
  for (const s of series) {
    if (s.name !== db) continue
    for (const v of s.values ?? []) if (typeof v[0] === 'string') out.set(v[0], String(v[1] ?? ''))
  }
  return out
}

/** InfluxDB echoes a continuous query with its own quoting; compare without quotes and spacing. */
const normalise = (s: string): string => s.replace(/["\s]/g, '').toLowerCase()

/** Run rebuild statements (SELECT … INTO needs POST). */
export async function rebuild(influx: InfluxDB, db: string, statements: string[]): Promise<void> {
  if (statements.length > 0) await rawResults(influx, db, statements, 'POST')
}

/** The time of the oldest stored point of any of `fields` in `measurement` (undefined when none). */
export async function oldestPoint(influx: InfluxDB, db: string, measurement: string, fields: readonly string[]): Promise<number | undefined> {
  const results = await rawResults(influx, db, fields.map((f) => `SELECT first(${q(f)}) FROM ${q(measurement)}`))
  let oldest = Infinity
  for (const series of results) for (const s of series) for (const v of s.values ?? []) if (typeof v[0] === 'number') oldest = Math.min(oldest, v[0])
  return Number.isFinite(oldest) ? oldest : undefined
}
