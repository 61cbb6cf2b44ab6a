/**
 * Hourly rollup of CEMS data (docs/emissions.md): per stack and hour, for each metric, the
 * sum and count of all samples and of the flagged ones (HJ 212 flag other than N), so that
 * the hourly mean of the valid samples and their count can be read for years after the raw
 * points are gone: (sum − bad_sum) / (n − bad_n). One continuous query for all samples, one
 * per metric for its flagged ones (each metric has its own flag field). HJ 75's minute rule
 * (≥ 45 valid minutes) needs minute data, so reports within the raw retention are computed
 * from raw points; the rollup serves long ranges (emissions/emission-service.ts).
 */
import { escape } from 'influx'
import { EMISSION_METRICS } from '../emissions/minutes.js'
import { flaggedCondition } from './emission-repository.js'
import { groupTime } from './influxql.js'
import type { RollupQuery } from './rollup-repository.js'

const q = (s: string): string => escape.quoted(s)

export function emissionRollups(db: string, rawPolicy: string, offsetMinutes: number): RollupQuery[] {
  const into = `INTO ${q(db)}.${q('rollup_1h')}.${q('emission_1h')} FROM ${q(db)}.${q(rawPolicy)}.${q('emission')}`
  const every = groupTime('hour', offsetMinutes)
  const resample = 'RESAMPLE EVERY 1h FOR 2h'
  return [
    {
      name: 'cq_emission_1h',
      select: `SELECT ${EMISSION_METRICS.map((m) => `sum(${q(m)}) AS ${q(`${m}_sum`)}, count(${q(m)}) AS ${q(`${m}_n`)}`).join(', ')} ${into}`,
      every, resample, hasWhere: false,
    },
    ...EMISSION_METRICS.map((m) => ({
      name: `cq_emission_1h_${m}_flagged`,
      select: `SELECT sum(${q(m)}) AS ${q(`${m}_bad_sum`)}, count(${q(m)}) AS ${q(`${m}_bad_n`)} ${into} WHERE ${flaggedCondition(m)}`,
      every, resample, hasWhere: true,
    })),
  ]
}
