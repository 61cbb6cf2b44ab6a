/**
 * Default set points, deadbands and delays, per device kind and metric (DOMAIN.md). These are
 * defaults only: the zone file may override any field at zone, park, area or device level
 * (see setpoint-resolver.ts).
 *
 * Levels: 1 red, 2 orange, 3 yellow, 4 blue (DOMAIN.md, "Warning colours"): a GB/T 50493
 * first-level gas alarm, a single fire detector or a rate-of-rise trip → orange (2); a
 * second-level gas alarm → red (1).
 *
 * Only `gas` and `fire` devices get defaults. A CEMS stack (`emission`) also reports `so2`,
 * `o2` and `temp`, but those are emission concentrations and flue-gas conditions, not
 * workplace set points: emission exceedance is an hourly, O2-corrected average (HJ 75) and
 * is judged elsewhere. Energy meters have budgets elsewhere too. So emission and energy
 * devices get no set-point rule unless their own `setpoints` name one.
 */
import type { MetricSetpoints, Setpoints } from '../model/device.js'
import type { DeviceKind, ToxicGas } from '../model/vocabulary.js'

/**
 * Default deadband as a fraction of the mildest set point. ISA-18.2 (IEC 62682) and EEMUA 191
 * ask for a deadband chosen by measurement type; their starting table gives 2–5 % of the
 * operating range (flow and level 5 %, pressure 2 %, temperature 1 %). Gas concentration is
 * not in that table; 5 % of the first-level set point is this project's configurable choice.
 */
export const DEADBAND_FRACTION = 0.05

/**
 * On-delay and off-delay defaults for life-safety gas and fire alarms. ISA-18.2 recommends
 * delays by measurement type; here the on-delay is 0 so that the alarm is given AT the set
 * point (GB/T 50493-2019: the detector alarms when the concentration reaches the set point),
 * and a short off-delay keeps a value that wavers at the clear point from chattering
 * (ISA-18.2: chattering = ≥ 3 activations in 60 s).
 */
export const SAFETY_TIMING = { onDelaySec: 0, offDelaySec: 5 } as const

/** Timing for set points configured on non-safety metrics (emission, energy) with no delays of their own. */
export const GENERIC_TIMING = { onDelaySec: 0, offDelaySec: 5 } as const

/**
 * Toxic-gas first-level set points, mg/m³ (GB/T 50493-2019 first level ≤ 100 % OEL; OEL =
 * MAC where the gas has one, else PC-TWA, from GBZ 2.1-2019). Second level = 2 × first
 * (≤ 200 % OEL).
 *
 * | gas  | MAC | PC-TWA | 一级 | 二级 |
 * |------|-----|--------|------|------|
 * | h2s  | 10  | –      | 10   | 20   |
 * | co   | –   | 20     | 20   | 40   |
 * | no2  | –   | 5      | 5    | 10   |
 * | cl2  | 1   | –      | 1    | 2    |
 * | so2  | –   | 5      | 5    | 10   |
 * | nh3  | –   | 20     | 20   | 40   |
 * | c6h6 | –   | 6      | 6    | 12   |
 * | hcl  | 7.5 | –      | 7.5  | 15   |
 */
export const TOXIC_FIRST_LEVEL: Readonly<Record<ToxicGas, number>> = {
  h2s: 10,
  co: 20,
  no2: 5,
  cl2: 1,
  so2: 5,
  nh3: 20,
  c6h6: 6,
  hcl: 7.5,
}

/** GB/T 50493-2019 two-stage high set point: first level (一级) orange, second level (二级) red. */
function twoStage(first: number, second: number): MetricSetpoints {
  return {
    high: [
      { value: first, level: 2, stage: 'first' },
      { value: second, level: 1, stage: 'second' },
    ],
    deadband: round(first * DEADBAND_FRACTION),
    ...SAFETY_TIMING,
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6
}

const toxic = Object.fromEntries(
  Object.entries(TOXIC_FIRST_LEVEL).map(([gas, first]) => [gas, twoStage(first, first * 2)]),
) as Record<ToxicGas, MetricSetpoints>

/** Gas detectors (GB/T 50493-2019). */
const GAS: Setpoints = {
  // Combustible, point detector: first level ≤ 25 %LEL, second level ≤ 50 %LEL.
  lel: twoStage(25, 50),
  ...toxic,
  // Oxygen: low 19.5 %VOL, high 23.5 %VOL (check: DOMAIN.md takes these from secondary
  // sources; keep them in configuration). Deadband 0.5 %VOL = 2 % of a 0–25 %VOL analyser
  // range (ISA-18.2 starting values), not 5 % of the set point, which would be ~1 %VOL.
  o2: {
    low: [{ value: 19.5, level: 2, stage: 'low' }],
    high: [{ value: 23.5, level: 2, stage: 'high' }],
    deadband: 0.5,
    ...SAFETY_TIMING,
  },
}

/** Fire detectors. A single detector in alarm is a fire alarm → orange (2) (DOMAIN.md). */
const FIRE: Setpoints = {
  // Fixed-temperature heat: 57 °C, a typical class A1 point heat detector (EN 54-5 / GB 4716:
  // class A1 static response between 54 and 65 °C; 57 °C is also the usual 135 °F ordinary
  // rating). Deadband 2 °C ≈ 1 % of a heat detector's span (ISA-18.2 temperature figure),
  // rounded up.
  // Rate of rise: about 8 °C/min (DOMAIN.md; the 15 °F/min ≈ 8.3 °C/min of common
  // rate-of-rise elements, check). Evaluated by rate-of-rise.ts on a 60 s window.
  temp: {
    high: [{ value: 57, level: 2, stage: 'fixed' }],
    deadband: 2,
    rateOfRisePerMin: 8,
    ...SAFETY_TIMING,
  },
  // Smoke obscuration: 10 %obs/m, a configurable default (check): inside the UL 268
  // sensitivity window of point smoke detectors, 0.5–4 %/ft ≈ 1.6–12.5 %obs/m.
  smoke: {
    high: [{ value: 10, level: 2, stage: 'alarm' }],
    deadband: round(10 * DEADBAND_FRACTION),
    ...SAFETY_TIMING,
  },
}

/** Default set points per device kind. Emission and energy: none (see the file comment). */
export const DEFAULT_SETPOINTS: Readonly<Record<DeviceKind, Setpoints>> = {
  gas: GAS,
  fire: FIRE,
  emission: {},
  energy: {},
}

/** Kinds whose devices are safety devices by default and take the layered set points. */
export const SAFETY_KINDS: ReadonlySet<DeviceKind> = new Set<DeviceKind>(['gas', 'fire'])
