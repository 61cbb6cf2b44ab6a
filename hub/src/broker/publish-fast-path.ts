import type { Aedes, Client, PublishPacket } from 'aedes'
import { clientConnection, clientIdle, refreshKeepalive } from './aedes-internals.js'

/**
 * A device's QoS 0 and QoS 1 telemetry and events, taken straight from the connection's bytes
 * to the broker's authorisation hook (which hands them to ingest), instead of through aedes's
 * stream read, packet parser and PUBLISH handler. Those ended with nothing to do for these
 * topics (broker.ts skips their fan-out), yet cost more than ingest itself: at 20,000 msgs/s
 * from 200 connections, each message its own TCP segment, the hub spent 18 µs a message in
 * authorisation and ingest and 22 µs in the stream and aedes around them (bench CPU profile).
 * A QoS 1 publish is acknowledged as aedes does it: PUBACK once the hook is done with it (for
 * the hub, once the journal has it on disk), in order; while any is held, the connection's
 * next bytes wait, so at most a slice of publishes is held, as with aedes.
 *
 * Everything else — CONNECT, QoS 2, subscriptions, pings, the status topic, anything the hook
 * or aedes would refuse on the topic's form — goes to aedes as before, and a publish is taken
 * here only while aedes has handled everything it was given, so packets are handled in order.
 */
export interface FastPublish {
  /** aedes has handled every packet given to it, and the client is connected. */
  ready(): boolean
  /** QoS 1 publishes taken here and not yet acknowledged. */
  held(): number
  /** The topic is one this path takes (telemetry or an event, well formed). */
  takes(topic: string): boolean
  /** One PUBLISH, as aedes would handle it; `idle` once no QoS 1 publish is held any more. */
  take(p: FastPacket, idle: () => void): void
}

/** A parsed QoS 0 or QoS 1 PUBLISH (MQTT 3.1.1 §3.3) and the offset just past it. */
export interface FastPacket {
  topic: string
  payload: Buffer
  qos: 0 | 1
  retain: boolean
  dup: boolean
  /** QoS 1: the packet identifier (§2.3.1). */
  messageId: number
  end: number
}

/**
 * The first byte of a PUBLISH this path parses (§2.2): type 3; QoS 0 with DUP clear
 * (MQTT-3.3.1-2), or QoS 1; RETAIN either way.
 */
export function isFastPublish(type: number | undefined): boolean {
  if (type === undefined || type >> 4 !== 3) return false
  const qos = (type >> 1) & 3
  return qos === 1 || (qos === 0 && (type & 8) === 0)
}

/** The fixed header at `at` (§2.2): its size and the remaining length; undefined while it is not all there. */
function fixedHeaderAt(buf: Buffer, at: number): { size: number; remaining: number } | undefined {
  let remaining = 0
  let multiplier = 1
  // The remaining length: a variable byte integer of up to four bytes (§2.2.3).
  for (let i = at + 1; i < buf.length && i - at <= 4; i++) {
    const byte = buf[i]!
    remaining += (byte & 0x7f) * multiplier
    multiplier *= 128
    if ((byte & 0x80) === 0) return { size: i + 1 - at, remaining }
  }
  return undefined
}

/** The whole length of the packet at `at`, fixed header included; undefined while that header is not all there. */
export function packetLengthAt(buf: Buffer, at: number): number | undefined {
  const h = fixedHeaderAt(buf, at)
  return h && h.size + h.remaining
}

/**
 * The QoS 0 or 1 PUBLISH starting at `at` in `buf`; undefined when the packet there is anything
 * else (another type, QoS 2, DUP on QoS 0, a topic longer than the packet, packet identifier 0)
 * or not whole.
 */
export function publishAt(buf: Buffer, at: number): FastPacket | undefined {
  const type = buf[at]
  if (!isFastPublish(type)) return undefined
  const h = fixedHeaderAt(buf, at)
  if (!h) return undefined
  const i = at + h.size
  const end = i + h.remaining
  if (end > buf.length || h.remaining < 2) return undefined
  // Variable header (§3.3.2): the topic, a two-byte length and UTF-8; at QoS 1 a two-byte
  // packet identifier, non-zero (MQTT-2.3.1-1); the payload is the rest.
  const topicEnd = i + 2 + ((buf[i]! << 8) | buf[i + 1]!)
  const qos = ((type! >> 1) & 3) as 0 | 1
  const payloadStart = qos === 1 ? topicEnd + 2 : topicEnd
  if (payloadStart > end) return undefined
  const messageId = qos === 1 ? (buf[topicEnd]! << 8) | buf[topicEnd + 1]! : 0
  if (qos === 1 && messageId === 0) return undefined
  return { topic: buf.toString('utf8', i + 2, topicEnd), payload: buf.subarray(payloadStart, end), qos, retain: (type! & 1) === 1, dup: (type! & 8) === 8, messageId, end }
}

/** A broker's count of the publishes its connections' fast paths took (broker.ts's `stats()`). */
export class FastPathCounters {
  /** QoS 0 and 1 publishes taken past aedes's parser since start. */
  taken = 0
  /** QoS 1 publishes taken and not yet acknowledged, on every connection. */
  held = 0

  stats(): { taken: number; held: number } {
    return { taken: this.taken, held: this.held }
  }
}

/**
 * `takes`: the topics ingest consumes whole; `maxLevels`: the broker's `maxTopicLevels`;
 * `counters`: the broker's, which every connection's fast path adds to.
 */
export function fastPublishFor(aedes: Aedes, client: Client, takes: (topic: string) => boolean, maxLevels: number, counters: FastPathCounters): FastPublish {
  return new ClientFastPath(aedes, client, takes, maxLevels, counters)
}

/**
 * One connection's fast path: its methods on the prototype, not closures made for each
 * connection (six closures and their context were ≈ 450 B of each connection's heap, at 18,000
 * connections 8 MB of objects the garbage collector walks; heap snapshot at 3,000 connections).
 */
class ClientFastPath implements FastPublish {
  private readonly conn: ReturnType<typeof clientConnection>
  private heldNow = 0
  private corked = false
  /** Made at the first QoS 0 publish the hook refuses (most connections never have one). */
  private refusedCallback: ((err?: Error | null) => void) | undefined

  constructor(
    private readonly aedes: Aedes,
    private readonly client: Client,
    private readonly consumed: (topic: string) => boolean,
    private readonly maxLevels: number,
    private readonly counters: FastPathCounters,
  ) {
    this.conn = clientConnection(client)
  }

  ready(): boolean {
    return clientIdle(this.client)
  }

  held(): number {
    return this.heldNow
  }

  takes(topic: string): boolean {
    return this.consumed(topic) && !topic.includes('+') && !topic.includes('#') && levels(topic) <= this.maxLevels
  }

  take(p: FastPacket, idle: () => void): void {
    const packet: PublishPacket = { cmd: 'publish', topic: p.topic, payload: p.payload, qos: p.qos, retain: p.retain, dup: p.dup, ...(p.qos === 1 ? { messageId: p.messageId } : {}) }
    const { client, counters } = this
    refreshKeepalive(client)
    counters.taken++
    if (p.qos === 0) return this.aedes.authorizePublish(client, packet, (this.refusedCallback ??= (err) => this.refused(err)))
    this.heldNow++
    counters.held++
    this.aedes.authorizePublish(client, packet, (err) => {
      this.heldNow--
      counters.held--
      if (err) this.refused(err)
      else this.puback(p.messageId)
      if (this.heldNow === 0) idle()
    })
  }

  private refused(err?: Error | null): void {
    // As aedes does with an error from its PUBLISH handler: the client's error closes it.
    if (err) this.client.emit('error', err)
  }

  /** PUBACK (§3.4): 0x40, remaining length 2, the packet identifier. Those of one tick leave in one write, as mqtt-packet corks aedes's. */
  private puback(messageId: number): void {
    const conn = this.conn
    if (conn.destroyed) return
    if (!this.corked) {
      this.corked = true
      conn.cork()
      process.nextTick(uncork, this)
    }
    conn.write(Buffer.from([0x40, 2, messageId >> 8, messageId & 0xff]))
  }

  /** The tick's PUBACKs leave together (uncork). */
  static uncork(path: ClientFastPath): void {
    path.corked = false
    path.conn.uncork()
  }
}

const uncork = (path: ClientFastPath): void => ClientFastPath.uncork(path)

function levels(topic: string): number {
  let n = 1
  for (let i = 0; i < topic.length; i++) if (topic.charCodeAt(i) === 47) n++
  return n
}
