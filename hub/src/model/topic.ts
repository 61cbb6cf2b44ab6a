/**
 * A device's MQTT topic (CONTRACT.md, MQTT): `parks/{park}/{enterprise}/{device}/{channel}`,
 * as the broker decodes it (broker/topic-codec.ts) and ingest reads it.
 */
export const CHANNELS = ['telemetry', 'event', 'status', 'cmd'] as const
export type Channel = (typeof CHANNELS)[number]

export interface DeviceTopic {
  park: string
  enterprise: string
  device: string
  channel: Channel
}
