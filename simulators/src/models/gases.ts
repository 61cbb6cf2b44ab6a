/**
 * Gas properties the simulators need: molar mass (for mg/m³ ↔ ppm ↔ %VOL), lower explosive
 * limit (for %LEL), the GB/T 50493-2019 first-level set point and a fixed detector's range.
 * Every gas a detector can report comes from the hub's gas catalogue (hub/catalogue/gases.yaml),
 * the same figures the hub judges by, so adding a gas there adds it here; only what the
 * catalogue does not hold is kept below: heats of combustion (for a leak that ignites) and
 * the inert gases that are detected only as the oxygen they displace.
 */
import { gasCatalogue } from '../../../hub/src/catalogue/gas-catalogue.js'
import { toxicFirstLevel } from '../../../hub/src/rules/defaults.js'

export interface GasProps {
  id: string
  name: string
  molarMass: number
  /** Lower explosive limit, %VOL; absent for non-flammable gases. */
  lel?: number
  /** The toxic metric a detector of this gas reports (the catalogue's id). */
  metric?: string
  /** Heat of combustion, kJ/kg (SFPE Handbook), for a leak that ignites. */
  heatOfCombustion?: number
}

/** Heats of combustion, kJ/kg (SFPE Handbook), of the gases a scenario lets ignite. */
const HEAT_OF_COMBUSTION: Readonly<Record<string, number>> = { ch4: 50_000, h2: 120_000, c3h8: 46_000, co: 10_100 }

/** Inert gases: detected only as the oxygen they displace (not in the catalogue: no detector reports them). */
const INERT: readonly GasProps[] = [
  { id: 'n2', name: 'nitrogen', molarMass: 28.01 },
  // Backfill of vacuum furnaces, where nitrogen would react with the melt.
  { id: 'ar', name: 'argon', molarMass: 39.95 },
]

function gasesOfCatalogue(): Record<string, GasProps> {
  const out: Record<string, GasProps> = {}
  for (const g of gasCatalogue().all()) {
    const props: GasProps = { id: g.id, name: g.names.en, molarMass: g.molarMass }
    if (g.lel !== undefined) props.lel = g.lel
    if (g.toxic) props.metric = g.id
    const heat = HEAT_OF_COMBUSTION[g.id]
    if (heat !== undefined) props.heatOfCombustion = heat
    out[g.id] = props
  }
  for (const g of INERT) out[g.id] = g
  return out
}

export const GASES: Readonly<Record<string, GasProps>> = gasesOfCatalogue()

/** GB/T 50493-2019 first-level (一级) set point, mg/m³ (1 × OEL, GBZ 2.1-2019), as the hub resolves it. */
export function toxicFirstLevelOf(metric: string): number {
  const first = toxicFirstLevel(metric)
  if (first === undefined) throw new Error(`no toxic first level for "${metric}" in the gas catalogue`)
  return first
}

/** Typical ambient background, mg/m³ (GB 3095-2012 grade-II daily limits are far above these). */
export const TOXIC_BACKGROUND: Readonly<Partial<Record<string, number>>> = {
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


/** Oxygen left when other gases displace air: O2 = 20.9 × (1 − Σ volume fraction). */
export function oxygenAfterDisplacement(displacedVolPct: number): number {
  return AIR_O2 * (1 - Math.min(100, Math.max(0, displacedVolPct)) / 100)
}
