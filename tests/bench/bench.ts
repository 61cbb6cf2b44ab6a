/**
 * `npm run bench`: the hub's figures on this machine, in one run (docs/performance.md).
 *
 *  1. raw InfluxDB write ceiling (line-protocol batches straight to a fresh influxd);
 *  2. the hub (its own process, managed InfluxDB, the 10,000-device zone) under load from a
 *     separate generator process over TCP: sustained ingest at QoS 0 and at QoS 1, with loss
 *     counted in InfluxDB afterwards;
 *  3. alarm latency, publish → socket.io `alarm` event, p50 / p99, while load runs;
 *  4. overload: twice the QoS 0 target offered — memory bounded, nothing lost, recovery time;
 *  5. the hub's peak RSS (per phase) and CPU.
 * A table, then one JSON line with every figure. `--quick` finishes in under a minute.
 * Options: --seconds N, --qos0-rate N, --qos1-rate N, --overload-rate N, --latency-load N (msgs/s of other traffic
 * during the latency probes), --only qos0,qos1,overload,latency (phases to run; --latency-only is
 * --only latency), --clients N, --generators N, --heap-mb N, --profile DIR (the hub writes a
 * V8 CPU profile there when it stops; open it in Chrome DevTools), --hub-flags "--trace-gc …" (Node
 * options for the hub; its stdout goes to the file named by BENCH_HUB_STDOUT).
 * `--connections N --zone-devices M --period S` is another bench: many connections, each one
 * reading every S seconds (many-connections.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { io } from 'socket.io-client'
import mqtt from 'mqtt'
import { generateZone } from '../../simulators/src/zone/zone-generator.js'
import { InfluxdSupervisor } from '../../hub/src/store/influxd-supervisor.js'
import type { Alarm } from '../../hub/src/model/alarm.js'
import { cpuTimes, stealPercent } from './machine.js'
import { cpuSeconds, health, peakRssMb, resetPeakRss, startHub, type HubProc } from './hub-proc.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const quick = process.argv.includes('--quick')
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const P = {
  ceilingSec: quick ? 3 : 10,
  ingestSec: arg('seconds', quick ? 6 : 30),
  /** Overload is short in a quick run: its backlog takes InfluxDB about three times as long to write. */
  overloadSec: arg('seconds', quick ? 3 : 30),
  // 10 % over the 100,000 msgs/s target: the figure then shows the target held, where offering
  // exactly the target can only print a little under it (pacing in 10 ms slices, the drain).
  qos0Rate: arg('qos0-rate', 110_000),
  /** Overload offers twice the QoS 0 target. */
  overloadRate: arg('overload-rate', 200_000),
  qos1Rate: arg('qos1-rate', 40_000),
  latencyLoad: arg('latency-load', 20_000),
  latencySec: quick ? 10 : 25,
  clients: arg('clients', 200),
  generators: arg('generators', 2),
}
const say = (m: string): void => void process.stderr.write(`[bench] ${m}\n`)
const quiet = { info() {}, warn() {}, error() {} }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function influxCeiling(dir: string): Promise<number> {
  const sup = new InfluxdSupervisor({ binary: 'influxd', dataDir: join(dir, 'ceiling'), log: quiet })
  await sup.start()
  await fetch(`${sup.url}/query?q=${encodeURIComponent('CREATE DATABASE ceiling')}`, { method: 'POST' })
  const batch = 5000
  let written = 0
  let seq = 0
  const start = Date.now()
  const end = start + P.ceilingSec * 1000
  const worker = async (w: number): Promise<void> => {
    while (Date.now() < end) {
      const lines: string[] = []
      const base = Date.now() - 3_600_000
      for (let i = 0; i < batch; i++) lines.push(`gas,park=p${w},enterprise=e${i % 50},device=d${w}-${i % 2000} lel=${i % 20} ${base + seq++}`)
      const res = await fetch(`${sup.url}/write?db=ceiling&precision=ms`, { method: 'POST', body: lines.join('\n') })
      if (res.status === 204) written += batch
    }
  }
  await Promise.all([0, 1, 2, 3].map(worker))
  const rate = written / ((Date.now() - start) / 1000)
  await sup.stop()
  return rate
}

interface GenResult { sent: number; acked: number; errors: number; elapsed: number; drained: number; perDevice: number[] }

function generate(devices: { id: string; secret: string; topic: string; metric: string }[], o: { url: string; rate: number; seconds: number; qos: 0 | 1; tsBase: number; parts?: number }): Promise<GenResult[]> {
  const parts = o.parts ?? P.generators
  const children: ChildProcess[] = []
  let readyCount = 0
  const runs = Array.from({ length: parts }, (_, g) => {
    const mine = devices.filter((_, i) => i % parts === g)
    const spec = { url: o.url, devices: mine, rate: o.rate / parts, seconds: o.seconds, qos: o.qos, window: 200, tsBase: o.tsBase }
    return new Promise<GenResult>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'tests/bench/load-generator.ts'), JSON.stringify(spec)], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] })
      children.push(child)
      let out = ''
      child.stdout!.on('data', (d: Buffer) => {
        const before = out.includes('"ready"')
        out += d.toString()
        // All clients of every generator are connected before any load starts.
        if (!before && out.includes('"ready"') && ++readyCount === parts) for (const c of children) c.stdin!.end('go\n')
      })
      child.once('exit', () => {
        const last = out.trim().split('\n').pop() ?? '{}'
        const r = JSON.parse(last) as GenResult & { error?: string }
        if (r.error) reject(new Error(r.error))
        else resolve(r)
      })
    })
  })
  return Promise.all(runs)
}


async function countStored(influxUrl: string, from: number, to: number, devices: string[]): Promise<number> {
  const q = `SELECT count("lel") FROM "gas" WHERE time >= ${from}ms AND time <= ${to}ms AND (${devices.map((d) => `"device" = '${d}'`).join(' OR ')})`
  const res = await fetch(`${influxUrl}/query?${new URLSearchParams({ db: 'smartpark', q })}`)
  const j = (await res.json()) as { results: { series?: { values: [string, number][] }[] }[] }
  return j.results[0]?.series?.[0]?.values[0]?.[1] ?? 0
}

async function ingestPhase(hub: HubProc, influxUrl: string, devices: { id: string; secret: string; topic: string; metric: string }[], qos: 0 | 1, rate: number, tsBase: number, label = `ingest QoS ${qos}`, seconds = P.ingestSec) {
  say(`${label}: ${rate} msgs/s offered for ${seconds} s from ${devices.length} clients in ${P.generators} processes…`)
  await resetPeakRss(hub.pid)
  const cpu0 = await cpuSeconds(hub.pid)
  const h0 = await health(hub.http)
  const t0 = Date.now()
  // Timers and HTTP while the load runs: the hub's event-loop delay and how long its health took to answer.
  let loopMaxMs = 0
  let healthMaxMs = 0
  // The journal's slowest commit or rotation (a QoS 1 commit fdatasyncs on the event loop).
  let journalMaxMs = 0
  const progress = setInterval(async () => {
    const asked = performance.now()
    const h = await health(hub.http).catch(() => undefined)
    healthMaxMs = Math.max(healthMaxMs, performance.now() - asked)
    if (h) loopMaxMs = Math.max(loopMaxMs, h.process.eventLoopDelayMs.max)
    if (h) journalMaxMs = Math.max(journalMaxMs, h.journal.slowestWriteMs)
    if (h) say(`  accepted ${h.ingest.accepted - h0.ingest.accepted}, unwritten ${h.store.queueDepth}${h.store.heldBack ? " (writes held back)" : ""}, held ${h.process.heldPublishes}, waiting ${Math.round(h.process.waitingBytes / 1024)} KiB on ${h.process.pausedConnections} paused connections, RSS ${h.process.rssMb} MB, heap ${h.process.heapUsedMb} MB${h.influx.writeErrors > 0 ? `, write errors ${h.influx.writeErrors} (${h.influx.lastError.slice(0, 80)})` : ''}`)
  }, 2000)
  const gens = await generate(devices, { url: hub.mqtt, rate, seconds, qos, tsBase })
  clearInterval(progress)
  const loadEnded = Date.now()
  const sent = gens.reduce((s, g) => s + g.sent, 0)
  const elapsed = Math.max(...gens.map((g) => g.drained))
  // Wait for the hub to take in and write everything.
  let h = await health(hub.http)
  for (let i = 0; i < 1800 && (h.store.queueDepth > 0 || h.ingest.accepted - h0.ingest.accepted < sent); i++) {
    await sleep(100)
    const next = await health(hub.http)
    if (next.ingest.accepted === h.ingest.accepted && next.store.queueDepth === 0 && i > 20) break
    h = next
  }
  const accepted = h.ingest.accepted - h0.ingest.accepted
  // Recovery: from the last publish to everything written to InfluxDB.
  const recoverSec = (Date.now() - loadEnded) / 1000
  const rssPeak = await peakRssMb(hub.pid)
  const wall = (Date.now() - t0) / 1000
  const cpu = ((await cpuSeconds(hub.pid)) - cpu0) / wall
  const maxSeq = Math.max(...gens.flatMap((g) => g.perDevice))
  const stored = await countStored(influxUrl, tsBase, tsBase + maxSeq, devices.map((d) => d.id))
  const rateOut = accepted / elapsed
  const rejects: Record<string, number> = {}
  for (const [k, v] of Object.entries(h.ingest.rejectsByReason)) if (v - (h0.ingest.rejectsByReason[k] ?? 0) > 0) rejects[k] = v - (h0.ingest.rejectsByReason[k] ?? 0)
  say(`  sent ${sent}, accepted ${accepted}, stored ${stored}, rejected ${JSON.stringify(rejects)}, ${Math.round(rateOut)} msgs/s, hub CPU ${(cpu * 100).toFixed(0)} % (${((cpu * wall * 1e6) / Math.max(1, accepted)).toFixed(1)} µs a message), peak RSS ${Math.round(rssPeak)} MB, all written ${recoverSec.toFixed(1)} s after the load stopped`)
  say(`  during the load: event-loop delay max ${Math.round(loopMaxMs)} ms, health answered within ${Math.round(healthMaxMs)} ms, slowest journal write ${Math.round(journalMaxMs)} ms`)
  return { sent, accepted, stored, lost: sent - stored, rate: rateOut, cpu, acked: gens.reduce((s, g) => s + g.acked, 0), rssPeak, recoverSec, loopMaxMs, healthMaxMs }
}

async function latencyPhase(hub: HubProc, load: { id: string; secret: string; topic: string; metric: string }[], probes: { id: string; secret: string; topic: string; metric: string }[]): Promise<{ latencies: number[]; cpu: number }> {
  say(`alarm latency: ${probes.length} probes while ${P.latencyLoad} msgs/s of other traffic flow…`)
  const login = await fetch(`${hub.http}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-admin-password' }) })
  const { token } = (await login.json()) as { token: string }
  const socket = io(hub.http, { auth: { token }, transports: ['websocket'] })
  await new Promise((r) => socket.once('snapshot', r))
  const sentAt = new Map<string, { mono: number; wall: number }>()
  const latencies: number[] = []
  // Where a slow probe's time went: publish → the hub's ingest (a reading without a timestamp
  // is stamped with the hub's clock as ingest takes it, and the alarm is raised at that time),
  // then ingest → the alarm event at the client. Same machine, same clock.
  const slow: { total: number; toIngest: number; afterIngest: number }[] = []
  const counted = new Set<string>()
  socket.on('alarm', (a: Alarm) => {
    const t = sentAt.get(a.device)
    if (t !== undefined && a.history.at(-1)?.action === 'raise') {
      const total = performance.now() - t.mono
      if (counted.has(a.device)) latencies.push(total)
      if (counted.has(a.device) && total > 30) slow.push({ total, toIngest: a.raisedAt - t.wall, afterIngest: Date.now() - a.raisedAt })
      sentAt.delete(a.device)
    }
  })
  const clients = await Promise.all(probes.map((d) => mqtt.connectAsync(hub.mqtt, { username: d.id, password: d.secret, clientId: d.id, reconnectPeriod: 0 })))
  // One generator process is enough for this load and leaves the hub its core.
  const gen = generate(load, { url: hub.mqtt, rate: P.latencyLoad, seconds: P.latencySec, qos: 0, tsBase: Date.now() - 3 * 3_600_000, parts: P.latencyLoad > 30_000 ? P.generators : 1 })
  // Let the generator's connections settle and the load run before measuring. The first
  // WARMUP probes warm the alarm path (JIT, first allocations) of a freshly started hub and
  // are not counted: a hub in service is warm.
  await sleep(4000)
  await health(hub.http)
  const cpu0 = await cpuSeconds(hub.pid)
  const probing0 = performance.now()
  const WARMUP = 10
  const gap = ((P.latencySec - 6) * 1000) / probes.length
  for (let i = 0; i < probes.length; i++) {
    const d = probes[i]!
    if (i >= WARMUP) counted.add(d.id)
    sentAt.set(d.id, { mono: performance.now(), wall: Date.now() })
    clients[i]!.publish(d.topic, JSON.stringify({ values: { [d.metric]: probeValue(d.metric) } }), { qos: 0 })
    await sleep(gap)
  }
  // How near the hub is to saturation: a probe waits behind whatever the hub has not yet done.
  const cpu = ((await cpuSeconds(hub.pid)) - cpu0) / ((performance.now() - probing0) / 1000)
  const after = await health(hub.http)
  const loop = after.process.eventLoopDelayMs
  say(`  hub CPU while probing ${(cpu * 100).toFixed(0)} %; event-loop delay p50 ${loop.p50} ms, p99 ${loop.p99} ms, max ${loop.max} ms; slowest journal write ${after.journal.slowestWriteMs} ms`)
  await gen
  await sleep(1000)
  socket.close()
  await Promise.all(clients.map((c) => c.endAsync()))
  if (slow.length > 0) say(`  probes over 30 ms (total = publish → hub ingest + hub ingest → client, ms): ${slow.map((x) => `${x.total.toFixed(0)} = ${x.toIngest} + ${x.afterIngest}`).join(', ')}`)
  if (process.env.BENCH_DEBUG) say(`latencies in order: ${latencies.map((x) => x.toFixed(0)).join(' ')}`)
  return { latencies: latencies.sort((a, b) => a - b), cpu }
}

/**
 * The probe reading: 1.5 × the gas's GB/T 50493 first-level set point (an orange alarm), or with
 * --probe-red 3 × (a red alarm, which also opens an incident and sends commands).
 */
const FIRST_LEVEL: Record<string, number> = { h2s: 10, co: 20, no2: 5, cl2: 1, so2: 5, nh3: 20, c6h6: 6, hcl: 7.5 }
const probeValue = (metric: string): number => (FIRST_LEVEL[metric] ?? 10) * (process.argv.includes('--probe-red') ? 3 : 1.5)

const pct = (xs: number[], p: number): number => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN)

async function main(): Promise<void> {
  // Many connections, each a device sending every few seconds (many-connections.ts).
  if (process.argv.includes('--connections')) return (await import('./many-connections.js')).manyConnections()
  // HJ 212 data loggers: many connected, backlog replays (hj212-bench.ts).
  if (process.argv.includes('--hj212')) return (await import('./hj212-bench.js')).hj212Bench()
  // Cluster mode: three nats-servers, hub nodes, failover and live latency across nodes (cluster-bench.ts).
  if (process.argv.includes('--cluster')) return (await import('./cluster-bench.js')).clusterBench()
  const dir = await mkdtemp(join(tmpdir(), 'smartpark-bench-'))
  let hub: HubProc | undefined
  try {
    say('raw InfluxDB write ceiling…')
    const ceiling = await influxCeiling(dir)
    say(`  ${Math.round(ceiling)} points/s`)

    say('generating the 10,000-device zone…')
    const { zone, credentials } = generateZone({ devices: 10_000, seed: 7 })
    await writeFile(join(dir, 'zone.json'), JSON.stringify(zone))
    const withSecret = zone.devices.filter((d) => credentials.devices[d.id])
    const lel = withSecret.filter((d) => d.metrics[0] === 'lel').map((d) => ({ id: d.id, secret: credentials.devices[d.id]!, topic: `parks/${d.park}/${d.enterprise}/${d.id}/telemetry`, metric: 'lel' }))
    const toxic = withSecret.filter((d) => d.type === 'toxic').map((d) => ({ id: d.id, secret: credentials.devices[d.id]!, topic: `parks/${d.park}/${d.enterprise}/${d.id}/telemetry`, metric: d.metrics[0]! }))
    const loadDevices = lel.slice(0, P.clients)
    const probes = toxic.slice(0, (quick ? 40 : 150) + 10)
    say(`  ${zone.devices.length} devices; load from ${loadDevices.length} combustible detectors, ${probes.length} toxic detectors as alarm probes`)

    say('starting the hub (managed InfluxDB)…')
    hub = await startHub({ HUB_CONFIG: join(dir, 'zone.json'), HUB_DATA_DIR: join(dir, 'hub'), HUB_ADMIN_PASSWORD: 'bench-admin-password', HUB_DEADMAN_INTERVALS: '1000' })
    const h = (await health(hub.http)) as unknown as { influx: { url: string } }
    const influxUrl = h.influx.url
    const rssIdle = await peakRssMb(hub.pid)

    const only = process.argv.includes('--latency-only') ? ['latency'] : process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]!.split(',') : ['qos0', 'qos1', 'overload', 'latency']
    const skipped = { sent: 0, accepted: 0, stored: 0, lost: 0, rate: 0, cpu: 0, acked: 0, rssPeak: 0, recoverSec: 0, loopMaxMs: 0, healthMaxMs: 0 }
    const q0 = only.includes('qos0') ? await ingestPhase(hub, influxUrl, loadDevices, 0, P.qos0Rate, Date.now() - 5 * 3_600_000) : skipped
    const q1 = only.includes('qos1') ? await ingestPhase(hub, influxUrl, loadDevices, 1, P.qos1Rate, Date.now() - 4 * 3_600_000) : skipped
    await resetPeakRss(hub.pid)
    const cpuBeforeLatency = cpuTimes()
    const { latencies: lat, cpu: latencyCpu } = only.includes('latency') ? await latencyPhase(hub, loadDevices, probes) : { latencies: [], cpu: 0 }
    const latencySteal = stealPercent(cpuBeforeLatency, cpuTimes())
    const latencyRss = await peakRssMb(hub.pid)
    // Overload last: twice the QoS 0 target offered, beyond what the hub is sized for; memory
    // must stay bounded and the hub recover (InfluxDB compacts for minutes after it).
    const over = only.includes('overload') ? await ingestPhase(hub, influxUrl, loadDevices, 0, P.overloadRate, Date.now() - 6 * 3_600_000, 'overload (QoS 0, twice the target)', P.overloadSec) : skipped
    const rss = Math.max(q0.rssPeak, q1.rssPeak, over.rssPeak, latencyRss)

    const figures = {
      influxCeilingPointsPerSec: Math.round(ceiling),
      ingestQos0MsgsPerSec: Math.round(q0.rate),
      ingestQos0Sent: q0.sent,
      ingestQos0Stored: q0.stored,
      ingestQos1MsgsPerSec: Math.round(q1.rate),
      ingestQos1Sent: q1.sent,
      ingestQos1Acked: q1.acked,
      ingestQos1Stored: q1.stored,
      lost: q0.lost + q1.lost + over.lost,
      lostQos0: q0.lost,
      lostQos1: q1.lost,
      overloadOfferedMsgsPerSec: only.includes('overload') ? P.overloadRate : 0,
      overloadAcceptedMsgsPerSec: Math.round(over.rate),
      overloadSent: over.sent,
      overloadStored: over.stored,
      overloadLost: over.lost,
      overloadRssMb: Math.round(over.rssPeak),
      overloadRecoverSec: Number(over.recoverSec.toFixed(1)),
      alarmLatencyP50Ms: Number(pct(lat, 50).toFixed(1)),
      alarmLatencyP99Ms: Number(pct(lat, 99).toFixed(1)),
      alarmLatencyMaxMs: Number((lat.at(-1) ?? NaN).toFixed(1)),
      alarmProbes: probes.length - 10,
      alarmsReceived: lat.length,
      alarmLoadMsgsPerSec: P.latencyLoad,
      hubRssMb: Math.round(rss),
      hubRssQos0Mb: Math.round(q0.rssPeak),
      hubRssQos1Mb: Math.round(q1.rssPeak),
      hubRssIdleMb: Math.round(rssIdle),
      hubCpuQos0: Number(q0.cpu.toFixed(2)),
      hubCpuQos1: Number(q1.cpu.toFixed(2)),
      hubCpuLatency: Number(latencyCpu.toFixed(2)),
      stealLatencyPct: latencySteal === undefined ? null : Number(latencySteal.toFixed(1)),
      loopDelayMaxQos0Ms: Math.round(q0.loopMaxMs),
      loopDelayMaxQos1Ms: Math.round(q1.loopMaxMs),
      loopDelayMaxOverloadMs: Math.round(over.loopMaxMs),
      healthMaxMs: Math.round(Math.max(q0.healthMaxMs, q1.healthMaxMs, over.healthMaxMs)),
      zoneDevices: zone.devices.length,
      quick,
    }
    const rows: [string, string][] = [
      ['InfluxDB raw write ceiling', `${figures.influxCeilingPointsPerSec.toLocaleString('en')} points/s`],
      ['ingest QoS 0 (sustained)', `${figures.ingestQos0MsgsPerSec.toLocaleString('en')} msgs/s; sent ${q0.sent}, stored ${q0.stored}, lost ${q0.lost}`],
      ['ingest QoS 1 (acked)', `${figures.ingestQos1MsgsPerSec.toLocaleString('en')} msgs/s; sent ${q1.sent}, acked ${q1.acked}, stored ${q1.stored}, lost ${q1.lost}`],
      ['overload (2 × QoS 0 target)', `${figures.overloadOfferedMsgsPerSec.toLocaleString('en')} msgs/s offered, ${figures.overloadAcceptedMsgsPerSec.toLocaleString('en')} taken; sent ${over.sent}, stored ${over.stored}, lost ${over.lost}; peak RSS ${figures.overloadRssMb} MB; all written ${figures.overloadRecoverSec} s after`],
      [`alarm latency at ${P.latencyLoad} msgs/s`, `p50 ${figures.alarmLatencyP50Ms} ms, p99 ${figures.alarmLatencyP99Ms} ms, max ${figures.alarmLatencyMaxMs} ms (${lat.length}/${probes.length - 10} probes after 10 warm-up; hypervisor steal ${latencySteal === undefined ? 'unknown' : `${latencySteal.toFixed(1)} %`})`],
      ['hub peak RSS', `${figures.hubRssMb} MB (idle ${figures.hubRssIdleMb} MB, QoS 0 ${figures.hubRssQos0Mb}, QoS 1 ${figures.hubRssQos1Mb}, overload ${figures.overloadRssMb}) with ${zone.devices.length} devices`],
      ['hub CPU', `${(q0.cpu * 100).toFixed(0)} % at QoS 0, ${(q1.cpu * 100).toFixed(0)} % at QoS 1, ${(latencyCpu * 100).toFixed(0)} % at ${P.latencyLoad} msgs/s (100 % = one core)`],
      ['event loop under load', `delay max ${figures.loopDelayMaxQos0Ms} ms at QoS 0, ${figures.loopDelayMaxQos1Ms} at QoS 1, ${figures.loopDelayMaxOverloadMs} in overload; health answered within ${figures.healthMaxMs} ms`],
    ]
    const w = Math.max(...rows.map((r) => r[0].length))
    process.stdout.write(`\n${rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')}\n\n${JSON.stringify(figures)}\n`)
  } finally {
    if (hub) {
      hub.child.kill('SIGTERM')
      await new Promise((r) => hub!.child.once('exit', r))
    }
    await rm(dir, { recursive: true, force: true })
  }
}

main().then(
  () => {
    // Every process the bench started is stopped by now; a client or timer left open would keep
    // this one waiting with nothing to do (seen after the many-connections bench): say so and end.
    const left = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap')
    if (left.length > 0) process.stderr.write(`[bench] done; ending with ${left.length} handles still open (${[...new Set(left)].join(', ')})\n`)
    process.exit(0)
  },
  (err: Error) => {
    process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`)
    process.exit(1)
  },
)
