/**
 * Topic codec (CONTRACT.md, MQTT): `parks/{park}/{enterprise}/{device}/{channel}`.
 * Hand-rolled (no regex, no split) because it runs once per message on the hot path.
 */
import type { DeviceTopic } from '../model/topic.js'

export { CHANNELS, type Channel, type DeviceTopic } from '../model/topic.js'

const PREFIX = 'parks/'

export function decodeTopic(topic: string): DeviceTopic | undefined {
  if (!topic.startsWith(PREFIX)) return undefined
  const a = PREFIX.length
  const b = topic.indexOf('/', a)
  if (b <= a) return undefined
  const c = topic.indexOf('/', b + 1)
  if (c <= b + 1) return undefined
  const d = topic.indexOf('/', c + 1)
  if (d <= c + 1) return undefined
  if (topic.indexOf('/', d + 1) !== -1) return undefined
  const channel = topic.slice(d + 1)
  if (channel !== 'telemetry' && channel !== 'event' && channel !== 'status' && channel !== 'cmd') return undefined
  const park = topic.slice(a, b)
  const enterprise = topic.slice(b + 1, c)
  const device = topic.slice(c + 1, d)
  if (hasWildcard(park) || hasWildcard(enterprise) || hasWildcard(device)) return undefined
  return { park, enterprise, device, channel }
}

function hasWildcard(s: string): boolean {
  return s.includes('+') || s.includes('#')
}

export function encodeTopic(t: DeviceTopic): string {
  return `${PREFIX}${t.park}/${t.enterprise}/${t.device}/${t.channel}`
}
