/**
 * `npx tsx tests/bench/cluster-live.ts [--seconds N] [--rates 1000,5000,20000] [--telemetry 5000,20000]`: the live relay's
 * latency in cluster mode (docs/cluster.md, "Live view"). Three real nats-server processes
 * clustered on loopback; node A (a LiveRelay on a connection to server 1) pushes alarms at each
 * rate; node B (its own LiveServer on its own HTTP port, its relay on a connection to server 2, so
 * every message crosses a cluster route) hands them to a real socket.io client. Then 20 alarm
 * probes a second beside each `--telemetry` rate of telemetry updates (1,000 devices). Printed: alarms
 * sent and delivered, publish → socket.io `alarm` p50 / p99 / max, the machine's load and steal.
 * Both nodes run in this process (one clock for the latency); on a small machine they share its
 * cores with the three servers.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { startNatsCluster } from '../../hub/src/cluster/nats-servers.js'
import { relayLatency, startLiveRelayNode } from '../support/live-relay-node.js'
import { cpuTimes, stealPercent } from './machine.js'

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback
}

const seconds = Number(arg('seconds', '3'))
const rates = arg('rates', '1000,5000,20000').split(',').map(Number)
/** Telemetry updates a second pushed beside alarm probes (20 a second): the shape of a zone under load. */
const telemetry = arg('telemetry', '5000,20000').split(',').map(Number)
if (!(seconds > 0) || rates.some((r) => !(r > 0)) || telemetry.some((r) => !(r >= 0))) throw new Error('--seconds, --rates and --telemetry take positive numbers')
const PROBES_PER_SEC = 20
const PARKS = ['p1', 'p2', 'p3', 'p4']

const dir = await mkdtemp(join(tmpdir(), 'smartpark-bench-cluster-live-'))
const nats = await startNatsCluster({ dir, size: 3 })
const urls = nats.urls.split(',')
const a = await startLiveRelayNode({ name: 'node-a', servers: [urls[0]!, urls[1]!, urls[2]!], parks: PARKS })
const b = await startLiveRelayNode({ name: 'node-b', servers: [urls[1]!, urls[2]!, urls[0]!], parks: PARKS })
const socket = await b.client()
const rows: Record<string, number | string>[] = []
try {
  for (const rate of rates) {
    const cpu0 = cpuTimes()
    const r = await relayLatency(a, socket, { rate, total: Math.round(rate * seconds), parks: PARKS, timeoutMs: 30_000 })
    rows.push({ what: 'alarms/s', rate, sent: r.sent, delivered: r.delivered, p50ms: +r.p50.toFixed(1), p99ms: +r.p99.toFixed(1), maxms: +r.max.toFixed(1), load1: +loadavg()[0]!.toFixed(2), stealPct: +(stealPercent(cpu0, cpuTimes()) ?? Number.NaN).toFixed(1) })
  }
  for (const rate of telemetry) {
    const cpu0 = cpuTimes()
    const r = await relayLatency(a, socket, { rate: PROBES_PER_SEC, total: Math.round(PROBES_PER_SEC * seconds), parks: PARKS, timeoutMs: 30_000, telemetryRate: rate })
    rows.push({ what: 'telemetry/s + 20 alarms/s', rate, sent: r.sent, delivered: r.delivered, p50ms: +r.p50.toFixed(1), p99ms: +r.p99.toFixed(1), maxms: +r.max.toFixed(1), load1: +loadavg()[0]!.toFixed(2), stealPct: +(stealPercent(cpu0, cpuTimes()) ?? Number.NaN).toFixed(1) })
  }
} finally {
  await a.close()
  await b.close()
  await nats.stop()
  await rm(dir, { recursive: true, force: true })
}
console.log('live relay, node A → NATS (3 servers, across a route) → node B → socket.io client')
console.log('load                            rate   alarms  delivered   p50 ms   p99 ms   max ms  load1  steal%')
for (const r of rows) console.log(`${String(r.what).padEnd(26)} ${String(r.rate).padStart(8)} ${String(r.sent).padStart(8)} ${String(r.delivered).padStart(10)} ${String(r.p50ms).padStart(8)} ${String(r.p99ms).padStart(8)} ${String(r.maxms).padStart(8)} ${String(r.load1).padStart(6)} ${String(r.stealPct).padStart(7)}`)
console.log(JSON.stringify({ bench: 'cluster-live', seconds, rows }))
