/**
 * Bench load generator, run as its own process: N real MQTT clients over TCP, each a device
 * of the zone, publishing telemetry at a paced rate for a duration. Prints one JSON line of
 * counters when done; it starts sending when told to on stdin, once connected. Each device's readings carry increasing millisecond timestamps, so
 * every message is its own point in InfluxDB and loss can be counted exactly.
 *
 *   tsx tests/bench/load-generator.ts <spec-json>
 *   spec: { url, devices: [{id, secret, topic, metric}], rate, seconds, qos, window, tsBase }
 */
import mqtt, { type MqttClient } from 'mqtt'

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

async function connect(d: Spec['devices'][number]): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(spec.url, { username: d.id, password: d.secret, clientId: d.id, reconnectPeriod: 0, connectTimeout: 30_000, keepalive: 120 })
    c.once('connect', () => resolve(c))
    c.once('error', reject)
  })
}

async function main(): Promise<void> {
  const clients: MqttClient[] = []
  for (let i = 0; i < spec.devices.length; i += 50) clients.push(...(await Promise.all(spec.devices.slice(i, i + 50).map(connect))))
  // Every generator connects all its clients first; the bench starts them together (a line on stdin).
  process.stdout.write(`${JSON.stringify({ ready: true, clients: clients.length })}\n`)
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()))
  process.stdin.pause()
  const perClient = spec.rate / clients.length
  const seq = new Array<number>(clients.length).fill(0)
  const inflight = new Array<number>(clients.length).fill(0)
  let sent = 0
  let acked = 0
  let errors = 0
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
        while (n-- > 0 && (spec.qos === 0 ? c.stream.writableLength < 1 << 20 : inflight[i]! < spec.window)) {
          const s = seq[i]!++
          const payload = `{"ts":${spec.tsBase + s},"values":{"${d.metric}":${(s % 20) + 1}}}`
          sent++
          if (spec.qos === 1) {
            inflight[i]!++
            c.publish(d.topic, payload, { qos: 1 }, (err) => {
              inflight[i]!--
              if (err) errors++
              else acked++
            })
          } else c.publish(d.topic, payload, { qos: 0 })
        }
      }
      setTimeout(slice, 10)
    }
    slice()
  })
  const elapsed = (Date.now() - start) / 1000
  // Let QoS 1 acknowledgements arrive; QoS 0 messages drain from the sockets.
  const until = Date.now() + 60_000
  while (Date.now() < until && (spec.qos === 1 ? acked + errors < sent : clients.some((c) => c.stream.writableLength > 0))) await new Promise((r) => setTimeout(r, 50))
  const drained = (Date.now() - start) / 1000
  await Promise.all(clients.map((c) => c.endAsync()))
  process.stdout.write(`${JSON.stringify({ sent, acked, errors, elapsed, drained, perDevice: seq })}\n`)
}

main().catch((err: Error) => {
  process.stdout.write(`${JSON.stringify({ error: err.message })}\n`)
  process.exit(1)
})
