/**
 * The gas catalogue file's shape (hub/catalogue/gases.yaml) and the checks a schema cannot
 * express. A bad entry is an error naming the gas and the field, so start-up stops with it.
 */
import { Type, type Static } from 'typebox'
import { firstSchemaError } from '../model/schema-errors.js'
import { GAS_BASE_METRICS, TOXIC_GASES, UNITS } from '../model/vocabulary.js'

const Limit = Type.Number({ exclusiveMinimum: 0 })
const Names = Type.Object({ zh: Type.String({ minLength: 1 }), en: Type.String({ minLength: 1 }) }, { additionalProperties: false })

/**
 * Emergency exposure levels of a gas (docs/hazard.md): the levels a hazard footprint is drawn
 * to, never the detectors' set points. `scheme`: `AEGL-60min` (US EPA / NRC Acute Exposure
 * Guideline Levels, 60-minute values) or `ERPG` (AIHA Emergency Response Planning Guidelines,
 * 1 hour). `ppm`: levels 1, 2 and 3 in ppm; level 1 is null where the scheme sets none ("not
 * recommended", e.g. AEGL-1 of carbon monoxide). `source`: where the figures come from.
 */
export const EmergencyLevelsSchema = Type.Object(
  {
    scheme: Type.Enum(['AEGL-60min', 'ERPG']),
    ppm: Type.Tuple([Type.Union([Limit, Type.Null()]), Limit, Limit]),
    source: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
)
export type EmergencyLevels = Static<typeof EmergencyLevelsSchema>

/** The unit a gas is kept and judged in: mg/m³ when toxic (OEL set points), %LEL when only combustible. */
export const CANONICAL_UNITS = ['mg/m³', '%LEL'] as const
export type CanonicalGasUnit = (typeof CANONICAL_UNITS)[number]

export const GasEntrySchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$' }),
    names: Names,
    cas: Type.String({ pattern: '^[0-9]{2,7}-[0-9]{2}-[0-9]$' }),
    /** g/mol. */
    molarMass: Limit,
    /** GBZ 2.1-2019 limits, mg/m³. */
    mac: Type.Optional(Limit),
    pcTwa: Type.Optional(Limit),
    pcStel: Type.Optional(Limit),
    /** mg/m³. */
    idlh: Type.Optional(Limit),
    /** Lower explosive limit, %VOL. */
    lel: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
    combustible: Type.Boolean(),
    toxic: Type.Boolean(),
    unit: Type.Enum([...CANONICAL_UNITS]),
    /** Default measuring range of a fixed detector, in `unit`. */
    range: Type.Tuple([Type.Number(), Type.Number()]),
    /** Emergency exposure levels for the hazard footprint (EmergencyLevelsSchema); absent: no toxic footprint is drawn for the gas. */
    emergency: Type.Optional(EmergencyLevelsSchema),
    /**
     * Released as a dense cloud whatever its molar mass (e.g. ammonia flashing from pressurised
     * liquid storage as a cold aerosol): the footprint carries the dense-gas caveat. A gas with
     * M ≥ 1.5 × air's 28.96 g/mol carries it anyway (hazard/buoyancy.ts).
     */
    denseRelease: Type.Optional(Type.Boolean()),
    comment: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)
export type GasEntry = Static<typeof GasEntrySchema>

export const ReleaseSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    names: Names,
    gases: Type.Array(Type.String(), { minItems: 2 }),
  },
  { additionalProperties: false },
)
export type Release = Static<typeof ReleaseSchema>

export const CatalogueFileSchema = Type.Object(
  { gases: Type.Array(GasEntrySchema, { minItems: 1 }), releases: Type.Optional(Type.Array(ReleaseSchema)) },
  { additionalProperties: false },
)
export type CatalogueFile = Static<typeof CatalogueFileSchema>

export class GasCatalogueError extends Error {
  constructor(readonly file: string, readonly where: string, readonly problem: string) {
    super(`gas catalogue ${file}: ${where || '(root)'}: ${problem}`)
    this.name = 'GasCatalogueError'
  }
}

/** Name an entry in a message: `gases/3 (cl2)`. */
function nameOf(raw: unknown, path: string): string {
  const m = /^\/gases\/(\d+)/.exec(path)
  if (!m || !raw || typeof raw !== 'object') return path
  const gas = (raw as { gases?: { id?: unknown }[] }).gases?.[Number(m[1])]
  return typeof gas?.id === 'string' ? `${path} (${gas.id})` : path
}

/** Validate a parsed catalogue file; returns it typed, or throws `GasCatalogueError`. */
export function validateCatalogue(raw: unknown, file: string): CatalogueFile {
  const first = firstSchemaError(CatalogueFileSchema, raw)
  if (first) throw new GasCatalogueError(file, nameOf(raw, first.path), first.problem)
  const cat = raw as CatalogueFile
  const ids = new Set<string>()
  cat.gases.forEach((g, i) => {
    const fail = (field: string, problem: string): never => {
      throw new GasCatalogueError(file, `/gases/${i}${field} (${g.id})`, problem)
    }
    if (ids.has(g.id)) fail('/id', `duplicate gas id ${g.id}`)
    ids.add(g.id)
    if ((GAS_BASE_METRICS as readonly string[]).includes(g.id)) fail('/id', `${g.id} is a gas-device metric of its own, not a gas`)
    const known = UNITS[g.id]
    if (known !== undefined && known !== g.unit) fail('/unit', `${g.id} is already a metric in ${known}`)
    if (!g.toxic && !g.combustible) fail('', 'a gas of the catalogue is toxic, combustible or both (GB/T 50493 §3.0.1)')
    if (g.toxic && g.mac === undefined && g.pcTwa === undefined) fail('', 'a toxic gas needs an OEL: mac or pcTwa (GBZ 2.1-2019)')
    if (g.combustible && g.lel === undefined) fail('/lel', 'a combustible gas needs its LEL (%VOL)')
    const want: CanonicalGasUnit = g.toxic ? 'mg/m³' : '%LEL'
    if (g.unit !== want) fail('/unit', `a ${g.toxic ? 'toxic' : 'combustible'} gas is kept in ${want} (its set points are ${g.toxic ? '1× / 2× OEL' : '25 / 50 %LEL'})`)
    const [lo, hi] = g.range
    if (!(lo < hi)) fail('/range', `range [${lo}, ${hi}] is empty`)
    const e = g.emergency?.ppm
    if (e && !((e[0] === null || e[0] <= e[1]) && e[1] <= e[2])) fail('/emergency/ppm', `levels 1 ≤ 2 ≤ 3 expected, got [${e.join(', ')}]`)
  })
  for (const gas of TOXIC_GASES) {
    const g = cat.gases.find((x) => x.id === gas)
    if (!g || !g.toxic) throw new GasCatalogueError(file, '/gases', `the toxic gas ${gas} (DOMAIN.md, GB/T 50493-2019 Appendix B) is missing or not marked toxic`)
  }
  cat.releases?.forEach((r, i) =>
    r.gases.forEach((id, j) => {
      if (!ids.has(id)) throw new GasCatalogueError(file, `/releases/${i}/gases/${j} (${r.id})`, `unknown gas ${id}`)
    }),
  )
  return cat
}
