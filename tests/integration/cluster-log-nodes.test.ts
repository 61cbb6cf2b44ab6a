import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { NatsConnection } from '@nats-io/transport-node'
import { jetstreamManager } from '@nats-io/jetstream'
import { randomBytes } from 'node:crypto'
import { inject } from 'vitest'
import { connectMqtt, eventually, influxQuery, startTestHub, type TestHub } from '../support/hub-harness.js'
import { connectNats, jetStreamReady, startTestNats, streamMessages, type TestNats } from '../support/cluster-harness.js'
import type { ReadingsMessage } from '../../hub/src/cluster/readings-codec.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

/**
 * Three hub nodes started at once on a fresh three-server NATS cluster: they agree on one
 * READINGS stream (created by whichever comes first, the same 3-replica settings), each under its
 * own default node id, and a device connected to any node lands in the same log, and from there
 * in InfluxDB once, written by whichever node's puller of the shared consumer took it.
 */
const secrets = credentials.devices as Record<string, string>
/** Combustible gas detectors of the demo zone (metric lel), one per node. */
const devices = ['vtc-ti01-gas-009', 'vtc-ti01-gas-010', 'vtc-ti01-gas-011']

describe('cluster log: three hub nodes on one readings log', () => {
  let nats: TestNats
  let nc: NatsConnection
  let hubs: TestHub[] = []
  const clients: MqttClient[] = []
  /** One database for the cluster, as in production (docs/cluster.md). */
  const db = `t_${randomBytes(6).toString('hex')}`

  beforeAll(async () => {
    nats = await startTestNats()
    nc = await connectNats(nats.urls)
    await jetStreamReady(nc)
    // No HUB_NODE_ID: each takes its default (host, process and a random part on port 0).
    hubs = await Promise.all([0, 1, 2].map(() => startTestHub({ db, env: { HUB_NATS_URL: nats.urls } })))
  })
  afterAll(async () => {
    for (const c of clients) c.end(true)
    await Promise.all(hubs.map((h) => h.stop()))
    await nc?.close()
    await nats?.stop()
  })

  it('shares one 3-replica READINGS stream and takes each node’s devices into it', async () => {
    const info = await (await jetstreamManager(nc)).streams.info('READINGS')
    expect(info.config).toMatchObject({ subjects: ['readings.>'], num_replicas: 3, storage: 'file', discard: 'old' })
    expect(info.config.duplicate_window).toBe(120_000_000_000)
    const nodes = hubs.map((h) => h.hub.cluster!.settings.nodeId)
    expect(new Set(nodes).size).toBe(3)
    const ts = Date.now() - 5000
    for (const [i, h] of hubs.entries()) {
      const d = devices[i]!
      const c = await connectMqtt(h.mqttUrl, { username: d, password: secrets[d]!, clientId: `${d}-nodes` })
      clients.push(c)
      for (let k = 0; k < 10; k++) await c.publishAsync(`parks/vtc/vtc-ti01/${d}/telemetry`, JSON.stringify({ ts: ts + k, values: { lel: k } }), { qos: 1 })
    }
    for (const [i, d] of devices.entries()) {
      const msgs = (await streamMessages(nc, 'READINGS', `readings.vtc.${d}`)).map((m) => m.json<ReadingsMessage>())
      expect(msgs.map((m) => m.readings![0]!.values.lel)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
      expect(new Set(msgs.map((m) => m.node))).toEqual(new Set([nodes[i]]))
    }
    for (const h of hubs) expect(h.hub.cluster!.health()).toMatchObject({ quorum: 'ok', pendingAcks: 0, published: 10 })
    const rows = await eventually(async () => {
      const s = await influxQuery(inject('influxUrl'), db, `SELECT "lel", "device" FROM "gas" WHERE time >= ${ts}ms - 1s`)
      return s[0] && s[0].values.length >= 30 ? s[0].values : undefined
    }, 20_000, '30 readings in InfluxDB')
    expect(rows).toHaveLength(30)
    for (const d of devices) expect(rows.filter((r) => r[2] === d).map((r) => r[1])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    const written = hubs.flatMap((h) => h.hub.cluster!.health().storage).filter((x) => x.consumer === 'influx').reduce((n, x) => n + x.messages, 0)
    expect(written).toBe(30)
  })
})
