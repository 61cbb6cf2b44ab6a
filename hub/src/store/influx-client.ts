import { InfluxDB } from 'influx'

/**
 * The `influx` client for administration and queries (InfluxDB 1.x HTTP API). Writes go
 * through BatchWriter, which builds line protocol itself for speed.
 *
 * Retention (documented in docs/storage.md): raw points are kept in the `raw` policy (the
 * database default, 400 days unless INFLUX_RETENTION says otherwise). Hourly and daily
 * rollups for energy and emissions get their own policies and continuous queries.
 */
export interface InfluxConnection {
  url: string
  db: string
  username?: string | undefined
  password?: string | undefined
}

export function influxClient(c: InfluxConnection): InfluxDB {
  const u = new URL(c.url)
  return new InfluxDB({
    host: u.hostname,
    port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
    protocol: u.protocol === 'https:' ? 'https' : 'http',
    database: c.db,
    ...(c.username ? { username: c.username, password: c.password ?? '' } : {}),
  })
}

/** Create the database and its default retention policy when they are missing (never alters existing ones). */
export async function ensureDatabase(influx: InfluxDB, db: string, retention = '400d'): Promise<void> {
  const names = await influx.getDatabaseNames()
  if (!names.includes(db)) await influx.createDatabase(db)
  const policies = await influx.showRetentionPolicies(db)
  if (!policies.some((p) => p.name === 'raw')) {
    await influx.createRetentionPolicy('raw', { database: db, duration: retention, replication: 1, isDefault: true })
  }
}
