import type { DeviceRegistry } from '../registry/device-registry.js'

/**
 * Whose a client id is (docs/contract.md, MQTT sessions). MQTT 3.1.1 §3.1.3.1 lets a client
 * choose any id; the broker keys its session state by it (§4.1), so the hub ties ids to the
 * device or gateway that authenticates:
 * - its own id, or `<id>-<suffix>`: its namespace, for clean and persistent sessions alike;
 * - an id in no registered namespace (`mosquitto_pub`'s generated `mosq-…`, mqtt.js's
 *   `mqttjs_…`, the broker's own for an empty id): clean sessions only, so nothing of it is
 *   kept once the connection ends;
 * - an id in another device's or gateway's namespace: refused.
 */
export const MAX_CLIENT_ID_LENGTH = 128

/**
 * The registered device or gateway whose namespace `clientId` is in: the id itself, else the
 * longest registered prefix that ends before a `-` (`lel-01-a` is `lel-01`'s, unless `lel-01-a`
 * is itself registered). Undefined for an id of no one's namespace.
 */
export function namespaceOwner(registry: DeviceRegistry, clientId: string): string | undefined {
  const registered = (id: string): boolean => registry.get(id) !== undefined || registry.gateway(id) !== undefined
  if (registered(clientId)) return clientId
  for (let i = clientId.lastIndexOf('-'); i > 0; i = clientId.lastIndexOf('-', i - 1)) {
    const prefix = clientId.slice(0, i)
    if (registered(prefix)) return prefix
  }
  return undefined
}

export type ClientIdVerdict =
  | { ok: true; own: boolean }
  | { ok: false; returnCode: 2 | 5; why: string }

/** May `identity` (the authenticated device or gateway) connect as `clientId`, clean or not? */
export function judgeClientId(registry: DeviceRegistry, identity: string, clientId: string, clean: boolean): ClientIdVerdict {
  if (clientId.length > MAX_CLIENT_ID_LENGTH) return { ok: false, returnCode: 2, why: `client id longer than ${MAX_CLIENT_ID_LENGTH} characters` }
  const owner = namespaceOwner(registry, clientId)
  if (owner === identity) return { ok: true, own: true }
  // CONNACK 5 (not authorised), as before for another device's exact id.
  if (owner !== undefined) return { ok: false, returnCode: 5, why: `client id ${clientId.slice(0, 64)} belongs to another device` }
  // CONNACK 2 (identifier rejected, §3.2.2.3): a session kept past the connection needs an id of the device's own.
  if (!clean) return { ok: false, returnCode: 2, why: `a persistent session (clean session 0) needs the client id ${identity} or ${identity}-<suffix>` }
  return { ok: true, own: false }
}
