/**
 * `npx tsx tests/bench/cluster-influx.ts [--messages N] [--per K] [--nodes 1,2,3]`: the shared
 * InfluxDB consumer's write throughput (docs/cluster.md, "Storage"). Three real nats-server
 * processes clustered on loopback with a 3-replica READINGS stream, one real influxd; N messages
 * of K readings each are published first, then 1, 2 or 3 nodes (each its own NATS connection,
 * each an InfluxConsumer on the shared durable) write them to a fresh database; the clock runs
 * from the consumers' start to the last ack, and the count in InfluxDB is checked. Everything
 * shares this machine's cores: more pullers help only where InfluxDB and NATS have cores to spare.
 */
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { InfluxConsumer } from '../../hub/src/cluster/influx-consumer.js'
import { startNatsCluster } from '../../hub/src/cluster/nats-servers.js'
import { encodeReadings, messageId, type ReadingsMessage } from '../../hub/src/cluster/readings-codec.js'
import { ensureReadingsStream } from '../../hub/src/cluster/readings-stream.js'
import { INFLUX_CONSUMER, READINGS_STREAM, readingsSubject } from '../../hub/src/cluster/subjects.js'
import type { Reading } from '../../hub/src/model/reading.js'
import { InfluxdSupervisor } from '../../hub/src/store/influxd-supervisor.js'

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback
}

const messages = Number(arg('messages', '50000'))
const per = Number(arg('per', '4'))
const nodeCounts = arg('nodes', '1,2,3').split(',').map(Number)
if (!(messages > 0) || !(per > 0) || nodeCounts.some((n) => !(n >= 1))) throw new Error('--messages, --per and --nodes take positive numbers')
const quiet = { info() {}, warn() {}, error() {} }

async function publishAll(js: JetStreamClient, round: number): Promise<void> {
  let inflight: Promise<unknown>[] = []
  for (let i = 0; i < messages; i++) {
    const park = `p${i % 5}`
    const device = `${park}-d${i % 200}`
    const readings: Reading[] = []
    for (let k = 0; k < per; k++) readings.push({ park, enterprise: `${park}-e`, area: undefined, device, kind: 'gas', ts: Date.UTC(2026, 0, 1) + i * per + k, values: { lel: k, o2: 20.9 }, flags: undefined })
    const m: ReadingsMessage = { v: 1, node: `bench${round}`, seq: i, readings }
    inflight.push(js.publish(readingsSubject(park, device), encodeReadings(m), { msgID: messageId(m) }))
    if (inflight.length >= 1000) {
      await Promise.all(inflight)
      inflight = []
    }
  }
  await Promise.all(inflight)
}

async function count(url: string, db: string): Promise<number> {
  const r = await fetch(`${url}/query?${new URLSearchParams({ db, q: 'SELECT count(lel) FROM gas' })}`)
  const j = (await r.json()) as { results: { series?: { values: unknown[][] }[] }[] }
  return Number(j.results[0]?.series?.[0]?.values[0]?.[1] ?? 0)
}

const dir = await mkdtemp(join(tmpdir(), 'smartpark-bench-cluster-influx-'))
const nats = await startNatsCluster({ dir: join(dir, 'nats'), size: 3 })
const influxd = new InfluxdSupervisor({ binary: process.env.INFLUXD_PATH ?? 'influxd', dataDir: join(dir, 'influxd'), log: quiet })
await influxd.start()
const conns: NatsConnection[] = []
const rows: Record<string, number>[] = []
try {
  const admin = await connect({ servers: nats.urls.split(',') })
  conns.push(admin)
  const jsm = await jetstreamManager(admin)
  for (const [round, nodes] of nodeCounts.entries()) {
    // A fresh stream and consumer each round: every round writes the same messages from the start.
    await jsm.streams.delete(READINGS_STREAM).catch(() => undefined)
    await ensureReadingsStream(jsm, { replicas: 3, maxAgeH: 1 })
    await publishAll(jetstream(admin), round)
    const db = `bench_${round}_${nodes}`
    const consumers: InfluxConsumer[] = []
    for (let n = 0; n < nodes; n++) {
      const nc = await connect({ servers: nats.urls.split(',') })
      conns.push(nc)
      consumers.push(new InfluxConsumer({ js: jetstream(nc), jsm: await jetstreamManager(nc), node: `n${n}`, name: INFLUX_CONSUMER, target: { url: influxd.url, db }, log: quiet }))
    }
    const started = performance.now()
    await Promise.all(consumers.map((c) => c.start()))
    const until = Date.now() + 300_000
    while (consumers.reduce((s, c) => s + c.stats().messages, 0) < messages && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
    const seconds = (performance.now() - started) / 1000
    const acked = consumers.reduce((s, c) => s + c.stats().messages, 0)
    for (const c of consumers) await c.stop()
    const stored = await count(influxd.url, db)
    rows.push({ nodes, messages: acked, readings: stored, seconds: +seconds.toFixed(2), readingsPerSec: Math.round(stored / seconds), msgsPerSec: Math.round(acked / seconds), load1: +loadavg()[0]!.toFixed(2) })
  }
} finally {
  for (const nc of conns) await nc.close().catch(() => undefined)
  await influxd.stop()
  await nats.stop()
  await rm(dir, { recursive: true, force: true })
}
console.log(`shared InfluxDB consumer: ${messages} messages × ${per} readings, READINGS on 3 nats-server (3 replicas), one influxd`)
console.log('nodes  messages  readings  seconds  readings/s  msgs/s  load1')
for (const r of rows) console.log(`${String(r.nodes).padStart(5)} ${String(r.messages).padStart(9)} ${String(r.readings).padStart(9)} ${String(r.seconds).padStart(8)} ${String(r.readingsPerSec).padStart(11)} ${String(r.msgsPerSec).padStart(7)} ${String(r.load1).padStart(6)}`)
console.log(JSON.stringify({ bench: 'cluster-influx', messages, per, rows }))
