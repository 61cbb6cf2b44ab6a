/**
 * The basis of a CEMS reading: emission limits are stated for standard-state dry flue gas
 * (标准状态干烟气, 273.15 K and 101.325 kPa, HJ 75-2017 §3), so a reading is brought there
 * before it is corrected to the reference O2 and compared. Pure.
 *
 * Unit: a gas analyser may report ppm (volume fraction, µmol/mol). At the standard state one
 * mole of ideal gas occupies 22.4 L (22.414 L/mol at 273.15 K, 101.325 kPa), so
 *
 *     mg/m³ = ppm × M / 22.4          (M in g/mol)
 *
 * — not the 24.04 L/mol of 20 °C used for workplace exposure limits (GBZ 2.1). NOx is
 * reported as NO2 (HJ 75-2017): a ppm reading of NOx (as NO or NO2, the same moles) converts
 * with M = 46, e.g. 100 ppm → 205.36 mg/m³; SO2 M = 64.06, 100 ppm → 285.98 mg/m³.
 *
 * Moisture: a wet reading (in-situ analysers and hot-wet extractive systems measure the flue
 * gas as it is, with its water vapour; cold-dry extractive systems remove the water before the
 * analyser, HJ 76-2017 (check)) is converted to dry with the flue gas's moisture, HJ 212
 * a01014 `humidity` in % by volume, Xsw = humidity / 100:
 *
 *     C_dry = C_wet / (1 − Xsw)          e.g. 80 mg/m³ wet at 12 % moisture → 90.909 mg/m³ dry
 *
 * The same holds for an O2 reading measured wet (a zirconia probe in the stack measures wet;
 * a paramagnetic analyser after the cooler measures dry), before the O2 correction on a dry
 * basis: O2_dry = O2_wet / (1 − Xsw).
 */

/** Molar volume of an ideal gas at 273.15 K and 101.325 kPa, L/mol (the standard state of HJ 75-2017). */
export const STANDARD_MOLAR_VOLUME = 22.4

/** Molar masses (g/mol) of the stack gases that may be reported in ppm; NOx as NO2 (HJ 75-2017). */
export const STACK_MOLAR_MASS: Readonly<Record<string, number>> = { so2: 64.06, nox: 46, hcl: 36.46, cl2: 70.9 }

export type Basis = 'wet' | 'dry'

/** mg/m³ at the standard state from ppm, or undefined for a metric without a molar mass. */
export function ppmToMgPerM3(metric: string, ppm: number): number | undefined {
  const m = STACK_MOLAR_MASS[metric]
  return m === undefined ? undefined : (ppm * m) / STANDARD_MOLAR_VOLUME
}

/** Whether a device's unit for a metric means ppm (µmol/mol). */
export const isPpm = (unit: string | undefined): boolean => unit !== undefined && unit.trim().toLowerCase() === 'ppm'

/** Moisture is a volume fraction in [0, 100) %; anything else cannot convert a reading. */
export const validMoisture = (humidityPct: number | undefined): humidityPct is number =>
  humidityPct !== undefined && Number.isFinite(humidityPct) && humidityPct >= 0 && humidityPct < 100

/** The dry value of a wet reading, or undefined without a valid moisture. */
export function wetToDry(wet: number, humidityPct: number | undefined): number | undefined {
  if (!validMoisture(humidityPct)) return undefined
  return wet / (1 - humidityPct / 100)
}
