/**
 * `npm run bench -- --hj212`: the HJ 212 listener's figures on this machine (issue 25 targets,
 * docs/performance.md, docs/hj212.md):
 *
 *  1. ≥ 2,000 data loggers connected at once, each sending 2011 real-time data every 30 s and
 *     2051 minute data every minute, each packet asking for its 9014: p50/p99 of packet written
 *     → 9014 answer, which the hub sends only once the journal has the data on disk, so it
 *     bounds packet → journal from above (target p99 ≤ 50 ms);
 *  2. one logger replaying a backlog of 10,000 packets, waiting for each 9014 (≥ 1,000 packets/s);
 *  3. 100 loggers replaying their backlogs at once without answers (≥ 20,000 packets/s together,
 *     from the first write to the hub's ingest having taken the last);
 *  4. loss: the 2011 packets sent against the points counted in InfluxDB (target 0).
 * The hypervisor's CPU steal is printed beside each phase. Options: --loggers N (2000),
 * --seconds S (phase 1, default 120), --replay N (10,000), --fast-loggers N (100),
 * --fast-packets N (packets each, 2,000), --generators G (2), --quick.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Device } from '../../hub/src/model/device.js'
import { generateZone } from '../../simulators/src/zone/zone-generator.js'
import { arg, cpuSeconds, health, printFigures, startHub, stopHub, type HubProc } from './hub-proc.js'
import { cpuTimes, stealPercent } from './machine.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const quick = process.argv.includes('--quick')
const P = {
  loggers: arg('loggers', 2000),
  seconds: arg('seconds', quick ? 45 : 120),
  replay: arg('replay', quick ? 3000 : 10_000),
  fastLoggers: arg('fast-loggers', 100),
  fastPackets: arg('fast-packets', quick ? 500 : 2000),
  generators: arg('generators', 2),
}
const say = (m: string): void => void process.stderr.write(`[hj212-bench] ${m}\n`)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const LOCAL = Array.from({ length: 16 }, (_, i) => `127.0.0.${i + 2}`)

interface GenResult { sent: number; answered: number; realtime: number; minute: number; failed: number; closed: number; elapsedMs: number; p50: number; p99: number; max: number; latencies: number; all: number[]; error?: string }

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** Loggers in generator processes: resolves once every one is connected, with a `go` and a result. */
function generators(port: number, loggers: { mn: string; pw: string }[], o: { mode: 'periodic' | 'replay'; packets?: number; answer?: boolean; dataTimeBase?: number; parts: number }) {
  const children: ChildProcess[] = []
  const ready: Promise<void>[] = []
  const results = Array.from({ length: o.parts }, (_, g) => {
    const spec = { host: '127.0.0.1', port, loggers: loggers.filter((_, i) => i % o.parts === g), mode: o.mode, period: 30, packets: o.packets ?? 0, answer: o.answer ?? true, dataTimeBase: o.dataTimeBase ?? 0, localAddresses: LOCAL, concurrency: 100 }
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'tests/bench/hj212-generator.ts'), JSON.stringify(spec)], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] })
    children.push(child)
    let buf = ''
    let markReady: () => void = () => undefined
    ready.push(new Promise((r) => (markReady = r)))
    return new Promise<GenResult>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString()
        if (buf.includes('"ready"')) markReady()
      })
      child.once('exit', () => {
        const r = JSON.parse(buf.trim().split('\n').pop() ?? '{}') as GenResult
        if (r.error) reject(new Error(r.error))
        else resolve(r)
      })
    })
  })
  return {
    ready: Promise.all(ready),
    go: () => children.forEach((c) => c.stdin!.write('go\n')),
    stop: () => children.forEach((c) => c.stdin!.end('stop\n')),
    results: Promise.all(results),
  }
}

async function countStored(influxUrl: string, prefix: string, from: number, to: number): Promise<number> {
  const q = `SELECT count("so2") FROM "emission" WHERE time >= ${from}ms AND time <= ${to}ms AND "device" =~ /^${prefix}/`
  const res = await fetch(`${influxUrl}/query?${new URLSearchParams({ db: 'smartpark', q })}`)
  const j = (await res.json()) as { results: { series?: { values: [string, number][] }[] }[] }
  return j.results[0]?.series?.[0]?.values[0]?.[1] ?? 0
}

/** Waits until InfluxDB's count stops growing at `want` (or stays put for 10 s). */
async function settledCount(influxUrl: string, prefix: string, from: number, to: number, want: number): Promise<number> {
  let last = -1
  let same = 0
  for (let i = 0; i < 1200; i++) {
    const n = await countStored(influxUrl, prefix, from, to)
    if (n >= want) return n
    same = n === last ? same + 1 : 0
    if (same >= 20) return n
    last = n
    await sleep(500)
  }
  return last
}

/**
 * The disk's fdatasync of a small append, ms (median of 200): a logger waiting for each 9014
 * waits for one (the journal's durable commit), so it can send at most 1000 / this per second.
 */
function fdatasyncMs(dir: string): number {
  const fd = openSync(join(dir, 'fsync-probe'), 'a')
  const times: number[] = []
  try {
    for (let i = 0; i < 200; i++) {
      writeSync(fd, 'x'.repeat(300) + '\n')
      const t = performance.now()
      fdatasyncSync(fd)
      times.push(performance.now() - t)
    }
  } finally {
    closeSync(fd)
  }
  return times.sort((a, b) => a - b)[100]!
}

/** Bench devices: one stack per logger, MN and PW in the zone (the hub keeps the PW 0600). */
function benchDevices(prefix: string, n: number, park: string, enterprise: string): { devices: Device[]; loggers: { mn: string; pw: string }[] } {
  const devices: Device[] = []
  const loggers: { mn: string; pw: string }[] = []
  for (let i = 0; i < n; i++) {
    const mn = `${prefix.toUpperCase().replace(/-/g, '')}${String(i).padStart(6, '0')}`
    const pw = `pw${i}`
    loggers.push({ mn, pw })
    devices.push({
      id: `${prefix}${String(i).padStart(5, '0')}`, kind: 'emission', type: 'stack', park, enterprise, name: `bench stack ${i}`,
      metrics: ['so2', 'nox', 'pm', 'o2', 'flow', 'temp'], position: { x: 10, y: 10 }, interval: 30, safety: false, hj212: { mn, pw },
    })
  }
  return { devices, loggers }
}

export async function hj212Bench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'smartpark-hj212-bench-'))
  let hub: HubProc | undefined
  try {
    const { zone } = generateZone({ devices: 60, seed: 7 })
    const park = zone.parks[0]!
    const enterprise = park.enterprises[0]!.id
    const periodic = benchDevices('bench-a-', P.loggers, park.id, enterprise)
    const slow = benchDevices('bench-b-', 1, park.id, enterprise)
    const fast = benchDevices('bench-c-', P.fastLoggers, park.id, enterprise)
    zone.devices.push(...periodic.devices, ...slow.devices, ...fast.devices)
    await writeFile(join(dir, 'zone.json'), JSON.stringify(zone))
    const port = await freePort()
    say(`starting the hub with ${zone.devices.length} devices (${P.loggers + 1 + P.fastLoggers} HJ 212 loggers) on HJ 212 port ${port}…`)
    hub = await startHub({
      HUB_CONFIG: join(dir, 'zone.json'), HUB_DATA_DIR: join(dir, 'hub'), HUB_ADMIN_PASSWORD: 'bench-admin-password', HUB_HJ212_PORT: String(port),
      HUB_MAX_CONNECTIONS_PER_ADDRESS: '100000', HUB_DEADMAN_INTERVALS: '1000',
    })
    const influxUrl = ((await health(hub.http)) as unknown as { influx: { url: string } }).influx.url

    // 1. Many loggers, real-time every 30 s plus minute data.
    say(`phase 1: ${P.loggers} loggers connecting…`)
    const t1 = Date.now() - 61_000
    const a = generators(port, periodic.loggers, { mode: 'periodic', parts: P.generators })
    await a.ready
    say(`  connected; real-time every 30 s and minute data for ${P.seconds} s…`)
    const cpu1 = cpuTimes()
    const hubCpu1 = await cpuSeconds(hub.pid)
    await health(hub.http) // resets the hub's event-loop delay histogram
    a.go()
    // The hub's event loop while the load runs: a packet waits behind whatever the hub is doing.
    let loopMaxMs = 0
    let loopP99Ms = 0
    let journalMaxMs = 0
    for (let waited = 0; waited < P.seconds * 1000; waited += 5000) {
      await sleep(Math.min(5000, P.seconds * 1000 - waited))
      const h = await health(hub.http)
      loopMaxMs = Math.max(loopMaxMs, h.process.eventLoopDelayMs.max)
      loopP99Ms = Math.max(loopP99Ms, h.process.eventLoopDelayMs.p99)
      // The journal's slowest commit (its fdatasync runs on the event loop): a 9014 waits for it.
      journalMaxMs = Math.max(journalMaxMs, h.journal.slowestWriteMs)
    }
    a.stop()
    const ra = await a.results
    const steal1 = stealPercent(cpu1, cpuTimes())
    const hubCpuA = ((await cpuSeconds(hub.pid)) - hubCpu1) / P.seconds
    const sentA = ra.reduce((s, r) => s + r.sent, 0)
    const realtimeA = ra.reduce((s, r) => s + r.realtime, 0)
    const answeredA = ra.reduce((s, r) => s + r.answered, 0)
    // Percentiles over every generator's answers together.
    const allA = ra.flatMap((r) => r.all).sort((x, y) => x - y)
    const pctA = (p: number): number => allA[Math.min(allA.length - 1, Math.floor((p / 100) * allA.length))] ?? NaN
    const p50A = pctA(50)
    const p99A = pctA(99)
    const storedA = await settledCount(influxUrl, 'bench-a-', t1, Date.now() + 1000, realtimeA)
    const refused = async (): Promise<string> => {
      const h = (await health(hub!.http)) as unknown as { hj212: { rejects: Record<string, number> } }
      return JSON.stringify(Object.fromEntries(Object.entries(h.hj212.rejects).filter(([, n]) => n > 0)))
    }
    say(`  the listener's rejects so far: ${await refused()}; the hub's event-loop delay p99 ≤ ${loopP99Ms} ms, max ${loopMaxMs} ms; the journal's slowest commit ${journalMaxMs} ms (over 5 s windows)`)
    say(`  sent ${sentA} (${realtimeA} real-time), answered ${answeredA}, stored ${storedA}; 9014 after p50 ${p50A.toFixed(1)} ms, p99 ${p99A.toFixed(1)} ms; hub CPU ${(hubCpuA * 100).toFixed(0)} %; steal ${steal1?.toFixed(1) ?? '?'} %`)

    // 2. One logger's backlog, each packet waiting for its 9014.
    const fsyncMs = fdatasyncMs(dir)
    say(`phase 2: one logger replaying ${P.replay} packets, each waiting for its 9014 (this disk's fdatasync: median ${fsyncMs.toFixed(2)} ms, so at most ${Math.round(1000 / fsyncMs)} answered packets/s)…`)
    const base2 = Math.floor(Date.now() / 1000) * 1000 - 10 * 86_400_000
    const b = generators(port, slow.loggers, { mode: 'replay', packets: P.replay, answer: true, dataTimeBase: base2, parts: 1 })
    await b.ready
    const cpu2 = cpuTimes()
    b.go()
    const [rb] = await b.results
    const steal2 = stealPercent(cpu2, cpuTimes())
    const rateB = (rb!.answered / rb!.elapsedMs) * 1000
    const storedB = await settledCount(influxUrl, 'bench-b-', base2, base2 + P.replay * 1000, P.replay)
    say(`  ${rb!.answered}/${P.replay} answered in ${(rb!.elapsedMs / 1000).toFixed(1)} s: ${Math.round(rateB)} packets/s (answer p50 ${rb!.p50.toFixed(2)} ms, p99 ${rb!.p99.toFixed(2)} ms); stored ${storedB}; steal ${steal2?.toFixed(1) ?? '?'} %`)

    // 3. Many backlogs at once, no answers.
    const total = P.fastLoggers * P.fastPackets
    say(`phase 3: ${P.fastLoggers} loggers replaying ${P.fastPackets} packets each without answers (${total})…`)
    const base3 = Math.floor(Date.now() / 1000) * 1000 - 20 * 86_400_000
    const c = generators(port, fast.loggers, { mode: 'replay', packets: P.fastPackets, answer: false, dataTimeBase: base3, parts: P.generators })
    await c.ready
    const accepted = async (): Promise<number> => ((await health(hub!.http)) as unknown as { hj212: { accepted: number } }).hj212.accepted
    const h0 = await accepted()
    const cpu3 = cpuTimes()
    const t3 = performance.now()
    c.go()
    const rc = await c.results
    const sentC = rc.reduce((s, r) => s + r.sent, 0)
    // Taken in: the listener accepted every packet (its reading handed to ingest and the journal).
    let takenMs = NaN
    for (let i = 0; i < 6000; i++) {
      if ((await accepted()) - h0 >= sentC) {
        takenMs = performance.now() - t3
        break
      }
      await sleep(20)
    }
    const steal3 = stealPercent(cpu3, cpuTimes())
    const rateC = (sentC / takenMs) * 1000
    const storedC = await settledCount(influxUrl, 'bench-c-', base3, base3 + P.fastPackets * 1000, sentC)
    say(`  ${sentC} sent, all taken in ${(takenMs / 1000).toFixed(1)} s: ${Math.round(rateC)} packets/s; stored ${storedC}; steal ${steal3?.toFixed(1) ?? '?'} %`)

    const figures = {
      loggersConnected: P.loggers - ra.reduce((s, r) => s + r.failed, 0),
      periodicSent: sentA, periodicRealtime: realtimeA, periodicAnswered: answeredA,
      answerP50Ms: Number(p50A.toFixed(1)), answerP99Ms: Number(p99A.toFixed(1)), hubCpuPeriodic: Number(hubCpuA.toFixed(2)), loopDelayMaxMs: loopMaxMs, journalSlowestCommitMs: journalMaxMs,
      replayWithAnswersPerSec: Math.round(rateB), replayWithAnswers: rb!.answered, fdatasyncMedianMs: Number(fsyncMs.toFixed(2)),
      replayNoAnswersPerSec: Math.round(rateC), replayNoAnswers: sentC,
      lostPeriodic: realtimeA - storedA, lostReplay: P.replay - storedB, lostFast: sentC - storedC,
      stealPct: [steal1, steal2, steal3].map((s) => (s === undefined ? null : Number(s.toFixed(1)))),
      quick,
    }
    const rows: [string, string][] = [
      [`${figures.loggersConnected} loggers, 2011 every 30 s + 2051`, `packet → 9014 (after the journal's fsync) p50 ${figures.answerP50Ms} ms, p99 ${figures.answerP99Ms} ms (target p99 ≤ 50); ${sentA} packets, ${answeredA} answered; hub CPU ${(hubCpuA * 100).toFixed(0)} %, event-loop delay max ${loopMaxMs} ms, slowest journal commit ${journalMaxMs} ms; steal ${figures.stealPct[0] ?? '?'} %`],
      ['one logger, backlog, waits for each 9014', `${figures.replayWithAnswersPerSec.toLocaleString('en')} packets/s (target ≥ 1,000); ${rb!.answered} packets; the disk's fdatasync median ${figures.fdatasyncMedianMs} ms (one per answer); steal ${figures.stealPct[1] ?? '?'} %`],
      [`${P.fastLoggers} loggers, backlogs, no answers`, `${figures.replayNoAnswersPerSec.toLocaleString('en')} packets/s together (target ≥ 20,000); ${sentC} packets; steal ${figures.stealPct[2] ?? '?'} %`],
      ['lost (counted in InfluxDB)', `${figures.lostPeriodic} real-time, ${figures.lostReplay} replay with answers, ${figures.lostFast} replay without (target 0)`],
    ]
    printFigures(rows, figures)
  } finally {
    if (hub) await stopHub(hub)
    await rm(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  hj212Bench().catch((err: Error) => {
    process.stderr.write(`hj212 bench failed: ${err.stack ?? err.message}\n`)
    process.exit(1)
  })
}
