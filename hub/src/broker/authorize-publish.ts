import type { Client, PublishPacket } from 'aedes'
import type { DeviceRegistry } from '../registry/device-registry.js'
import type { Ingest } from '../ingest/pipeline.js'
import type { Durable } from '../journal/journal.js'
import { decodeTopic } from './topic-codec.js'
import { identityOf } from './identity.js'
import { TokenBucket } from './rate-limit.js'

/**
 * PUBLISH: a device or gateway may publish only under its own devices' prefixes, and never
 * to a `cmd` topic. An authorised publish is handed to ingest here, in-process, before the
 * broker acknowledges it: the PUBACK of a QoS 1 message waits until the journal has the
 * reading on disk. A refused publish is counted, logged, and closes the connection
 * (MQTT-3.3.5-2: no error goes back to the client).
 */
export function makeAuthorizePublish(registry: DeviceRegistry, ingest: Ingest, log: (msg: string, data: object) => void, maxRate = 0) {
  const buckets = new WeakMap<Client, TokenBucket>()
  const authorize = (client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void): void => {
    const who = identityOf(client)
    const topic = packet.topic
    const t = decodeTopic(topic)
    const refuse = (why: string): void => {
      ingest.countReject('not_authorised', why, topic, t?.device)
      log('mqtt publish refused', { client: who?.id ?? client?.id ?? null, topic: topic.slice(0, 200), why })
      done(new Error(why))
    }
    if (!who) {
      // A will message of a client that never authenticated cannot happen; anything else unidentified is refused.
      return refuse('unidentified client')
    }
    if (!t) return refuse('topic is not parks/{park}/{enterprise}/{device}/{telemetry|event|status}')
    if (t.channel === 'cmd') return refuse('devices may not publish commands')
    const rec = registry.get(t.device)
    if (!rec || !registry.mayActFor(who.id, t.device)) return refuse(`${who.id} may not publish for ${t.device}`)
    if (!topic.startsWith(rec.prefix)) return refuse(`${t.device} belongs under ${rec.prefix}`)
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
    heldNow++
    pending.whenDurable(() => {
      heldNow--
      done(null)
    })
  }
  return authorize
}

/** Publishes waiting for the store (backpressure) or the journal (QoS 1 durability). */
let heldNow = 0
export function heldPublishes(): number {
  return heldNow
}
