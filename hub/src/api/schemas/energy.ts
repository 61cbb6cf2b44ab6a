import { Type, type Static } from 'typebox'

/**
 * The replies of `/api/v1/energy/*` (docs/energy.md): the schemas the routes answer with, and
 * their types (`Static<>`) for clients to import (dashboard/src/lib/api.ts).
 */
const Num = Type.Number()
const NumOrNull = Type.Union([Type.Number(), Type.Null()])
const Amount = Type.Object({ amount: Num, unit: Type.String(), kgce: NumOrNull })
const Amounts = Type.Object({ kwh: Amount, gas_m3: Amount, steam_t: Amount, water_m3: Amount })
const totalFields = { carriers: Amounts, kgce: Num, tce: Num, gap: Type.Boolean(), resets: Num, drops: Num, implausible: Num }
const Row = Type.Object({ start: Num, label: Type.String(), ...totalFields })
const Total = Type.Object(totalFields)
const Span = Type.Object({ from: Num, to: Num })
const MeterTotal = Type.Object({
  device: Type.String(), park: Type.String(), enterprise: Type.String(), submeter: Type.Boolean(),
  carriers: Type.Object({ kwh: Type.Optional(Amount), gas_m3: Type.Optional(Amount), steam_t: Type.Optional(Amount), water_m3: Type.Optional(Amount) }),
  tce: Num, resets: Type.Array(Num), drops: Type.Array(Num), implausible: Type.Array(Num), gaps: Type.Array(Span),
})
const SourceSeg = Type.Object({ source: Type.String(), bucket: Type.String(), from: Num, to: Num })
const Coeffs = Type.Object({ kwh: Num, kwhEquivalent: Num, gas_m3: Num, steam_t: Num })
const StrOrNull = Type.Union([Type.String(), Type.Null()])
/** Implausible counter steps left out of the figures (docs/energy.md). */
const Excluded = Type.Object({ intervals: Num, reason: Type.String() })

export const ConsumptionReply = Type.Object({
  scope: Type.Object({ park: StrOrNull, enterprise: StrOrNull, meter: StrOrNull }),
  from: Num, to: Num, every: Type.String(), timezone: Type.String(), basis: Type.String(), coefficients: Coeffs,
  sources: Type.Array(SourceSeg), rows: Type.Array(Row), total: Total,
  enterprises: Type.Array(Type.Object({ enterprise: Type.String(), park: Type.String(), name: Type.String(), nameEn: Type.String(), total: Total })),
  meters: Type.Array(MeterTotal),
  excluded: Excluded,
})

const Budget = Type.Object({ tce: NumOrNull, use: NumOrNull, source: Type.String() })
const figureFields = {
  tce: Num, outputValue: Num, outputValueAnnual: Num, landMu: Num,
  tcePer10kYuan: NumOrNull, tcePerMu: NumOrNull, tcePerMuAnnual: NumOrNull, budget: Budget,
}
export const IntensityReply = Type.Object({
  from: Num, to: Num, days: Num, timezone: Type.String(), sources: Type.Array(SourceSeg),
  parks: Type.Array(Type.Object({ park: Type.String(), name: Type.String(), nameEn: Type.String(), ...figureFields })),
  enterprises: Type.Array(Type.Object({ enterprise: Type.String(), park: Type.String(), name: Type.String(), nameEn: Type.String(), rank: Num, ...figureFields })),
  excluded: Excluded,
})
export const SuggestionsReply = Type.Object({
  from: Num, to: Num, excluded: Excluded,
  suggestions: Type.Array(Type.Object({
    id: Type.String(), enterprise: Type.String(), park: Type.String(), kind: Type.String(),
    title: Type.String(), titleEn: Type.String(), text: Type.String(), textEn: Type.String(),
    figures: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Null()])),
  })),
})

export type ConsumptionReply = Static<typeof ConsumptionReply>
export type IntensityReply = Static<typeof IntensityReply>
export type SuggestionsReply = Static<typeof SuggestionsReply>
