import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { mkdtemp, rm } from 'node:fs/promises'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { InfluxConsumer, type InfluxConsumerOptions } from '../../hub/src/cluster/influx-consumer.js'
import { freePort, startNatsCluster, type NatsCluster } from '../../hub/src/cluster/nats-servers.js'
import { encodeReadings, messageId, type ReadingsMessage } from '../../hub/src/cluster/readings-codec.js'
import { INFLUX2_CONSUMER, INFLUX_CONSUMER, READINGS_STREAM, readingsSubject } from '../../hub/src/cluster/subjects.js'
import type { Reading } from '../../hub/src/model/reading.js'
import { InfluxdSupervisor } from '../../hub/src/store/influxd-supervisor.js'
import { eventually, influxQuery } from '../support/hub-harness.js'

/**
 * The shared InfluxDB consumer against a real nats-server (JetStream) and the real influxd of the
 * global setup: every reading written once over two nodes' pullers, a node dying mid-batch loses
 * nothing, an unreachable InfluxDB holds the acks until it is back.
 */
const influxUrl = inject('influxUrl')
const quiet = { info() {}, warn() {} }
let dir: string
let nats: NatsCluster
const conns: NatsConnection[] = []
const consumers: InfluxConsumer[] = []
const servers: Server[] = []

async function node(): Promise<{ nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager }> {
  const nc = await connect({ servers: nats.urls.split(',') })
  conns.push(nc)
  return { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) }
}

function consumer(n: { js: JetStreamClient; jsm: JetStreamManager }, o: Partial<InfluxConsumerOptions> & { db: string; url?: string }): InfluxConsumer {
  const c = new InfluxConsumer({ js: n.js, jsm: n.jsm, node: `n${consumers.length}`, name: o.name ?? INFLUX_CONSUMER, target: { url: o.url ?? influxUrl, db: o.db }, log: quiet, ...o })
  consumers.push(c)
  return c
}

/** A fresh READINGS stream (this file's own), so each test counts only its own messages. */
async function freshStream(jsm: JetStreamManager): Promise<void> {
  await jsm.streams.delete(READINGS_STREAM).catch(() => undefined)
  await jsm.streams.add({ name: READINGS_STREAM, subjects: ['readings.>'], num_replicas: 1, duplicate_window: 120_000_000_000 })
}

const T0 = Date.UTC(2026, 0, 1)
function reading(park: string, device: string, ts: number, v: number): Reading {
  return { park, enterprise: `${park}-e`, area: 'a1', device, kind: 'gas', ts, values: { lel: v }, flags: undefined }
}

/** `messages` messages of `per` readings each, spread over three parks and 30 devices; returns the readings published. */
async function publish(js: JetStreamClient, messages: number, per: number, seqFrom = 0): Promise<number> {
  const acks: Promise<unknown>[] = []
  for (let i = 0; i < messages; i++) {
    const park = `p${i % 3}`
    const device = `${park}-d${i % 10}`
    const readings: Reading[] = []
    for (let k = 0; k < per; k++) readings.push(reading(park, device, T0 + (seqFrom + i) * 10 + k, i + k / 10))
    const m: ReadingsMessage = { v: 1, node: 'ingest', seq: seqFrom + i, readings }
    acks.push(publishOnce(js, readingsSubject(park, device), m))
    if (acks.length >= 2000) await Promise.all(acks.splice(0))
  }
  await Promise.all(acks)
  return messages * per
}

/** Publish, asked again (same Nats-Msg-Id: the stream keeps one) while JetStream elects a leader after a server loss. */
async function publishOnce(js: JetStreamClient, subject: string, m: ReadingsMessage): Promise<void> {
  const until = Date.now() + 30_000
  for (;;) {
    try {
      await js.publish(subject, encodeReadings(m), { msgID: messageId(m), timeout: 5000 })
      return
    } catch (err) {
      if (Date.now() > until) throw err
      await new Promise((r) => setTimeout(r, 200))
    }
  }
}

async function count(db: string, url = influxUrl): Promise<number> {
  const rows = await influxQuery(url, db, 'SELECT count(lel) FROM gas')
  return Number(rows[0]?.values[0]?.[1] ?? 0)
}

/** A TCP forwarder in front of the real influxd: `up` forwards, `hold` accepts and never answers, closed refuses. */
function influxProxy(port: number, mode: 'up' | 'hold', to = influxUrl): Promise<Server & { sockets: Set<Socket> }> {
  const target = new URL(to)
  const sockets = new Set<Socket>()
  const s = createServer((c) => {
    sockets.add(c)
    c.on('close', () => sockets.delete(c))
    c.on('error', () => undefined)
    if (mode === 'hold') return
    const up = createConnection(Number(target.port), target.hostname)
    up.on('error', () => c.destroy())
    c.pipe(up).pipe(c)
  })
  servers.push(s)
  return new Promise((resolve) => s.listen(port, '127.0.0.1', () => resolve(Object.assign(s, { sockets }))))
}

async function closeProxy(s: Server & { sockets: Set<Socket> }): Promise<void> {
  for (const c of s.sockets) c.destroy()
  await new Promise<void>((r) => s.close(() => r()))
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smartpark-fanout-influx-'))
  nats = await startNatsCluster({ dir, size: 1 })
})

afterAll(async () => {
  for (const c of consumers) await c.stop(1000).catch(() => undefined)
  for (const nc of conns) await nc.close().catch(() => undefined)
  for (const s of servers) s.close()
  await nats?.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('shared InfluxDB consumer', () => {
  it('two nodes pulling the same durable write every reading once, each message taken by one node', async () => {
    const a = await node()
    const b = await node()
    await freshStream(a.jsm)
    const db = 'fanout_once'
    const messages = 20_000
    const per = 5
    const total = await publish(a.js, messages, per)
    const started = performance.now()
    const ca = consumer(a, { db })
    const cb = consumer(b, { db })
    await Promise.all([ca.start(), cb.start()])
    await eventually(() => ca.stats().messages + cb.stats().messages >= messages, 60_000, 'every message written')
    const seconds = (performance.now() - started) / 1000
    console.log(`influx consumer: ${total} readings in ${messages} messages written by two nodes in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} readings/s (${Math.round(messages / seconds)} msgs/s); node a ${ca.stats().messages} msgs, node b ${cb.stats().messages} msgs`)
    expect(ca.stats().messages + cb.stats().messages).toBe(messages)
    expect(ca.stats().written + cb.stats().written).toBe(total)
    expect(ca.stats().messages).toBeGreaterThan(0)
    expect(cb.stats().messages).toBeGreaterThan(0)
    expect(await count(db)).toBe(total)
    const info = await a.jsm.consumers.info(READINGS_STREAM, INFLUX_CONSUMER)
    expect(info.num_pending + info.num_ack_pending).toBe(0)
    await ca.stop()
    await cb.stop()
  })

  it('a node whose ingest is saturated (holdBack) leaves most of the work to the other node', async () => {
    const a = await node()
    const b = await node()
    await freshStream(a.jsm)
    const db = 'fanout_held'
    const total = await publish(a.js, 6000, 2)
    const held = consumer(a, { db, batchMessages: 100, holdBack: () => true })
    const free = consumer(b, { db, batchMessages: 100 })
    const started = performance.now()
    await Promise.all([held.start(), free.start()])
    await eventually(async () => (await count(db)) === total, 30_000, 'every reading written')
    // Paced: at most one batch per 250 ms after the first, plus the batch in hand when the last was acked.
    const bound = (Math.floor((performance.now() - started) / 250) + 2) * 100
    // InfluxDB answers a query with the last batch before its writer has counted it.
    await eventually(() => held.stats().messages + free.stats().messages === 6000, 5000, 'every message counted')
    console.log(`held back: node a ${held.stats().messages} msgs (one batch of 100 every 250 ms at most), node b ${free.stats().messages}`)
    expect(held.stats().messages + free.stats().messages).toBe(6000)
    expect(free.stats().messages).toBeGreaterThan(held.stats().messages)
    expect(held.stats().messages).toBeLessThanOrEqual(bound)
    await held.stop()
    await free.stop()
  })

  it('a node dying with a batch written but not acked: another node writes it, nothing lost', async () => {
    const a = await node()
    const b = await node()
    await freshStream(a.jsm)
    const db = 'fanout_dying'
    // Node a's InfluxDB never answers: its batch is in flight, unacked, when its NATS connection goes.
    const holdPort = await freePort()
    const hold = await influxProxy(holdPort, 'hold')
    const ca = consumer(a, { db, url: `http://127.0.0.1:${holdPort}`, ackWaitMs: 2000, batchMessages: 100 })
    await ca.start()
    const total = await publish(a.js, 300, 2)
    const info0 = await eventually(async () => {
      const i = await a.jsm.consumers.info(READINGS_STREAM, INFLUX_CONSUMER)
      return i.num_ack_pending > 0 ? i : undefined
    }, 10_000, 'node a holding messages unacked')
    expect(info0.num_ack_pending).toBeGreaterThan(0)
    // kill: the connection closes before any ack
    await a.nc.close()
    const cb = consumer(b, { db, ackWaitMs: 2000 })
    await cb.start()
    await eventually(async () => (await count(db)) === total, 30_000, 'every reading written by node b')
    await eventually(async () => {
      const i = await b.jsm.consumers.info(READINGS_STREAM, INFLUX_CONSUMER)
      return i.num_pending + i.num_ack_pending === 0
    }, 10_000, 'every message acked')
    expect(ca.stats().messages).toBe(0)
    expect(cb.stats().messages).toBeGreaterThanOrEqual(300)
    await closeProxy(hold)
    await cb.stop()
  })

  it('InfluxDB unreachable: nothing acked, everything written once it is back', async () => {
    const a = await node()
    await freshStream(a.jsm)
    const db = 'fanout_outage'
    const port = await freePort()
    const ca = consumer(a, { db, url: `http://127.0.0.1:${port}` })
    await ca.start()
    const total = await publish(a.js, 500, 3)
    await eventually(() => ca.stats().writeErrors >= 2, 15_000, 'writes failing')
    const during = await a.jsm.consumers.info(READINGS_STREAM, INFLUX_CONSUMER)
    expect(during.ack_floor.stream_seq).toBe(0)
    expect(during.num_pending + during.num_ack_pending).toBe(500)
    expect(ca.stats().messages).toBe(0)
    expect(ca.stats().lastError).not.toBe('')
    // InfluxDB comes back on the address the consumer writes to.
    const proxy = await influxProxy(port, 'up')
    await eventually(async () => (await count(db)) === total, 30_000, 'written after the outage')
    await eventually(async () => {
      const i = await a.jsm.consumers.info(READINGS_STREAM, INFLUX_CONSUMER)
      return i.num_pending + i.num_ack_pending === 0
    }, 10_000, 'every message acked')
    await ca.stop()
    await closeProxy(proxy)
  })
})

describe('a second InfluxDB (HUB_INFLUX2_URL)', () => {
  it('its own consumer: two independent influxd hold the same readings, one down does not hold the other back', async () => {
    const a = await node()
    await freshStream(a.jsm)
    const second = new InfluxdSupervisor({ binary: process.env.INFLUXD_PATH ?? 'influxd', dataDir: join(dir, 'influxd2'), log: { info() {}, warn() {}, error() {} } })
    await second.start()
    try {
      const db = 'fanout_two'
      // The second server is reached through a forwarder that is down at first.
      const port = await freePort()
      const c1 = consumer(a, { db })
      const c2 = consumer(a, { db, name: INFLUX2_CONSUMER, url: `http://127.0.0.1:${port}` })
      await Promise.all([c1.start(), c2.start()])
      const total = await publish(a.js, 400, 3)
      await eventually(async () => (await count(db)) === total, 20_000, 'first InfluxDB written')
      expect(c2.stats().messages).toBe(0)
      expect(c2.stats().writeErrors).toBeGreaterThan(0)
      const forward = await influxProxy(port, 'up', second.url)
      await eventually(async () => (await count(db, second.url)) === total, 30_000, 'second InfluxDB written once it is reachable')
      await eventually(() => c1.stats().messages === 400, 5000, 'the first target\'s 400 messages counted')
      await c1.stop()
      await c2.stop()
      await closeProxy(forward)
    } finally {
      await second.stop()
    }
  })
})

describe('shared InfluxDB consumer on a three-server NATS cluster', () => {
  it('the NATS server a consumer talks to is killed mid-stream: every reading still written', async () => {
    const dir3 = await mkdtemp(join(tmpdir(), 'smartpark-fanout-influx3-'))
    const three = await startNatsCluster({ dir: dir3, size: 3 })
    try {
      const urls = three.urls.split(',')
      // The consumer's node talks to the first server; the publisher to the third.
      const nc = await connect({ servers: urls, noRandomize: true })
      const pub = await connect({ servers: [urls[2]!, urls[1]!], noRandomize: true })
      conns.push(nc, pub)
      const jsm = await jetstreamManager(nc)
      await eventually(async () => {
        await jsm.streams.delete(READINGS_STREAM).catch(() => undefined)
        await jsm.streams.add({ name: READINGS_STREAM, subjects: ['readings.>'], num_replicas: 3, duplicate_window: 120_000_000_000 })
        return true
      }, 20_000, 'a 3-replica READINGS stream')
      const db = 'fanout_nats_kill'
      const c = consumer({ js: jetstream(nc), jsm }, { db, ackWaitMs: 3000, batchMessages: 200 })
      await c.start()
      const js = jetstream(pub)
      const first = await publish(js, 2000, 2)
      await eventually(() => c.stats().messages > 0, 20_000, 'consumer writing')
      await three.servers[0]!.kill9()
      const killedAt = performance.now()
      const second = await publish(js, 2000, 2, 2000)
      await eventually(async () => (await count(db)) === first + second, 60_000, 'every reading written after the kill')
      console.log(`influx consumer across a NATS server kill: ${first + second} readings written ${((performance.now() - killedAt) / 1000).toFixed(1)} s after the kill, ${c.stats().messages} messages acked by the node (4000 published; more means redelivered after the kill and overwritten)`)
      await eventually(() => c.stats().messages >= 4000, 5000, 'every message counted by the node')
      await c.stop()
    } finally {
      await three.stop()
      await rm(dir3, { recursive: true, force: true })
    }
  })
})
