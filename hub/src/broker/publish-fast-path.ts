import type { Aedes, Client, PublishPacket } from 'aedes'

/**
 * A device's QoS 0 telemetry and events, taken straight from the connection's bytes to the
 * broker's authorisation hook (which hands them to ingest), instead of through aedes's stream
 * read, packet parser and PUBLISH handler. Those ended with nothing to do for these topics
 * (broker.ts skips their fan-out), yet cost more than ingest itself: at 20,000 msgs/s from 200
 * connections, each message its own TCP segment, the hub spent 18 µs a message in
 * authorisation and ingest and 22 µs in the stream and aedes around them (bench CPU profile).
 *
 * Everything else — CONNECT, QoS 1, subscriptions, pings, the status topic, anything the hook
 * or aedes would refuse on the topic's form — goes to aedes as before, and a publish is taken
 * here only while aedes has handled everything it was given, so packets are handled in order.
 */
export interface FastPublish {
  /** aedes has handled every packet given to it, and the client is connected. */
  ready(): boolean
  /** The topic is one this path takes (telemetry or an event, well formed). */
  takes(topic: string): boolean
  /** One QoS 0 PUBLISH, as aedes would handle it. */
  take(topic: string, payload: Buffer, retain: boolean): void
}

/** A parsed QoS 0 PUBLISH (MQTT 3.1.1 §3.3) and the offset just past it. */
export interface Qos0Publish {
  topic: string
  payload: Buffer
  retain: boolean
  end: number
}

/** The first byte of a QoS 0 PUBLISH (§2.2): type 3, DUP and QoS zero (MQTT-3.3.1-2), RETAIN either way. */
export function isQos0Publish(type: number | undefined): boolean {
  return type !== undefined && (type & 0xfe) === 0x30
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
 * The QoS 0 PUBLISH starting at `at` in `buf`; undefined when the packet there is anything
 * else (another type, QoS 1 or 2, DUP set, a topic longer than the packet) or not whole.
 */
export function qos0PublishAt(buf: Buffer, at: number): Qos0Publish | undefined {
  const type = buf[at]
  if (!isQos0Publish(type)) return undefined
  const h = fixedHeaderAt(buf, at)
  if (!h) return undefined
  const i = at + h.size
  const end = i + h.remaining
  if (end > buf.length || h.remaining < 2) return undefined
  // Variable header (§3.3.2): the topic, a two-byte length and UTF-8; the payload is the rest.
  const topicEnd = i + 2 + ((buf[i]! << 8) | buf[i + 1]!)
  if (topicEnd > end) return undefined
  return { topic: buf.toString('utf8', i + 2, topicEnd), payload: buf.subarray(topicEnd, end), retain: (type! & 1) === 1, end }
}

/** The parts of aedes's client this path reads; not in aedes's typings. */
interface ClientInternals {
  connected: boolean
  closed: boolean
  _paused: boolean
  _parsingBatch: number
  _keepaliveInterval: number
  _keepaliveTimer: NodeJS.Timeout | null
}

/** `takes`: the topics ingest consumes whole; `maxLevels`: the broker's `maxTopicLevels`. */
export function fastPublishFor(aedes: Aedes, client: Client, takes: (topic: string) => boolean, maxLevels: number): FastPublish {
  const c = client as unknown as ClientInternals
  const refused = (err?: Error | null): void => {
    // As aedes does with an error from its PUBLISH handler: the client's error closes it.
    if (err) client.emit('error', err)
  }
  return {
    ready: () => c.connected && !c.closed && !c._paused && c._parsingBatch === 0,
    takes: (topic) => takes(topic) && !topic.includes('+') && !topic.includes('#') && levels(topic) <= maxLevels,
    take(topic, payload, retain) {
      const packet: PublishPacket = { cmd: 'publish', topic, payload, qos: 0, retain, dup: false }
      // aedes's handle(): every packet a connected client sends restarts its keep-alive.
      if (c._keepaliveInterval > 0) c._keepaliveTimer?.refresh()
      aedes.authorizePublish(client, packet, refused)
    },
  }
}

function levels(topic: string): number {
  let n = 1
  for (let i = 0; i < topic.length; i++) if (topic.charCodeAt(i) === 47) n++
  return n
}
