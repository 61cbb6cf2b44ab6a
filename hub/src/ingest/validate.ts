import type { Device } from '../model/device.js'
import type { DeviceEvent, Place, Reading, RejectReason } from '../model/reading.js'
import { DATA_FLAGS, EVENT_TYPES, type DataFlag, type EventType } from '../model/vocabulary.js'
import { METRIC_RANGES } from './ranges.js'
import { normaliseTs } from './timestamps.js'

/** A validation outcome: a normalised value, or the reason and a short detail. */
export type Checked<T> = { ok: true; value: T } | { ok: false; reason: RejectReason; detail: string }

const fail = (reason: RejectReason, detail: string): { ok: false; reason: RejectReason; detail: string } => ({ ok: false, reason, detail })

const FLAG_SET: ReadonlySet<string> = new Set(DATA_FLAGS)
const EVENT_SET: ReadonlySet<string> = new Set(EVENT_TYPES)
/** Events a device may also send besides fire signals: acknowledgement of a command. */
const EXTRA_EVENTS: ReadonlySet<string> = new Set(['command_ack'])

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** One telemetry object `{ts?, values, flags?}` for one device. */
export function checkTelemetry(obj: unknown, device: Device, place: Place, now: number): Checked<Reading> {
  if (!isPlainObject(obj)) return fail('payload_shape', 'expected an object {ts, values}')
  const ts = normaliseTs(obj.ts, now)
  if (ts === 'ts_invalid') return fail('ts_invalid', `ts ${JSON.stringify(obj.ts)?.slice(0, 40)} is not epoch ms or ISO-8601 after 2000`)
  if (ts === 'ts_future') return fail('ts_future', 'ts is more than 5 minutes in the future')
  const raw = obj.values
  if (!isPlainObject(raw)) return fail('values_missing', 'values must be an object of metric → number')
  const values: Record<string, number> = {}
  let n = 0
  for (const metric in raw) {
    if (!Object.prototype.hasOwnProperty.call(raw, metric)) continue
    if (!device.metrics.includes(metric)) return fail('metric_unknown', `metric ${metric.slice(0, 40)} is not measured by ${device.id}`)
    const v = raw[metric]
    if (typeof v !== 'number' || !Number.isFinite(v)) return fail('value_not_finite', `${metric} must be a finite number`)
    const range = METRIC_RANGES[metric]
    if (range && (v < range[0] || v > range[1])) return fail('value_out_of_range', `${metric} = ${v} outside ${range[0]}…${range[1]}`)
    values[metric] = v
    n++
  }
  if (n === 0) return fail('values_missing', 'values is empty')
  let flags: Record<string, DataFlag> | undefined
  if (obj.flags !== undefined) {
    if (!isPlainObject(obj.flags)) return fail('flag_invalid', 'flags must be an object of metric → HJ 212 flag')
    flags = {}
    for (const metric in obj.flags) {
      const f = obj.flags[metric]
      if (!(metric in values)) return fail('flag_invalid', `flag for ${metric.slice(0, 40)} which has no value`)
      if (typeof f !== 'string' || !FLAG_SET.has(f)) return fail('flag_invalid', `flag ${String(f).slice(0, 8)} is not one of N F M S D C T B (HJ 212-2017)`)
      flags[metric] = f as DataFlag
    }
  }
  // Spelled out, not spread: one object shape for every reading (the hot path).
  return { ok: true, value: { park: place.park, enterprise: place.enterprise, area: place.area, device: place.device, kind: place.kind, ts, values, flags } }
}

export interface CheckedEvent extends DeviceEvent {
  /** For `command_ack`: the command id and name. */
  command?: string | undefined
  commandId?: string | undefined
  /** For `command_ack`: what the device reports, e.g. `ok` or an error. */
  result?: string | undefined
}

/** One event `{ts?, type, state}`. */
export function checkEvent(obj: unknown, place: Place, now: number): Checked<CheckedEvent> {
  if (!isPlainObject(obj)) return fail('event_invalid', 'expected an object {ts, type, state}')
  const ts = normaliseTs(obj.ts, now)
  if (ts === 'ts_invalid') return fail('ts_invalid', 'ts is not epoch ms or ISO-8601 after 2000')
  if (ts === 'ts_future') return fail('ts_future', 'ts is more than 5 minutes in the future')
  const type = obj.type
  if (typeof type !== 'string' || !(EVENT_SET.has(type) || EXTRA_EVENTS.has(type))) return fail('event_invalid', `type must be one of ${[...EVENT_TYPES, ...EXTRA_EVENTS].join(', ')}`)
  const state = obj.state ?? 'on'
  if (state !== 'on' && state !== 'off') return fail('event_invalid', 'state must be on or off')
  const ev: CheckedEvent = { ...place, ts, type: type as EventType, state }
  if (type === 'command_ack') {
    ev.command = typeof obj.command === 'string' ? obj.command.slice(0, 64) : undefined
    ev.commandId = typeof obj.id === 'string' ? obj.id.slice(0, 80) : undefined
    ev.result = typeof obj.result === 'string' ? obj.result.slice(0, 200) : undefined
  }
  return { ok: true, value: ev }
}
