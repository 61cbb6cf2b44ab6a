/**
 * Bench load generator for many connections, run as its own process: one real MQTT 3.1.1
 * connection over TCP per device, each sending one reading every `period` seconds, the
 * devices' phases spread evenly over the period (one message per TCP segment, as a field
 * device sends). Local source addresses rotate over `localAddresses` (127.0.0.x) so that many
 * connections do not run out of ephemeral ports towards one hub port.
 *
 * Commands, one a line on stdin: `go` (start sending), `drop` (every connection torn down at
 * once, as a network blip does, then every device reconnecting at once), `stop` (stop, close,
 * print the counters). Lines on stdout are JSON: `{ready}`, `{reconnected}`, then the result.
 *
 *   tsx tests/bench/periodic-generator.ts <spec-json-file>
 */
import { connect as tcpConnect, type Socket } from 'node:net'
import { createInterface } from 'node:readline'
import { readFileSync } from 'node:fs'
import mqttPacket from 'mqtt-packet'

interface Spec {
  host: string
  port: number
  devices: { id: string; secret: string; topic: string; metric: string; value: number }[]
  period: number
  localAddresses: string[]
  /** Connections being set up at once by this process. */
  concurrency: number
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Spec
const CONNACK_TIMEOUT_MS = 30_000

interface Conn {
  socket: Socket | undefined
  up: boolean
  /** Connection attempts (1 for a device that got in at once). */
  attempts: number
  /** The time of the last reading sent. */
  lastTs?: number
}

const conns: Conn[] = spec.devices.map(() => ({ socket: undefined, up: false, attempts: 0 }))
/** failed: closed before a CONNACK; timedOut: no CONNACK within CONNACK_TIMEOUT_MS of the attempt (TCP connect included). */
/** sameTs: readings sent with the time the device's previous reading had (a generator behind by a period sends `now` for both): InfluxDB keeps one point of the two. */
const counters = { sent: 0, skippedDown: 0, refused: 0, failed: 0, timedOut: 0, closedByHub: 0, sameTs: 0 }
let stopping = false

/** One connection attempt; resolves true on CONNACK 0. */
function attempt(i: number): Promise<boolean> {
  const d = spec.devices[i]!
  const c = conns[i]!
  c.attempts++
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: spec.host, port: spec.port, localAddress: spec.localAddresses[i % spec.localAddresses.length] })
    socket.setNoDelay(true)
    const parser = mqttPacket.parser({ protocolVersion: 4 })
    let settled = false
    const settle = (ok: boolean): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (ok) {
        c.socket = socket
        c.up = true
      } else socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => {
      counters.timedOut++
      settle(false)
    }, CONNACK_TIMEOUT_MS)
    parser.on('packet', (p: mqttPacket.Packet) => {
      if (p.cmd !== 'connack') return
      if (p.returnCode === 0) settle(true)
      else {
        counters.refused++
        settle(false)
      }
    })
    socket.on('data', (b: Buffer) => parser.parse(b))
    socket.on('error', () => undefined)
    socket.once('close', () => {
      if (!settled) {
        counters.failed++
        settle(false)
      } else if (c.socket === socket) {
        c.up = false
        c.socket = undefined
        if (!stopping && !dropping) counters.closedByHub++
      }
    })
    socket.once('connect', () => {
      socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: d.id, keepalive: 120, username: d.id, password: Buffer.from(d.secret) }))
    })
  })
}

/** Until connected, retrying as a device does: after a refusal or failure, 1 – 3 s later. */
async function connectWithRetry(i: number): Promise<void> {
  while (!stopping && !(await attempt(i))) await new Promise((r) => setTimeout(r, 1000 + Math.random() * 2000))
}

/** Every device connected, `concurrency` attempts in flight at a time; ms until the last got in. */
async function connectAll(): Promise<number> {
  const t0 = performance.now()
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < conns.length) await connectWithRetry(next++)
  }
  await Promise.all(Array.from({ length: Math.min(spec.concurrency, conns.length) }, worker))
  return performance.now() - t0
}

let dropping = false
let sending: NodeJS.Timeout | undefined
/** Readings: device i is due at start + (i / n + k) × period. */
function startSending(): void {
  const n = conns.length
  const periodMs = spec.period * 1000
  const start = Date.now()
  let k = 0
  let cursor = 0
  const tick = (): void => {
    const now = Date.now()
    for (;;) {
      const due = start + (k + cursor / n) * periodMs
      if (due > now) break
      const c = conns[cursor]!
      const d = spec.devices[cursor]!
      if (c.up && c.socket) {
        counters.sent++
        const ts = Math.max(now, Math.round(due))
        if (ts === c.lastTs) counters.sameTs++
        c.lastTs = ts
        c.socket.write(mqttPacket.generate({ cmd: 'publish', topic: d.topic, payload: `{"ts":${ts},"values":{"${d.metric}":${d.value}}}`, qos: 0, retain: false, dup: false }))
      } else counters.skippedDown++
      if (++cursor === n) {
        cursor = 0
        k++
      }
    }
    sending = setTimeout(tick, 20)
  }
  tick()
}

/** Every device back at once (each retrying as a device does); says how long until the last was in. */
async function reconnectAll(): Promise<void> {
  const attemptsBefore = conns.reduce((s, c) => s + c.attempts, 0)
  const before = { ...counters }
  const t0 = performance.now()
  await Promise.all(conns.map((_, i) => connectWithRetry(i)))
  say({ reconnected: true, ms: performance.now() - t0, attempts: conns.reduce((s, c) => s + c.attempts, 0) - attemptsBefore, refused: counters.refused - before.refused, failed: counters.failed - before.failed, timedOut: counters.timedOut - before.timedOut })
}

function say(o: object): void {
  process.stdout.write(`${JSON.stringify(o)}\n`)
}

async function main(): Promise<void> {
  const connectMs = await connectAll()
  say({ ready: true, clients: conns.length, connectMs, attempts: conns.reduce((s, c) => s + c.attempts, 0), refused: counters.refused })
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'go') startSending()
    else if (line === 'drop' || line === 'drop-hold') {
      // A network blip: every connection gone at once (a reset, no DISCONNECT), then every device back at once.
      dropping = true
      for (const c of conns) {
        const socket = c.socket
        // Down before the close event, which comes a turn later: not counted as ended by the hub.
        c.socket = undefined
        c.up = false
        socket?.destroy()
      }
      await new Promise((r) => setImmediate(r))
      dropping = false
      if (line === 'drop-hold') continue
      await reconnectAll()
    } else if (line === 'back') await reconnectAll()
    else if (line === 'stop') break
  }
  stopping = true
  clearTimeout(sending)
  for (const c of conns) c.socket?.end(mqttPacket.generate({ cmd: 'disconnect' }))
  await new Promise((r) => setTimeout(r, 500))
  for (const c of conns) c.socket?.destroy()
  say({ done: true, ...counters, up: conns.filter((c) => c.up).length })
}

main().catch((err: Error) => {
  say({ error: err.message })
  process.exit(1)
})
