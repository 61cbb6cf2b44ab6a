/**
 * Reference-oxygen correction of stack concentrations (HJ 75-2017; GB 13223-2011 and the
 * other emission standards state their limits at a reference O2):
 *
 *   C_ref = C_measured × (21 − O2_ref) / (21 − O2_measured)
 *
 * e.g. SO2 30 mg/m³ measured at 9 % O2, reference 6 %: 30 × 15 / 12 = 37.5 mg/m³.
 * At O2 ≥ 20.9 % the flue gas is air (the unit is not firing, or the probe sees air): the
 * divisor tends to zero and the value means nothing, so there is no corrected value and the
 * minute is not valid for a corrected average.
 *
 * NOx is reported as NO2 (HJ 75-2017): an analyser giving NO is converted × 46/30 (molar
 * masses of NO2 and NO).
 */
export const AIR_O2 = 21
export const O2_INVALID_FROM = 20.9
export const NO_TO_NO2 = 46 / 30

export function correctO2(measured: number, o2: number, referenceO2: number): number | undefined {
  if (!(o2 < O2_INVALID_FROM) || !Number.isFinite(o2)) return undefined
  return (measured * (AIR_O2 - referenceO2)) / (AIR_O2 - o2)
}
