/**
 * Measuring range: a detector's reading past the top of its range is an over-range reading,
 * a reading of MORE than the range (DOMAIN.md; HJ 212-2017 flag `T`). Ingest's normalise step
 * marks such a value `T` when the device sent it as valid (`N` or no flag), so that every room
 * after it sees the same thing: the store keeps `<metric>_flag = T`, the latest values and
 * live telemetry show "over range", the rules give it the metric's highest alarm
 * (rules/setpoint.ts `overRange`), emissions count it as exceedance evidence. A flag the device sent
 * other than `N` is kept as sent (a faulted detector's value is a fault, not a measurement).
 *
 * Range of a metric: the device's own `ranges[metric]`, in the unit it reports (converted like
 * its readings: a 0–100 ppm H2S detector tops out at 100 × 34.08 / 24.04 = 141.76 mg/m³),
 * else, for a gas detector, the gas catalogue's default (catalogue/gas-catalogue.ts
 * `defaultRange`: 0–100 %LEL, 0–25 %VOL O2, per toxic gas). Other kinds have none unless the
 * device gives one. A value AT the top is a reading, not over range.
 */
import { ownRangeOf } from '../catalogue/device-gas-settings.js'
import { defaultRange } from '../catalogue/gas-catalogue.js'
import type { Device } from '../model/device.js'

/** Per device object (a re-provisioned device is a new object): metric → top of range, or null for none. */
const cache = new WeakMap<Device, Map<string, number | null>>()

/**
 * The top of a metric's measuring range in the metric's own unit (UNITS), or undefined when
 * it has none. A range whose max ≤ min is ignored.
 */
export function rangeMaxOf(device: Device, metric: string): number | undefined {
  let byMetric = cache.get(device)
  if (!byMetric) cache.set(device, (byMetric = new Map()))
  let top = byMetric.get(metric)
  if (top === undefined) {
    top = computeRangeMax(device, metric) ?? null
    byMetric.set(metric, top)
  }
  return top ?? undefined
}

function computeRangeMax(device: Device, metric: string): number | undefined {
  const own = ownRangeOf(device, metric)
  if (own && own[1] > own[0] && Number.isFinite(own[1])) return own[1]
  return device.kind === 'gas' ? defaultRange(metric)?.[1] : undefined
}
