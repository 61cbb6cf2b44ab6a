import type { Client, PublishPacket } from 'aedes'
import type { DeviceRegistry } from '../registry/device-registry.js'
import type { Ingest } from '../ingest/pipeline.js'
import type { Durable } from '../journal/journal.js'
import { decodeTopic, type DeviceTopic } from './topic-codec.js'
import { identityOf } from './identity.js'
import { TokenBucket } from './rate-limit.js'

/**
 * PUBLISH: a device or gateway may publish only under its own devices' prefixes, and never
 * to a `cmd` topic. An authorised publish is handed to ingest here, in-process, before the
 * broker acknowledges it: the PUBACK of a QoS 1 message waits until the journal has the
 * reading on disk. A refused publish is counted, logged, and closes the connection
 * (MQTT-3.3.5-2: no error goes back to the client).
 */
export function makeAuthorizePublish(registry: DeviceRegistry, ingest: Ingest, log: (msg: string, data: object) => void, maxRate: number, held: HeldPublishes) {
  const buckets = new WeakMap<Client, TokenBucket>()
  /**
   * Each client's last authorised topic, while the registry is unchanged: a device publishes on
   * the same topic again and again, and the decode and three lookups are then done once.
   */
  const lastAuthorised = new WeakMap<Client, { topic: string; version: number; t: DeviceTopic }>()
  const authorize = (client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void): void => {
    const topic = packet.topic
    const last = client ? lastAuthorised.get(client) : undefined
    let t: DeviceTopic
    if (last !== undefined && last.topic === topic && last.version === registry.version) t = last.t
    else {
      const who = identityOf(client)
      const decoded = decodeTopic(topic)
      const refuse = (why: string): void => {
        ingest.countReject('not_authorised', why, topic, decoded?.device)
        log('mqtt publish refused', { client: who?.id ?? client?.id ?? null, topic: topic.slice(0, 200), why })
        done(new Error(why))
      }
      if (!who) {
        // A will message of a client that never authenticated cannot happen; anything else unidentified is refused.
        return refuse('unidentified client')
      }
      if (!decoded) return refuse('topic is not parks/{park}/{enterprise}/{device}/{telemetry|event|status}')
      if (decoded.channel === 'cmd') return refuse('devices may not publish commands')
      const rec = registry.get(decoded.device)
      if (!rec || !registry.mayActFor(who.id, decoded.device)) return refuse(`${who.id} may not publish for ${decoded.device}`)
      if (!topic.startsWith(rec.prefix)) return refuse(`${decoded.device} belongs under ${rec.prefix}`)
      t = decoded
      if (client) lastAuthorised.set(client, { topic, version: registry.version, t })
    }
    if (maxRate > 0 && client) {
      let bucket = buckets.get(client)
      if (!bucket) buckets.set(client, (bucket = new TokenBucket(maxRate, Date.now())))
      const wait = bucket.take(Date.now())
      if (wait > 0) {
        if (packet.qos === 0) {
          ingest.countReject('rate_limited', `over ${maxRate} publishes/s on one connection`, topic, t.device)
          return done(null)
        }
        // QoS 1: wait for the token; the publisher is held meanwhile.
        setTimeout(() => authorize(client, packet, done), wait)
        return
      }
    }
    // Only the status topic is retained (its will message); telemetry is never kept by the broker.
    if (t.channel !== 'status') packet.retain = false
    let pending: void | Durable
    try {
      pending = ingest.handle(t, topic, packet.payload as Buffer, packet.qos)
    } catch (err) {
      log('ingest failed', { topic, err: (err as Error).message })
      return done(null)
    }
    if (!pending) return done(null)
    // Held until the journal has it on disk (QoS 1). aedes reads a client's socket a slice at
    // a time, so what is held is bounded by connections × one slice.
    held.now++
    pending.whenDurable(() => {
      held.now--
      done(null)
    })
  }
  return authorize
}

/** A broker's publishes waiting for the store (backpressure) or the journal (QoS 1 durability). */
export class HeldPublishes {
  now = 0
}
