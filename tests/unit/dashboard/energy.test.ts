import { describe, expect, it } from 'vitest'
import type { EnergyRow, IntensityFigures } from '../../../dashboard/src/lib/api.js'
import {
  alarmStands, budgetGauge, chartColumns, defaultPeriod, demandGauge, energyAlarms, energyAlarmUnit, formatFigure, formatValue, hasData, periodQuery, ranking,
  resolveBudget, shortLabel, stepPeriod, usedCarriers, type Period,
} from '../../../dashboard/src/lib/energy.js'
import { en } from '../../../dashboard/src/lib/i18n/en.js'
import { translate } from '../../../dashboard/src/lib/i18n/translate.js'
import { zhCN } from '../../../dashboard/src/lib/i18n/zh-CN.js'
import { dayKey, dayRange, daysBetween, localInstant, monthKey, monthRange, parseDayKey, shiftDay, zoneOffsetMs } from '../../../dashboard/src/lib/local-date.js'
import { alarm } from './fixtures.js'

const SH = 'Asia/Shanghai'
const H = 3_600_000
const D = 24 * H
const iso = (s: string): number => Date.parse(s)

describe('local days in Asia/Shanghai, whatever the browser zone', () => {
  it('puts local midnight at 16:00 UTC the day before', () => {
    expect(localInstant(2026, 11, 22, 0, SH)).toBe(iso('2026-11-21T16:00:00Z'))
    expect(zoneOffsetMs(iso('2026-06-01T00:00:00Z'), SH)).toBe(8 * H)
  })
  it('names the local day and month of an instant', () => {
    expect(dayKey(iso('2026-11-21T15:59:59Z'), SH)).toBe('2026-11-21')
    expect(dayKey(iso('2026-11-21T16:00:00Z'), SH)).toBe('2026-11-22')
    expect(monthKey(iso('2026-11-30T16:00:00Z'), SH)).toBe('2026-12')
  })
  it('gives whole local days and months as [from, to)', () => {
    expect(dayRange('2026-11-22', SH)).toEqual({ from: iso('2026-11-21T16:00:00Z'), to: iso('2026-11-22T16:00:00Z') })
    expect(monthRange('2026-12', SH)).toEqual({ from: iso('2026-11-30T16:00:00Z'), to: iso('2026-12-31T16:00:00Z') })
    expect(monthRange('2026-02', SH).to - monthRange('2026-02', SH).from).toBe(28 * D)
  })
  it('handles a zone with daylight saving time (a 23-hour day)', () => {
    const r = dayRange('2026-03-29', 'Europe/Berlin')
    expect(r.from).toBe(iso('2026-03-28T23:00:00Z'))
    expect(r.to - r.from).toBe(23 * H)
  })
  it('checks and shifts day keys', () => {
    expect(parseDayKey('2025-02-30')).toBeNull()
    expect(parseDayKey('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 })
    expect(shiftDay('2026-12-31', 1)).toBe('2027-01-01')
    expect(shiftDay('2026-03-01', -1)).toBe('2026-02-28')
    expect(daysBetween('2026-11-01', '2026-11-30')).toBe(30)
  })
})

describe('periods asked of the hub', () => {
  const now = iso('2026-11-22T00:30:00Z') // 08:30 in Shanghai
  const base = defaultPeriod(now, SH)
  const p = (over: Partial<Period>): Period => ({ ...base, ...over })

  it('defaults to this month, with today and the last 7 days ready', () => {
    expect(base).toEqual({ kind: 'month', day: '2026-11-22', month: '2026-11', first: '2026-11-16', last: '2026-11-22' })
  })
  it('asks a day by hour and a month by day, in local time', () => {
    expect(periodQuery(p({ kind: 'day' }), SH)).toEqual({ ok: true, from: iso('2026-11-21T16:00:00Z'), to: iso('2026-11-22T16:00:00Z'), every: '1h' })
    expect(periodQuery(p({ kind: 'month' }), SH)).toEqual({ ok: true, from: iso('2026-10-31T16:00:00Z'), to: iso('2026-11-30T16:00:00Z'), every: '1d' })
  })
  it('picks the bucket of a custom range by its length, last day included', () => {
    expect(periodQuery(p({ kind: 'custom', first: '2026-11-21', last: '2026-11-22' }), SH)).toMatchObject({ ok: true, every: '1h', to: iso('2026-11-22T16:00:00Z') })
    expect(periodQuery(p({ kind: 'custom', first: '2026-11-01', last: '2026-11-10' }), SH)).toMatchObject({ ok: true, every: '1d' })
    expect(periodQuery(p({ kind: 'custom', first: '2026-01-01', last: '2026-11-10' }), SH)).toMatchObject({ ok: true, every: '1mo' })
  })
  it('refuses a range backwards, too long or not a date', () => {
    expect(periodQuery(p({ kind: 'custom', first: '2026-11-10', last: '2026-11-01' }), SH)).toEqual({ ok: false, reason: 'order' })
    expect(periodQuery(p({ kind: 'custom', first: '2023-01-01', last: '2026-11-01' }), SH)).toEqual({ ok: false, reason: 'tooLong' })
    expect(periodQuery(p({ kind: 'day', day: '2026-02-30' }), SH)).toEqual({ ok: false, reason: 'invalid' })
  })
  it('steps back and forward by a period', () => {
    expect(stepPeriod(p({ kind: 'month', month: '2026-01' }), -1).month).toBe('2025-12')
    expect(stepPeriod(p({ kind: 'day', day: '2026-11-30' }), 1).day).toBe('2026-12-01')
    expect(stepPeriod(p({ kind: 'custom', first: '2026-11-16', last: '2026-11-22' }), -1)).toMatchObject({ first: '2026-11-09', last: '2026-11-15' })
  })
  it('shortens axis labels', () => {
    expect(shortLabel('2026-11-22 08:00', '1h')).toBe('08:00')
    expect(shortLabel('2026-11-22 00:00', '1h')).toBe('11-22')
    expect(shortLabel('2026-11-22', '1d')).toBe('11-22')
    expect(shortLabel('2026-11', '1mo')).toBe('2026-11')
  })
})

function row(start: number, over: { kwh?: number; gas?: number; steam?: number; water?: number; gap?: boolean } = {}): EnergyRow {
  const kwh = over.kwh ?? 0
  const gas = over.gas ?? 0
  const steam = over.steam ?? 0
  const kgce = kwh * 0.1229 + gas * 1.2143 + steam * 128.6
  return {
    start, label: dayKey(start, SH), kgce, tce: kgce / 1000, gap: over.gap ?? false, resets: 0, drops: 0, implausible: 0,
    carriers: {
      kwh: { amount: kwh, unit: 'kWh', kgce: kwh * 0.1229 }, gas_m3: { amount: gas, unit: 'm³', kgce: gas * 1.2143 },
      steam_t: { amount: steam, unit: 't', kgce: steam * 128.6 }, water_m3: { amount: over.water ?? 0, unit: 'm³', kgce: null },
    },
  }
}

describe('chart columns by carrier', () => {
  const d0 = iso('2026-11-18T16:00:00Z')
  const rows = [row(d0, { gap: true }), row(d0 + D, { kwh: 10_000, gas: 1000, steam: 10 }), row(d0 + 2 * D, { kwh: 5000, gap: true }), row(d0 + 3 * D, { kwh: 2000 }), row(d0 + 4 * D)]
  const now = d0 + 3 * D + 8 * H

  it('stacks standard coal by carrier and keeps the total', () => {
    const cols = chartColumns(rows, 'tce', d0 + 5 * D, now)
    const c = cols[1]!
    expect(c.state).toBe('ok')
    expect(c.segments.map((s) => s.key)).toEqual(['kwh', 'gas_m3', 'steam_t'])
    expect(c.segments.map((s) => s.value)).toEqual([1.229, 1.2143, 1.286])
    expect(c.segments[2]!.y1).toBeCloseTo(c.total!, 9)
    expect(c.segments[1]!.y0).toBe(c.segments[0]!.y1)
  })
  it('draws a period without readings as a gap, never as zero; the future not at all', () => {
    const cols = chartColumns(rows, 'tce', d0 + 5 * D, now)
    expect(cols.map((c) => c.state)).toEqual(['nodata', 'ok', 'gap', 'ok', 'future'])
    expect(cols[0]).toMatchObject({ total: null, segments: [] })
    expect(cols[4]).toMatchObject({ total: null, segments: [] })
    expect(cols[2]!.total).toBeCloseTo(0.6145, 6) // a gap still counts the use
    expect(cols.map((c) => c.current)).toEqual([false, false, false, true, false])
  })
  it('shows one carrier in its own unit', () => {
    const cols = chartColumns(rows, 'kwh', d0 + 5 * D, now)
    expect(cols[1]!.segments).toEqual([{ key: 'kwh', value: 10_000, y0: 0, y1: 10_000 }])
    expect(cols[1]!.total).toBe(10_000)
  })
  it('takes zeros as "no data" when no meter of the scope reported in the range (the hub does not mark them as gaps)', () => {
    const zeros = [row(d0), row(d0 + D), row(d0 + 4 * D)]
    expect(chartColumns(zeros, 'tce', d0 + 5 * D, now, false).map((c) => [c.state, c.total])).toEqual([['nodata', null], ['nodata', null], ['future', null]])
    expect(hasData(zeros, now, false)).toBe(false)
    expect(hasData(zeros, now, true)).toBe(true) // metered, and nothing used: a true zero
  })
  it('knows when a period holds no reading at all, and which carriers were used', () => {
    expect(hasData(rows, now)).toBe(true)
    expect(hasData([row(d0, { gap: true }), row(d0 + D, { gap: true })], now)).toBe(false)
    expect(usedCarriers(rows[1]!)).toEqual(['kwh', 'gas_m3', 'steam_t'])
  })
})

const fig = (over: Partial<IntensityFigures>): IntensityFigures => ({
  tce: 0, outputValue: 0, outputValueAnnual: 0, landMu: 0, tcePer10kYuan: null, tcePerMu: null, tcePerMuAnnual: null, budget: { tce: null, use: null, source: 'none' }, ...over,
})
const ent = (id: string, over: Partial<IntensityFigures>) => ({ enterprise: id, park: 'vtc', name: id, nameEn: id, rank: 0, ...fig(over) })

describe('ranking of enterprises', () => {
  const list = [
    ent('a', { tce: 10, tcePer10kYuan: 0.002, tcePerMu: 0.5, budget: { tce: 100, use: 0.1, source: 'demo' } }),
    ent('b', { tce: 30, tcePer10kYuan: null, tcePerMu: 0.2, budget: { tce: null, use: null, source: 'none' } }),
    ent('c', { tce: 20, tcePer10kYuan: 0.004, tcePerMu: null, budget: { tce: 20, use: 0.95, source: 'zone' } }),
  ]
  it('orders by the chosen figure, highest first, without the figure last', () => {
    expect(ranking(list, 'tce').map((r) => r.id)).toEqual(['b', 'c', 'a'])
    expect(ranking(list, 'per10k').map((r) => [r.id, r.value])).toEqual([['c', 0.004], ['a', 0.002], ['b', null]])
    expect(ranking(list, 'perMu').map((r) => r.id)).toEqual(['a', 'b', 'c'])
    expect(ranking(list, 'budget').map((r) => r.id)).toEqual(['c', 'a', 'b'])
  })
  it('puts enterprises without any meter reading in the period last, as no data rather than 0 tce', () => {
    const r = ranking([...list, ent('d', { tce: 0 })], 'tce', new Set(['a', 'c', 'd']))
    expect(r.map((x) => [x.id, x.value, x.metered])).toEqual([['c', 20, true], ['a', 10, true], ['d', 0, true], ['b', null, false]])
  })
})

describe('budgets and gauges', () => {
  it('takes zone budgets as written and derives demo ones from the pro-rated budget', () => {
    expect(resolveBudget(fig({ budget: { tce: 50, use: 0.2, source: 'zone' } }), 10, { dailyTce: 5, monthlyTce: 140, maxDemandKw: 900 })).toEqual({ daily: 5, monthly: 140, demandKw: 900, source: 'zone' })
    // 128,300 tce a year → 351.5 a day; over 21.5 days the hub's budget is 7,557.25
    const demo = resolveBudget(fig({ budget: { tce: 351.5 * 21.5, use: 0.01, source: 'demo' } }), 21.5, undefined)
    expect(demo.daily).toBeCloseTo(351.5, 6)
    expect(demo.monthly).toBeCloseTo(128_300 / 12, 0)
    expect(resolveBudget(fig({}), 10, undefined)).toEqual({ daily: null, monthly: null, demandKw: null, source: 'none' })
  })
  it('stays neutral below 90 %, turns level IV (blue, advisory) from 90 % or while a budget alarm stands', () => {
    expect(budgetGauge(50, 100)).toMatchObject({ share: 0.5, verdict: 'ok', level: null, marks: [100], max: 125 })
    expect(budgetGauge(90, 100)).toMatchObject({ verdict: 'near', level: 4 })
    expect(budgetGauge(130, 100)).toMatchObject({ verdict: 'over', level: 4, max: 136.5 })
    expect(budgetGauge(10, 100, true).level).toBe(4)
    expect(budgetGauge(10, null)).toMatchObject({ verdict: 'nolimit', level: null, share: null, marks: [] })
  })
  it('names the unit of an energy alarm: kW, the counter’s own, or tce', () => {
    expect([energyAlarmUnit({ metric: 'kw' }), energyAlarmUnit({ metric: 'gas_m3' }), energyAlarmUnit({ metric: 'kwh' }), energyAlarmUnit({ metric: 'tce_day' })]).toEqual(['kW', 'm³', 'kWh', 'tce'])
  })
  it('turns demand level IV (blue, energy class) above the contracted demand or while a demand alarm stands', () => {
    expect(demandGauge(850, 900)).toMatchObject({ verdict: 'near', level: null })
    expect(demandGauge(950, 900)).toMatchObject({ verdict: 'over', level: 4 })
    expect(demandGauge(100, 900, true).level).toBe(4)
  })
})

describe('energy alarms of a scope', () => {
  const alarms = [
    alarm({ id: 'e-day', type: 'energy_budget_exceeded', rule: 'energy_budget', level: 4, park: 'vtc', enterprise: 'vtc-ti01', device: 'vtc-ti01-meter-001', metric: 'tce_day', raisedAt: 5 }),
    alarm({ id: 'p-month', type: 'energy_budget_exceeded', rule: 'energy_budget', level: 4, park: 'vtc', enterprise: 'vtc', device: 'vtc', metric: 'tce_month', raisedAt: 6 }),
    alarm({ id: 'dem', type: 'max_demand_exceeded', rule: 'max_demand', level: 3, park: 'vtc', enterprise: 'vtc-gc03', metric: 'kw', raisedAt: 1 }),
    alarm({ id: 'old', type: 'energy_budget_exceeded', level: 4, park: 'vtc', enterprise: 'vtc-ti01', metric: 'tce_month', condition: 'cleared', ack: 'acked' }),
    alarm({ id: 'cleared', type: 'energy_budget_exceeded', level: 4, park: 'vtc', enterprise: 'vtc-ti01', metric: 'tce_day', condition: 'cleared', raisedAt: 9 }),
    alarm({ id: 'closed', type: 'energy_budget_exceeded', level: 4, park: 'vtc', enterprise: 'vtc-ti01', metric: 'tce_day', workflow: 'closed', raisedAt: 9 }),
    alarm({ id: 'gas', park: 'vtc', enterprise: 'vtc-ti01' }),
    alarm({ id: 'glc', type: 'energy_budget_exceeded', level: 4, park: 'glc', enterprise: 'glc-h02', metric: 'tce_day' }),
  ]
  it('lists those standing (active, or cleared and unacknowledged) in a park, enterprise or the zone: highest level, active, newest first', () => {
    expect(energyAlarms(alarms, { park: 'vtc' }).map((a) => a.id)).toEqual(['dem', 'p-month', 'e-day', 'cleared'])
    expect(energyAlarms(alarms, { park: 'vtc', enterprise: 'vtc-ti01' }).map((a) => a.id)).toEqual(['e-day', 'cleared'])
    expect(energyAlarms(alarms, {}).map((a) => a.id)).toEqual(['dem', 'glc', 'p-month', 'e-day', 'cleared'])
  })
  it('tells a park’s own budget alarm from its enterprises’', () => {
    expect(alarmStands(alarms, { park: 'vtc' }, 'energy_budget_exceeded', 'tce_month')).toBe(true)
    expect(alarmStands(alarms, { park: 'vtc' }, 'energy_budget_exceeded', 'tce_day')).toBe(false)
    expect(alarmStands(alarms, { park: 'vtc', enterprise: 'vtc-ti01' }, 'energy_budget_exceeded', 'tce_day')).toBe(true)
    expect(alarmStands(alarms, { park: 'vtc', enterprise: 'vtc-ti01' }, 'energy_budget_exceeded', 'tce_month')).toBe(false)
    expect(alarmStands(alarms, { park: 'vtc', enterprise: 'vtc-gc03' }, 'max_demand_exceeded', 'kw')).toBe(true)
  })
})

describe('suggestion figures', () => {
  const zh = (k: string, p?: Record<string, string | number>) => translate(zhCN, k, p)
  const english = (k: string, p?: Record<string, string | number>) => translate(en, k, p)
  it('always carry their unit, in the screen language', () => {
    expect(formatFigure('nightKw', 2099, 'zh-CN', zh)).toBe('2,099 kW')
    expect(formatFigure('ratio', 0.712, 'en-GB', english)).toBe('71.2 %')
    expect(formatFigure('savingYuan', 5637.59, 'zh-CN', zh)).toBe('5,638 元')
    expect(formatFigure('savingYuan', 5637.59, 'en-GB', english)).toBe('5,638 yuan')
    expect(formatFigure('excessKwhPerDay', 3746.1, 'en-GB', english)).toBe('3,746 kWh/day')
    expect(formatFigure('pricePeak', 0.96, 'zh-CN', zh)).toBe('0.96 元/kWh')
    expect(formatFigure('days', 29, 'zh-CN', zh)).toBe('29 天')
    expect(formatFigure('weekday', 3, 'en-GB', english)).toBe('Wednesday')
    expect(formatFigure('at', '2026-11-20 14:15', 'zh-CN', zh)).toBe('2026-11-20 14:15')
    expect(formatFigure('tce', null, 'zh-CN', zh)).toBe('—')
  })
  it('keep three significant digits for small intensities', () => {
    expect(formatValue(0.000477, 'zh-CN')).toBe('0.000477')
    expect(formatValue(0.02553, 'en-GB')).toBe('0.0255')
    expect(formatValue(71.59676, 'en-GB')).toBe('71.6')
    expect(formatValue(0, 'en-GB')).toBe('0')
  })
})
