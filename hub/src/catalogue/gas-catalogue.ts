/**
 * The gas catalogue (hub/catalogue/gases.yaml): what each gas is, its limits and how its
 * readings convert. Read once at start (`gasCatalogue()`), validated, then shared; its gases
 * join the gas-device metrics of the vocabulary, and the default set points follow from it
 * (rules/defaults.ts). Adding a gas is an edit of the file, not of code.
 *
 * Units: a toxic gas is kept and judged in mg/m³, a gas only combustible in %LEL. A detector
 * that reports ppm is converted at 20 °C and 101.325 kPa, as Chinese exposure-limit practice
 * does (GBZ 2.1-2019): mg/m³ = ppm × M / 24.04.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import YAML from 'yaml'
import { addGasMetric, UNITS } from '../model/vocabulary.js'
import { ROOT } from '../paths.js'
import { GasCatalogueError, validateCatalogue, type GasEntry, type Release } from './gas-schema.js'

export { GasCatalogueError, type GasEntry, type Release } from './gas-schema.js'

/** Molar volume of an ideal gas at 20 °C and 101.325 kPa, L/mol (GBZ 2.1 practice). */
export const MOLAR_VOLUME_20C = 24.04

/** Units a device may declare for a gas metric (`device.units`). */
export const DECLARED_UNITS = ['mg/m³', 'ppm', 'ppb', '%LEL', '%VOL', 'LEL·m'] as const

export const DEFAULT_CATALOGUE_FILE = join(ROOT, 'hub/catalogue/gases.yaml')

/**
 * Priority of a metric's hazard at equal alarm level, lower first: toxic gas before
 * combustible gas (GB/T 50493-2019 §3.0.2; a gas both toxic and combustible is toxic),
 * then oxygen (its own hazard, asphyxiation or oxidiser), then anything else (fire, …).
 */
export const HAZARD_RANK = { toxic: 0, combustible: 1, oxygen: 2, other: 3 } as const

export class GasCatalogue {
  private readonly byId: ReadonlyMap<string, GasEntry>
  private readonly together = new Map<string, Set<string>>()
  private readonly factors = new Map<string, number>()

  constructor(
    private readonly gases: readonly GasEntry[],
    readonly releases: readonly Release[],
  ) {
    this.byId = new Map(gases.map((g) => [g.id, g]))
    for (const r of releases)
      for (const a of r.gases) for (const b of r.gases) if (a !== b) (this.together.get(a) ?? this.together.set(a, new Set()).get(a)!).add(b)
  }

  get(id: string): GasEntry | undefined {
    return this.byId.get(id)
  }

  all(): readonly GasEntry[] {
    return this.gases
  }

  /** A toxic gas of the catalogue (set points in mg/m³ against its OEL). */
  isToxic(metric: string): boolean {
    return this.byId.get(metric)?.toxic === true
  }

  /** Combustible: `lel` (%LEL), `lel_m` (LEL·m, open path), or a combustible gas of the catalogue. Never `o2`. */
  isCombustible(metric: string): boolean {
    return metric === 'lel' || metric === 'lel_m' || this.byId.get(metric)?.combustible === true
  }

  /** Two gases one process of the catalogue releases together (e.g. cl2 and hcl at chlorination); a gas with itself. */
  releasedTogether(a: string, b: string): boolean {
    return a === b ? this.byId.has(a) : this.together.get(a)?.has(b) === true
  }

  /** The processes that release a gas. */
  releasesOf(id: string): Release[] {
    return this.releases.filter((r) => r.gases.includes(id))
  }

  /** Occupational exposure limit as GB/T 50493-2019 applies it: MAC where set, else PC-TWA (mg/m³). */
  oel(metric: string): number | undefined {
    const g = this.byId.get(metric)
    return g?.toxic ? (g.mac ?? g.pcTwa) : undefined
  }

  /** Default measuring range of a fixed detector, in the metric's canonical unit (UNITS). */
  defaultRange(metric: string): [number, number] | undefined {
    if (metric === 'lel') return [0, 100] // %LEL
    if (metric === 'lel_m') return [0, 5] // LEL·m, GB/T 50493-2019 §5.5.2(5)
    if (metric === 'o2') return [0, 25] // %VOL, the usual oxygen analyser
    const g = this.byId.get(metric)
    return g && [g.range[0], g.range[1]]
  }

  /** Hazard priority at equal level (HAZARD_RANK): sort ascending to put toxic first. */
  hazardRank(metric: string | undefined): number {
    if (metric === undefined) return HAZARD_RANK.other
    if (this.isToxic(metric)) return HAZARD_RANK.toxic
    if (this.isCombustible(metric)) return HAZARD_RANK.combustible
    return metric === 'o2' ? HAZARD_RANK.oxygen : HAZARD_RANK.other
  }

  /**
   * Factor from a declared unit to the metric's canonical one, or undefined when the metric
   * cannot be given in that unit. Toxic gases: ppm × M / 24.04 → mg/m³. Gases only
   * combustible: %VOL × 100 / LEL → %LEL (ppm = 10⁻⁴ %VOL).
   */
  unitFactor(metric: string, unit: string): number | undefined {
    const key = `${metric}\u0000${unit}`
    const cached = this.factors.get(key)
    if (cached !== undefined || this.factors.has(key)) return cached
    const f = this.computeFactor(metric, unit)
    if (f !== undefined) this.factors.set(key, f)
    return f
  }

  /** Why a device cannot declare `unit` for `metric`; undefined when it can. */
  unitProblem(metric: string, unit: string): string | undefined {
    if (this.unitFactor(metric, unit) !== undefined) return undefined
    const can = DECLARED_UNITS.filter((u) => this.unitFactor(metric, u) !== undefined)
    return `${metric} cannot be given in ${unit}${can.length ? ` (one of ${can.join(', ')})` : ''}`
  }

  /**
   * A value in the unit the device declares, converted to the metric's canonical unit
   * (`declaredUnit` undefined: already canonical). NaN when the metric cannot be given in
   * that unit (refused when the device is provisioned, so not met on a reading).
   * E.g. h2s 10 ppm → 10 × 34.08 / 24.04 = 14.18 mg/m³.
   */
  toCanonical(metric: string, declaredUnit: string | undefined, value: number): number {
    if (declaredUnit === undefined) return value
    const f = this.unitFactor(metric, declaredUnit)
    return f === undefined ? Number.NaN : f === 1 ? value : value * f
  }

  private computeFactor(metric: string, unit: string): number | undefined {
    const g = this.byId.get(metric)
    if (unit === (g?.unit ?? UNITS[metric])) return 1
    if (!g) return undefined
    const ppmToMg = g.molarMass / MOLAR_VOLUME_20C
    if (g.toxic) {
      if (unit === 'ppm') return ppmToMg
      if (unit === 'ppb') return ppmToMg / 1000
      return undefined
    }
    const lel = g.lel as number // validated: a combustible gas has its LEL
    if (unit === '%VOL') return 100 / lel
    if (unit === 'ppm') return 1 / (100 * lel)
    if (unit === 'mg/m³') return 1 / ppmToMg / (100 * lel)
    return undefined
  }
}

/** Read and validate a catalogue file (no caching, no effect on the vocabulary). */
export function loadGasCatalogue(file = DEFAULT_CATALOGUE_FILE): GasCatalogue {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new GasCatalogueError(file, '', `cannot read: ${(err as Error).message}`)
  }
  return parseGasCatalogue(text, file)
}

export function parseGasCatalogue(text: string, file = '(catalogue)'): GasCatalogue {
  let raw: unknown
  try {
    raw = YAML.parse(text)
  } catch (err) {
    throw new GasCatalogueError(file, '', `not valid YAML: ${(err as Error).message.split('\n')[0]}`)
  }
  const cat = validateCatalogue(raw, file)
  return new GasCatalogue(cat.gases, cat.releases ?? [])
}

let shared: GasCatalogue | undefined

/**
 * The hub's catalogue, read once on first use and kept; its gases join the vocabulary's gas
 * metrics, units and toxic metrics. A bad file throws `GasCatalogueError` naming the entry.
 */
export function gasCatalogue(): GasCatalogue {
  if (shared) return shared
  const cat = loadGasCatalogue()
  for (const g of cat.all()) addGasMetric(g.id, g.unit, g.toxic)
  return (shared = cat)
}

/** `gasCatalogue().defaultRange(metric)`: a detector's default measuring range in the metric's unit. */
export function defaultRange(metric: string): [number, number] | undefined {
  return gasCatalogue().defaultRange(metric)
}

/** `gasCatalogue().toCanonical(…)`: a declared-unit value in the metric's unit (ppm → mg/m³ at 20 °C). */
export function toCanonical(metric: string, declaredUnit: string | undefined, value: number): number {
  return gasCatalogue().toCanonical(metric, declaredUnit, value)
}

/** `gasCatalogue().hazardRank(metric)`: toxic 0, combustible 1, oxygen 2, other 3 — for ordering at equal level. */
export function hazardRank(metric: string | undefined): number {
  return gasCatalogue().hazardRank(metric)
}
