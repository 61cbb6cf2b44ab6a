import type { DataFlag, DeviceKind, EventType } from './vocabulary.js'

/** Where a device sits in the hierarchy: zone → park → enterprise → area → device. */
export interface Place {
  park: string
  enterprise: string
  area: string | undefined
  device: string
  kind: DeviceKind
}

/** One validated, normalised telemetry reading from one device at one time. */
export interface Reading extends Place {
  /** Milliseconds since the epoch. */
  ts: number
  values: Record<string, number>
  /** HJ 212-2017 data flag per metric, when the device sent any. */
  flags: Record<string, DataFlag> | undefined
}

/** One validated discrete event (fire panel signals). */
export interface DeviceEvent extends Place {
  ts: number
  type: EventType
  state: 'on' | 'off'
}

/** A device's retained status, from the `status` topic or its will message. */
export interface DeviceStatus extends Place {
  ts: number
  online: boolean
}

/** Why the ingest pipeline rejected a message (counted by reason). */
export const REJECT_REASONS = [
  'topic_invalid',
  'unknown_device',
  'not_authorised',
  'payload_too_large',
  'json_invalid',
  'payload_shape',
  'batch_too_large',
  'batch_empty',
  'ts_invalid',
  'ts_future',
  /** Older than the raw retention of the store (400 days): InfluxDB would drop it. */
  'ts_past_retention',
  'values_missing',
  'metric_unknown',
  'value_not_finite',
  'value_out_of_range',
  'flag_invalid',
  'event_invalid',
  'status_invalid',
  'journal_full',
  'rate_limited',
  'overload_shed',
] as const
export type RejectReason = (typeof REJECT_REASONS)[number]

export interface Reject {
  reason: RejectReason
  detail: string
  topic: string
  device: string | undefined
  ts: number
}
