import { Type, type Static } from 'typebox'
import { DATA_FLAGS, DEVICE_KINDS } from './vocabulary.js'
import { EMISSION_STANDARD_IDS } from '../emissions/standards.js'

/**
 * Names of Object.prototype's own properties (`constructor`, `toString`, `valueOf`, …): refused
 * as ids and metric names, so no key that comes from outside can reach a built-in property
 * of a plain object (those starting with `_`, such as `__proto__`, the pattern refuses anyway).
 * The hub keys its state by Maps and null-prototype objects too; this is the second fence.
 */
export const RESERVED_NAMES: readonly string[] = Object.getOwnPropertyNames(Object.prototype).filter((n) => /^[A-Za-z0-9]/.test(n))
const NOT_RESERVED = `(?!(?:${RESERVED_NAMES.join('|')})$)`
const Id = Type.String({ pattern: `^${NOT_RESERVED}[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$` })
export const IdSchema = Id

export const Position = Type.Object({ x: Type.Number(), y: Type.Number() }, { additionalProperties: false })
export type Position = Static<typeof Position>

/** One alarm level of a set point. `level` 1–4 = red, orange, yellow, blue (DOMAIN.md). */
export const SetpointLevel = Type.Object(
  {
    value: Type.Number(),
    level: Type.Integer({ minimum: 1, maximum: 4 }),
    /** Name of this stage, e.g. 'first' (一级) or 'second' (二级) per GB/T 50493. */
    stage: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)

/** Per-metric set points: any of high stages and low stages, with deadband and delays. */
export const MetricSetpoints = Type.Object(
  {
    high: Type.Optional(Type.Array(SetpointLevel)),
    low: Type.Optional(Type.Array(SetpointLevel)),
    deadband: Type.Optional(Type.Number({ minimum: 0 })),
    onDelaySec: Type.Optional(Type.Number({ minimum: 0 })),
    offDelaySec: Type.Optional(Type.Number({ minimum: 0 })),
    /** Rate of rise, units per minute (e.g. 8 °C/min for heat detectors). */
    rateOfRisePerMin: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    /** Set points above the standard's ceiling (GB/T 50493-2019 §5.5.2) are refused unless this is true and `reason` says why (kept, shown, audited). */
    exceedsStandard: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
)
export type MetricSetpoints = Static<typeof MetricSetpoints>
export const Setpoints = Type.Record(Type.String(), MetricSetpoints)
export type Setpoints = Static<typeof Setpoints>

export const DeviceKindSchema = Type.Enum([...DEVICE_KINDS])

/**
 * A data logger's monitoring point speaking HJ 212-2017 (docs/hj212.md). `mn`: the logger's MN
 * (HJ 212-2017 §6.3.2, up to 24 characters). `pw`: its PW, a secret — taken at start into
 * `<dataDir>/hj212/logger-secrets.json` (0600) and never returned by the API. `sources`: the
 * addresses or CIDR ranges the logger may connect from (absent: any). Several devices may share
 * one MN (a logger carrying several monitoring points): each takes the pollutant codes listed in
 * its `codes`, else those whose metric it measures; codes nobody takes go to the first device
 * of the MN without `codes`.
 */
export const Hj212Identity = Type.Object(
  {
    mn: Type.String({ pattern: '^[A-Za-z0-9_-]{1,24}$' }),
    pw: Type.Optional(Type.String({ pattern: '^[^;,&=]{1,64}$' })),
    sources: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 32 })),
    codes: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z0-9]{1,12}$' }), { maxItems: 64 })),
    /** Which hourly value counts for this device: the logger's 2061 (`logger`) or the hub's HJ 75 recomputation (`hub`); absent: the park's, else the zone's `hj212.hourlyAuthority`, else `logger` (docs/emissions.md). */
    hourlyAuthority: Type.Optional(Type.Enum(['logger', 'hub'])),
  },
  { additionalProperties: false },
)
export type Hj212Identity = Static<typeof Hj212Identity>

/** The device object of CONTRACT.md; the same shape in the zone file, POST and GET. */
export const Device = Type.Object(
  {
    id: Id,
    kind: DeviceKindSchema,
    /** Finer type inside a kind: e.g. 'combustible', 'toxic', 'oxygen', 'smoke', 'heat', 'flame', 'call_point', 'panel', 'stack', 'electricity'. */
    type: Type.Optional(Type.String({ maxLength: 32 })),
    park: Id,
    enterprise: Id,
    area: Type.Optional(Id),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    nameEn: Type.Optional(Type.String({ maxLength: 200 })),
    metrics: Type.Array(Id, { maxItems: 16 }),
    /** Metres on the park's site plan; absent: not yet placed (listed as unplaced; an admin places it on the plan). */
    position: Type.Optional(Position),
    interval: Type.Number({ exclusiveMinimum: 0, maximum: 86400 }),
    setpoints: Type.Optional(Setpoints),
    gateway: Type.Optional(Id),
    /** CEMS stacks: limit per metric in mg/m³ at reference oxygen. */
    limits: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0 }))),
    referenceO2: Type.Optional(Type.Number({ minimum: 0, maximum: 20.9 })),
    /** CEMS stacks: what the analyser's `nox` is expressed as; reports give NOx as NO2 (HJ 75-2017), so NO is converted × 46/30. Default NO2. */
    noxAs: Type.Optional(Type.Enum(['NO2', 'NO'])),
    /** CEMS stacks: the emission standard (hub/src/emissions/standards.ts) that gives the limits and reference O2; `limits` and `referenceO2` override single figures. */
    emissionStandard: Type.Optional(Type.Enum([...EMISSION_STANDARD_IDS])),
    /** CEMS stacks: whether the analysers' concentrations are of wet or dry flue gas (default dry); wet ones are converted to dry with `humidity` (HJ 75-2017). */
    basis: Type.Optional(Type.Enum(['wet', 'dry'])),
    /** CEMS stacks: whether the O2 reading is wet (in-situ zirconia) or dry (extractive, after the cooler); default as `basis`. */
    o2Basis: Type.Optional(Type.Enum(['wet', 'dry'])),
    /** Energy meters: a sub-meter downstream of another meter of the enterprise; shown per meter, left out of enterprise totals. */
    submeter: Type.Optional(Type.Boolean()),
    /** Energy meters: the most the meter can measure, per metric, per hour (kwh: kWh/h, gas_m3: m³/h, steam_t: t/h, water_m3: m³/h; kw: kW). A step above it is implausible (docs/energy.md); absent: defaults per carrier. */
    maxRate: Type.Optional(Type.Record(Type.String(), Type.Number({ exclusiveMinimum: 0 }))),
    /** Actuators this device drives in response plans, e.g. ['valve', 'siren']. */
    actuators: Type.Optional(Type.Array(Type.String({ maxLength: 32 }))),
    /** Whether the device counts as a safety device (gas, fire): offline counts toward risk. */
    safety: Type.Optional(Type.Boolean()),
    /** Measuring range per metric, [min, max] in the unit the device reports (`units`, else the metric's); defaults per gas (ingest/measuring-range.ts). A value above max is an over-range reading. */
    ranges: Type.Optional(Type.Record(Type.String(), Type.Tuple([Type.Number(), Type.Number()]))),
    /** Unit per metric as the device reports it, e.g. { so2: 'ppm' }; absent: the vocabulary's unit. CEMS stacks convert ppm at 273.15 K (22.4 L/mol); gas detectors at 20 °C (24.04 L/mol, catalogue/gas-catalogue.ts) before set points apply. */
    units: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 16 }))),
    /** A data logger's monitoring point speaking HJ 212-2017 (Hj212Identity above; the PW never in an API reply). */
    hj212: Type.Optional(Hj212Identity),
  },
  { additionalProperties: false },
)
export type Device = Static<typeof Device>

/** A device record held by the registry: the public device plus its credential hash. */
export interface DeviceRecord {
  device: Device
  secretHash: string | undefined
  source: 'zone' | 'runtime'
}

export const DataFlagSchema = Type.Enum([...DATA_FLAGS])
