/**
 * The thresholds a gas's footprint is drawn to (docs/hazard.md), in the unit its readings are
 * kept in — never the detectors' set points, which sit at the occupational limit and would
 * paint the whole park.
 *
 * - Toxic gas: the catalogue's emergency levels (AEGL 60-min or ERPG), ppm converted to mg/m³ at
 *   20 °C and 101.325 kPa (× M / 24.04), as the detectors' ppm readings are (gas-catalogue.ts):
 *   a reading and a level given in ppm compare as they would in ppm.
 * - Gas only combustible (and `lel` point detectors): the flammable levels of concern US EPA /
 *   NOAA ALOHA uses by default, 60 % LEL (flame pockets possible) and 10 % LEL, in %LEL.
 *
 * And whether the Gaussian model holds: a gas much heavier than air (M ≥ 1.5 × 28.96 g/mol, e.g.
 * chlorine 70.9, sulphur dioxide 64.1, nitrogen dioxide 46.0, benzene 78.1 vapour) or released as
 * a dense cloud (the catalogue's `denseRelease`, e.g. ammonia from pressurised liquid) slumps and
 * runs along the ground and down slopes: `dense_gas`. Modestly heavier (M ≥ 1.1 × air, e.g.
 * hydrogen sulphide 34.1, hydrogen chloride 36.5): `heavier_than_air`.
 */
import { MOLAR_VOLUME_20C, type GasCatalogue } from '../catalogue/gas-catalogue.js'
import type { FootprintCaveat } from '../model/footprint.js'

/** Molar mass of dry air, g/mol. */
export const AIR_MOLAR_MASS = 28.96
const DENSE_RATIO = 1.5
const HEAVIER_RATIO = 1.1
/** ALOHA's default flammable levels of concern, %LEL: level 3 (red) and level 1 (yellow). */
export const FLAMMABLE_LEVELS = [
  { level: 1, percentLel: 10 },
  { level: 3, percentLel: 60 },
] as const

export interface GasLevels {
  unit: string
  scheme: string
  levels: { level: 1 | 2 | 3; label: string; threshold: number }[]
  /** For the fit's source placement (GB/T 50493-2019 §4.2.1). */
  toxic: boolean
  buoyancy?: FootprintCaveat | undefined
}

/** Levels for a gas metric; undefined for metrics without a point concentration (o2, lel_m) or without levels in the catalogue. */
export function levelsOf(metric: string, catalogue: GasCatalogue): GasLevels | undefined {
  if (metric === 'lel') return flammable(undefined)
  const g = catalogue.get(metric)
  if (!g) return undefined
  const ratio = g.molarMass / AIR_MOLAR_MASS
  const buoyancy: FootprintCaveat | undefined = g.denseRelease || ratio >= DENSE_RATIO ? 'dense_gas' : ratio >= HEAVIER_RATIO ? 'heavier_than_air' : undefined
  if (g.toxic) {
    if (!g.emergency) return undefined
    const scheme = g.emergency.scheme
    const name = scheme === 'ERPG' ? 'ERPG' : 'AEGL'
    const toMg = g.molarMass / MOLAR_VOLUME_20C
    const levels = g.emergency.ppm.flatMap((ppm, i) =>
      ppm === null ? [] : [{ level: (i + 1) as 1 | 2 | 3, label: `${name}-${i + 1}`, threshold: round3(ppm * toMg) }],
    )
    return { unit: 'mg/m³', scheme, levels, toxic: true, buoyancy }
  }
  return g.unit === '%LEL' ? flammable(buoyancy) : undefined
}

function flammable(buoyancy: FootprintCaveat | undefined): GasLevels {
  return {
    unit: '%LEL', scheme: 'flammable', toxic: false, buoyancy,
    levels: FLAMMABLE_LEVELS.map((l) => ({ level: l.level, label: `${l.percentLel} %LEL`, threshold: l.percentLel })),
  }
}

const round3 = (v: number): number => Number(v.toPrecision(3))
