/**
 * Bench load generator, run as its own process: N real MQTT clients over TCP, each a device
 * of the zone, publishing telemetry at a paced rate for a duration. Prints one JSON line of
 * counters when done; it starts sending when told to on stdin, once connected. Each device's readings carry increasing millisecond timestamps, so
 * every message is its own point in InfluxDB and loss can be counted exactly.
 *
 *   tsx tests/bench/load-generator.ts <spec-json>
 *   spec: { url, devices: [{id, secret, topic, metric}], rate, seconds, qos, window, tsBase }
 */
import { connect as tcpConnect, type Socket } from 'node:net'
import mqttPacket from 'mqtt-packet'

interface Spec {
  url: string
  devices: { id: string; secret: string; topic: string; metric: string }[]
  /** Messages per second, all clients together. */
  rate: number
  seconds: number
  qos: 0 | 1
  /** QoS 1: publishes in flight per client. */
  window: number
  /** First timestamp; each device adds 1 ms per message. */
  tsBase: number
}

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec

/**
 * A lean MQTT 3.1.1 client over TCP: CONNECT, PUBLISH QoS 0/1 with packet identifiers, PUBACK
 * counted, DISCONNECT. The same bytes on the wire as mqtt.js sends, at a fraction of its CPU,
 * so the generators (on the same two cores as the hub) measure the hub rather than themselves.
 */
class LeanClient {
  inflight = 0
  acked = 0
  errors = 0
  private nextId = 0
  private readonly parser = mqttPacket.parser({ protocolVersion: 4 })

  private constructor(readonly stream: Socket) {
    stream.setNoDelay(true)
    stream.on('data', (b: Buffer) => this.parser.parse(b))
    this.parser.on('packet', (p: mqttPacket.Packet) => {
      if (p.cmd === 'puback') {
        this.inflight--
        this.acked++
      }
    })
    stream.on('close', () => {
      this.errors += this.inflight
      this.inflight = 0
    })
  }

  static connect(url: string, d: Spec['devices'][number]): Promise<LeanClient> {
    const u = new URL(url)
    return new Promise((resolve, reject) => {
      const socket = tcpConnect(Number(u.port), u.hostname)
      const client = new LeanClient(socket)
      const timer = setTimeout(() => reject(new Error(`${d.id}: no CONNACK within 30 s`)), 30_000)
      client.parser.once('packet', (p: mqttPacket.Packet) => {
        clearTimeout(timer)
        if (p.cmd === 'connack' && p.returnCode === 0) resolve(client)
        else reject(new Error(`${d.id}: connection refused (${p.cmd} ${(p as mqttPacket.IConnackPacket).returnCode})`))
      })
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: d.id, keepalive: 120, username: d.id, password: Buffer.from(d.secret) }))
      })
    })
  }

  publish(topic: string, payload: string, qos: 0 | 1): void {
    const messageId = qos === 1 ? (this.nextId = (this.nextId % 65_535) + 1) : undefined
    if (qos === 1) this.inflight++
    this.stream.write(mqttPacket.generate({ cmd: 'publish', topic, payload, qos, retain: false, dup: false, ...(messageId ? { messageId } : {}) }))
  }

  end(): Promise<void> {
    return new Promise((resolve) => {
      this.stream.once('close', () => resolve())
      this.stream.end(mqttPacket.generate({ cmd: 'disconnect' }))
    })
  }
}

async function main(): Promise<void> {
  const clients: LeanClient[] = []
  for (let i = 0; i < spec.devices.length; i += 50) clients.push(...(await Promise.all(spec.devices.slice(i, i + 50).map((d) => LeanClient.connect(spec.url, d)))))
  // Every generator connects all its clients first; the bench starts them together (a line on stdin).
  process.stdout.write(`${JSON.stringify({ ready: true, clients: clients.length })}\n`)
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()))
  process.stdin.pause()
  const perClient = spec.rate / clients.length
  const seq = new Array<number>(clients.length).fill(0)
  let sent = 0
  const start = Date.now()
  const end = start + spec.seconds * 1000
  // Pace in 10 ms slices: each slice sends what the schedule owes so far.
  await new Promise<void>((resolve) => {
    const slice = (): void => {
      const now = Date.now()
      if (now >= end) return resolve()
      const due = Math.floor(((now - start) / 1000) * perClient)
      for (let i = 0; i < clients.length; i++) {
        const c = clients[i]!
        const d = spec.devices[i]!
        let n = due - seq[i]!
        // A client whose socket is backed up waits (TCP backpressure from the broker).
        while (n-- > 0 && (spec.qos === 0 ? c.stream.writableLength < 1 << 20 : c.inflight < spec.window)) {
          const s = seq[i]!++
          sent++
          c.publish(d.topic, `{"ts":${spec.tsBase + s},"values":{"${d.metric}":${(s % 20) + 1}}}`, spec.qos)
        }
      }
      setTimeout(slice, 10)
    }
    slice()
  })
  const elapsed = (Date.now() - start) / 1000
  // Let QoS 1 acknowledgements arrive; QoS 0 messages drain from the sockets.
  const until = Date.now() + 60_000
  const count = (k: 'acked' | 'errors'): number => clients.reduce((sum, c) => sum + c[k], 0)
  while (Date.now() < until && (spec.qos === 1 ? count('acked') + count('errors') < sent : clients.some((c) => c.stream.writableLength > 0))) await new Promise((r) => setTimeout(r, 50))
  const drained = (Date.now() - start) / 1000
  const acked = count('acked')
  await Promise.all(clients.map((c) => c.end()))
  const errors = count('errors')
  process.stdout.write(`${JSON.stringify({ sent, acked, errors, elapsed, drained, perDevice: seq })}\n`)
}

main().catch((err: Error) => {
  process.stdout.write(`${JSON.stringify({ error: err.message })}\n`)
  process.exit(1)
})
