import type { Client, Subscription } from 'aedes'
import type { DeviceRegistry } from '../registry/device-registry.js'
import { decodeTopic } from './topic-codec.js'
import { identityOf, type Identity } from './identity.js'

/**
 * Is `topic` one a client of this identity may receive: the `cmd` topic of one of its own
 * devices, exactly under the device's registered prefix (CONTRACT.md)? The one rule for
 * SUBSCRIBE, for what a stored session keeps, and for every message the broker forwards
 * (live, queued for a stored session, or retained).
 */
export function mayReceive(registry: DeviceRegistry, who: Identity | undefined, topic: string): boolean {
  if (!who) return false
  const t = decodeTopic(topic)
  if (!t || t.channel !== 'cmd') return false
  const rec = registry.get(t.device)
  return rec !== undefined && topic.startsWith(rec.prefix) && registry.mayActFor(who.id, t.device)
}

/**
 * SUBSCRIBE: a device or gateway may subscribe only to the `cmd` topics of its own devices
 * (CONTRACT.md). Anything else is negated (SUBACK 0x80, MQTT 3.1.1 §3.9.3) and logged; the
 * connection stays up.
 */
export function makeAuthorizeSubscribe(registry: DeviceRegistry, log: (msg: string, data: object) => void) {
  return (client: Client, sub: Subscription, done: (err: Error | null, sub?: Subscription | null) => void): void => {
    const who = identityOf(client)
    if (mayReceive(registry, who, sub.topic)) return done(null, sub)
    log('mqtt subscribe refused', { client: who?.id ?? client.id, topic: sub.topic.slice(0, 200) })
    done(null, null)
  }
}
