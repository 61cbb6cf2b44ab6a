import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import type { NatsConnection } from '@nats-io/transport-node'
import { eventually, login } from '../support/hub-harness.js'
import { startHubProcess, type HubProcess } from '../support/hub-process.js'
import { connectNats, jetStreamReady, startTestNats, streamMessages, type TestNats } from '../support/cluster-harness.js'
import type { ReadingsMessage } from '../../hub/src/cluster/readings-codec.js'
import type { HealthReport } from '../../hub/src/api/services.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

/**
 * The readings log across a hub's crash (kill -9 of a hub process in cluster mode, real
 * nats-servers): every QoS 1 reading acknowledged before the kill is in READINGS, none twice;
 * what the outbox held unpublished (NATS without quorum) is published by the restarted hub.
 */
const secrets = credentials.devices as Record<string, string>
/** Combustible gas detectors of the demo zone (metric lel). */
const devices = ['vtc-ti01-gas-009', 'vtc-ti01-gas-010', 'vtc-ti01-gas-011']
const topicOf = (d: string) => `parks/vtc/vtc-ti01/${d}/telemetry`
const ADMIN = 'crash-admin-pw'

async function connect(url: string, id: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { username: id, password: secrets[id]!, clientId: `${id}-crash`, reconnectPeriod: 0, connectTimeout: 5000 })
    c.once('connect', () => resolve(c))
    c.once('error', reject)
  })
}

async function clusterHealth(hub: HubProcess): Promise<NonNullable<HealthReport['cluster']>> {
  const token = await login(hub.http, 'admin', ADMIN)
  const r = await fetch(`${hub.http}/api/v1/health`, { headers: { authorization: `Bearer ${token}` } })
  return ((await r.json()) as HealthReport).cluster!
}

/** Every reading timestamp in the stream for these devices (a timestamp twice means a duplicate). */
async function storedTimes(nc: NatsConnection): Promise<number[]> {
  const msgs = await streamMessages(nc, 'READINGS', 'readings.vtc.>')
  return msgs.flatMap((m) => (m.json<ReadingsMessage>().readings ?? []).map((r) => r.ts))
}

describe('cluster log: a hub process killed with kill -9', () => {
  let nats: TestNats
  let nc: NatsConnection
  let dataDir: string
  let hub: HubProcess | undefined
  /** Every hub started, each killed at the end whatever happened. */
  const started: HubProcess[] = []
  const startHub = async (): Promise<HubProcess> => {
    await hub?.kill9()
    hub = await startHubProcess(env())
    started.push(hub)
    return hub
  }
  const t0 = Date.now()
  const phase = (what: string) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`)
  const clients: MqttClient[] = []
  const env = () => ({ HUB_NATS_URL: nats.urls, HUB_NODE_ID: 'crash-a', HUB_DATA_DIR: dataDir, INFLUX_URL: inject('influxUrl'), INFLUX_DB: 'cluster_crash', HUB_ADMIN_PASSWORD: ADMIN })

  beforeAll(async () => {
    nats = await startTestNats()
    nc = await connectNats(nats.urls)
    await jetStreamReady(nc)
    dataDir = await mkdtemp(join(tmpdir(), 'smartpark-cluster-crash-'))
  })
  afterAll(async () => {
    for (const c of clients) c.end(true)
    for (const h of started) await h.kill9()
    await nc?.close()
    await nats?.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('has every QoS 1 reading acknowledged before the kill in READINGS, none twice after the restart', async () => {
    await startHub()
    const base = Date.now() - 3600_000
    const acked: number[] = []
    const sent: number[] = []
    let stopped = false
    const senders = await Promise.all(devices.map(async (d, k) => {
      const c = await connect(hub!.mqttUrl, d)
      clients.push(c)
      c.on('error', () => undefined)
      // Wrapped: an async function returning the loop's promise would wait for the loop itself.
      return { done: (async () => {
        for (let i = 0; !stopped; i++) {
          const ts = base + i * 3 + k
          sent.push(ts)
          c.publish(topicOf(d), JSON.stringify({ ts, values: { lel: i % 20 } }), { qos: 1 }, (err) => {
            if (!err) acked.push(ts)
          })
          await new Promise((r) => setTimeout(r, 5))
        }
      })() }
    }))
    phase('hub up, publishing')
    await eventually(() => acked.length >= 1500, 30_000, '1,500 acknowledged readings')
    phase('1,500 acknowledged: kill -9')
    await hub!.kill9()
    stopped = true
    await Promise.all(senders.map((s) => s.done))
    const ackedAtKill = [...acked]
    for (const c of clients.splice(0)) c.end(true)
    // The restarted hub publishes what its outbox kept (deduplicated by Msg-Id within 2 min).
    await startHub()
    phase('hub restarted')
    await eventually(async () => (await clusterHealth(hub!)).outboxBacklog === 0, 30_000, 'the outbox published and freed')
    phase('outbox empty')
    const stored = await storedTimes(nc)
    const storedSet = new Set(stored)
    const lost = ackedAtKill.filter((ts) => !storedSet.has(ts))
    console.log(`cluster kill -9: sent ${sent.length}, acknowledged ${ackedAtKill.length}, in READINGS ${stored.length} (${storedSet.size} distinct), acknowledged but lost ${lost.length}`)
    phase('stream read')
    expect(lost).toEqual([])
    expect(stored.length).toBe(storedSet.size)
    expect(stored.every((ts) => sent.includes(ts))).toBe(true)
    await hub!.stop()
  }, 180_000)

  it('publishes after a restart what the outbox kept while the NATS quorum was lost', async () => {
    await startHub()
    const before = new Set(await storedTimes(nc))
    const [s1, s2] = nats.cluster.servers
    await s1!.kill9()
    await s2!.kill9()
    const c = await connect(hub!.mqttUrl, devices[0]!)
    clients.push(c)
    const base = Date.now() - 1800_000
    const times = Array.from({ length: 50 }, (_, i) => base + i)
    for (const ts of times) c.publish(topicOf(devices[0]!), JSON.stringify({ ts, values: { lel: 1 } }), { qos: 1 })
    const h = await eventually(async () => {
      const x = await clusterHealth(hub!)
      return x.quorum === 'lost' && x.pendingAcks >= 50 && x.outboxBacklog >= 1 ? x : undefined
    }, 30_000, 'the 50 readings in the outbox with the quorum lost')
    expect(h.pendingAcks).toBe(50)
    await hub!.kill9()
    c.end(true)
    await s1!.start()
    await s2!.start()
    await startHub()
    await eventually(async () => (await clusterHealth(hub!)).outboxBacklog === 0, 30_000, 'the outbox published after the restart')
    const now = (await storedTimes(nc)).filter((ts) => !before.has(ts))
    expect(now.sort((a, b) => a - b)).toEqual(times)
  }, 180_000)

  it('publishes again after a restart what JetStream acknowledged in its last sync interval, when the NATS servers lost it', async () => {
    await startHub()
    const c = await connect(hub!.mqttUrl, devices[1]!)
    clients.push(c)
    const base = Date.now() - 900_000
    const times = Array.from({ length: 100 }, (_, i) => base + i)
    await Promise.all(times.map((ts) => c.publishAsync(topicOf(devices[1]!), JSON.stringify({ ts, values: { lel: 2 } }), { qos: 1 })))
    await eventually(async () => (await clusterHealth(hub!)).outboxBacklog === 0, 30_000, 'every reading acknowledged by JetStream')
    c.end(true)
    await hub!.stop()
    // A power cut of a majority of the NATS machines within JetStream's sync interval (2 min in
    // NATS 2.9) loses what they held in memory only: here, the stream itself is gone.
    const jsm = await (await import('@nats-io/jetstream')).jetstreamManager(nc)
    await jsm.streams.delete('READINGS')
    await startHub()
    const restored = await eventually(async () => {
      const got = new Set(await storedTimes(nc))
      return times.every((ts) => got.has(ts)) ? got : undefined
    }, 30_000, 'the readings of the last two minutes published again from the outbox')
    console.log(`NATS lost READINGS: ${times.filter((ts) => restored.has(ts)).length} of ${times.length} acknowledged readings published again from the kept outbox`)
  }, 180_000)
})
