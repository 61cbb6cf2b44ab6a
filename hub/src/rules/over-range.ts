/**
 * Over range: a reading past the detector's measuring range is a reading of MORE than the
 * range, the most dangerous reading there is (DOMAIN.md, GB/T 50493 §3.0.3), never a reason to
 * drop it. On a safety device (gas, fire) it is the highest alarm of its metric at once: the
 * high condition's top stage, no on-delay (setpoint.ts `overRange`), shown as over range.
 *
 * | what the device sends                      | over range? |
 * |--------------------------------------------|-------------|
 * | HJ 212-2017 flag `T` on the metric          | yes, whatever the value |
 * | a value above the top of its measuring range| yes (e.g. `lel` 125 on a 0–100 %LEL detector) |
 * | a value at the top of the range             | no: a reading, judged against set points |
 *
 * Oxygen: a reading past the range's top (0–25 %VOL by default) is enrichment, so the high
 * alarm (23.5 %VOL, GB/T 50493 §5.5.2(4)); a `T` flag on `o2` likewise. The low condition
 * sees the value as it is.
 *
 * Measuring range of a metric: the device's own `ranges[metric]` (in the unit it reports,
 * converted like its readings), else the gas catalogue's
 * default for a gas detector (catalogue/gas-catalogue.ts `defaultRange`: 0–100 %LEL, 0–25
 * %VOL O2, per toxic gas); fire and other kinds have none unless the device gives one.
 */
import { defaultRange, toCanonical } from '../catalogue/gas-catalogue.js'
import type { Device } from '../model/device.js'

/**
 * The top of a metric's measuring range in the metric's own unit (UNITS), or undefined when it
 * has none. The device's own range is in the unit it reports (a 0–100 ppm H2S detector with
 * `units: {h2s: ppm}` tops out at 141.8 mg/m³). A range whose max ≤ min is ignored.
 */
export function rangeMaxOf(device: Pick<Device, 'kind' | 'ranges' | 'units'>, metric: string): number | undefined {
  const own = device.ranges?.[metric]
  if (own && own[1] > own[0]) {
    const top = device.kind === 'gas' ? toCanonical(metric, device.units?.[metric], own[1]) : own[1]
    if (Number.isFinite(top)) return top
  }
  return device.kind === 'gas' ? defaultRange(metric)?.[1] : undefined
}

/** Why a value is over range ('flag T', or past the range's top), or undefined when it is not. */
export function overRangeWhy(flagT: boolean, value: number, rangeMax: number | undefined, unit: string): string | undefined {
  if (flagT) return "flag T (the detector's own over-range)"
  if (rangeMax !== undefined && value > rangeMax) return `above the detector's range (max ${rangeMax} ${unit})`
  return undefined
}
