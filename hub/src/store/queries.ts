import { escape, type InfluxDB } from 'influx'

/** Queries the API needs, written against the 1.x HTTP API only. */
export const MAX_RAW_POINTS = 10_000

/** `every` as InfluxQL duration: a number and a unit among s, m, h, d. */
export const EVERY_PATTERN = '^[1-9][0-9]{0,5}(s|m|h|d)$'

export interface SeriesQuery {
  measurement: string
  device: string
  metric: string
  from: number
  to: number
  every: string | undefined
  /** Most rows InfluxDB may return (the points cap, series-bounds.ts); MAX_RAW_POINTS when absent. */
  limit?: number | undefined
}

export async function series(influx: InfluxDB, q: SeriesQuery): Promise<[number, number | null][]> {
  const field = escape.quoted(q.metric)
  const where = `"device" = ${escape.stringLit(q.device)} AND time >= ${q.from}ms AND time <= ${q.to}ms`
  const m = escape.quoted(q.measurement)
  const limit = Math.max(1, Math.floor(q.limit ?? MAX_RAW_POINTS))
  // LIMIT on buckets too: the route has already checked buckets × series against the cap, this holds it in InfluxDB as well.
  const sql = q.every
    ? `SELECT mean(${field}) AS v FROM ${m} WHERE ${where} GROUP BY time(${q.every}) fill(null) LIMIT ${limit}`
    : `SELECT ${field} AS v FROM ${m} WHERE ${where} ORDER BY time ASC LIMIT ${limit}`
  const rows = await influx.query<{ time: Date; v: number | null }>(sql, { precision: 'ms' })
  const out: [number, number | null][] = []
  for (const r of rows) if (!(q.every === undefined && r.v === null)) out.push([r.time.getTime(), r.v])
  return out
}

/** Last stored value of each metric of every device of a kind, for seeding the latest cache after a restart. One selector per query, so each value keeps its own time. */
export async function lastValues(influx: InfluxDB, measurement: string, metrics: readonly string[]): Promise<{ device: string; metric: string; value: number; ts: number }[]> {
  const out: { device: string; metric: string; value: number; ts: number }[] = []
  for (const metric of metrics) {
    const rows = await influx.query<{ time: Date; v: number }>(
      `SELECT last(${escape.quoted(metric)}) AS v FROM ${escape.quoted(measurement)} WHERE time > now() - 30d GROUP BY "device"`,
      { precision: 'ms' },
    )
    for (const g of rows.groups()) {
      const row = g.rows[0]
      if (g.tags.device && row && typeof row.v === 'number') out.push({ device: g.tags.device, metric, value: row.v, ts: row.time.getTime() })
    }
  }
  return out
}
