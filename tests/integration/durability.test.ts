import { afterAll, describe, expect, inject, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { InfluxdSupervisor, freePort } from '../../hub/src/store/influxd-supervisor.js'
import { eventually, influxQuery, startTestHub } from '../support/hub-harness.js'
import { startHubProcess, type HubProcess } from '../support/hub-process.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

const device = 'vtc-ti01-gas-011'
const topic = `parks/vtc/vtc-ti01/${device}/telemetry`
const secret = (credentials.devices as Record<string, string>)[device]!
const burstDevice = 'vtc-ti01-gas-010'
const burstTopic = `parks/vtc/vtc-ti01/${burstDevice}/telemetry`
const burstSecret = (credentials.devices as Record<string, string>)[burstDevice]!
const quiet = { info() {}, warn() {}, error() {} }

/** Publish QoS 1 readings with distinct timestamps until stopped; remembers which were acknowledged. */
function publisher(client: MqttClient, base: number, perSecond: number) {
  const acked: number[] = []
  let sent = 0
  let stopped = false
  const done = (async () => {
    while (!stopped) {
      const ts = base + sent++
      client.publish(topic, JSON.stringify({ ts, values: { lel: (ts % 20) + 1 } }), { qos: 1 }, (err) => {
        if (!err) acked.push(ts)
      })
      await new Promise((r) => setTimeout(r, 1000 / perSecond))
    }
  })()
  return { acked, get sent() { return sent }, async stop() { stopped = true; await done } }
}

async function storedTimes(url: string, db: string, from: number): Promise<Set<number>> {
  const s = (await influxQuery(url, db, `SELECT "lel" FROM "gas" WHERE "device" = '${device}' AND time >= ${from}ms`))[0]
  return new Set((s?.values ?? []).map((v) => v[0] as number))
}

describe('durability: nothing lost when InfluxDB stops or the hub is killed', () => {
  const dirs: string[] = []
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  })

  it('keeps every reading through a 30 s InfluxDB outage', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smartpark-outage-'))
    dirs.push(dir)
    const port = await freePort()
    let influx = new InfluxdSupervisor({ binary: 'influxd', dataDir: dir, httpPort: port, log: quiet })
    await influx.start()
    const t = await startTestHub({ env: { INFLUX_URL: influx.url }, db: 'outage' })
    const client = await mqtt.connectAsync(t.mqttUrl, { username: device, password: secret, reconnectPeriod: 0 })
    const base = Date.now() - 600_000
    const pub = publisher(client, base, 50)
    try {
      await eventually(async () => (await storedTimes(influx.url, 'outage', base)).size > 20, 10_000, 'first readings stored')
      await influx.stop()
      const outageStart = Date.now()
      await eventually(() => Date.now() - outageStart >= 30_000 || undefined, 40_000, 'the 30 s outage')
      // A burst far larger than any in-memory buffer: 100,000 readings in 200 batches at QoS 1.
      // The journal on disk takes them all; no publisher waits for InfluxDB: every PUBACK
      // arrives while it is still down (a held publisher would hang here).
      const burst = await mqtt.connectAsync(t.mqttUrl, { username: burstDevice, password: burstSecret, reconnectPeriod: 0 })
      const burstBase = base + 1
      for (let m = 0; m < 200; m++) {
        const batch = Array.from({ length: 500 }, (_, k) => ({ ts: burstBase + (m * 500 + k) * 2, values: { lel: (k % 20) + 1 } }))
        await burst.publishAsync(burstTopic, JSON.stringify(batch), { qos: 1 })
      }
      await burst.endAsync()
      const health = await (await fetch(`${t.http}/api/v1/health`, { headers: { authorization: `Bearer ${t.adminToken}` } })).json() as { influx: { reachable: boolean }; journal: { backlog: number }; store: { queueDepth: number } }
      expect(health.influx.reachable).toBe(false)
      expect(health.journal.backlog).toBeGreaterThanOrEqual(100_000)
      expect(health.store.queueDepth).toBeGreaterThanOrEqual(100_000)
      influx = new InfluxdSupervisor({ binary: 'influxd', dataDir: dir, httpPort: port, log: quiet })
      await influx.start()
      await eventually(async () => (await storedTimes(influx.url, 'outage', base)).size > pub.sent - 5, 30_000, 'readings after the outage')
    } finally {
      await pub.stop()
    }
    await eventually(() => pub.acked.length === pub.sent, 10_000, 'every publish acknowledged')
    const stored = await eventually(async () => {
      const s = await storedTimes(influx.url, 'outage', base)
      return s.size === pub.sent ? s : undefined
    }, 30_000, `all ${pub.sent} readings in InfluxDB`)
    const burstStored = await eventually(async () => {
      const r = (await influxQuery(influx.url, 'outage', `SELECT count("lel") FROM "gas" WHERE "device" = '${burstDevice}'`))[0]
      const n = (r?.values[0]?.[1] as number | undefined) ?? 0
      return n === 100_000 ? n : undefined
    }, 60_000, 'the 100,000-reading burst in InfluxDB')
    console.log(`outage: sent ${pub.sent}, acknowledged ${pub.acked.length}, stored ${stored.size}, lost ${pub.sent - stored.size}; burst during the outage: 100000 acknowledged, ${burstStored} stored`)
    expect(stored.size).toBe(pub.sent)
    client.end(true)
    await t.stop()
    await influx.stop()
  })

  it('has every acknowledged reading in InfluxDB after kill -9 under QoS 1 load', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'smartpark-kill-'))
    dirs.push(dataDir)
    const env = { HUB_DATA_DIR: dataDir, INFLUX_URL: inject('influxUrl'), INFLUX_DB: 'kill9', HUB_ADMIN_PASSWORD: 'kill-admin-pw', HUB_WRITE_FLUSH_MS: '2000', HUB_WRITE_BATCH: '100000' }
    let hub: HubProcess = await startHubProcess(env)
    const client = await mqtt.connectAsync(hub.mqttUrl, { username: device, password: secret, reconnectPeriod: 0 })
    client.on('error', () => undefined)
    const base = Date.now() - 900_000
    const pub = publisher(client, base, 400)
    await eventually(() => pub.acked.length >= 500 || undefined, 20_000, '500 acknowledged readings')
    await hub.kill9()
    await pub.stop()
    const acked = [...pub.acked]
    client.end(true)
    hub = await startHubProcess(env)
    try {
      const stored = await eventually(async () => {
        const s = await storedTimes(inject('influxUrl'), 'kill9', base)
        return acked.every((ts) => s.has(ts)) ? s : undefined
      }, 30_000, 'every acknowledged reading in InfluxDB after the restart')
      console.log(`kill -9: sent ${pub.sent}, acknowledged ${acked.length}, stored ${stored.size}, acknowledged but lost ${acked.filter((ts) => !stored.has(ts)).length}`)
      expect(acked.filter((ts) => !stored.has(ts))).toEqual([])
    } finally {
      await hub.stop()
    }
  })
})
