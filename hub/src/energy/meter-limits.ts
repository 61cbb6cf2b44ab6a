/**
 * What a meter can physically measure (docs/energy.md, "Numbers that cannot be true"): its
 * rated maximum rate per metric, per hour. A counter step larger than rate × elapsed time,
 * an active power above the rate, or a negative counter is not consumption but a glitch or
 * a replaced meter. The zone file's `maxRate` (per metric) on the device wins; these
 * defaults, per carrier, are sized for the largest meter of that carrier on one enterprise's
 * incoming supply, so that they never reject a real reading (set `maxRate` for a tighter check):
 *
 *   metric    default      unit   sized from
 *   kwh       100 000      kWh/h  a 110 kV incoming supply of 2 × 63 MVA (GB 50059 35–110 kV
 *                                 substations) at cos φ 0.8: ≈ 100 MW; an enterprise with
 *                                 titanium-slag electric furnaces (25–30 MVA each) stays under it
 *   kw        100 000      kW     the same supply
 *   gas_m3    10 000       m³/h   a G4000 turbine gas meter, Qmax 6 500 m³/h (GB/T 18940; EN 12261
 *                                 G-size × 1.6), with margin
 *   steam_t   300          t/h    a boiler house of 4 × 75 t/h boilers, the largest common
 *                                 industrial unit (GB/T 1921 rated evaporation series)
 *   water_m3  5 000        m³/h   a DN600 main at 5 m/s (≈ 5 090 m³/h), the top of the design
 *                                 velocity of water mains (GB 50013)
 */
import type { Device } from '../model/device.js'
import type { Carrier } from './coefficients.js'

export type RatedMetric = Carrier | 'kw'

export const DEFAULT_MAX_RATE: Readonly<Record<RatedMetric, number>> = {
  kwh: 100_000,
  kw: 100_000,
  gas_m3: 10_000,
  steam_t: 300,
  water_m3: 5_000,
}

export type MaxRates = Readonly<Record<RatedMetric, number>>

/** The meter's rated maximum rate per metric: the device's `maxRate`, else the defaults; `kw` follows `kwh` when only that is given. */
export function maxRatesOf(device: Pick<Device, 'maxRate'>): MaxRates {
  const own = device.maxRate ?? {}
  const pick = (m: RatedMetric): number => {
    const v = own[m] ?? (m === 'kw' ? own.kwh : m === 'kwh' ? own.kw : undefined)
    return typeof v === 'number' && v > 0 ? v : DEFAULT_MAX_RATE[m]
  }
  return { kwh: pick('kwh'), kw: pick('kw'), gas_m3: pick('gas_m3'), steam_t: pick('steam_t'), water_m3: pick('water_m3') }
}

const HOUR = 3_600_000

/** The largest step a meter of `ratePerHour` can count in `elapsedMs` (∞ for an unknown rate). */
export function maxStep(ratePerHour: number, elapsedMs: number): number {
  if (ratePerHour === Infinity) return Infinity
  return (ratePerHour * Math.max(0, elapsedMs)) / HOUR
}

/** `x ≤ limit`, allowing for floating-point rounding only: a step at exactly the rated rate counts. */
export const withinLimit = (x: number, limit: number): boolean => x <= limit + Math.abs(limit) * 1e-9

/** Why a reading or a step was left out. */
export type ImplausibleReason = 'above_rated_rate' | 'backward_step' | 'negative_counter' | 'power_above_rated'
