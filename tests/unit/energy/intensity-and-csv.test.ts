import { describe, expect, it } from 'vitest'
import { intensityReport, periodBudget } from '../../../hub/src/energy/intensity.js'
import { resolveEnergySettings } from '../../../hub/src/energy/settings.js'
import { aggregate } from '../../../hub/src/energy/consumption.js'
import { BOM, consumptionCsv, csvField } from '../../../hub/src/energy/csv.js'
import { DEFAULT_COEFFICIENTS } from '../../../hub/src/energy/coefficients.js'
import { cal, DAY, local, zone } from './fixtures.js'

describe('intensity and per-mu figures', () => {
  const s = resolveEnergySettings(zone())
  it('pro-rates annual output value to the period by days ÷ 365', () => {
    const from = local(2025, 6, 1)
    const r = intensityReport(s, from, from + 30 * DAY, new Map([['ti01', 600], ['v02', 150]]), ['vtc'])
    const ti = r.enterprises.find((e) => e.enterprise === 'ti01')!
    // 36 500 万元 a year → 3000 万元 in 30 days; 600 tce → 0.2 tce/万元; 100 mu → 6 tce/mu, 73 tce/mu a year
    expect(ti).toMatchObject({ outputValue: 3000, tcePer10kYuan: 0.2, tcePerMu: 6, tcePerMuAnnual: 73, rank: 1 })
    // budget: 10 tce a day × 30 days
    expect(ti.budget).toEqual({ tce: 300, use: 2, source: 'zone' })
    const v02 = r.enterprises.find((e) => e.enterprise === 'v02')!
    expect(v02).toMatchObject({ tcePer10kYuan: 0.05, rank: 2, budget: { tce: 1500, use: 0.1, source: 'demo' } })
    expect(r.parks).toEqual([expect.objectContaining({ park: 'vtc', tce: 750, outputValue: 6000, landMu: 200, tcePer10kYuan: 0.125, budget: { tce: 900, use: 0.8333, source: 'zone' } })])
    expect(r.enterprises.map((e) => e.enterprise)).toEqual(['ti01', 'v02'])
  })

  it('without output value there is no intensity and the enterprise ranks last', () => {
    const r = intensityReport(s, 0, DAY, new Map([['h02', 1], ['ti01', 0.001]]))
    expect(r.enterprises.map((e) => [e.enterprise, e.tcePer10kYuan])).toEqual([['ti01', 0.00001], ['v02', 0], ['h02', null]]) // 0.001 tce ÷ 100 万元
  })

  it('a monthly budget alone is pro-rated × 12 ÷ 365 per day', () => {
    expect(periodBudget({ dailyTce: undefined, monthlyTce: 365, maxDemandKw: undefined, source: 'zone' }, 10)).toBeCloseTo(120, 9)
  })
})

describe('CSV report', () => {
  it('starts with a BOM, names columns in Chinese and English, escapes fields, ends lines with CRLF', () => {
    const t = aggregate(
      [{ meta: { device: 'm1', park: 'vtc', enterprise: 'ti01', submeter: false, intervalSec: 60 }, carrier: 'kwh', since: local(2024, 12, 31, 23, 50), buckets: [{ start: local(2025, 1, 1, 23), end: local(2025, 1, 2), usage: 1000, reset: false, drop: false, implausible: false, gap: false, gapFrom: undefined }] }],
      [], { cal, period: 'day', from: local(2025, 1, 1), to: local(2025, 1, 2), now: local(2025, 1, 2), coefficients: DEFAULT_COEFFICIENTS, basis: 'calorific', gapFactor: 3, includeSubmeters: false },
    )
    const text = consumptionCsv(t, { park: () => '钒钛化工园区', enterprise: () => '沐钒, "钛白"', totalLabel: '园区合计 Park total' })
    expect(text.startsWith(BOM)).toBe(true)
    const lines = text.slice(1).split('\r\n')
    expect(lines[0]).toBe('时间 Time,园区 Park,企业 Enterprise,企业编号 Enterprise ID,电 Electricity (kWh),天然气 Natural gas (m³),蒸汽 Steam (t),水 Water (m³),电折标煤 Electricity (kgce),天然气折标煤 Natural gas (kgce),蒸汽折标煤 Steam (kgce),综合能耗 Total energy (tce),数据缺口 Data gap,计数器重置 Counter resets')
    expect(lines[1]).toBe('2025-01-01,钒钛化工园区,"沐钒, ""钛白""",ti01,1000,0,0,0,122.9,0,0,0.1229,,0')
    expect(lines[2]).toMatch(/^合计 Total,/)
    expect(lines[3]).toBe('园区合计 Park total,,,,1000,0,0,0,122.9,0,0,0.1229,,0')
    expect(lines[4]).toBe('')
    expect(csvField('a\nb')).toBe('"a\nb"')
  })
})
