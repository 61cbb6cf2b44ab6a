/**
 * The fleet: every simulated device (or, in gateway mode, every gateway for the devices
 * behind it) as a real MQTT client. It connects in bounded parallel (a pool of N attempts in
 * flight, so thousands of devices arrive without a connect storm), publishes what the engine
 * emits on the device's own topics, answers commands on its `cmd` topic, and counts.
 */
import mqtt from 'mqtt'
import type { Device } from '../../hub/src/model/device.js'
import { Link, type ClientFactory } from './connection.js'
import type { Command, Output } from './engine.js'
import { ackPayload, eventPayload, telemetryPayload } from './payloads.js'
import { createRng } from './prng.js'
import { deviceOfCmdTopic, topicOf } from './topics.js'
import type { Credentials } from './zone-source.js'
import type { LoggerFleet } from './hj212/logger-fleet.js'

export interface FleetCounters {
  /** Messages handed to the broker (a batch counts once). */
  sent: number
  /** Readings inside those messages. */
  readings: number
  errors: number
  connectFailures: number
  commands: number
  /** Commands that were not JSON, named no command, named one the device does not know, or came after their `expiresAt`. */
  badCommands: number
  /** Outputs for a device whose connection was down at the time. */
  skipped: number
}

export interface FleetOptions {
  url: string
  credentials: Credentials
  /** Devices with a `gateway` publish through it (those without a secret of their own always do). */
  gatewayMode?: boolean
  qos?: 0 | 1
  /** Connection attempts in flight at once. */
  connectConcurrency?: number
  connectTimeoutMs?: number
  factory?: ClientFactory
  /** Seed for the reconnect spread. */
  seed?: number
  onCommand?: (device: string, cmd: Command) => void
  log?: (line: string) => void
  /** --hj212: the devices these HJ 212 data loggers carry have no MQTT connection; their outputs go to them. */
  loggers?: LoggerFleet
  /** Simulated time runs this many times faster (a logger fault's duration is simulated time). */
  speed?: number
}

export class Fleet {
  readonly counters: FleetCounters = { sent: 0, readings: 0, errors: 0, connectFailures: 0, commands: 0, badCommands: 0, skipped: 0 }
  readonly links: Link[] = []
  /** Devices that cannot connect: no secret of their own and no gateway secret. */
  readonly unconnectable: string[] = []
  private readonly linkOf = new Map<string, Link>()
  private readonly byId = new Map<string, Device>()
  private readonly qos: 0 | 1
  inflight = 0
  private readonly log: (line: string) => void

  constructor(
    devices: readonly Device[],
    private readonly opts: FleetOptions,
  ) {
    this.qos = opts.qos ?? 0
    this.log = opts.log ?? (() => {})
    const factory = opts.factory ?? ((url, o) => mqtt.connect(url, o))
    const rng = createRng(opts.seed ?? 1).fork('reconnect')
    const linkOpts = () => ({
      url: opts.url,
      qos: this.qos,
      connectTimeoutMs: opts.connectTimeoutMs ?? 30_000,
      // 5–10 s between retries, spread so a broker restart is not met by every device at once.
      reconnectMs: Math.round(rng.uniform(5000, 10_000)),
      factory,
      counters: this.counters,
      onMessage: (topic: string, payload: Buffer) => this.onMessage(topic, payload),
      log: this.log,
    })
    const gateways = new Map<string, Device[]>()
    for (const d of devices) {
      this.byId.set(d.id, d)
      if (opts.loggers?.has(d.id)) continue
      const own = opts.credentials.devices[d.id]
      const viaGateway = d.gateway !== undefined && opts.credentials.gateways[d.gateway] !== undefined && (opts.gatewayMode || own === undefined)
      if (viaGateway && d.gateway) {
        const list = gateways.get(d.gateway) ?? []
        list.push(d)
        gateways.set(d.gateway, list)
      } else if (own !== undefined) {
        const link = new Link(d.id, own, 'device', [d], linkOpts())
        this.links.push(link)
        this.linkOf.set(d.id, link)
      } else {
        this.unconnectable.push(d.id)
      }
    }
    for (const [gw, list] of [...gateways].sort(([a], [b]) => a.localeCompare(b))) {
      const link = new Link(gw, opts.credentials.gateways[gw] ?? '', 'gateway', list, linkOpts())
      this.links.push(link)
      for (const d of list) this.linkOf.set(d.id, link)
    }
  }

  /** Devices that have a connection (directly or through a gateway). */
  get deviceCount(): number {
    return this.linkOf.size
  }

  get connected(): number {
    let n = 0
    for (const l of this.links) if (l.up) n++
    return n
  }

  /**
   * Connects every link, at most `connectConcurrency` attempts at a time. Once `stopped()` says
   * so (a Ctrl-C), it returns within a tenth of a second instead of waiting out the attempts
   * under way: against a broker that is down, each waits up to its connect timeout (30 s). The
   * links keep trying until `stop()`.
   */
  async connect(onProgress?: (done: number, total: number) => void, stopped: () => boolean = () => false): Promise<{ ok: number; failed: number }> {
    const concurrency = Math.max(1, this.opts.connectConcurrency ?? 100)
    let next = 0
    let done = 0
    let ok = 0
    let poll: ReturnType<typeof setInterval> | undefined
    const whenStopped = new Promise<false>((resolve) => (poll = setInterval(() => stopped() && resolve(false), 100)))
    const worker = async (): Promise<void> => {
      while (next < this.links.length && !stopped()) {
        const link = this.links[next++]
        if (!link) break
        if (await Promise.race([link.connect(), whenStopped])) ok++
        done++
        onProgress?.(done, this.links.length)
      }
    }
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, this.links.length) }, worker))
    } finally {
      clearInterval(poll)
    }
    return { ok, failed: this.links.length - ok }
  }

  /** Publishes one engine output on its device's topic. Returns false if its link is down. */
  publish(out: Output): boolean {
    if (out.type === 'note') return true
    if (out.type === 'logger_fault') return this.opts.loggers?.fault(out.device, out.fault, out.durationMs / (this.opts.speed ?? 1), out.packets) ?? true
    if (this.opts.loggers?.publish(out)) {
      if (out.type === 'telemetry') {
        this.counters.sent++
        this.counters.readings++
      }
      return true
    }
    const device = this.byId.get(out.device)
    const link = this.linkOf.get(out.device)
    if (!device || !link) return false
    if (out.type === 'link') {
      if (out.up) void link.restore(device)
      else link.drop(device)
      return true
    }
    const [channel, payload] =
      out.type === 'telemetry' ? (['telemetry', telemetryPayload(out)] as const)
      : out.type === 'event' ? (['event', eventPayload(out)] as const)
      : (['event', ackPayload(out)] as const)
    return this.send(link, topicOf(device, channel), payload, 1)
  }

  /** Publishes a prepared telemetry batch (a JSON array) for one device. */
  publishBatch(deviceId: string, payload: string, readings: number): boolean {
    const device = this.byId.get(deviceId)
    const link = this.linkOf.get(deviceId)
    if (!device || !link) return false
    return this.send(link, topicOf(device, 'telemetry'), payload, readings)
  }

  private send(link: Link, topic: string, payload: string, readings: number): boolean {
    this.inflight++
    const ok = link.publish(topic, payload, this.qos, (err) => {
      this.inflight--
      if (err) this.counters.errors++
    })
    if (!ok) {
      this.inflight--
      this.counters.skipped++
      return false
    }
    this.counters.sent++
    this.counters.readings += readings
    return true
  }

  private onMessage(topic: string, payload: Buffer): void {
    const device = deviceOfCmdTopic(topic)
    if (!device) return
    this.counters.commands++
    let cmd: unknown
    try {
      cmd = JSON.parse(payload.toString('utf8'))
    } catch {
      this.counters.badCommands++
      this.log(`${device}: command is not JSON`)
      return
    }
    const c = cmd as Partial<Command> | null
    if (!c || typeof c !== 'object' || typeof c.command !== 'string') {
      this.counters.badCommands++
      this.log(`${device}: command without a "command" name`)
      return
    }
    // A device must not act on a command after its expiry (the hub's `expiresAt`, ms since the epoch).
    const expiresAt = (c as { expiresAt?: unknown }).expiresAt
    if (typeof expiresAt === 'number' && expiresAt > 0 && Date.now() > expiresAt) {
      this.counters.badCommands++
      this.log(`${device}: command ${String(c.id)} came after its expiry; not acted on`)
      return
    }
    const params = c.params && typeof c.params === 'object' ? (c.params as Record<string, unknown>) : {}
    this.opts.onCommand?.(device, { id: typeof c.id === 'string' ? c.id : String(c.id ?? ''), command: c.command, params })
  }

  /** Clean stop: every link announces `offline` (retained) and disconnects. */
  async stop(): Promise<void> {
    const batch = 200
    for (let i = 0; i < this.links.length; i += batch) {
      await Promise.all(this.links.slice(i, i + batch).map((l) => l.stop()))
    }
  }
}
