import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MqttClient } from 'mqtt'
import type { NatsConnection } from '@nats-io/transport-node'
import { api, connectMqtt, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import { connectNats, jetStreamReady, startTestNats, streamMessages, type TestNats } from '../support/cluster-harness.js'
import type { ReadingsMessage } from '../../hub/src/cluster/readings-codec.js'
import type { HealthReport } from '../../hub/src/api/services.js'

/**
 * The readings log in cluster mode against a real three-server nats-server cluster and a real hub
 * with real MQTT clients: every acknowledged QoS 1 reading is in the READINGS stream exactly once,
 * one NATS server lost changes nothing, two lost withhold the PUBACKs until they are back.
 */

async function provision(t: TestHub, id: string): Promise<{ id: string; secret: string; topic: string }> {
  const body = { id, kind: 'gas', type: 'combustible', park: 'vtc', enterprise: 'vtc-ti01', area: 'vtc-ti01-blr', name: `集群测试 ${id}`, metrics: ['lel'], position: { x: 10, y: 10 }, interval: 5 }
  const r = await api<{ secret: string }>(t, 'POST', '/api/v1/devices', body)
  expect(r.status).toBe(201)
  return { id, secret: r.body.secret, topic: `parks/vtc/vtc-ti01/${id}/telemetry` }
}

async function health(t: TestHub): Promise<HealthReport> {
  return (await api<HealthReport>(t, 'GET', '/api/v1/health')).body
}

/** The `lel` values of one device's messages in the stream, in stream order. */
function values(msgs: { json<T>(): T }[]): number[] {
  return msgs.flatMap((m) => (m.json<ReadingsMessage>().readings ?? []).map((r) => r.values.lel!))
}

describe('cluster log: readings on JetStream (3 nats-servers, one hub)', () => {
  let nats: TestNats
  let t: TestHub
  let nc: NatsConnection
  const clients: MqttClient[] = []

  beforeAll(async () => {
    nats = await startTestNats()
    nc = await connectNats(nats.urls)
    await jetStreamReady(nc)
    t = await startTestHub({ env: { HUB_NATS_URL: nats.urls, HUB_NODE_ID: 'node-a' } })
  })
  afterAll(async () => {
    for (const c of clients) c.end(true)
    await t?.stop()
    await nc?.close()
    await nats?.stop()
  })

  it('puts each acknowledged QoS 1 reading in READINGS once, on readings.<park>.<device>, with the node and a dedup id', async () => {
    const d = await provision(t, 'cl-gas-001')
    const c = await connectMqtt(t.mqttUrl, { username: d.id, password: d.secret, clientId: d.id })
    clients.push(c)
    const ts = Date.now() - 60_000
    for (let i = 0; i < 200; i++) await c.publishAsync(d.topic, JSON.stringify({ ts: ts + i, values: { lel: i } }), { qos: 1 })
    // A batch of three readings in one message rides in one log message.
    await c.publishAsync(d.topic, JSON.stringify([{ ts: ts + 1000, values: { lel: 1000 } }, { ts: ts + 1001, values: { lel: 1001 } }, { ts: ts + 1002, values: { lel: 1002 } }]), { qos: 1 })
    const msgs = await streamMessages(nc, 'READINGS', 'readings.vtc.cl-gas-001')
    expect(msgs).toHaveLength(201)
    expect(values(msgs)).toEqual([...Array.from({ length: 200 }, (_, i) => i), 1000, 1001, 1002])
    const first = msgs[0]!.json<ReadingsMessage>()
    expect(first.v).toBe(1)
    expect(first.node).toBe('node-a')
    expect(first.readings![0]).toMatchObject({ park: 'vtc', enterprise: 'vtc-ti01', device: 'cl-gas-001', ts, values: { lel: 0 } })
    expect(new Set(msgs.map((m) => m.msgId)).size).toBe(201)
    expect(msgs.every((m) => m.msgId === `node-a:${m.json<ReadingsMessage>().seq}`)).toBe(true)
    // Sequences only grow, in the order the device sent.
    const seqs = msgs.map((m) => m.json<ReadingsMessage>().seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    const h = await health(t)
    expect(h.cluster).toMatchObject({ node: 'node-a', quorum: 'ok', pendingAcks: 0 })
    expect(h.cluster!.published).toBeGreaterThanOrEqual(201)
    expect(h.cluster!.connectedTo).toMatch(/^127\.0\.0\.1:\d+$/)
    await eventually(async () => (await health(t)).cluster!.outboxBacklog === 0, 10_000, 'the outbox freed')
    const metrics = await (await fetch(`${t.http}/metrics`, { headers: { authorization: `Bearer ${t.adminToken}` } })).text()
    expect(metrics).toMatch(/smartpark_cluster_quorum\{node="node-a"\} 1/)
  })

  it('puts what devices of one park sent in one turn in one message, every QoS 1 reading in it once', async () => {
    const devs = await Promise.all(Array.from({ length: 10 }, (_, i) => provision(t, `cl-gas-1${String(i).padStart(2, '0')}`)))
    const cs = await Promise.all(devs.map((d) => connectMqtt(t.mqttUrl, { username: d.id, password: d.secret, clientId: d.id })))
    clients.push(...cs)
    const ts = Date.now() - 30_000
    // 10 devices × 20 QoS 1 readings sent at once, each acknowledged.
    await Promise.all(cs.flatMap((c, k) => Array.from({ length: 20 }, (_, i) => c.publishAsync(devs[k]!.topic, JSON.stringify({ ts: ts + i, values: { lel: i } }), { qos: 1 }))))
    const mine = new Set(devs.map((d) => d.id))
    const msgs = (await streamMessages(nc, 'READINGS', 'readings.vtc.>')).filter((m) => (m.json<ReadingsMessage>().readings ?? []).some((r) => mine.has(r.device)))
    const readings = msgs.flatMap((m) => m.json<ReadingsMessage>().readings!.map((r) => `${r.device}@${r.values.lel}`))
    expect(readings.sort()).toEqual(devs.flatMap((d) => Array.from({ length: 20 }, (_, i) => `${d.id}@${i}`)).sort())
    // Fewer messages than readings; one holding several devices' readings is on the park's subject.
    expect(msgs.length).toBeLessThan(200)
    const shared = msgs.filter((m) => new Set(m.json<ReadingsMessage>().readings!.map((r) => r.device)).size > 1)
    expect(shared.every((m) => m.subject === 'readings.vtc.=many')).toBe(true)
    const single = msgs.filter((m) => !shared.includes(m))
    expect(single.every((m) => m.subject === `readings.vtc.${m.json<ReadingsMessage>().readings![0]!.device}`)).toBe(true)
    console.log(`200 QoS 1 readings from 10 devices at once: ${msgs.length} messages, ${shared.length} of them several devices'`)
  })

  it('refuses to start a second hub with the same HUB_NODE_ID (JetStream would drop its messages as duplicates)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'smartpark-cluster-twin-'))
    try {
      await expect(startTestHub({ dataDir, env: { HUB_NATS_URL: nats.urls, HUB_NODE_ID: 'node-a' } })).rejects.toThrow(/HUB_NODE_ID node-a is in use by a running hub/)
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })

  it('loses no acknowledged reading when the NATS server the hub talks to is killed', async () => {
    const d = await provision(t, 'cl-gas-002')
    const c = await connectMqtt(t.mqttUrl, { username: d.id, password: d.secret, clientId: d.id })
    clients.push(c)
    const connectedTo = (await health(t)).cluster!.connectedTo!
    const victim = nats.cluster.servers.find((s) => connectedTo.endsWith(`:${s.port}`))!
    expect(victim).toBeDefined()
    const acked: number[] = []
    const sending = (async () => {
      for (let i = 0; i < 400; i++) {
        await c.publishAsync(d.topic, JSON.stringify({ values: { lel: i } }), { qos: 1 })
        acked.push(i)
      }
    })()
    await eventually(() => acked.length >= 100, 20_000, '100 readings acknowledged before the kill')
    await victim.kill9()
    await sending
    expect(acked).toHaveLength(400)
    await eventually(async () => (await health(t)).cluster!.connectedTo !== connectedTo, 20_000, 'the hub on another server')
    const got = values(await streamMessages(nc, 'READINGS', 'readings.vtc.cl-gas-002'))
    expect([...new Set(got)].sort((a, b) => a - b)).toEqual(acked)
    expect(got).toHaveLength(400)
    await victim.start()
  }, 150_000)

  it('withholds QoS 1 PUBACKs while two of three NATS servers are down, keeps the readings in the outbox, and sends both once they are back', async () => {
    const d = await provision(t, 'cl-gas-003')
    const c = await connectMqtt(t.mqttUrl, { username: d.id, password: d.secret, clientId: d.id })
    clients.push(c)
    await c.publishAsync(d.topic, JSON.stringify({ values: { lel: -1 } }), { qos: 1 })
    const [s1, s2] = nats.cluster.servers
    await s1!.kill9()
    await s2!.kill9()
    const acked: number[] = []
    const pubs = Array.from({ length: 20 }, (_, i) => c.publishAsync(d.topic, JSON.stringify({ values: { lel: i } }), { qos: 1 }).then(() => void acked.push(i)))
    // QoS 0 goes into the outbox too (nobody waits for it).
    await c.publishAsync(d.topic, JSON.stringify({ values: { lel: 100 } }), { qos: 0 })
    const lost = await eventually(async () => {
      const h = await health(t)
      // The 21 readings in the outbox (one message or a few: what arrived in one turn rides together), 20 publishers waiting.
      return h.cluster?.quorum === 'lost' && h.cluster.pendingAcks >= 20 && h.cluster.outboxBacklog >= 1 ? h : undefined
    }, 30_000, 'health saying quorum lost with the readings in the outbox')
    expect(lost.status).toBe('degraded')
    expect(lost.cluster!.pendingAcks).toBe(20)
    expect(acked).toEqual([])
    await s1!.start()
    await s2!.start()
    await Promise.all(pubs)
    expect(acked).toHaveLength(20)
    await eventually(async () => (await health(t)).cluster?.quorum === 'ok', 20_000, 'quorum ok again')
    const got = values(await streamMessages(nc, 'READINGS', 'readings.vtc.cl-gas-003'))
    expect(got).toEqual([-1, ...Array.from({ length: 20 }, (_, i) => i), 100])
    await eventually(async () => (await health(t)).cluster!.outboxBacklog === 0, 10_000, 'the outbox freed')
  }, 150_000)

  it('makes READINGS again when it was deleted while the hub ran, and publishes the readings that waited', async () => {
    const d = await provision(t, 'cl-gas-004')
    const c = await connectMqtt(t.mqttUrl, { username: d.id, password: d.secret, clientId: d.id })
    clients.push(c)
    // The park is owned and has evaluated a reading (its alarm raised): its position is in the stream.
    const w = await provision(t, 'cl-gas-005')
    const cw = await connectMqtt(t.mqttUrl, { username: w.id, password: w.secret, clientId: w.id })
    clients.push(cw)
    await cw.publishAsync(w.topic, JSON.stringify({ values: { lel: 60 } }), { qos: 1 })
    await eventually(async () => (await api<{ alarms: { device: string }[] }>(t, 'GET', '/api/v1/alarms?state=active&park=vtc')).body.alarms.some((a) => a.device === w.id), 30_000, 'the park evaluating')
    await c.publishAsync(d.topic, JSON.stringify({ values: { lel: -1 } }), { qos: 1 })
    const { jetstreamManager } = await import('@nats-io/jetstream')
    await (await jetstreamManager(nc)).streams.delete('READINGS')
    const acked: number[] = []
    await Promise.all(Array.from({ length: 5 }, (_, i) => c.publishAsync(d.topic, JSON.stringify({ values: { lel: i } }), { qos: 1 }).then(() => void acked.push(i))))
    expect(acked.sort()).toEqual([0, 1, 2, 3, 4])
    // The reading acknowledged before the deletion comes back too: the node published its
    // outbox's kept segments again (after the 5 that waited, or among them).
    await eventually(async () => values(await streamMessages(nc, 'READINGS', 'readings.vtc.cl-gas-004')).length === 6, 15_000, 'the acknowledged reading published again')
    expect(values(await streamMessages(nc, 'READINGS', 'readings.vtc.cl-gas-004')).sort((a, b) => a - b)).toEqual([-1, 0, 1, 2, 3, 4])
    await eventually(async () => (await health(t)).cluster!.outboxBacklog === 0, 10_000, 'the outbox freed')
    const republished = (await health(t)).cluster!.outboxRepublished
    expect(republished?.stored).toBeGreaterThanOrEqual(2)
    expect(republished?.failed).toBe(0)
    // The park, whose position was past the new stream's end, reads on from its new messages: a
    // reading over the set points raises its alarm, and health names the move.
    await c.publishAsync(d.topic, JSON.stringify({ values: { lel: 60 } }), { qos: 1 })
    await eventually(async () => (await api<{ alarms: { device: string }[] }>(t, 'GET', '/api/v1/alarms?state=active&park=vtc')).body.alarms.some((a) => a.device === d.id), 30_000, 'the alarm of the reading after the stream was made again')
    const parks = (await health(t)).cluster!.parks!
    expect(parks.rebased.vtc?.from).toBeGreaterThan(0)
    expect(parks.rebased.vtc?.to).toBe(0)
    expect(parks.behind).toEqual({})
  }, 90_000)
})
