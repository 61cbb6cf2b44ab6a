import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import mqtt, { type MqttClient } from 'mqtt'
import { login } from './hub-harness.js'
import { startHubProcess, type HubProcess } from './hub-process.js'
import type { TestNats } from './cluster-harness.js'
import type { HealthReport } from '../../hub/src/api/services.js'
import type { Alarm } from '../../hub/src/model/alarm.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

/**
 * Hub processes in cluster mode on the demo zone, and what the failover tests ask of them: the
 * parks a node owns, a device's set-point alarms, a demo device's MQTT connection.
 */
export interface ClusterNode { id: string; hub: HubProcess; admin: string; token?: string }

/**
 * Three hubs (`<prefix>-0` … `-2`) on `nats`, data dirs under `dir`, the suite's influxd unless
 * `env` says otherwise. `ownServerFirst`: hub i lists nats-server i first, as a hub beside its
 * own server on three machines does.
 */
export async function startHubNodes(o: { nats: TestNats; prefix: string; dir: string; influxUrl: string; db: string; admin: string; env?: Record<string, string>; ownServerFirst?: boolean }): Promise<ClusterNode[]> {
  const servers = o.nats.cluster.servers
  const urlsFor = (i: number): string => (o.ownServerFirst ? [servers[i]!, ...servers.filter((_s, k) => k !== i)].map((s) => s.url).join(',') : o.nats.urls)
  const hubs = await Promise.all([0, 1, 2].map((i) => startHubProcess({
    HUB_NATS_URL: urlsFor(i), HUB_NODE_ID: `${o.prefix}-${i}`, HUB_DATA_DIR: join(o.dir, `n${i}`), INFLUX_URL: o.influxUrl, INFLUX_DB: o.db, HUB_ADMIN_PASSWORD: o.admin, ...o.env,
  })))
  return hubs.map((hub, i) => ({ id: `${o.prefix}-${i}`, hub, admin: o.admin }))
}

export async function nodeApi<T>(n: ClusterNode, path: string): Promise<T> {
  n.token ??= await login(n.hub.http, 'admin', n.admin)
  const r = await fetch(`${n.hub.http}${path}`, { headers: { authorization: `Bearer ${n.token}` } })
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`)
  return (await r.json()) as T
}

export const ownedParks = async (n: ClusterNode): Promise<string[]> => (await nodeApi<HealthReport>(n, '/api/v1/health')).cluster?.parks?.owned ?? []

/** The device's set-point alarms in every state, as node `n` answers (asking the park's owner). */
export const setpointAlarms = async (n: ClusterNode, device: string): Promise<Alarm[]> =>
  (await nodeApi<{ alarms: Alarm[] }>(n, `/api/v1/alarms?state=all&device=${device}`)).alarms.filter((a) => a.rule === 'setpoint')

/** A demo-zone device connected with its own secret (no reconnects). */
export function connectDemoDevice(url: string, id: string): Promise<MqttClient> {
  const secrets = credentials.devices as Record<string, string>
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { username: id, password: secrets[id]!, clientId: `${id}-${randomBytes(3).toString('hex')}`, reconnectPeriod: 0, connectTimeout: 5000 })
    c.once('connect', () => resolve(c))
    c.once('error', reject)
  })
}
