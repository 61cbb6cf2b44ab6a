/**
 * The rollups as the energy and emissions composition uses them (rollup-repository.ts,
 * emission-rollups.ts): set up once at start — retention policies and continuous queries
 * created when missing, never altered — then rebuilt for the ranges whose readings came too
 * late for the continuous queries, and read for the oldest stored point, from which the
 * history a new continuous query does not see is rolled up.
 */
import type { InfluxDB } from 'influx'
import { EMISSION_METRICS } from '../emissions/minutes.js'
import { CARRIERS } from '../energy/coefficients.js'
import type { RebuildJob, RollupKind } from '../energy/rollup-backfill.js'
import { emissionRollups } from './emission-rollups.js'
import { defaultPolicy, energyRollups, ensureRollups, oldestPoint, rebuild, rebuildStatement, ROLLUP_POLICIES, type EnsureReport, type RollupQuery } from './rollup-repository.js'

export interface RollupSetUp extends EnsureReport {
  /** Whether the kind's hourly continuous query was created now (its stored history is then rolled up). */
  created: Record<RollupKind, boolean>
}

export interface RollupStore {
  /** `offsetMinutes`: the zone's UTC offset; `dailyFollowsLocalDays`: whether energy has a daily rollup. */
  setUp(offsetMinutes: number, dailyFollowsLocalDays: boolean): Promise<RollupSetUp>
  /** The continuous queries of the job's kind and bucket, run again over its range (nothing before setUp). */
  rebuild(job: RebuildJob): Promise<void>
  /** The time of the oldest stored point of the kind (undefined when none). */
  oldest(kind: RollupKind): Promise<number | undefined>
}

export function rollupStore(influx: InfluxDB, db: string): RollupStore {
  let queries: { energy: RollupQuery[]; emission: RollupQuery[] } | undefined
  return {
    async setUp(offsetMinutes, dailyFollowsLocalDays) {
      const rawPolicy = await defaultPolicy(influx, db)
      const defs = { energy: energyRollups(db, rawPolicy, offsetMinutes, dailyFollowsLocalDays), emission: emissionRollups(db, rawPolicy, offsetMinutes) }
      const report = await ensureRollups(influx, db, ROLLUP_POLICIES, [...defs.energy, ...defs.emission])
      queries = defs
      return { ...report, created: { energy: report.createdQueries.includes('cq_energy_1h'), emission: report.createdQueries.includes('cq_emission_1h') } }
    },
    async rebuild(job) {
      if (!queries) return
      const qs = job.kind === 'emission' ? queries.emission : queries.energy.filter((r) => r.name === (job.bucket === 'day' ? 'cq_energy_1d' : 'cq_energy_1h'))
      await rebuild(influx, db, qs.map((r) => rebuildStatement(r, job.from, job.to)))
    },
    oldest: (kind) => oldestPoint(influx, db, kind, kind === 'energy' ? [...CARRIERS, 'kw'] : [...EMISSION_METRICS]),
  }
}
