/**
 * Wastewater outlets' hourly sums of valid samples: InfluxDB measurement `wastewater` (one float
 * per metric, HJ 212 flags as `<metric>_flag`, CONTRACT.md). As for stacks
 * (emission-repository.ts), valid = all − flagged: a condition on a flag field leaves out the
 * samples without one, so the flagged ones are summed apart (`<m>_flag =~ /^[FMSDCTB]$/`) and
 * subtracted.
 */
import { escape, type InfluxDB } from 'influx'
import type { OutletHourAgg, OutletStore } from '../emissions/outlet-hourly.js'
import { flaggedCondition } from './emission-repository.js'
import { groupTime, rawResults, rowsOf } from './influxql.js'

const q = (s: string): string => escape.quoted(s)
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)

export function outletRepository(influx: InfluxDB, db: string): OutletStore {
  return {
    async outletHours(device, metrics, from, to, offsetMinutes) {
      const where = `${q('device')} = ${escape.stringLit(device)} AND time >= ${from}ms AND time < ${to}ms`
      const group = `GROUP BY ${groupTime('hour', offsetMinutes)} fill(none)`
      const statements = metrics.flatMap((m) => [
        `SELECT sum(${q(m)}) AS s, count(${q(m)}) AS n FROM ${q('wastewater')} WHERE ${where} ${group}`,
        `SELECT sum(${q(m)}) AS s, count(${q(m)}) AS n FROM ${q('wastewater')} WHERE ${where} AND ${flaggedCondition(m)} ${group}`,
      ])
      const results = await rawResults(influx, db, statements)
      const hours = new Map<number, OutletHourAgg>()
      metrics.forEach((m, i) => {
        const bad = new Map<number, { s: number; n: number }>()
        for (const s of results[2 * i + 1] ?? []) for (const r of rowsOf(s)) bad.set(num(r.time), { s: num(r.s), n: num(r.n) })
        for (const s of results[2 * i] ?? []) {
          for (const r of rowsOf(s)) {
            const t = num(r.time)
            const f = bad.get(t)
            const n = num(r.n) - (f?.n ?? 0)
            if (n <= 0) continue
            let h = hours.get(t)
            if (!h) hours.set(t, (h = { start: t, metrics: {} }))
            h.metrics[m] = { sum: num(r.s) - (f?.s ?? 0), n }
          }
        }
      })
      return [...hours.values()].sort((a, b) => a.start - b.start)
    },
  }
}
