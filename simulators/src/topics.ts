/** Topics of CONTRACT.md: `parks/{park}/{enterprise}/{device}/{telemetry|event|status|cmd}`. */
import type { Device } from '../../hub/src/model/device.js'

export type Channel = 'telemetry' | 'event' | 'status' | 'cmd'

export function topicOf(device: Pick<Device, 'park' | 'enterprise' | 'id'>, channel: Channel): string {
  return `parks/${device.park}/${device.enterprise}/${device.id}/${channel}`
}

/** The device id of a `parks/{park}/{enterprise}/{device}/cmd` topic, or undefined. */
export function deviceOfCmdTopic(topic: string): string | undefined {
  const parts = topic.split('/')
  return parts.length === 5 && parts[0] === 'parks' && parts[4] === 'cmd' ? parts[3] : undefined
}
