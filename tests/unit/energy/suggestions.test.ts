import { describe, expect, it } from 'vitest'
import { suggest, type SuggestionData } from '../../../hub/src/energy/suggestions.js'
import { resolveEnergySettings } from '../../../hub/src/energy/settings.js'
import { resolveTariff } from '../../../hub/src/energy/tariff.js'
import { cal, DAY, HOUR, local, zone } from './fixtures.js'

const settings = resolveEnergySettings(zone())
const now = local(2025, 6, 29, 12)
const start = local(2025, 6, 1)

/** 28 days of hourly kWh from a profile by local hour. */
function hourly(profile: (hour: number) => number): SuggestionData['hourly'] {
  const out: SuggestionData['hourly'] = []
  for (let t = start; t < local(2025, 6, 29); t += HOUR) out.push({ start: t, kwh: profile(cal.parts(t).hour), gap: false })
  return out
}

function data(extra: Partial<SuggestionData>): SuggestionData {
  return { enterprise: settings.enterprises.get('ti01')!, hourly: [], daily: [], demand: [], tariff: resolveTariff(), cal, kgcePerKwh: 0.1229, now, ...extra }
}

describe('suggestions, with the figures behind them', () => {
  it('night base load: 800 kW at night against 1000 kW by day', () => {
    const s = suggest(data({ hourly: hourly((h) => (h < 6 ? 800 : h >= 8 && h < 20 ? 1000 : 900)) })).find((x) => x.kind === 'base_load')!
    expect(s.id).toBe('base_load:ti01')
    expect(s.figures).toMatchObject({ nightKw: 800, dayKw: 1000, ratio: 0.8, excessKwhPerDay: 1800, excessKgcePerDay: 221.2 }) // (800 − 500) × 6 h
    expect(s.text).toContain('800 kW')
    expect(s.textEn).toContain('1800 kWh')
  })

  it('no base-load suggestion when nights are light', () => {
    expect(suggest(data({ hourly: hourly((h) => (h < 6 ? 300 : 1000)) })).some((x) => x.kind === 'base_load')).toBe(false)
  })

  it('peak share: what moving 10 % of peak kWh to the valley saves', () => {
    // 1000 kWh in each of the 9 peak hours, 100 in the others (7 flat + 8 valley)
    const peak = (h: number) => (h >= 10 && h < 12) || (h >= 14 && h < 21)
    const s = suggest(data({ hourly: hourly((h) => (peak(h) ? 1000 : 100)) })).find((x) => x.kind === 'peak_shift')!
    const days = 28
    expect(s.figures).toMatchObject({ days, peakKwh: 9000 * days, flatKwh: 700 * days, valleyKwh: 800 * days, shiftShare: 0.1, pricePeak: 0.96, priceValley: 0.24 })
    expect(s.figures.peakShare).toBeCloseTo(9000 / 10_500, 4)
    expect(s.figures.savingYuan).toBeCloseTo(900 * days * 0.72, 2)
    expect(s.figures.savingYuanPer30Days).toBeCloseTo(900 * 30 * 0.72, 2)
  })

  it('no peak suggestion for a flat load (its peak share equals the peak hours’ share)', () => {
    expect(suggest(data({ hourly: hourly(() => 500) })).some((x) => x.kind === 'peak_shift')).toBe(false)
  })

  it('demand within 90 % of the contracted 1000 kW', () => {
    const demand = [{ start: local(2025, 6, 20, 10, 15), kw: 950 }, { start: local(2025, 6, 20, 10, 30), kw: 910 }, { start: local(2025, 6, 20, 11), kw: 500 }]
    const s = suggest(data({ demand })).find((x) => x.kind === 'demand_near_limit')!
    expect(s.figures).toEqual({ maxDemandKw: 950, at: '2025-06-20 10:15', contractedKw: 1000, ratio: 0.95, windowsNearLimit: 2, nearShare: 0.9 })
    expect(suggest(data({ demand: demand.slice(2) })).some((x) => x.kind === 'demand_near_limit')).toBe(false)
  })

  it('a day far above the same weekday’s baseline', () => {
    const daily: SuggestionData['daily'] = []
    for (let t = start; t < local(2025, 6, 29); t += DAY) daily.push({ start: t, tce: 10 + (cal.parts(t).weekday === 3 ? 0.5 : 0) * ((cal.parts(t).day % 3) - 1), gap: false })
    // Wednesday 2025-06-25: 16 tce against the three Wednesdays before it in the data (4, 11, 18 June)
    const wed = daily.find((d) => cal.dayKey(d.start) === '2025-06-25')!
    wed.tce = 16
    const s = suggest(data({ daily })).filter((x) => x.kind === 'unusual_day')
    expect(s).toHaveLength(1)
    expect(s[0]!.id).toBe('unusual_day:ti01:2025-06-25')
    expect(s[0]!.figures).toMatchObject({ day: '2025-06-25', weekday: 3, tce: 16, baselineDays: 3 })
    expect(s[0]!.figures.ratio as number).toBeGreaterThan(1.5)
  })
})
