/**
 * Time-of-use electricity tariff (分时电价). Periods and prices are configuration
 * (`energy.tariff` of the zone, `tariff` of a park). The defaults follow Sichuan's
 * time-of-use mechanism for industry and commerce in force from 2022 **(check)** against the
 * current notice of the Sichuan development and reform commission before relying on them:
 *
 *   peak   高峰  10:00–12:00, 14:00–21:00   price × 1.6 (check)
 *   flat   平段  07:00–10:00, 12:00–14:00, 21:00–23:00   × 1.0
 *   valley 低谷  23:00–07:00   price × 0.4 (check)
 *
 * with a flat price of 0.60 yuan/kWh (a demo figure: the real one depends on voltage level and
 * the month's market price).
 */
import type { Tariff, TariffPeriod } from '../model/zone.js'

export type PeriodKind = TariffPeriod['kind']

export interface ResolvedTariff {
  /** Period kind of each local minute of the day, 0–1439. */
  byMinute: PeriodKind[]
  flatPrice: number
  factors: Record<PeriodKind, number>
  periods: TariffPeriod[]
}

export const SICHUAN_TARIFF: Tariff = {
  periods: [
    { kind: 'valley', from: '23:00', to: '07:00' },
    { kind: 'flat', from: '07:00', to: '10:00' },
    { kind: 'peak', from: '10:00', to: '12:00' },
    { kind: 'flat', from: '12:00', to: '14:00' },
    { kind: 'peak', from: '14:00', to: '21:00' },
    { kind: 'flat', from: '21:00', to: '23:00' },
  ],
  flatPrice: 0.6,
  factors: { peak: 1.6, flat: 1, valley: 0.4 },
}

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number)
  return (h ?? 0) * 60 + (m ?? 0)
}

/** Minutes of the day not covered by any period are flat. Later periods win where they overlap. */
export function resolveTariff(t: Tariff = SICHUAN_TARIFF): ResolvedTariff {
  const byMinute = new Array<PeriodKind>(1440).fill('flat')
  for (const p of t.periods) {
    const a = minutes(p.from)
    const b = minutes(p.to)
    const end = b <= a ? b + 1440 : b
    for (let m = a; m < end; m++) byMinute[m % 1440] = p.kind
  }
  return {
    byMinute,
    flatPrice: t.flatPrice ?? SICHUAN_TARIFF.flatPrice ?? 0.6,
    factors: t.factors ?? { peak: 1.6, flat: 1, valley: 0.4 },
    periods: t.periods,
  }
}

/** Period kind at a local time of day. */
export function periodAt(t: ResolvedTariff, hour: number, minute = 0): PeriodKind {
  return t.byMinute[(hour * 60 + minute) % 1440] ?? 'flat'
}

/** Price in yuan/kWh of a period kind. */
export function priceOf(t: ResolvedTariff, kind: PeriodKind): number {
  return t.flatPrice * t.factors[kind]
}
