/**
 * Gas properties the simulators need: molar mass (for mg/m³ ↔ ppm ↔ %VOL), lower explosive
 * limit (for %LEL), the GB/T 50493-2019 first-level set point (DOMAIN.md's table) and a typical
 * fixed-detector range.
 *
 * LEL in %VOL from the NIOSH Pocket Guide (methane 5.0, hydrogen 4.0, as the hub's docs use);
 * IEC 60079-20-1 lists some lower (methane 4.4). Molar masses g/mol. Ranges are common
 * full-scale values of fixed electrochemical / catalytic detectors, converted to mg/m³.
 */
import type { ToxicGas } from '../../../hub/src/model/vocabulary.js'

export interface GasProps {
  id: string
  name: string
  molarMass: number
  /** Lower explosive limit, %VOL; absent for non-flammable gases. */
  lel?: number
  /** The toxic metric a detector of this gas reports (CONTRACT.md vocabulary). */
  metric?: ToxicGas
  /** Heat of combustion, kJ/kg (SFPE Handbook), for a leak that ignites. */
  heatOfCombustion?: number
}

export const GASES: Readonly<Record<string, GasProps>> = {
  ch4: { id: 'ch4', name: 'methane', molarMass: 16.04, lel: 5.0, heatOfCombustion: 50_000 },
  h2: { id: 'h2', name: 'hydrogen', molarMass: 2.016, lel: 4.0, heatOfCombustion: 120_000 },
  c3h8: { id: 'c3h8', name: 'propane', molarMass: 44.1, lel: 2.1, heatOfCombustion: 46_000 },
  co: { id: 'co', name: 'carbon monoxide', molarMass: 28.01, lel: 12.5, metric: 'co', heatOfCombustion: 10_100 },
  h2s: { id: 'h2s', name: 'hydrogen sulphide', molarMass: 34.08, lel: 4.0, metric: 'h2s' },
  nh3: { id: 'nh3', name: 'ammonia', molarMass: 17.03, lel: 15.0, metric: 'nh3' },
  c6h6: { id: 'c6h6', name: 'benzene', molarMass: 78.11, lel: 1.2, metric: 'c6h6' },
  cl2: { id: 'cl2', name: 'chlorine', molarMass: 70.9, metric: 'cl2' },
  hcl: { id: 'hcl', name: 'hydrogen chloride', molarMass: 36.46, metric: 'hcl' },
  so2: { id: 'so2', name: 'sulphur dioxide', molarMass: 64.07, metric: 'so2' },
  no2: { id: 'no2', name: 'nitrogen dioxide', molarMass: 46.01, metric: 'no2' },
  /** Inert: detected only as the oxygen it displaces. */
  n2: { id: 'n2', name: 'nitrogen', molarMass: 28.01 },
  /** Inert (backfill of vacuum furnaces, where nitrogen would react with the melt): detected only as the oxygen it displaces. */
  ar: { id: 'ar', name: 'argon', molarMass: 39.95 },
}

/** GB/T 50493-2019 first-level (一级) set points, mg/m³ = 1 × OEL (GBZ 2.1-2019), DOMAIN.md. */
export const TOXIC_FIRST_LEVEL: Readonly<Record<ToxicGas, number>> = {
  h2s: 10, co: 20, no2: 5, cl2: 1, so2: 5, nh3: 20, c6h6: 6, hcl: 7.5,
}

/** Typical full scale of fixed toxic detectors, ppm (0–10 ppm Cl2, 0–100 ppm H2S, …). */
const RANGE_PPM: Readonly<Record<ToxicGas, number>> = {
  h2s: 100, co: 1000, no2: 20, cl2: 10, so2: 20, nh3: 100, c6h6: 100, hcl: 30,
}

/** Typical ambient background, mg/m³ (GB 3095-2012 grade-II daily limits are far above these). */
export const TOXIC_BACKGROUND: Readonly<Record<ToxicGas, number>> = {
  h2s: 0, co: 0.6, no2: 0.03, cl2: 0, so2: 0.02, nh3: 0.05, c6h6: 0, hcl: 0,
}

/** Molar volume of an ideal gas at 25 °C and 101.325 kPa, L/mol: ppm = mg/m³ × 24.45 / M. */
export const MOLAR_VOLUME_25C = 24.45

/** Oxygen in clean dry air, %VOL. */
export const AIR_O2 = 20.9

export function gasById(id: string): GasProps {
  const g = GASES[id]
  if (!g) throw new Error(`unknown gas "${id}" (known: ${Object.keys(GASES).join(', ')})`)
  return g
}

/** The gas a toxic metric names (the metric ids are the gas ids). */
export function gasForMetric(metric: string): GasProps | undefined {
  return Object.values(GASES).find((g) => g.metric === metric)
}

export function mgm3ToPpm(mgm3: number, molarMass: number): number {
  return (mgm3 * MOLAR_VOLUME_25C) / molarMass
}

export function ppmToMgm3(ppm: number, molarMass: number): number {
  return (ppm * molarMass) / MOLAR_VOLUME_25C
}

/** Volume fraction in %VOL from a mass concentration in mg/m³ (1 %VOL = 10 000 ppm). */
export function mgm3ToVolPct(mgm3: number, molarMass: number): number {
  return mgm3ToPpm(mgm3, molarMass) / 10_000
}

/** %LEL of one gas from its %VOL. */
export function volPctToLel(volPct: number, lel: number): number {
  return (volPct / lel) * 100
}

export function toxicRangeMgm3(metric: ToxicGas): number {
  const g = gasForMetric(metric)
  return g ? ppmToMgm3(RANGE_PPM[metric], g.molarMass) : 100
}

/** Oxygen left when other gases displace air: O2 = 20.9 × (1 − Σ volume fraction). */
export function oxygenAfterDisplacement(displacedVolPct: number): number {
  return AIR_O2 * (1 - Math.min(100, Math.max(0, displacedVolPct)) / 100)
}
