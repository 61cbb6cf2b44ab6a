import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { inject } from 'vitest'
import mqtt, { type MqttClient, type IClientOptions } from 'mqtt'
import { loadSettings, type Settings } from '../../hub/src/config/settings.js'
import { startHub, type Hub } from '../../hub/src/app.js'

/** A whole hub in-process on random ports, with the suite's real influxd (or its own managed one). */
export interface TestHub {
  hub: Hub
  dataDir: string
  http: string
  mqttUrl: string
  adminToken: string
  stop(opts?: { keepData?: boolean }): Promise<void>
}

export const ADMIN_PASSWORD = 'test-admin-password'

/**
 * Data directories this harness made: removed by the last stop without `keepData`, whichever hub
 * stops there (a test that restarts a hub on the same directory passes it as `dataDir`).
 */
const madeDirs = new Set<string>()

/**
 * `dashboard`: true serves dashboard/dist; a path serves that build instead (a test's own).
 * `clock`: the hub's clock (startHub's `clock`), e.g. one a test moves past a minute's end.
 */
export async function startTestHub(o: { env?: Record<string, string>; dataDir?: string; managedInflux?: boolean; db?: string; dashboard?: boolean | string; clock?: () => number } = {}): Promise<TestHub> {
  let dataDir = o.dataDir
  if (dataDir === undefined) madeDirs.add((dataDir = await mkdtemp(join(tmpdir(), 'smartpark-hub-'))))
  const env: Record<string, string> = {
    HUB_HOST: '127.0.0.1',
    HUB_HTTP_PORT: '0',
    HUB_MQTT_PORT: '0',
    HUB_DATA_DIR: dataDir,
    HUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
    HUB_LOG_LEVEL: process.env.HUB_TEST_LOG ?? 'silent',
    HUB_WRITE_FLUSH_MS: '50',
    INFLUX_DB: o.db ?? `t_${randomBytes(6).toString('hex')}`,
    ...(o.managedInflux ? {} : { INFLUX_URL: inject('influxUrl') }),
    ...o.env,
  }
  const settings: Settings = loadSettings(env)
  const dashboardDir = typeof o.dashboard === 'string' ? o.dashboard : o.dashboard ? new URL('../../dashboard/dist', import.meta.url).pathname : undefined
  const hub = await startHub(settings, { announceAdminPassword: () => undefined, ...(dashboardDir ? { dashboardDir } : {}), ...(o.clock ? { clock: o.clock } : {}) })
  const http = `http://127.0.0.1:${hub.addresses.httpPort}`
  const adminToken = await login(http, 'admin', ADMIN_PASSWORD)
  return {
    hub, dataDir, http, mqttUrl: `mqtt://127.0.0.1:${hub.addresses.mqttPort}`, adminToken,
    async stop(opts) {
      await hub.close()
      if (!opts?.keepData && madeDirs.delete(dataDir)) await rm(dataDir, { recursive: true, force: true })
    },
  }
}

export async function login(http: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${http}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
  if (!res.ok) throw new Error(`login ${username}: HTTP ${res.status}`)
  return ((await res.json()) as { token: string }).token
}

export async function api<T = unknown>(t: { http: string; adminToken: string }, method: string, path: string, body?: unknown, token = t.adminToken): Promise<{ status: number; body: T }> {
  const res = await fetch(`${t.http}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : null,
  })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T }
}

/** Connect an mqtt.js client; rejects on a refused connection. */
export function connectMqtt(url: string, opts: IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts })
    c.once('connect', () => resolve(c))
    c.once('error', (err) => {
      c.end(true)
      reject(err)
    })
  })
}

/** Wait until `check` returns a truthy value (polling; no fixed sleeps). */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await check()
      if (v) return v
    } catch (err) {
      last = err
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Query InfluxDB directly over its HTTP API (no hub code in between). */
export async function influxQuery(url: string, db: string, q: string): Promise<{ columns: string[]; values: unknown[][] }[]> {
  const res = await fetch(`${url}/query?${new URLSearchParams({ db, q, epoch: 'ms' })}`)
  const j = (await res.json()) as { results: { series?: { columns: string[]; values: unknown[][] }[] }[] }
  return j.results[0]?.series ?? []
}
