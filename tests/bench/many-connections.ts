/**
 * `npm run bench -- --connections N --zone-devices M --period S`: many connections, each a
 * device sending one reading every S seconds, in an M-device zone (docs/performance.md).
 *
 *  1. the hub idle with the zone: RSS;
 *  2. N real MQTT connections from generator processes (periodic-generator.ts), over 127.0.0.x
 *     source addresses: connect time, RSS connected, bytes per connection;
 *  3. the load for --seconds (default 60): event-loop delay (the hub's monitorEventLoopDelay,
 *     read through health every 2 s), health latency, garbage-collector pauses (the hub's
 *     PerformanceObserver on 'gc'), CPU, RSS peak, alarm latency from probes (a toxic
 *     detector's reading at 1.5 × its first level → the socket.io `alarm` event);
 *  4. with --storm: every connection dropped at once and every device reconnecting at once:
 *     time until all are back, attempts and refusals, alarm latency meanwhile, and the alarms
 *     raised (device offline, communications) — with --outage SEC the devices stay away that
 *     long first, past the deadman, so a mass disconnect is seen;
 *  5. loss: readings sent against points counted in InfluxDB.
 * The hypervisor's steal is printed beside every phase's figures. Options: --generators G,
 * --probes P, --seconds D, --storm, --outage SEC, --hub-flags, --profile DIR (hub-proc.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { io, type Socket as IoSocket } from 'socket.io-client'
import mqtt, { type MqttClient } from 'mqtt'
import { generateZone } from '../../simulators/src/zone/zone-generator.js'
import type { Alarm } from '../../hub/src/model/alarm.js'
import { cpuTimes, netCounters, netText, stealPercent, type CpuTimes } from './machine.js'
import { cpuSeconds, health as healthOf, peakRssMb, resetPeakRss, startHub, type HubProc } from './hub-proc.js'
import { judgeTargets, type ManyConnectionFigures, type ZoneSize } from './many-connections-targets.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const say = (m: string): void => void process.stderr.write(`[bench] ${m}\n`)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Load metrics and a reading of each well under its first level (GB/T 50493), so the load raises nothing. */
const LOAD_VALUES: Record<string, number> = { lel: 2, co: 2, nh3: 2, cl2: 0.1, c6h6: 0.5, hcl: 0.5, so2: 0.5, no2: 0.5 }
/** Probes: H2S detectors (never in the load), at 1.5 × the 10 ppm first level. */
const PROBE_METRIC = 'h2s'
const PROBE_VALUE = 15
/** Ephemeral ports towards one hub port per source address (Linux's default 32768–60999, with room). */
const CONNECTIONS_PER_ADDRESS = 20_000

interface Health {
  ingest: { accepted: number; rejectsByReason: Record<string, number> }
  store: { queueDepth: number }
  influx: { url: string }
  devices: { online: number }
  broker: { clients: number }
  process: { rssMb: number; heapUsedMb: number; eventLoopDelayMs: { p50: number; p99: number; p999?: number; max: number }; gc?: { collections: number; totalMs: number; majorMs: number; maxMs: number } }
  connections?: { refused: Record<string, number>; serverUnavailable?: number; limits: { total: number; openFiles?: { soft: number | null; hard: number | null; reserve: number | null } }; pacing?: { started: number; refusedBusy: number; longestWaitMs: number } }
}
const health = (http: string): Promise<Health> => healthOf(http) as unknown as Promise<Health>

interface LoadDevice { id: string; secret: string; topic: string; metric: string; value: number }

async function rssMb(pid: number): Promise<number> {
  return Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
}

/** Generator processes, commanded by lines on stdin, answering with JSON lines. */
class Generators {
  private readonly children: ChildProcess[] = []
  private readonly waiting: ((o: Record<string, unknown>) => void)[][] = []

  constructor(hub: HubProc, devices: LoadDevice[], parts: number, period: number, dir: string) {
    const u = new URL(hub.mqtt)
    const addresses = Math.max(1, Math.ceil(devices.length / CONNECTIONS_PER_ADDRESS))
    for (let g = 0; g < parts; g++) {
      const mine = devices.filter((_, i) => i % parts === g)
      const localAddresses = Array.from({ length: addresses }, (_, a) => `127.0.0.${2 + ((g + a * parts) % 250)}`)
      const spec = { host: u.hostname, port: Number(u.port), devices: mine, period, localAddresses, concurrency: 100 }
      // The spec in a file: thousands of devices are past the size of a command line.
      const specFile = join(dir, `generator-${g}.json`)
      writeFileSync(specFile, JSON.stringify(spec))
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'tests/bench/periodic-generator.ts'), specFile], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] })
      this.children.push(child)
      this.waiting.push([])
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const o = JSON.parse(line) as Record<string, unknown>
        if (o.error) say(`generator ${g}: ${String(o.error)}`)
        this.waiting[g]!.shift()?.(o)
      })
    }
  }

  /** The next line of every generator, after sending each `command` (none: just wait). */
  all(command?: string): Promise<Record<string, unknown>[]> {
    return Promise.all(this.children.map((c, g) => new Promise<Record<string, unknown>>((resolve) => {
      this.waiting[g]!.push(resolve)
      if (command) c.stdin!.write(`${command}\n`)
    })))
  }

  send(command: string): void {
    for (const c of this.children) c.stdin!.write(`${command}\n`)
  }

  kill(): void {
    for (const c of this.children) if (c.exitCode === null) c.kill('SIGKILL')
  }
}

/** Alarm probes: one reading each over the first level, timed to the socket.io alarm event. */
class Probes {
  private readonly sentAt = new Map<string, number>()
  private readonly sentWall = new Map<string, number>()
  /** When mqtt.js said the probe's PUBLISH was written to its socket (ms after the publish call). */
  private readonly written = new Map<string, number>()
  readonly latencies: number[] = []
  /** Where each probe's time went: publish → written to the probe's socket → the hub's ingest (the alarm's raisedAt), then → the client (ms). */
  readonly split: { total: number; toIngest: number; afterIngest: number; written: number | undefined }[] = []
  readonly raisedByType: Record<string, number> = {}
  /** Times a probe's own connection was lost (its readings then wait in mqtt.js's queue until it is back). */
  dropped = 0
  private clients: MqttClient[] = []
  private readonly own: Set<string>

  constructor(socket: IoSocket, private readonly devices: LoadDevice[]) {
    this.own = new Set(devices.map((d) => d.id))
    socket.on('alarm', (a: Alarm) => {
      if (a.history.at(-1)?.action !== 'raise' && a.history.length !== 1) return
      if (a.history.length === 1 && !this.own.has(a.device)) this.raisedByType[a.type] = (this.raisedByType[a.type] ?? 0) + 1
      const t = this.sentAt.get(a.device)
      if (t !== undefined) {
        const total = performance.now() - t
        this.latencies.push(total)
        const wall = this.sentWall.get(a.device) ?? a.raisedAt
        this.split.push({ total, toIngest: a.raisedAt - wall, afterIngest: Date.now() - a.raisedAt, written: this.written.get(a.device) })
        this.sentAt.delete(a.device)
      }
    })
  }

  async connect(url: string): Promise<void> {
    this.clients = await Promise.all(this.devices.map((d) => mqtt.connectAsync(url, { username: d.id, password: d.secret, clientId: d.id, reconnectPeriod: 1000 })))
    for (const c of this.clients) c.on('offline', () => this.dropped++)
  }

  /** `count` probes spread over `ms`, starting with probe `from`; returns the next unused. */
  async run(from: number, count: number, ms: number): Promise<number> {
    for (let i = from; i < Math.min(from + count, this.devices.length); i++) {
      const d = this.devices[i]!
      const at = performance.now()
      this.sentAt.set(d.id, at)
      this.sentWall.set(d.id, Date.now())
      this.written.delete(d.id)
      this.clients[i]!.publish(d.topic, JSON.stringify({ values: { [d.metric]: d.value } }), { qos: 0 }, () => this.written.set(d.id, Math.round(performance.now() - at)))
      await sleep(ms / count)
    }
    return from + count
  }

  take(): number[] {
    const xs = this.latencies.splice(0).sort((a, b) => a - b)
    return xs
  }

  /** The slowest probes since the last call: total = to ingest (of which until written to the probe's socket) + after ingest, ms. */
  slowest(n: number): string {
    const xs = this.split.splice(0).sort((a, b) => b.total - a.total).slice(0, n)
    return xs.map((x) => `${x.total.toFixed(0)} = ${x.toIngest} (written ${x.written ?? '?'}) + ${x.afterIngest}`).join(', ')
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.endAsync(true)))
  }
}

const failedText = (failed: string[]): string => (failed.length ? ` (${failed.length} health requests unanswered, their windows not counted: ${[...new Set(failed)].slice(0, 2).join('; ')})` : '')
const pct = (xs: number[], p: number): number => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN)
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a')
const steal = (from: CpuTimes | undefined): string => {
  const s = stealPercent(from, cpuTimes())
  return s === undefined ? 'steal unknown' : `steal ${s.toFixed(1)} %`
}

/** Health every 2 s while `until` runs: the worst of each figure. */
async function watch<T>(hub: HubProc, until: Promise<T>): Promise<{ result: T; healthMaxMs: number; loopP99: number; loopP999: number; loopMax: number; gcMaxMs: number; samples: number; worstAt: number; failed: string[] }> {
  let done = false
  /**
   * worstAt: seconds of the hub's life at the end of the window with the longest delay (to find it
   * in a `--profile`). failed: health requests that got no answer — their window's delays are not
   * in the figures (the hub may have read and reset its histogram), so they are printed.
   */
  const w = { healthMaxMs: 0, loopP99: 0, loopP999: 0, loopMax: 0, gcMaxMs: 0, samples: 0, worstAt: 0, failed: [] as string[] }
  const sampler = (async () => {
    while (!done) {
      const asked = performance.now()
      const h = await health(hub.http).catch((err: Error) => void w.failed.push(err.message))
      w.healthMaxMs = Math.max(w.healthMaxMs, performance.now() - asked)
      if (h) {
        const l = h.process.eventLoopDelayMs
        w.loopP99 = Math.max(w.loopP99, l.p99)
        w.loopP999 = Math.max(w.loopP999, l.p999 ?? l.max)
        if (l.max > w.loopMax) w.worstAt = (Date.now() - hub.startedAt) / 1000
        w.loopMax = Math.max(w.loopMax, l.max)
        w.gcMaxMs = Math.max(w.gcMaxMs, h.process.gc?.maxMs ?? 0)
        w.samples++
      }
      await sleep(2000)
    }
  })()
  const result = await until
  done = true
  await sampler
  return { result, ...w }
}

export async function manyConnections(): Promise<void> {
  const N = arg('connections', 3000)
  const M = arg('zone-devices', 20_000)
  const period = arg('period', 10)
  const seconds = arg('seconds', 60)
  const parts = arg('generators', Math.max(2, Math.ceil(N / 6000)))
  const probeCount = arg('probes', 50)
  const storm = process.argv.includes('--storm')
  const outage = arg('outage', 0)
  const dir = await mkdtemp(join(tmpdir(), 'smartpark-bench-conns-'))
  let hub: HubProc | undefined
  let gens: Generators | undefined
  let socket: IoSocket | undefined
  const rows: [string, string][] = []
  const figures: Record<string, unknown> & ManyConnectionFigures = { connections: N, zoneDevices: M, periodSec: period, seconds, generators: parts }
  let zoneSize: ZoneSize = { parks: 0, gateways: 0 }
  try {
    say(`generating the ${M.toLocaleString('en')}-device zone…`)
    const { zone, credentials } = generateZone({ devices: M, seed: 7 })
    zoneSize = { parks: zone.parks.length, gateways: zone.gateways.length }
    await writeFile(join(dir, 'zone.json'), JSON.stringify(zone))
    const withSecret = zone.devices.filter((d) => credentials.devices[d.id])
    const asLoad = (d: (typeof zone.devices)[number], metric: string, value: number): LoadDevice => ({ id: d.id, secret: credentials.devices[d.id]!, topic: `parks/${d.park}/${d.enterprise}/${d.id}/telemetry`, metric, value })
    const load = withSecret.filter((d) => d.kind === 'gas' && LOAD_VALUES[d.metrics[0] ?? ''] !== undefined).slice(0, N).map((d) => asLoad(d, d.metrics[0]!, LOAD_VALUES[d.metrics[0]!]!))
    if (load.length < N) throw new Error(`the ${M}-device zone has ${load.length} gas detectors for the load, fewer than ${N} connections: give a larger --zone-devices`)
    const probeDevices = withSecret.filter((d) => d.metrics[0] === PROBE_METRIC).slice(0, probeCount * (storm ? 2 : 1) + 10).map((d) => asLoad(d, PROBE_METRIC, PROBE_VALUE))
    say(`  ${zone.devices.length} devices in ${zone.parks.length} parks; ${N} load connections (one reading every ${period} s: ${Math.round(N / period)} msgs/s) from ${parts} processes; ${probeDevices.length} probes`)

    say('starting the hub (managed InfluxDB)…')
    hub = await startHub({ HUB_CONFIG: join(dir, 'zone.json'), HUB_DATA_DIR: join(dir, 'hub'), HUB_ADMIN_PASSWORD: 'bench-admin-password' })
    await sleep(5000)
    const h0 = await health(hub.http)
    const rssIdle = await rssMb(hub.pid)
    const heapIdle = h0.process.heapUsedMb
    const files = h0.connections?.limits.openFiles
    say(`  idle: RSS ${Math.round(rssIdle)} MB, heap ${heapIdle} MB; open files soft ${files?.soft} hard ${files?.hard} reserve ${files?.reserve}; connection cap ${h0.connections?.limits.total}`)
    rows.push(['machine', `load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at start; open files ${files?.soft}/${files?.hard}, reserve ${files?.reserve}, cap ${h0.connections?.limits.total}`])
    rows.push(['hub idle', `RSS ${Math.round(rssIdle)} MB, heap ${heapIdle} MB with ${zone.devices.length.toLocaleString('en')} devices (${Math.round(((rssIdle - 0) * 1048576) / zone.devices.length)} B RSS a device, all of the process)`])

    say(`connecting ${N} devices…`)
    const connectSteal = cpuTimes()
    const t0 = performance.now()
    gens = new Generators(hub, load, parts, period, dir)
    const ready = await gens.all()
    const connectSec = (performance.now() - t0) / 1000
    const connectMs = Math.max(...ready.map((r) => Number(r.connectMs)))
    const attempts = ready.reduce((s, r) => s + Number(r.attempts), 0)
    await sleep(3000)
    const h1 = await health(hub.http)
    const rssConnected = await rssMb(hub.pid)
    const perConn = ((rssConnected - rssIdle) * 1048576) / N
    const heapPerConn = ((h1.process.heapUsedMb - heapIdle) * 1048576) / N
    say(`  ${h1.broker.clients} clients in ${f1(connectSec)} s (generators' own ${f1(connectMs / 1000)} s, ${attempts} attempts); RSS ${Math.round(rssConnected)} MB (${Math.round(perConn)} B a connection; heap ${Math.round(heapPerConn)} B)`)
    rows.push(['connect', `${N} connections in ${f1(connectSec)} s (${attempts} attempts); ${steal(connectSteal)}`])
    rows.push(['hub connected', `RSS ${Math.round(rssConnected)} MB: ${Math.round(perConn).toLocaleString('en')} B a connection (heap ${Math.round(heapPerConn).toLocaleString('en')} B)`])
    Object.assign(figures, { connectSec: Number(connectSec.toFixed(1)), connectAttempts: attempts, rssIdleMb: Math.round(rssIdle), rssConnectedMb: Math.round(rssConnected), bytesPerConnection: Math.round(perConn), heapBytesPerConnection: Math.round(heapPerConn) })

    // The alarm probes' own connections and the socket.io client that sees the alarms.
    const login = await fetch(`${hub.http}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-admin-password' }) })
    const { token } = (await login.json()) as { token: string }
    socket = io(hub.http, { auth: { token }, transports: ['websocket'] })
    await new Promise((r) => socket!.once('snapshot', r))
    const probes = new Probes(socket, probeDevices)
    await probes.connect(hub.mqtt)

    say(`load for ${seconds} s…`)
    await resetPeakRss(hub.pid)
    const loadSteal = cpuTimes()
    const cpu0 = await cpuSeconds(hub.pid)
    const gc0 = (await health(hub.http)).process.gc
    const loadStart = Date.now()
    gens.send('go')
    // Warm-up probes (a fresh hub's first alarms), then the counted ones spread over the load.
    const warm = await probes.run(0, 10, 2000)
    probes.take()
    probes.slowest(0)
    const loadNet = netCounters()
    const loadWatch = await watch(hub, (async () => {
      await probes.run(warm, probeCount, Math.max(1000, (seconds - 6) * 1000))
      const left = seconds * 1000 - (Date.now() - loadStart)
      if (left > 0) await sleep(left)
    })())
    const loadWall = (Date.now() - loadStart) / 1000
    const cpu = ((await cpuSeconds(hub.pid)) - cpu0) / loadWall
    const h2 = await health(hub.http)
    const gc1 = h2.process.gc
    const rssPeak = await peakRssMb(hub.pid)
    const lat = probes.take()
    const slowLoad = probes.slowest(5)
    const loadStealText = steal(loadSteal)
    const gcText = gc0 && gc1 ? `${gc1.collections - gc0.collections} collections, ${f1(gc1.totalMs - gc0.totalMs)} ms paused (${f1(((gc1.totalMs - gc0.totalMs) / (loadWall * 1000)) * 100)} %; major ${f1(gc1.majorMs - gc0.majorMs)} ms), longest ${f1(loadWatch.gcMaxMs)} ms` : 'n/a'
    say(`  hub CPU ${(cpu * 100).toFixed(0)} %, RSS peak ${Math.round(rssPeak)} MB; event-loop delay p99 ${loadWatch.loopP99} ms, p99.9 ${loadWatch.loopP999} ms, max ${loadWatch.loopMax} ms; health within ${Math.round(loadWatch.healthMaxMs)} ms; GC ${gcText}; alarm p50 ${f1(pct(lat, 50))} p99 ${f1(pct(lat, 99))} max ${f1(lat.at(-1) ?? NaN)} ms (${lat.length}/${probeCount}); ${loadStealText}`)
    rows.push(['load', `${Math.round(N / period)} msgs/s for ${seconds} s; hub CPU ${(cpu * 100).toFixed(0)} % of a core; RSS peak ${Math.round(rssPeak)} MB; ${loadStealText}`])
    rows.push(['event loop under load', `delay p99 ${loadWatch.loopP99} ms, p99.9 ${loadWatch.loopP999} ms, max ${loadWatch.loopMax} ms (worst 2 s window of ${loadWatch.samples}, ending ${loadWatch.worstAt.toFixed(0)} s after the hub started); health answered within ${Math.round(loadWatch.healthMaxMs)} ms${failedText(loadWatch.failed)}; ${loadStealText}`])
    rows.push(['garbage collector', `${gcText}; ${loadStealText}`])
    rows.push(['alarm latency under load', `p50 ${f1(pct(lat, 50))} ms, p99 ${f1(pct(lat, 99))} ms, max ${f1(lat.at(-1) ?? NaN)} ms (${lat.length}/${probeCount} probes after 10 warm-up; slowest, ms = to ingest + after: ${slowLoad}); ${loadStealText}; ${netText(loadNet, netCounters())}`])
    Object.assign(figures, {
      hubCpu: Number(cpu.toFixed(2)), rssPeakMb: Math.round(rssPeak), loopP99Ms: loadWatch.loopP99, loopP999Ms: loadWatch.loopP999, loopMaxMs: loadWatch.loopMax, healthMaxMs: Math.round(loadWatch.healthMaxMs),
      gcPauseMs: gc0 && gc1 ? Number((gc1.totalMs - gc0.totalMs).toFixed(1)) : null, gcMaxMs: loadWatch.gcMaxMs,
      alarmP50Ms: Number(f1(pct(lat, 50))), alarmP99Ms: Number(f1(pct(lat, 99))), alarmMaxMs: Number(f1(lat.at(-1) ?? NaN)), alarmProbes: lat.length, stealLoad: loadStealText,
    })

    if (storm) {
      say(`storm: every connection dropped${outage > 0 ? ` for ${outage} s` : ''}, every device back at once…`)
      const stormSteal = cpuTimes()
      const stormNet = netCounters()
      const raisedBefore = { ...probes.raisedByType }
      const droppedBefore = probes.dropped
      await resetPeakRss(hub.pid)
      const stormStart = performance.now()
      const back = outage > 0 ? (gens.send('drop-hold'), sleep(outage * 1000).then(() => gens!.all('back'))) : gens.all('drop')
      const stormWatch = await watch(hub, (async () => {
        const probing = probes.run(10 + probeCount, probeCount, 30_000)
        const r = await back
        await probing
        return r
      })())
      const backSec = Math.max(...stormWatch.result.map((r) => Number(r.ms))) / 1000
      const stormAttempts = stormWatch.result.reduce((s, r) => s + Number(r.attempts), 0)
      const stormRefused = stormWatch.result.reduce((s, r) => s + Number(r.refused), 0)
      const stormFailed = stormWatch.result.reduce((s, r) => s + Number(r.failed ?? 0), 0)
      const stormTimedOut = stormWatch.result.reduce((s, r) => s + Number(r.timedOut ?? 0), 0)
      await sleep(5000)
      const lat2 = probes.take()
      const slowStorm = probes.slowest(5)
      const raised: Record<string, number> = {}
      for (const [k, v] of Object.entries(probes.raisedByType)) if (v - (raisedBefore[k] ?? 0) > 0) raised[k] = v - (raisedBefore[k] ?? 0)
      const stormStealText = steal(stormSteal)
      const h3 = await health(hub.http)
      say(`  all ${h3.broker.clients} back in ${f1(backSec)} s (${stormAttempts} attempts, ${stormRefused} refused, ${stormFailed} closed before a CONNACK, ${stormTimedOut} past the 30 s CONNACK timeout); alarm p99 ${f1(pct(lat2, 99))} ms; loop max ${stormWatch.loopMax} ms; raised ${JSON.stringify(raised)}; ${stormStealText}`)
      const pacing = h3.connections?.pacing
      const stormRss = Math.round(await peakRssMb(hub.pid))
      const pacingText = pacing ? `; the hub's connect pacing: ${pacing.started} started, ${pacing.refusedBusy} refused (CONNACK 3, paced), longest wait ${pacing.longestWaitMs} ms` : ''
      rows.push(['reconnect storm', `${N} back within ${f1(backSec)} s of the drop${outage > 0 ? ` (after ${outage} s away)` : ''} (${stormAttempts} attempts, ${stormRefused} refused with CONNACK 3, ${stormFailed} closed before a CONNACK, ${stormTimedOut} past the 30 s CONNACK timeout${pacingText}); peak RSS ${stormRss} MB; ${stormStealText}`])
      rows.push(['during the storm', `alarm p50 ${f1(pct(lat2, 50))} ms, p99 ${f1(pct(lat2, 99))} ms, max ${f1(lat2.at(-1) ?? NaN)} ms (${lat2.length}/${probeCount}; slowest, ms = to ingest + after: ${slowStorm}; probe connections lost ${probes.dropped - droppedBefore}); event-loop delay p99 ${stormWatch.loopP99} ms, max ${stormWatch.loopMax} ms (window ending ${stormWatch.worstAt.toFixed(0)} s after the hub started); health within ${Math.round(stormWatch.healthMaxMs)} ms${failedText(stormWatch.failed)}; alarms raised ${JSON.stringify(raised)}; ${stormStealText}; ${netText(stormNet, netCounters())}`])
      Object.assign(figures, { stormBackSec: Number(backSec.toFixed(1)), stormAttempts, stormRefused, stormFailed, stormTimedOut, stormAlarmP99Ms: Number(f1(pct(lat2, 99))), stormLoopMaxMs: stormWatch.loopMax, stormProbeDrops: probes.dropped - droppedBefore, stormRaised: raised, stormRssPeakMb: stormRss, stormLongestWaitMs: pacing?.longestWaitMs ?? null, stealStorm: stormStealText, outageSec: outage })
      void stormStart
    }

    say('stopping the load, counting in InfluxDB…')
    const results = await gens.all('stop')
    const loadEnd = Date.now()
    const sent = results.reduce((s, r) => s + Number(r.sent), 0)
    let h = await health(hub.http)
    for (let i = 0; i < 600 && h.store.queueDepth > 0; i++) {
      await sleep(200)
      h = await health(hub.http)
    }
    const metrics = [...new Set(load.map((d) => d.metric))]
    const q = `SELECT ${metrics.map((m) => `count("${m}")`).join(', ')} FROM "gas" WHERE time >= ${loadStart - 1000}ms AND time <= ${loadEnd + 1000}ms AND "device" !~ /^(${probeDevices.map((d) => d.id).join('|')})$/`
    const res = await fetch(`${h0.influx.url}/query?${new URLSearchParams({ db: 'smartpark', q })}`)
    const j = (await res.json()) as { results: { series?: { values: (string | number)[][] }[] }[] }
    const stored = (j.results[0]?.series?.[0]?.values[0]?.slice(1) ?? []).reduce<number>((s, v) => s + Number(v), 0)
    // Where a loss comes from: readings the hub refused (by reason), connections the hub ended
    // under the generators, and readings sent with the time their device's previous one had
    // (a generator behind by a whole period): InfluxDB keeps one point for the two.
    const sameTs = results.reduce((s, r) => s + Number(r.sameTs ?? 0), 0)
    const closedByHub = results.reduce((s, r) => s + Number(r.closedByHub ?? 0), 0)
    const rejects = JSON.stringify(h.ingest.rejectsByReason)
    say(`  sent ${sent}, stored ${stored}, lost ${sent - stored}`)
    rows.push(['loss', `sent ${sent}, stored ${stored} (counted in InfluxDB), lost ${sent - stored}; of those sent, ${sameTs} with the time of their device's previous reading (one point in InfluxDB); connections the hub ended under the load ${closedByHub}; the hub's rejects ${rejects}`])
    Object.assign(figures, { sent, stored, lost: sent - stored, sameTs, closedByHub })
  } finally {
    gens?.kill()
    socket?.close()
    if (hub) {
      hub.child.kill('SIGTERM')
      await new Promise((r) => hub!.child.once('exit', r))
    }
    await rm(dir, { recursive: true, force: true })
  }
  const targets = judgeTargets(figures, zoneSize)
  const w = Math.max(...rows.map((r) => r[0].length), ...targets.map((r) => r[0].length))
  const lines = (rs: [string, string][]) => rs.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')
  process.stdout.write(`\n${lines(rows)}\n\ntargets (docs/performance.md: set for 18,000 connections in a 100,000-device zone on 2 cores)\n${lines(targets)}\n\n${JSON.stringify(figures)}\n`)
}
