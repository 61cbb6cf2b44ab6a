/**
 * HJ 212 bench load generator, run as its own process (hj212-bench.ts): lean data loggers over
 * TCP, each one connection under its MN and PW, framing packets with the hub's codec.
 *
 *  - `periodic`: every logger sends 2011 real-time data every `period` s and 2051 minute data
 *    every 60 s, phases spread over the period, each asking for a 9014 answer; the time from a
 *    packet's write to its answer is kept (the hub answers once the journal has it on disk).
 *  - `replay`: every logger sends `packets` 2011 packets of a backlog (DataTime one second
 *    apart from `dataTimeBase`), either each waiting for its 9014 (`answer`) or all at once
 *    without answers, as fast as the socket takes them.
 *
 * stdin: `go`, then `stop` (periodic). stdout: JSON lines `{ready}` then the result.
 *   tsx tests/bench/hj212-generator.ts <spec-json>
 */
import { connect, type Socket } from 'node:net'
import { createInterface } from 'node:readline'
import { Deframer, frame } from '../../hub/src/hj212/frame.js'
import { buildDataSegment } from '../../hub/src/hj212/packet.js'

interface Spec {
  host: string
  port: number
  loggers: { mn: string; pw: string }[]
  mode: 'periodic' | 'replay'
  period: number
  packets: number
  answer: boolean
  dataTimeBase: number
  localAddresses: string[]
  concurrency: number
}

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec
const out = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`)

/** 14 digits of China Standard Time (UTC+8, no DST since 1991): fast, no Intl. */
function dataTime(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000)
  const p = (n: number, w = 2): string => String(n).padStart(w, '0')
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`
}

let qnSeq = 0
/** 17 digits, unique in this process (a number that size is past 2^53: built as text). */
const nextQn = (): string => `2026${String(++qnSeq).padStart(13, '0')}`

const RTD = (i: number): string =>
  `a21026-Rtd=${(20 + (i % 7)).toFixed(1)},a21026-Flag=N;a21002-Rtd=${(40 + (i % 5)).toFixed(1)},a21002-Flag=N;a34013-Rtd=3.2,a34013-Flag=N;a19001-Rtd=9.1,a19001-Flag=N;a00000-Rtd=100.0,a00000-Flag=N;a01012-Rtd=52.0,a01012-Flag=N`
const MINUTE = 'a21026-Avg=21.0,a21026-Min=20.0,a21026-Max=26.0,a21026-Cou=0.126,a21026-Flag=N;a21002-Avg=42.0,a21002-Min=40.0,a21002-Max=44.0,a21002-Cou=0.252,a21002-Flag=N;a00000-Avg=100.0,a00000-Min=99.0,a00000-Max=101.0,a00000-Cou=6000,a00000-Flag=N'

interface Logger {
  mn: string
  pw: string
  socket: Socket | undefined
  deframer: Deframer
  waiting: Map<string, number>
  onAnswer: (() => void) | undefined
}

const counters = { sent: 0, answered: 0, realtime: 0, minute: 0, failed: 0, closed: 0 }
const latencies: number[] = []
const loggers: Logger[] = spec.loggers.map((l) => ({ ...l, socket: undefined, deframer: new Deframer(), waiting: new Map(), onAnswer: undefined }))

function send(l: Logger, cn: '2011' | '2051', ts: number, cp: string, answer: boolean): string {
  const qn = nextQn()
  const seg = buildDataSegment({ qn, st: '31', cn, pw: l.pw, mn: l.mn, flag: answer ? 5 : 4, cp: `DataTime=${dataTime(ts)};${cp}` })
  if (answer) l.waiting.set(qn, performance.now())
  counters.sent++
  if (cn === '2011') counters.realtime++
  else counters.minute++
  l.socket!.write(frame(seg))
  return qn
}

function onData(l: Logger, chunk: Buffer): void {
  for (const seg of l.deframer.push(chunk).segments) {
    const qn = /(?:^|;)QN=(\d+)/.exec(seg)?.[1]
    if (!seg.includes('CN=9014') || qn === undefined) continue
    const at = l.waiting.get(qn)
    if (at === undefined) continue
    l.waiting.delete(qn)
    counters.answered++
    latencies.push(performance.now() - at)
    l.onAnswer?.()
  }
}

async function connectAll(): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < loggers.length) {
      const i = next++
      const l = loggers[i]!
      await new Promise<void>((resolve) => {
        const s = connect({ host: spec.host, port: spec.port, localAddress: spec.localAddresses[i % spec.localAddresses.length] })
        s.setNoDelay(true)
        s.once('connect', () => {
          l.socket = s
          resolve()
        })
        s.on('data', (c: Buffer) => onData(l, c))
        s.on('error', () => undefined)
        s.once('close', () => {
          if (l.socket === s) counters.closed++
          else {
            counters.failed++
            resolve()
          }
        })
      })
    }
  }
  await Promise.all(Array.from({ length: Math.min(spec.concurrency, loggers.length) }, worker))
}

async function periodic(stopped: () => boolean): Promise<void> {
  const start = Date.now()
  const timers: ReturnType<typeof setTimeout>[] = []
  loggers.forEach((l, i) => {
    if (!l.socket) return
    const phase = (i / loggers.length) * spec.period * 1000
    let n = 0
    const rtd = (): void => {
      if (stopped() || l.socket?.destroyed) return
      const now = Date.now()
      send(l, '2011', Math.floor(now / 1000) * 1000, RTD(n++), true)
      // Minute data once a minute, for the minute that closed.
      if (n % Math.max(1, Math.round(60 / spec.period)) === 0) send(l, '2051', Math.floor(now / 60_000) * 60_000 - 60_000, MINUTE, true)
      timers.push(setTimeout(rtd, start + phase + n * spec.period * 1000 - Date.now()))
    }
    timers.push(setTimeout(rtd, phase))
  })
  while (!stopped()) await new Promise((r) => setTimeout(r, 100))
  for (const t of timers) clearTimeout(t)
  // The answers still on their way.
  const until = Date.now() + 10_000
  while (loggers.some((l) => l.waiting.size > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
}

async function replay(): Promise<void> {
  await Promise.all(loggers.map(async (l) => {
    if (!l.socket) return
    const s = l.socket
    for (let i = 0; i < spec.packets; i++) {
      const ts = spec.dataTimeBase + i * 1000
      if (spec.answer) {
        await new Promise<void>((resolve) => {
          l.onAnswer = resolve
          send(l, '2011', ts, RTD(i), true)
        })
      } else {
        send(l, '2011', ts, RTD(i), false)
        if (s.writableNeedDrain) await new Promise((r) => s.once('drain', r))
      }
    }
    l.onAnswer = undefined
  }))
}

async function main(): Promise<void> {
  await connectAll()
  out({ ready: true, connected: loggers.filter((l) => l.socket).length, failed: counters.failed })
  let stop = false
  const lines = createInterface({ input: process.stdin })
  const go = new Promise<void>((resolve) => lines.on('line', (line) => {
    if (line.trim() === 'go') resolve()
    if (line.trim() === 'stop') stop = true
  }))
  await go
  const t0 = performance.now()
  if (spec.mode === 'periodic') await periodic(() => stop)
  else await replay()
  const elapsedMs = performance.now() - t0
  // Everything written out before closing.
  await Promise.all(loggers.map((l) => (l.socket ? new Promise<void>((r) => l.socket!.end(() => r())) : undefined)))
  latencies.sort((a, b) => a - b)
  const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN
  out({ ...counters, elapsedMs, p50: pct(50), p99: pct(99), max: latencies.at(-1) ?? NaN, latencies: latencies.length, all: latencies.map((x) => Math.round(x * 100) / 100) })
  process.exit(0)
}

main().catch((err: Error) => {
  out({ error: err.message })
  process.exit(1)
})
