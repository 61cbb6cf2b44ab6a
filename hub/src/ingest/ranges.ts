/**
 * Physically possible values per metric. A value outside is not a measurement but a broken
 * transmitter or encoding: that metric is rejected (`value_out_of_range`), the message's other
 * metrics go on (pipeline.ts).
 *
 * These are NOT the detector's measuring range. A value above a detector's range is an
 * over-range reading (HJ 212-2017 flag `T`), the most dangerous reading there is, and is
 * accepted and flagged `T` (measuring-range.ts): the rules give it the metric's highest
 * alarm (rules/setpoint.ts `overRange`). So the upper
 * bounds below are what the gas itself cannot exceed:
 *
 * - Toxic gases, mg/m³: the pure gas, 1,000,000 ppm × M / Vm, M from the gas catalogue,
 *   Vm = 22.41 L/mol (0 °C, 101.325 kPa: the smaller of HJ 75's standard state and the
 *   24.04 L/mol of GBZ 2.1 practice, so the larger bound, and one bound serves a detector and
 *   a CEMS of the same metric name). E.g. H2S (34.08 g/mol) → 1.52 × 10⁶ mg/m³.
 * - `lel`, %LEL: 100 %VOL of a gas whose LEL is 1 %VOL (the lowest LELs of the gases a
 *   chemical park meets are ≈ 1 %VOL: toluene 1.1, xylene 1.0) → 10,000 %LEL. A catalytic
 *   or infrared detector past its 0–100 %LEL range reports 100–200 %LEL; 125 is accepted.
 * - `o2`, %VOL: no gas is more than 100 % oxygen (GB/T 50493 §5.5.2(4) set points 19.5 / 23.5
 *   are judged by the rules).
 * - `smoke`, %obs/m: obscuration cannot pass 100 % per metre.
 *
 * Lower bounds allow a detector's zero drift: a reading slightly below zero is a detector
 * reading clean air, and is accepted; far below zero is a fault. −10 units for gases, as
 * before; −1 %VOL for oxygen (an electrochemical cell at zero in an inerted vessel).
 */

import { gasCatalogue } from '../catalogue/gas-catalogue.js'

/** Molar volume at 0 °C and 101.325 kPa, L/mol (the smaller volume, so the larger mg/m³). */
const MOLAR_VOLUME_0C = 22.41
const ZERO_DRIFT = -10
/** NO2's molar mass, g/mol: a stack's `nox` is reported as NO2 (HJ 75-2017). */
const NO2_MOLAR_MASS = 46.01

function pureGasMgM3(molarMass: number): number {
  return Math.round((1e6 * molarMass) / MOLAR_VOLUME_0C)
}

/** Metrics that are not gases of the catalogue. */
const FIXED_BOUNDS: Readonly<Record<string, readonly [number, number]>> = {
  lel: [ZERO_DRIFT, 10_000], // %LEL: 100 %VOL of a gas whose LEL is 1 %VOL
  lel_m: [ZERO_DRIFT, 1e6], // LEL·m: 10,000 %LEL over a 100 m path (GB/T 50493 open path)
  nox: [ZERO_DRIFT, pureGasMgM3(NO2_MOLAR_MASS)], // mg/m³ as NO2
  o2: [-1, 100], // %VOL
  temp: [-60, 2000], // °C: ambient to stack and flame
  smoke: [0, 100], // %obs/m
  pm: [ZERO_DRIFT, 1e6], // mg/m³ at the stack: 1 kg of dust per m³ is not flue gas
  flow: [0, 1e9], // m³/h
  // Stack parameters of HJ 212 loggers (a01013, a01011) and NMHC (a24088): a duct's static
  // pressure in kPa cannot be below vacuum (−101.325) and is never a hundred atmospheres;
  // flue gas does not reach the speed of sound (≈ 340 m/s at 0 °C; 1000 leaves room for hot gas).
  pressure: [-101.325, 10_000], velocity: [0, 1000], nmhc: [ZERO_DRIFT, 1e6],
  kwh: [0, 1e15], gas_m3: [0, 1e15], steam_t: [0, 1e15], water_m3: [0, 1e15], // cumulative counters
  kw: [-1e7, 1e7], // active power; negative when a site exports
  // Wastewater outlets (model/vocabulary.ts WASTEWATER_METRICS), mg/L: 1,000,000 mg/L is a litre of
  // pure substance; an analyser's zero drift reads a little below zero. pH: water's scale runs
  // 0–14; concentrated acids and bases read past it, an outlet's probe never below −2 or above 16.
  cod: [ZERO_DRIFT, 1e6], nh3n: [ZERO_DRIFT, 1e6], tp: [ZERO_DRIFT, 1e6], tn: [ZERO_DRIFT, 1e6],
  ph: [-2, 16],
  flow_w: [0, 1e7], // m³/h: ten times the largest municipal treatment works
}

const cache = new Map<string, readonly [number, number] | undefined>()

/**
 * The physically possible values of a metric, or undefined when there are no bounds but
 * finiteness. A gas of the catalogue (catalogue/gas-catalogue.ts): the pure gas, in mg/m³ from
 * its molar mass when toxic, in %LEL from its LEL when only combustible (100 %VOL = 100 / LEL
 * × 100 %LEL).
 */
export function physicalBounds(metric: string): readonly [number, number] | undefined {
  if (cache.has(metric)) return cache.get(metric)
  let bounds = FIXED_BOUNDS[metric]
  const gas = bounds ? undefined : gasCatalogue().get(metric)
  if (gas) bounds = [ZERO_DRIFT, gas.unit === '%LEL' && gas.lel ? (100 / gas.lel) * 100 : pureGasMgM3(gas.molarMass)]
  cache.set(metric, bounds)
  return bounds
}
