import type { Client, Subscription } from 'aedes'
import type { DeviceRegistry } from '../registry/device-registry.js'
import { decodeTopic } from './topic-codec.js'
import { identityOf } from './identity.js'

/**
 * SUBSCRIBE: a device or gateway may subscribe only to the `cmd` topics of its own devices
 * (CONTRACT.md). Anything else is negated (SUBACK 0x80, MQTT 3.1.1 §3.9.3) and logged; the
 * connection stays up.
 */
export function makeAuthorizeSubscribe(registry: DeviceRegistry, log: (msg: string, data: object) => void) {
  return (client: Client, sub: Subscription, done: (err: Error | null, sub?: Subscription | null) => void): void => {
    const who = identityOf(client)
    const t = decodeTopic(sub.topic)
    const rec = t ? registry.get(t.device) : undefined
    if (who && t && t.channel === 'cmd' && rec && sub.topic.startsWith(rec.prefix) && registry.mayActFor(who.id, t.device)) return done(null, sub)
    log('mqtt subscribe refused', { client: who?.id ?? client.id, topic: sub.topic.slice(0, 200) })
    done(null, null)
  }
}
