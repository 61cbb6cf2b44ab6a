/**
 * InfluxQL helpers shared by the repositories (InfluxDB 1.x HTTP API, `/query`): several
 * statements in one request, rows as objects, tag filters and local-time buckets.
 */
import { escape, type InfluxDB } from 'influx'

export interface RawSeries {
  name: string
  tags?: Record<string, string>
  columns: string[]
  /** Absent when the series has no rows (e.g. SHOW CONTINUOUS QUERIES of a database without any). */
  values?: unknown[][]
}

/** Statements in one request; each statement's series. A statement's error is thrown. */
export async function rawResults(influx: InfluxDB, db: string, statements: string[], method: 'GET' | 'POST' = 'GET'): Promise<RawSeries[][]> {
  if (statements.length === 0) return []
  const res = (await influx.queryRaw(statements.join('; '), { database: db, precision: 'ms', method })) as { results?: { series?: RawSeries[]; error?: string }[]; error?: string }
  if (res.error) throw new Error(res.error)
  return (res.results ?? []).map((r) => {
    if (r.error) throw new Error(r.error)
    return r.series ?? []
  })
}

/** Rows of one series as objects keyed by column. */
export function rowsOf(s: RawSeries): Record<string, unknown>[] {
  return (s.values ?? []).map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i]])))
}

/** `"park" = 'p' AND … AND ` for each tag given a value (empty when none), to prefix a time range. */
export function whereTags(tags: object): string {
  const parts: string[] = []
  for (const [tag, value] of Object.entries(tags) as [string, unknown][]) if (typeof value === 'string' && value) parts.push(`${escape.quoted(tag)} = ${escape.stringLit(value)}`)
  return parts.length ? parts.join(' AND ') + ' AND ' : ''
}

/** `time(1h)` / `time(1d, 16h)` with the offset that aligns buckets to local hours and days. */
export function groupTime(bucket: 'hour' | 'day', offsetMinutes: number): string {
  const unit = bucket === 'hour' ? 60 : 1440
  const off = ((-offsetMinutes % unit) + unit) % unit
  // Written as InfluxDB echoes it back (SHOW CONTINUOUS QUERIES), hours when whole.
  const dur = off % 60 === 0 ? `${off / 60}h` : `${off}m`
  return off ? `time(${bucket === 'hour' ? '1h' : '1d'}, ${dur})` : `time(${bucket === 'hour' ? '1h' : '1d'})`
}
