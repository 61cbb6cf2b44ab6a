import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startFanout, type Fanout } from '../../hub/src/cluster/fanout-node.js'
import { startNatsCluster, type NatsCluster } from '../../hub/src/cluster/nats-servers.js'
import { encodeReadings, messageId } from '../../hub/src/cluster/readings-codec.js'
import { ensureReadingsStream } from '../../hub/src/cluster/readings-stream.js'
import { readingsSubject } from '../../hub/src/cluster/subjects.js'
import type { Alarm } from '../../hub/src/model/alarm.js'
import { api, connectMqtt, eventually, influxQuery, startTestHub, type TestHub } from '../support/hub-harness.js'
import { connectLive, type LiveClient } from '../support/live-client.js'
import { alarm } from '../unit/risk/fixtures.js'

/**
 * startFanout on two real hubs (their brokers, registries and socket servers) sharing one real
 * nats-server and the suite's influxd: readings on the log reach InfluxDB through the nodes'
 * shared consumer, an alarm pushed on node A reaches a dashboard socket of node B, a command sent
 * by node A reaches a device connected to node B.
 */
const influxUrl = inject('influxUrl')
const quiet = { info() {}, warn() {} }
const DB = 'fanout_node'
let dir: string
let nats: NatsCluster
const conns: NatsConnection[] = []
const hubs: TestHub[] = []
const fanouts: Fanout[] = []
let socket: LiveClient | undefined
let device: MqttClient | undefined

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smartpark-fanout-node-'))
  nats = await startNatsCluster({ dir, size: 1 })
})

afterAll(async () => {
  socket?.disconnect()
  device?.end(true)
  for (const f of fanouts) await f.close()
  for (const nc of conns) await nc.close().catch(() => undefined)
  for (const h of hubs) await h.stop().catch(() => undefined)
  await nats?.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('startFanout', () => {
  it('two nodes: readings written once through the shared consumer, an alarm from A on B\'s dashboard, a command from A delivered by B', async () => {
    // Node A owns park vtc, node B the others (what park ownership would decide).
    for (const name of ['node-a', 'node-b']) {
      const mine = (p: string): boolean => (name === 'node-a') === (p === 'vtc')
      const hub = await startTestHub()
      hubs.push(hub)
      const nc = await connect({ servers: nats.urls.split(','), name })
      conns.push(nc)
      const jsm = await jetstreamManager(nc)
      fanouts.push(await startFanout({ nc, js: jetstream(nc), jsm, node: name, influx: { url: influxUrl, db: DB }, live: hub.hub.live, broker: hub.hub.broker, registry: hub.hub.registry, log: quiet,
        snapshot: (parks) => hub.hub.safety.snapshotFor(parks), parks: () => hub.hub.zone.parks.map((p) => p.id), ownedHere: mine }))
    }
    const [a, b] = fanouts as [Fanout, Fanout]
    const [hubA, hubB] = hubs as [TestHub, TestHub]
    const js = jetstream(conns[0]!)
    await ensureReadingsStream(await jetstreamManager(conns[0]!), { replicas: 1, maxAgeH: 1 })
    await Promise.all(conns.map((nc) => nc.flush()))

    // Readings on the log → InfluxDB, by whichever node's puller took each message.
    const T0 = Date.UTC(2026, 0, 2)
    for (let i = 0; i < 200; i++) {
      const m = { v: 1 as const, node: 'ingest-x', seq: i, readings: [{ park: 'vtc', enterprise: 'vtc-ti01', area: undefined, device: `fx-${i % 4}`, kind: 'gas' as const, ts: T0 + i, values: { cl2: i }, flags: undefined }] }
      await js.publish(readingsSubject('vtc', `fx-${i % 4}`), encodeReadings(m), { msgID: messageId(m) })
    }
    await eventually(async () => {
      const rows = await influxQuery(influxUrl, DB, 'SELECT count(cl2) FROM gas')
      return Number(rows[0]?.values[0]?.[1] ?? 0) === 200
    }, 30_000, '200 readings in InfluxDB')
    await eventually(() => a.stats().influx[0]!.messages + b.stats().influx[0]!.messages === 200, 5000, 'acked by the two nodes')

    // Node A's safety loop pushes an alarm; a dashboard on node B sees it.
    const live = await connectLive(hubB.http, hubB.adminToken)
    socket = live.socket
    const seen: Alarm[] = []
    socket.on('alarm', (x) => seen.push(x))
    a.live.alarm(alarm({ id: 'al-fanout-1', park: 'vtc' }))
    await eventually(() => seen.some((x) => x.id === 'al-fanout-1'), 5000, 'alarm on node B\'s socket')
    // Node B's snapshot (what a dashboard connecting to B gets) carries node A's park from the mirror.
    expect(b.snapshot(undefined).alarms.map((x) => x.id)).toContain('al-fanout-1')
    expect(b.snapshot(['glc']).alarms.map((x) => x.id)).not.toContain('al-fanout-1')

    // Node A sends a command for a device connected to node B.
    const spec = { id: 'fx-valve-1', kind: 'gas', type: 'toxic', park: 'vtc', enterprise: 'vtc-ti01', name: 'fx-valve-1', metrics: ['cl2'], position: { x: 1, y: 2 }, interval: 5 }
    const created = await api<{ secret: string }>(hubB, 'POST', '/api/v1/devices', spec)
    device = await connectMqtt(hubB.mqttUrl, { username: spec.id, password: created.body.secret, clientId: spec.id })
    const topic = `parks/vtc/vtc-ti01/${spec.id}/cmd`
    const got: string[] = []
    device.on('message', (t, p) => t === topic && got.push(p.toString()))
    await device.subscribeAsync(topic, { qos: 1 })
    await a.sendCommand(topic, JSON.stringify({ id: 'c-1', command: 'close', params: {}, expiresAt: Date.now() + 60_000 }))
    await eventually(() => got.length === 1, 5000, 'command at the device')
    expect(b.stats().commands.delivered).toBe(1)
    await expect(a.sendCommand('parks/vtc/vtc-ti01/fx-valve-1/status', '{}')).rejects.toThrow(/not a device command topic/)
    await expect(a.sendCommand('parks/vtc/vtc-ti01/fx-nowhere/cmd', '{}')).rejects.toThrow(/connected to no hub node/)
    expect(hubA.hub.broker.stats().clients).toBe(0)
  })
})
