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
import { gasCatalogue } from '../catalogue/gas-catalogue.js'
import { standardLevels } from '../catalogue/setpoint-ceilings.js'
import type { MetricSetpoints } from '../model/device.js'
import type { DeviceKind } from '../model/vocabulary.js'
import type { SetpointSource } from '../model/setpoint-source.js'

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
 * Gas set points come from the gas catalogue (hub/catalogue/gases.yaml) through the
 * standard's rule (catalogue/setpoint-ceilings.ts), at the ceilings of GB/T 50493-2019 §5.5.2:
 * combustible 25 / 50 %LEL, open path 1 / 2 LEL·m, toxic 1× / 2× OEL (OEL = MAC where set,
 * else PC-TWA, GBZ 2.1-2019), or 5 % / 10 % IDLH where the detector's range cannot reach the
 * OEL. So a gas added to the catalogue has its set points with no edit here.
 *
 * | gas  | MAC | PC-TWA | 一级 | 二级 |
 * |------|-----|--------|------|------|
 * | h2s  | 10  | –      | 10   | 20   |
 * | co   | –   | 20     | 20   | 40   |
 * | cl2  | 1   | –      | 1    | 2    |
 * | hcl  | 7.5 | –      | 7.5  | 15   |
 * | … the catalogue's other toxic gases likewise |
 */
function gasDefaults(metric: string, range: readonly [number, number] | undefined): DefaultSetpoints | undefined {
  if (metric === 'o2') return OXYGEN
  const levels = standardLevels(gasCatalogue(), metric, range)
  return levels && { setpoints: twoStage(levels.first, levels.second), source: { layer: 'standard', clause: levels.clause } }
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

/** The first-level set point of a toxic gas by the standard's rule (mg/m³), for a detector with `range`. */
export function toxicFirstLevel(metric: string, range?: readonly [number, number]): number | undefined {
  return gasCatalogue().isToxic(metric) ? standardLevels(gasCatalogue(), metric, range)?.first : undefined
}

// Oxygen: low 19.5 %VOL, high 23.5 %VOL (GB/T 50493-2019 §5.5.2(4), "宜": recommended values).
// Deadband 0.5 %VOL = 2 % of a 0–25 %VOL analyser range (ISA-18.2 starting values), not 5 % of
// the set point, which would be ~1 %VOL.
const OXYGEN: DefaultSetpoints = {
  setpoints: {
    low: [{ value: 19.5, level: 2, stage: 'low' }],
    high: [{ value: 23.5, level: 2, stage: 'high' }],
    deadband: 0.5,
    ...SAFETY_TIMING,
  },
  source: { layer: 'standard', clause: 'GB/T 50493-2019 §5.5.2(4): 19.5 / 23.5 %VOL' },
}

/** Fire detectors. A single detector in alarm is a fire alarm → orange (2) (DOMAIN.md). */
const FIRE: Readonly<Record<string, DefaultSetpoints>> = {
  // Fixed-temperature heat: 57 °C, a typical class A1 point heat detector (EN 54-5 / GB 4716:
  // class A1 static response between 54 and 65 °C; 57 °C is also the usual 135 °F ordinary
  // rating). Deadband 2 °C ≈ 1 % of a heat detector's span (ISA-18.2 temperature figure),
  // rounded up.
  // Rate of rise: about 8 °C/min (DOMAIN.md; the 15 °F/min ≈ 8.3 °C/min of common
  // rate-of-rise elements, check). Evaluated by rate-of-rise.ts on a 60 s window.
  temp: {
    setpoints: { high: [{ value: 57, level: 2, stage: 'fixed' }], deadband: 2, rateOfRisePerMin: 8, ...SAFETY_TIMING },
    source: { layer: 'default', clause: 'GB 4716 / EN 54-5 class A1 heat detector (54–65 °C); rate of rise ≈ 8 °C/min' },
  },
  // Smoke obscuration: 10 %obs/m, a configurable default (check): inside the UL 268
  // sensitivity window of point smoke detectors, 0.5–4 %/ft ≈ 1.6–12.5 %obs/m.
  smoke: {
    setpoints: { high: [{ value: 10, level: 2, stage: 'alarm' }], deadband: round(10 * DEADBAND_FRACTION), ...SAFETY_TIMING },
    source: { layer: 'default', clause: 'UL 268 point smoke sensitivity 1.6–12.5 %obs/m (hub default, check)' },
  },
}

/** A default set point of a metric and where it comes from (a standard's clause, or the hub's own default). */
export interface DefaultSetpoints {
  setpoints: MetricSetpoints
  source: SetpointSource
}

/**
 * Default set points of a metric on a device of a kind with measuring `range` (the device's,
 * else the catalogue's default). Emission and energy: none (see the file comment).
 */
export function defaultSetpoints(kind: DeviceKind, metric: string, range?: readonly [number, number]): DefaultSetpoints | undefined {
  if (kind === 'gas') return gasDefaults(metric, range)
  if (kind === 'fire') return FIRE[metric]
  return undefined
}

/** Kinds whose devices are safety devices by default and take the layered set points. */
export const SAFETY_KINDS: ReadonlySet<DeviceKind> = new Set<DeviceKind>(['gas', 'fire'])
