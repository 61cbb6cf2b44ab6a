import type { NatsConnection, Subscription } from '@nats-io/transport-node'
import type { Alarm } from '../model/alarm.js'
import type { Incident } from '../model/incident.js'
import type { DeviceStateUpdate, TelemetryUpdate } from '../model/live-events.js'
import type { ParkRisk } from '../model/risk.js'
import { RiskPacer } from '../live/risk-pacer.js'
import { TELEMETRY_HZ, TelemetryBatcher } from '../live/telemetry-batcher.js'
import type { LiveFeed } from '../safety-loop.js'
import type { LiveMirror } from './live-mirror.js'
import { fromToken, liveSubject } from './subjects.js'

/**
 * The live view from any node (docs/cluster.md, "Live view"). A park's safety loop runs on its
 * owner; the dashboards may be connected to any node. The relay stands where the safety loop
 * pushes to its LiveFeed: each push goes to this node's own LiveServer at once and is published
 * on core NATS `live.<park>.<event>`; every node subscribes `live.>` and hands what other nodes
 * published to its own LiveServer, which sends it to its sockets (rooms, scopes and pacing as in
 * single-node mode). Core NATS, not JetStream: a socket that misses a push while its node is cut
 * off gets the truth from the snapshot on reconnect, as in single-node mode.
 *
 * Telemetry and risk are paced before they are published as the LiveServer paces them for its
 * sockets, so what no dashboard would see is not copied to every node: telemetry keeps the latest
 * values per device and goes as one message per park TELEMETRY_HZ times a second
 * (live/telemetry-batcher.ts); risk goes at once when a level changes, the same level at most once
 * a second (live/risk-pacer.ts). A node hears its own messages back from NATS and skips them by
 * their first bytes, before decoding them.
 *
 *   const relay = new LiveRelay({ nc, node, local: liveServer, log })
 *   relay.start()                            // subscribes live.>
 *   new SafetyLoop({ …, live: relay })       // the relay is a LiveFeed
 *   await relay.stop()
 */
export interface LiveRelayOptions {
  nc: NatsConnection
  node: string
  /** This node's socket server (or any LiveFeed). */
  local: LiveFeed
  /** Kept current with other nodes' alarms, incidents and risk, for this node's snapshots (live-mirror.ts). */
  mirror?: Pick<LiveMirror, 'alarm' | 'incident' | 'risk'> | undefined
  log: { warn(o: object, m: string): void }
  /** How often the latest telemetry goes out, per park (ms); the LiveServer's pace by default. */
  telemetryMs?: number
}

type LiveEvent = 'telemetry' | 'alarm' | 'risk' | 'incident' | 'device'
const EVENTS: ReadonlySet<string> = new Set<LiveEvent>(['telemetry', 'alarm', 'risk', 'incident', 'device'])

/** On the wire: the publishing node, its clock at publishing (ms), the payload. */
interface Envelope {
  n: string
  t: number
  d: unknown
}

export interface LiveRelayStats {
  published: number
  /** Messages from other nodes handed to the local LiveServer. */
  relayed: number
  /** Messages not understood (skipped). */
  malformed: number
  /** Publish → arrival here of the last message from another node (ms; both clocks, NTP-close on separate machines). */
  lastLagMs: number
  maxLagMs: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class LiveRelay implements LiveFeed {
  private sub: Subscription | undefined
  private readonly telemetryPacer: TelemetryBatcher
  private readonly riskPacer = new RiskPacer((r) => this.publish(r.park, 'risk', r))
  /** How this node's own messages begin (`publish` writes the envelope's `n` first): heard back, they are skipped undecoded. */
  private readonly ownPrefix: Uint8Array
  private readonly s: LiveRelayStats = { published: 0, relayed: 0, malformed: 0, lastLagMs: 0, maxLagMs: 0 }

  /** What another node published, to this node's sockets. */
  private readonly deliver: Record<Exclude<LiveEvent, 'telemetry'>, (d: unknown) => void> = {
    alarm: (d) => {
      this.o.mirror?.alarm(d as Alarm)
      this.o.local.alarm(d as Alarm)
    },
    risk: (d) => {
      this.o.mirror?.risk(d as ParkRisk)
      this.o.local.risk(d as ParkRisk)
    },
    incident: (d) => {
      this.o.mirror?.incident(d as Incident)
      this.o.local.incident(d as Incident)
    },
    device: (d) => this.o.local.device(d as DeviceStateUpdate),
  }

  constructor(private readonly o: LiveRelayOptions) {
    this.ownPrefix = encoder.encode(`{"n":${JSON.stringify(o.node)},`)
    this.telemetryPacer = new TelemetryBatcher(o.telemetryMs ?? 1000 / TELEMETRY_HZ, (park, batch) => this.publish(park, 'telemetry', batch))
  }

  /** Subscribe to every park's live subjects; what this node published itself is skipped (delivered locally already). */
  start(): void {
    if (this.sub) return
    this.sub = this.o.nc.subscribe('live.>', { callback: (err, msg) => (err ? this.o.log.warn({ err: err.message }, 'live subscription failed') : this.receive(msg.subject, msg.data)) })
  }

  stats(): LiveRelayStats {
    return { ...this.s }
  }

  telemetry(update: TelemetryUpdate): void {
    this.o.local.telemetry(update)
    this.telemetryPacer.add(update)
  }

  alarm(alarm: Alarm): void {
    this.o.local.alarm(alarm)
    this.publish(alarm.park, 'alarm', alarm)
  }

  risk(risk: ParkRisk): void {
    this.o.local.risk(risk)
    this.riskPacer.offer(risk)
  }

  incident(incident: Incident): void {
    this.o.local.incident(incident)
    this.publish(incident.park, 'incident', incident)
  }

  device(update: DeviceStateUpdate): void {
    this.o.local.device(update)
    this.publish(update.park, 'device', update)
  }

  private publish(park: string, event: LiveEvent, d: unknown): void {
    const env: Envelope = { n: this.o.node, t: Date.now(), d }
    try {
      this.o.nc.publish(liveSubject(park, event), encoder.encode(JSON.stringify(env)))
      this.s.published++
    } catch (err) {
      // Closed connection: this node's own sockets had it already; the others see the snapshot on reconnect.
      this.o.log.warn({ err: (err as Error).message, park, event }, 'live publish failed')
    }
  }

  private isOwn(data: Uint8Array): boolean {
    const p = this.ownPrefix
    if (data.length < p.length) return false
    for (let i = 0; i < p.length; i++) if (data[i] !== p[i]) return false
    return true
  }

  private receive(subject: string, data: Uint8Array): void {
    if (this.isOwn(data)) return
    const parts = subject.split('.')
    const event = parts[2]
    if (parts.length !== 3 || event === undefined || !EVENTS.has(event)) {
      this.s.malformed++
      return
    }
    let env: Envelope
    try {
      env = JSON.parse(decoder.decode(data)) as Envelope
    } catch {
      this.s.malformed++
      return
    }
    if (typeof env !== 'object' || env === null || typeof env.n !== 'string' || typeof env.t !== 'number' || typeof env.d !== 'object' || env.d === null) {
      this.s.malformed++
      return
    }
    if (env.n === this.o.node) return // written otherwise than `publish` writes it: still this node's own
    const lag = Date.now() - env.t
    this.s.lastLagMs = lag
    if (lag > this.s.maxLagMs) this.s.maxLagMs = lag
    const park = fromToken(parts[1]!)
    if (event === 'telemetry') {
      if (!Array.isArray(env.d)) return void this.s.malformed++
      for (const u of env.d as TelemetryUpdate[]) if (u && u.park === park) this.o.local.telemetry(u)
    } else {
      // An alarm, risk, incident or device update names its park: it must be the subject's.
      if ((env.d as { park?: unknown }).park !== park) return void this.s.malformed++
      this.deliver[event as Exclude<LiveEvent, 'telemetry'>](env.d)
    }
    this.s.relayed++
  }

  async stop(): Promise<void> {
    this.riskPacer.stop()
    this.telemetryPacer.flush()
    this.telemetryPacer.stop()
    this.sub?.unsubscribe()
    this.sub = undefined
  }
}
