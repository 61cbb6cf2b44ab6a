import { Type, type Static } from 'typebox'
import { Device, IdSchema as Id, Position, Setpoints } from './device.js'
import { ResponsePlan } from './response-plan.js'
import { AlarmSettings } from './alarm-class.js'
import { NotifySettings } from './notify.js'
import { Hj212Settings } from './hj212.js'
import { ParkGeo, ZoneMapSettings } from './zone-map.js'

export const GRADES = ['A', 'B', 'C', 'D'] as const
export type Grade = (typeof GRADES)[number]

/** Rectangle on a park's site plan, metres from the plan's top-left corner. */
export const Rect = Type.Object(
  { x: Type.Number(), y: Type.Number(), w: Type.Number({ exclusiveMinimum: 0 }), h: Type.Number({ exclusiveMinimum: 0 }) },
  { additionalProperties: false },
)
export type Rect = Static<typeof Rect>

export const Area = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    nameEn: Type.Optional(Type.String()),
    enterprise: Type.Optional(Id),
    rect: Rect,
    setpoints: Type.Optional(Setpoints),
  },
  { additionalProperties: false },
)
export type Area = Static<typeof Area>

export const Building = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    nameEn: Type.Optional(Type.String()),
    kind: Type.Optional(Type.Union([Type.Literal('building'), Type.Literal('tank'), Type.Literal('stack'), Type.Literal('unit'), Type.Literal('gate')])),
    rect: Rect,
  },
  { additionalProperties: false },
)
export type Building = Static<typeof Building>

/**
 * Energy budgets of an enterprise or a park (能耗双控: total energy use, in tce of standard
 * coal, GB/T 2589-2020) and the contracted maximum demand (kW, two-part tariff 最大需量).
 * Optional: docs/energy.md says what applies when they are absent.
 */
export const EnergyBudgets = Type.Object(
  {
    dailyTce: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    monthlyTce: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    maxDemandKw: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  },
  { additionalProperties: false },
)
export type EnergyBudgets = Static<typeof EnergyBudgets>

/** One time-of-use tariff period, local time `HH:MM` to `HH:MM` (to may wrap past midnight). */
export const TariffPeriod = Type.Object(
  {
    kind: Type.Enum(['peak', 'flat', 'valley']),
    from: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
    to: Type.String({ pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$' }),
  },
  { additionalProperties: false },
)
export type TariffPeriod = Static<typeof TariffPeriod>

/** Time-of-use electricity tariff (分时电价): periods, flat price (yuan/kWh) and factors per period kind. */
export const Tariff = Type.Object(
  {
    periods: Type.Array(TariffPeriod, { minItems: 1, maxItems: 24 }),
    flatPrice: Type.Optional(Type.Number({ minimum: 0 })),
    factors: Type.Optional(Type.Object(
      { peak: Type.Number({ minimum: 0 }), flat: Type.Number({ minimum: 0 }), valley: Type.Number({ minimum: 0 }) },
      { additionalProperties: false },
    )),
  },
  { additionalProperties: false },
)
export type Tariff = Static<typeof Tariff>

/**
 * Zone-wide energy settings (docs/energy.md): conversion coefficients to standard coal in
 * kgce per unit (GB/T 2589-2020), which electricity basis totals use, the default tariff,
 * the intensity (tce per 万元 of annual output) that demo budgets are derived from (0: none).
 */
export const EnergySettings = Type.Object(
  {
    coefficients: Type.Optional(Type.Object(
      {
        kwh: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
        kwhEquivalent: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
        gas_m3: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
        steam_t: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
      },
      { additionalProperties: false },
    )),
    electricityBasis: Type.Optional(Type.Enum(['calorific', 'equivalent'])),
    tariff: Type.Optional(Tariff),
    demoBudgetIntensity: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
)
export type EnergySettings = Static<typeof EnergySettings>

export const Enterprise = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    nameEn: Type.String({ minLength: 1 }),
    industry: Type.Optional(Type.String()),
    /** Land area in mu (1 mu = 666.7 m²), for per-mu (亩均) evaluation. */
    landMu: Type.Number({ minimum: 0 }),
    /** Annual output value, 万元 (10,000 yuan). */
    outputValue: Type.Number({ minimum: 0 }),
    employees: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Whether the enterprise holds a major hazard source (重大危险源). */
    majorHazard: Type.Optional(Type.Boolean()),
    /** Energy budgets and contracted maximum demand (docs/energy.md). */
    budgets: Type.Optional(EnergyBudgets),
  },
  { additionalProperties: false },
)
export type Enterprise = Static<typeof Enterprise>

export const Gateway = Type.Object(
  {
    id: Id,
    park: Id,
    enterprise: Id,
    name: Type.Optional(Type.String()),
    secretHash: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)
export type Gateway = Static<typeof Gateway>

/**
 * An assembly point (应急集合点) on the site plan: where people gather when told to leave.
 * The hazard footprint lists those upwind of a gas release and outside it (docs/hazard.md).
 */
export const MusterPoint = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    nameEn: Type.Optional(Type.String()),
    position: Position,
  },
  { additionalProperties: false },
)
export type MusterPoint = Static<typeof MusterPoint>

export const ParkKind = Type.Union([
  Type.Literal('chemical'),
  Type.Literal('industrial'),
  Type.Literal('logistics'),
  Type.Literal('education'),
  Type.Literal('circular'),
])

export const Park = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    nameEn: Type.String({ minLength: 1 }),
    kind: ParkKind,
    /** Static, assessed safety-risk grade (化工园区安全风险排查治理导则 2023): A < 60, B 60–<70, C 70–<85, D ≥ 85. */
    grade: Type.Optional(Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Literal('C'), Type.Literal('D')])),
    gradeScore: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    targetGrade: Type.Optional(Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Literal('C'), Type.Literal('D')])),
    /** Position of the park's tile on the zone overview map (km). */
    mapPosition: Type.Optional(Position),
    /** Where the park lies on the zone map, WGS-84 (model/zone-map.ts); absent: not on the map. */
    geo: Type.Optional(ParkGeo),
    site: Type.Object(
      {
        width: Type.Number({ exclusiveMinimum: 0 }),
        height: Type.Number({ exclusiveMinimum: 0 }),
        buildings: Type.Array(Building),
      },
      { additionalProperties: false },
    ),
    areas: Type.Array(Area),
    enterprises: Type.Array(Enterprise),
    setpoints: Type.Optional(Setpoints),
    /** Park-wide energy budgets and contracted maximum demand (docs/energy.md). */
    budgets: Type.Optional(EnergyBudgets),
    /** Time-of-use tariff of the park, when it differs from the zone's. */
    tariff: Type.Optional(Tariff),
    /** Assembly points on the site plan (metres); gates are the site's buildings of kind `gate`. */
    musterPoints: Type.Optional(Type.Array(MusterPoint, { maxItems: 200 })),
  },
  { additionalProperties: false },
)
export type Park = Static<typeof Park>

export const ROLES = ['admin', 'safety', 'responder', 'energy', 'viewer'] as const
export type Role = (typeof ROLES)[number]
export const RoleSchema = Type.Enum([...ROLES])

/** A user limited to some parks and/or enterprises sees and acts on those only; an empty scope sees nothing. */
export const UserScope = Type.Object(
  { parks: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 1000 })), enterprises: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 1000 })) },
  { additionalProperties: false },
)
export type UserScope = Static<typeof UserScope>

export const UserEntry = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    displayName: Type.Optional(Type.String()),
    roles: Type.Array(RoleSchema, { minItems: 1 }),
    /** scrypt hash: `scrypt$N$r$p$salt$hash` (base64). */
    passwordHash: Type.String({ pattern: '^scrypt\\$' }),
    /** Parks or enterprises the user is limited to (docs/security.md, "Scopes"); absent: the whole zone. */
    scope: Type.Optional(UserScope),
  },
  { additionalProperties: false },
)
export type UserEntry = Static<typeof UserEntry>

/** A device as the zone file holds it: the contract's device plus its credential hash. */
export const ZoneDevice = Type.Object(
  { ...Device.properties, secretHash: Type.Optional(Type.String()) },
  { additionalProperties: false },
)
export type ZoneDevice = Static<typeof ZoneDevice>

/** `responsePlans`: the zone's emergency-response plans (response-plan.ts); none → the hub's defaults. */
export const Zone = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    nameEn: Type.String({ minLength: 1 }),
    timezone: Type.String({ default: 'Asia/Shanghai' }),
    parks: Type.Array(Park, { minItems: 1 }),
    gateways: Type.Array(Gateway),
    devices: Type.Array(ZoneDevice),
    users: Type.Array(UserEntry),
    setpoints: Type.Optional(Setpoints),
    responsePlans: Type.Optional(Type.Array(ResponsePlan)),
    /** Energy coefficients, tariff and demo budgets (docs/energy.md). */
    energy: Type.Optional(EnergySettings),
    /** Alarm handling: which alarm classes latch until reset (docs/alarms.md; default: life-safety only). */
    alarms: Type.Optional(AlarmSettings),
    /** HJ 212-2017: upstream platforms to forward to (model/hj212.ts, docs/hj212.md). */
    hj212: Type.Optional(Hj212Settings),
    /** Notifications: duty rosters, escalation policies, channels (model/notify.ts, docs/notifications.md); absent: none are sent. */
    notify: Type.Optional(NotifySettings),
    /** The zone map: basemap and roads, rivers (model/zone-map.ts, docs/zone-map.md). */
    map: Type.Optional(ZoneMapSettings),
  },
  { additionalProperties: false },
)
export type Zone = Static<typeof Zone>
