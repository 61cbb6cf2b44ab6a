import type { Device } from '../model/device.js'
import type { DeviceEvent, Place, Reading, RejectReason } from '../model/reading.js'
import { DATA_FLAGS, EVENT_TYPES, HJ212_EXTRA_CODE, type DataFlag, type EventType } from '../model/vocabulary.js'
import { rangeMaxOf } from './measuring-range.js'
import { physicalBounds } from './ranges.js'
import { toCanonical } from '../catalogue/gas-catalogue.js'
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

/** One metric of a message refused while the others go on (counted by reason). */
export interface MetricReject {
  metric: string
  reason: RejectReason
  detail: string
}

/** A telemetry object's outcome: the reading of its valid metrics and the metrics refused. */
export type CheckedTelemetry = { ok: true; value: Reading; dropped: MetricReject[] } | { ok: false; reason: RejectReason; detail: string }

const NO_DROPS: MetricReject[] = []

/** `list` with `r` added: a new list the first time, so NO_DROPS stays empty. */
function withDrop(list: MetricReject[], r: MetricReject): MetricReject[] {
  const out = list === NO_DROPS ? [] : list
  out.push(r)
  return out
}

/**
 * An HJ 212 device (`hj212` set) also keeps values under a pollutant code no metric of its
 * takes (model/vocabulary.ts HJ212_EXTRA_CODE) and corrected values (`-ZsRtd`) as
 * `<metric>_zs` or `<code>_zs`: stored and reported, never refused (docs/hj212.md).
 */

function isHj212Extra(device: Device, metric: string): boolean {
  if (device.hj212 === undefined) return false
  const base = metric.endsWith('_zs') ? metric.slice(0, -3) : metric
  return (base !== metric && device.metrics.includes(base)) || HJ212_EXTRA_CODE.test(base)
}

/** Why one metric's value cannot be taken, or undefined when it can. */
function checkValue(device: Device, metric: string, v: unknown): MetricReject | undefined {
  if (!device.metrics.includes(metric) && !isHj212Extra(device, metric)) return { metric, reason: 'metric_unknown', detail: `metric ${metric.slice(0, 40)} is not measured by ${device.id}` }
  if (typeof v !== 'number' || !Number.isFinite(v)) return { metric, reason: 'value_not_finite', detail: `${metric} must be a finite number` }
  const bounds = physicalBounds(metric)
  if (bounds && (v < bounds[0] || v > bounds[1])) return { metric, reason: 'value_out_of_range', detail: `${metric} = ${v} is not physically possible (${bounds[0]}…${bounds[1]})` }
  return undefined
}

/**
 * One telemetry object `{ts?, values, flags?}` for one device. Each metric stands or falls
 * alone: an unknown metric, a non-finite or physically impossible value, or a bad flag
 * refuses that metric (in `dropped`), and the others go on. A message left with no valid
 * metric is refused whole, with the first metric's reason. A value above the detector's
 * measuring range is NOT refused (ranges.ts): it is an over-range reading, flagged `T`
 * (measuring-range.ts).
 */
export function checkTelemetry(obj: unknown, device: Device, place: Place, now: number): CheckedTelemetry {
  if (!isPlainObject(obj)) return fail('payload_shape', 'expected an object {ts, values}')
  const ts = normaliseTs(obj.ts, now)
  if (ts === 'ts_invalid') return fail('ts_invalid', `ts ${JSON.stringify(obj.ts)?.slice(0, 40)} is not epoch ms or ISO-8601 after 2000`)
  if (ts === 'ts_future') return fail('ts_future', 'ts is more than 5 minutes in the future')
  if (ts === 'ts_past_retention') return fail('ts_past_retention', 'ts is older than the store keeps raw readings (400 days)')
  const raw = obj.values
  if (!isPlainObject(raw)) return fail('values_missing', 'values must be an object of metric → number')
  const rawFlags = obj.flags
  if (rawFlags !== undefined && !isPlainObject(rawFlags)) return fail('flag_invalid', 'flags must be an object of metric → HJ 212 flag')
  const values: Record<string, number> = {}
  // No closure here: this runs for every reading (the hot path).
  let dropped = NO_DROPS
  let n = 0
  let flags: Record<string, DataFlag> | undefined
  for (const metric in raw) {
    if (!Object.prototype.hasOwnProperty.call(raw, metric)) continue
    // A gas detector declaring ppm (device.units) is converted to mg/m³ at 20 °C before anything judges it (GBZ 2.1: × M / 24.04).
    const v = device.kind === 'gas' && device.units !== undefined && Object.hasOwn(device.units, metric) && typeof raw[metric] === 'number' ? toCanonical(metric, device.units[metric]!, raw[metric]) : raw[metric]
    const bad = checkValue(device, metric, v)
    if (bad) {
      dropped = withDrop(dropped, bad)
      continue
    }
    const f = rawFlags?.[metric]
    if (f !== undefined) {
      // A value whose flag is unreadable is of unknown validity: refused with its flag.
      if (typeof f !== 'string' || !FLAG_SET.has(f)) {
        dropped = withDrop(dropped, { metric, reason: 'flag_invalid', detail: `flag ${String(f).slice(0, 8)} of ${metric} is not one of N F M S D C T B (HJ 212-2017)` })
        continue
      }
      ;(flags ??= {})[metric] = f as DataFlag
    }
    // Normalise: a valid value past the top of the measuring range is over range (measuring-range.ts).
    if ((f === undefined || f === 'N') && (v as number) > (rangeMaxOf(device, metric) ?? Infinity)) (flags ??= {})[metric] = 'T'
    values[metric] = v as number
    n++
  }
  if (rawFlags) {
    for (const metric in rawFlags) {
      if (!Object.prototype.hasOwnProperty.call(raw, metric)) dropped = withDrop(dropped, { metric, reason: 'flag_invalid', detail: `flag for ${metric.slice(0, 40)} which has no value` })
    }
  }
  if (n === 0) {
    const first = dropped[0]
    return first ? fail(first.reason, first.detail) : fail('values_missing', 'values is empty')
  }
  // Spelled out, not spread: one object shape for every reading (the hot path).
  return { ok: true, value: { park: place.park, enterprise: place.enterprise, area: place.area, device: place.device, kind: place.kind, ts, values, flags }, dropped }
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
  if (ts === 'ts_past_retention') return fail('ts_past_retention', 'ts is older than the store keeps raw readings (400 days)')
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
