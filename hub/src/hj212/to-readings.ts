import type { Device } from '../model/device.js'
import { HJ212_EXTRA_CODE, UNITS, type DataFlag } from '../model/vocabulary.js'
import { lookupCode } from './codes.js'
import { hjFlagToDataFlag } from './flags.js'
import type { LoggerPoint } from './logger-directory.js'
import type { Hj212Packet } from './packet.js'
import type { LoggerAggregate, LoggerAggregateValue, LoggerInterval } from './types.js'

/**
 * A packet's pollutant groups as the hub keeps them (the seam in docs/hj212.md):
 * - 2011 real-time: one telemetry item `{ts, values, flags}` per device, checked by ingest like
 *   an MQTT message: `-Rtd` as the metric's value, `-Flag` its flag, `-ZsRtd` as `<metric>_zs`.
 * - 2051 / 2061 / 2031: one LoggerAggregate per device (`-Avg -Min -Max -Cou -ZsAvg -ZsMin -ZsMax -Flag`).
 * A code is kept under the hub metric when the device measures it (converted to the metric's
 * unit, codes.ts), else under the code itself (a 2005 code under its 2017 code), and reported
 * among `unknownCodes`.
 */
export interface TelemetryItem {
  ts: number
  /** Numbers, or the text sent when it is not one (ingest refuses that value as not finite). */
  values: Record<string, number | string>
  flags?: Record<string, string>
}

export interface Converted<T> {
  byDevice: Map<Device, T>
  /** Codes stored under their own name (no metric of the device takes them). */
  unknownCodes: string[]
  /** Values or flags that could not be read (counted `value_invalid`). */
  invalid: number
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?$/

/** A number as sent, or undefined when the text is not one. */
export function readNumber(s: string | undefined): number | undefined {
  if (s === undefined) return undefined
  const t = s.trim()
  if (!NUMBER.test(t)) return undefined
  const n = Number(t)
  return Number.isFinite(n) ? n : undefined
}

/** Where a code's values go on `device`: the metric (with its unit factor) or the code. */
function keyOf(code: string, device: Device): { key: string; factor: number; unit: string | undefined; couUnit: string | undefined; known: boolean } {
  const info = lookupCode(code)
  if (info?.metric !== undefined && device.metrics.includes(info.metric)) {
    return { key: info.metric, factor: info.factor ?? 1, unit: UNITS[info.metric] ?? info.unit, couUnit: info.couUnit, known: true }
  }
  // A 2005 code is kept under its 2017 twin (S08 → a01013, 04 → a21005), so one pollutant has one name
  // whichever edition the logger speaks; the twins share a unit but B02 (codes.ts UNIT_2005).
  if (info && info.code2017 !== code) {
    const twin = lookupCode(info.code2017)!
    return { key: info.code2017, factor: (info.factor ?? 1) / (twin.factor ?? 1), unit: twin.unit, couUnit: info.couUnit, known: false }
  }
  return { key: code, factor: 1, unit: info?.unit, couUnit: info?.couUnit, known: false }
}

/** Item keys must be names InfluxDB and the hub can carry: pollutant codes are short alphanumerics. */

export function realtimeItems(packet: Hj212Packet, point: LoggerPoint, ts: number): Converted<TelemetryItem> {
  const out: Converted<TelemetryItem> = { byDevice: new Map(), unknownCodes: [], invalid: 0 }
  for (const [code, group] of packet.cp.pollutants) {
    const rtd = group.get('Rtd')
    if (rtd === undefined) continue
    if (!HJ212_EXTRA_CODE.test(code)) {
      out.invalid++
      continue
    }
    const device = point.deviceFor(code)
    const k = keyOf(code, device)
    if (!k.known) out.unknownCodes.push(k.key)
    let item = out.byDevice.get(device)
    if (!item) out.byDevice.set(device, (item = { ts, values: {} }))
    const v = readNumber(rtd)
    item.values[k.key] = v === undefined ? rtd : v * k.factor
    const zs = readNumber(group.get('ZsRtd'))
    if (zs !== undefined) item.values[`${k.key}_zs`] = zs * k.factor
    else if (group.has('ZsRtd')) out.invalid++
    const flag = group.get('Flag')
    if (flag !== undefined) (item.flags ??= {})[k.key] = flag.trim()
  }
  return out
}

export function aggregates(packet: Hj212Packet, point: LoggerPoint, ts: number, interval: LoggerInterval): Converted<LoggerAggregate> {
  const out: Converted<LoggerAggregate> = { byDevice: new Map(), unknownCodes: [], invalid: 0 }
  for (const [code, group] of packet.cp.pollutants) {
    if (!HJ212_EXTRA_CODE.test(code)) {
      out.invalid++
      continue
    }
    const device = point.deviceFor(code)
    const k = keyOf(code, device)
    const value: LoggerAggregateValue = {}
    const scaled = (suffix: string, factor: number): number | undefined => {
      const raw = group.get(suffix)
      if (raw === undefined) return undefined
      const n = readNumber(raw)
      if (n === undefined) {
        out.invalid++
        return undefined
      }
      return n * factor
    }
    const put = (field: keyof LoggerAggregateValue, n: number | undefined): void => {
      if (n !== undefined) value[field] = n
    }
    put('avg', scaled('Avg', k.factor))
    put('min', scaled('Min', k.factor))
    put('max', scaled('Max', k.factor))
    put('zsAvg', scaled('ZsAvg', k.factor))
    put('zsMin', scaled('ZsMin', k.factor))
    put('zsMax', scaled('ZsMax', k.factor))
    put('cou', scaled('Cou', 1))
    const rawFlag = group.get('Flag')
    const flag: DataFlag | undefined = rawFlag === undefined ? undefined : hjFlagToDataFlag(rawFlag)
    if (rawFlag !== undefined && flag === undefined) out.invalid++
    if (Object.keys(value).length === 0 && flag === undefined) continue
    if (!k.known) out.unknownCodes.push(k.key)
    let agg = out.byDevice.get(device)
    if (!agg) {
      agg = { park: device.park, enterprise: device.enterprise, area: device.area, device: device.id, kind: device.kind, ts, interval, values: {}, flags: undefined, units: {} }
      out.byDevice.set(device, agg)
    }
    agg.values[k.key] = value
    if (flag !== undefined) (agg.flags ??= {})[k.key] = flag
    if (k.unit !== undefined) agg.units[k.key] = k.unit
    if (value.cou !== undefined && k.couUnit !== undefined) agg.units[`${k.key}_cou`] = k.couUnit
  }
  return out
}
