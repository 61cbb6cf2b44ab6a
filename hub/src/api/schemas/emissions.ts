import { Type, type Static } from 'typebox'

/**
 * The replies of `/api/v1/emissions/*` (docs/emissions.md, HJ 75-2017 / HJ 212-2017): the
 * schemas the routes answer with, and their types (`Static<>`) for clients to import
 * (dashboard/src/lib/api.ts).
 */
const Num = Type.Number()
const NumOrNull = Type.Union([Type.Number(), Type.Null()])
const Basis = Type.Union([Type.Literal('wet'), Type.Literal('dry')])
const MetricHour = Type.Object({
  measured: NumOrNull, corrected: NumOrNull, validMinutes: NumOrNull, valid: Type.Boolean(), limit: NumOrNull, exceeded: Type.Boolean(),
  exceededBy: Type.Union([Type.Literal('mean'), Type.Literal('over_range'), Type.Null()]),
  overRangeMinutes: NumOrNull, lowerBound: NumOrNull,
  minutes: Type.Union([Type.Record(Type.String(), Num), Type.Null()]),
})
const HourSource = Type.Union([Type.Literal('logger'), Type.Literal('hub')])
/** A metric whose logger (2061) and hub (HJ 75) hourly values differ (emissions/hourly-sources.ts). */
const HourDifference = Type.Object({
  metric: Type.String(),
  reason: Type.Union([Type.Literal('value'), Type.Literal('validity'), Type.Literal('hub_only'), Type.Literal('logger_only')]),
  logger: NumOrNull, hub: NumOrNull,
})
const Hour = Type.Object({
  start: Num, label: Type.String(),
  /** The authoritative values (per metric, the source in `sources`). */
  metrics: Type.Record(Type.String(), MetricHour),
  sources: Type.Record(Type.String(), HourSource),
  /** The other source's values beside them. */
  alternate: Type.Record(Type.String(), MetricHour),
  differs: Type.Array(HourDifference),
})
const Standard = Type.Union([
  Type.Object({ id: Type.String(), name: Type.String(), nameEn: Type.String(), clause: Type.String(), check: Type.Boolean() }),
  Type.Null(),
])
export const HourlyReply = Type.Object({
  device: Type.String(), park: Type.String(), enterprise: Type.String(), standard: Standard, basis: Basis, o2Basis: Basis,
  units: Type.Record(Type.String(), Type.String()), referenceO2: NumOrNull,
  limits: Type.Record(Type.String(), Num), from: Num, to: Num, timezone: Type.String(), source: Type.String(),
  hourlyAuthority: HourSource, tolerance: Type.Object({ relative: Num, absolute: Num }), loggerHours: Num, differingHours: Num,
  hours: Type.Array(Hour),
})
const MetricDay = Type.Object({
  limit: Num, validHours: Num, exceededHours: Num, overRangeHours: Num, exceededAt: Type.Array(Num), dailyMean: NumOrNull, dailyMeasuredMean: NumOrNull,
  dayValid: Type.Boolean(), dailyMeanAboveLimit: Type.Boolean(),
})
export const ComplianceReply = Type.Object({
  park: Type.String(), day: Type.String(), timezone: Type.String(), from: Num, to: Num,
  stacks: Type.Array(Type.Object({
    device: Type.String(), enterprise: Type.String(), name: Type.String(), nameEn: Type.String(),
    standard: Type.Union([Type.String(), Type.Null()]), basis: Basis, referenceO2: NumOrNull,
    metrics: Type.Record(Type.String(), MetricDay), compliant: Type.Boolean(),
  })),
  summary: Type.Object({ stacks: Num, compliantStacks: Num, exceededHours: Num, invalidDays: Num }),
})
/**
 * How a CEMS stack or wastewater outlet reaches the hub (the device panel): `mqtt`, or `hj212`
 * through its data logger, with the logger's MN and, once it has spoken since the hub started,
 * its last packet (ms), packets and rejected packets (hj212/counters.ts; null before). The PW is
 * never here.
 */
export const LinkReply = Type.Object({
  device: Type.String(),
  protocol: Type.Union([Type.Literal('mqtt'), Type.Literal('hj212')]),
  mn: Type.Union([Type.String(), Type.Null()]),
  lastPacket: NumOrNull, packets: NumOrNull, rejects: NumOrNull,
  hourlyAuthority: Type.Union([Type.Literal('logger'), Type.Literal('hub'), Type.Null()]),
})
export type LinkReply = Static<typeof LinkReply>

/** A wastewater outlet's hour of one metric (emissions/outlet-hourly.ts): mean of the valid samples, or the logger's -Avg. */
const OutletMetricHour = Type.Object({ value: NumOrNull, valid: Type.Boolean(), limit: NumOrNull, exceeded: Type.Boolean() })
export const OutletHourlyReply = Type.Object({
  device: Type.String(), park: Type.String(), enterprise: Type.String(), limits: Type.Record(Type.String(), Num), phRange: Type.Tuple([Num, Num]),
  from: Num, to: Num, timezone: Type.String(), hourlyAuthority: HourSource, tolerance: Type.Object({ relative: Num, absolute: Num }),
  loggerHours: Num, differingHours: Num,
  hours: Type.Array(Type.Object({
    start: Num, label: Type.String(), metrics: Type.Record(Type.String(), OutletMetricHour), sources: Type.Record(Type.String(), HourSource),
    alternate: Type.Record(Type.String(), OutletMetricHour), differs: Type.Array(HourDifference),
  })),
  /** Per metric over the range (a day: the daily mean), flow-weighted for concentrations where every hour has a flow. */
  mean: Type.Record(Type.String(), Type.Object({ value: NumOrNull, flowWeighted: Type.Boolean(), hours: Num, limit: NumOrNull, exceeded: Type.Boolean() })),
})
export type OutletHourlyReply = Static<typeof OutletHourlyReply>
export type HourlyReply = Static<typeof HourlyReply>
export type HourDifference = Static<typeof HourDifference>
export type ComplianceReply = Static<typeof ComplianceReply>
