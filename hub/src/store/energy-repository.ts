/**
 * The energy repository: InfluxDB 1.x queries for energy (measurement `energy`, tags
 * park/enterprise/device/area, one float field per metric — CONTRACT.md), against the raw
 * points (default retention policy) or the rollups (rollup-repository.ts). Every answer is
 * bucket summaries of each counter (first, last, min, max, count): energy/counter.ts turns
 * them into usage. `energyRepository` is the energy room's `EnergyStore` over InfluxDB.
 */
import { escape, type InfluxDB } from 'influx'
import { CARRIERS, type Carrier } from '../energy/coefficients.js'
import type { CounterSummary } from '../energy/counter.js'
import type { DemandWindow, EnergyStore, MeterSummaryRow, TagFilter } from '../energy/energy-store.js'
import type { Source } from '../energy/sources.js'
import { groupTime, rawResults, rowsOf, whereTags } from './influxql.js'

/** The energy room's store over InfluxDB; `offsetMinutes`: the zone's UTC offset (local hours and days). */
export function energyRepository(influx: InfluxDB, db: string, offsetMinutes: number): EnergyStore {
  return {
    summaries: (f, from, to, source) => counterSummaries(influx, db, f, from, to, source, offsetMinutes),
    baselines: (f, before, lookback) => counterBaselines(influx, db, f, before, lookback),
    gaps: (f, from, to, minGap) => counterGaps(influx, db, f, from, to, minGap),
    demand: (f, from, to) => demandWindows(influx, db, f, from, to),
  }
}

const q = (s: string): string => escape.quoted(s)
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

/** Summary field list of the counters, from raw points. */
function rawSummaryFields(): string {
  return CARRIERS.map((c) => `first(${q(c)}) AS ${q(`${c}_first`)}, last(${q(c)}) AS ${q(`${c}_last`)}, min(${q(c)}) AS ${q(`${c}_min`)}, max(${q(c)}) AS ${q(`${c}_max`)}, count(${q(c)}) AS ${q(`${c}_n`)}`).join(', ')
}

function rollupFields(): string {
  return CARRIERS.flatMap((c) => ['first', 'last', 'min', 'max', 'n'].map((k) => q(`${c}_${k}`))).join(', ')
}

/** Bucket summaries per meter over [from, to). `offsetMinutes`: the zone's UTC offset. */
export async function counterSummaries(influx: InfluxDB, db: string, f: TagFilter, from: number, to: number, source: Source, offsetMinutes: number): Promise<MeterSummaryRow[]> {
  const bucket = source === 'rollup_1d' ? 'day' : 'hour'
  const len = bucket === 'day' ? 86_400_000 : 3_600_000
  const range = `time >= ${from}ms AND time < ${to}ms`
  const tags = `${q('device')}, ${q('park')}, ${q('enterprise')}`
  const sql = source === 'raw'
    ? `SELECT ${rawSummaryFields()} FROM ${q('energy')} WHERE ${whereTags(f)}${range} GROUP BY ${groupTime('hour', offsetMinutes)}, ${tags} fill(none)`
    : `SELECT ${rollupFields()} FROM ${q(source)}.${q(source === 'rollup_1h' ? 'energy_1h' : 'energy_1d')} WHERE ${whereTags(f)}${range} GROUP BY ${tags}`
  const [series = []] = await rawResults(influx, db, [sql])
  const out: MeterSummaryRow[] = []
  for (const s of series) {
    const device = s.tags?.device
    if (!device) continue
    for (const r of rowsOf(s)) {
      const start = num(r.time)
      if (start === undefined) continue
      const counters: Partial<Record<Carrier, CounterSummary>> = {}
      for (const c of CARRIERS) {
        const n = num(r[`${c}_n`]) ?? 0
        const first = num(r[`${c}_first`])
        const last = num(r[`${c}_last`])
        const min = num(r[`${c}_min`])
        const max = num(r[`${c}_max`])
        if (n > 0 && first !== undefined && last !== undefined && min !== undefined && max !== undefined) counters[c] = { first, last, min, max, n }
      }
      if (Object.keys(counters).length > 0) out.push({ device, park: s.tags?.park ?? '', enterprise: s.tags?.enterprise ?? '', start, end: start + len, counters })
    }
  }
  return out
}

/** The last reading of each counter before `before` (within `lookbackMs`), per meter. */
export async function counterBaselines(influx: InfluxDB, db: string, f: TagFilter, before: number, lookbackMs: number): Promise<Map<string, Partial<Record<Carrier, { ts: number; value: number }>>>> {
  const range = `time >= ${before - lookbackMs}ms AND time < ${before}ms`
  // One selector per statement, so that each value keeps its own time.
  const results = await rawResults(influx, db, CARRIERS.map((c) => `SELECT last(${q(c)}) AS v FROM ${q('energy')} WHERE ${whereTags(f)}${range} GROUP BY ${q('device')}`))
  const out = new Map<string, Partial<Record<Carrier, { ts: number; value: number }>>>()
  results.forEach((series, i) => {
    const c = CARRIERS[i]!
    for (const s of series) {
      const device = s.tags?.device
      const row = rowsOf(s)[0]
      const ts = num(row?.time)
      const value = num(row?.v)
      if (!device || ts === undefined || value === undefined) continue
      let m = out.get(device)
      if (!m) out.set(device, (m = {}))
      m[c] = { ts, value }
    }
  })
  return out
}

/** Stretches longer than `minGapMs` between consecutive readings of a counter, from raw points. */
export async function counterGaps(influx: InfluxDB, db: string, f: TagFilter, from: number, to: number, minGapMs: number): Promise<{ device: string; from: number; to: number }[]> {
  const range = `time >= ${from}ms AND time < ${to}ms`
  const results = await rawResults(influx, db, CARRIERS.map((c) =>
    `SELECT e FROM (SELECT elapsed(${q(c)}, 1ms) AS e FROM ${q('energy')} WHERE ${whereTags(f)}${range} GROUP BY ${q('device')}) WHERE e > ${Math.floor(minGapMs)} GROUP BY ${q('device')}`))
  const out: { device: string; from: number; to: number }[] = []
  for (const series of results) {
    for (const s of series) {
      const device = s.tags?.device
      if (!device) continue
      for (const r of rowsOf(s)) {
        const t = num(r.time)
        const e = num(r.e)
        if (t !== undefined && e !== undefined) out.push({ device, from: t - e, to: t })
      }
    }
  }
  return out
}

/** Mean active power per meter over fixed 15-minute windows (the demand interval). */
export async function demandWindows(influx: InfluxDB, db: string, f: TagFilter, from: number, to: number): Promise<DemandWindow[]> {
  const [series = []] = await rawResults(influx, db, [
    `SELECT mean(${q('kw')}) AS kw, max(${q('kw')}) AS kw_max FROM ${q('energy')} WHERE ${whereTags(f)}time >= ${from}ms AND time < ${to}ms GROUP BY time(15m), ${q('device')}, ${q('park')}, ${q('enterprise')} fill(none)`,
  ])
  const out: DemandWindow[] = []
  for (const s of series) {
    const device = s.tags?.device
    if (!device) continue
    for (const r of rowsOf(s)) {
      const start = num(r.time)
      const kw = num(r.kw)
      if (start !== undefined && kw !== undefined) out.push({ device, enterprise: s.tags?.enterprise ?? '', park: s.tags?.park ?? '', start, kw, kwMax: num(r.kw_max) })
    }
  }
  return out
}
