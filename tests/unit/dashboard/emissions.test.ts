import { describe, expect, it } from 'vitest'
import type { ComplianceReply, EmissionHour, EmissionMetricHour, MetricDay } from '../../../dashboard/src/lib/api.js'
import { chartMax, complianceHasData, complianceRows, countHours, exceedances, hourBars, hourlyQuery, hourNotes, hourState, invalidReasons, limitRatio, yesterday } from '../../../dashboard/src/lib/emissions.js'

const H = 3_600_000
const iso = (s: string): number => Date.parse(s)
const SH = 'Asia/Shanghai'

const mh = (over: Partial<EmissionMetricHour>): EmissionMetricHour => ({ measured: null, corrected: null, validMinutes: 0, valid: false, limit: null, exceeded: false, exceededBy: null, overRangeMinutes: null, lowerBound: null, minutes: null, ...over })
const none = mh({})

/** One hour of a boiler stack (limit 100 mg/m³ for SO2 at 6 % O2). */
function hour(start: number, so2: Partial<EmissionMetricHour>, nox: Partial<EmissionMetricHour> = {}): EmissionHour {
  return { start, label: String(start), metrics: { so2: mh({ limit: 100, ...so2 }), nox: mh({ limit: 100, ...nox }), pm: none, o2: none, flow: none, temp: none }, sources: {}, alternate: {}, differs: [] }
}

const day = iso('2026-11-20T16:00:00Z') // 2026-11-21 00:00 in Shanghai
const hours = [
  hour(day, { measured: 40, corrected: 50, validMinutes: 60, valid: true }),
  hour(day + H, { measured: 90, corrected: 112.5, validMinutes: 60, valid: true, exceeded: true }, { measured: 90, corrected: 120, validMinutes: 58, valid: true, exceeded: true }),
  hour(day + 2 * H, { measured: 90, corrected: 112.5, validMinutes: 44, valid: false }), // HJ 75: 44 valid minutes is not an hour
  hour(day + 3 * H, { validMinutes: 0 }),
  hour(day + 4 * H, { measured: 0, corrected: 0, validMinutes: 60, valid: true }),
  hour(day + 5 * H, { measured: 40, corrected: 50, validMinutes: 20, valid: false }),
]

describe('hourly bars (HJ 75-2017)', () => {
  const now = day + 5 * H + 20 * 60_000
  const bars = hourBars(hours, 'so2', now)

  it('keeps an invalid hour out of the chart: no value, never zero, but its mean for the tooltip', () => {
    expect(bars.map((b) => b.state)).toEqual(['valid', 'exceeded', 'invalid', 'nodata', 'valid', 'open'])
    expect(bars[2]).toMatchObject({ value: null, shown: 112.5, validMinutes: 44 })
    expect(bars[3]).toMatchObject({ value: null, shown: null })
  })
  it('draws a valid zero as zero', () => {
    expect(bars[4]!.value).toBe(0)
  })
  it('compares the O2-corrected value, or the measured one for a stack without a reference O2', () => {
    expect(bars[1]!.value).toBe(112.5)
    expect(hourState(mh({ valid: true, validMinutes: 60, measured: 30 }))).toBe('valid')
    expect(hourState(mh({ validMinutes: null, measured: 30 }))).toBe('invalid')
  })
  it('counts the hours by state and scales the chart to the limit', () => {
    expect(countHours(bars)).toEqual({ valid: 2, exceeded: 1, invalid: 1, nodata: 1, open: 1 })
    expect(chartMax(bars, 100)).toBeCloseTo(123.75, 6)
    expect(chartMax(hourBars([hour(day, { corrected: 20, validMinutes: 60, valid: true })], 'so2', now), 100)).toBeCloseTo(110, 6)
    expect(chartMax([], null)).toBe(1)
  })
})

describe('exceedances', () => {
  it('are the valid hours above the limit, newest first, with their ratio to the limit', () => {
    expect(exceedances(hours)).toEqual([
      { start: day + H, label: String(day + H), metric: 'so2', value: 112.5, limit: 100, ratio: 1.125, byOverRange: false },
      { start: day + H, label: String(day + H), metric: 'nox', value: 120, limit: 100, ratio: 1.2, byOverRange: false },
    ])
  })
  it('include hours judged on the lower bound with over-range (T) minutes, by that bound', () => {
    const t = hour(day, { measured: 30, corrected: 37.5, validMinutes: 40, valid: false, exceeded: true, exceededBy: 'over_range', overRangeMinutes: 10, lowerBound: 105.6 })
    expect(exceedances([t])).toEqual([{ start: day, label: String(day), metric: 'so2', value: 105.6, limit: 100, ratio: 1.056, byOverRange: true }])
    expect(hourBars([t], 'so2', day + 3 * H)[0]).toMatchObject({ state: 'exceeded', value: 105.6, overRange: 10, byOverRange: true })
  })
  it('ratio: value over limit; nothing without a positive limit', () => {
    expect(limitRatio(112.5, 100)).toBe(1.125)
    expect(limitRatio(50, null)).toBeNull()
    expect(limitRatio(50, 0)).toBeNull()
    expect(limitRatio(null, 100)).toBeNull()
  })
})

describe('why an hour is invalid, and over-range evidence', () => {
  it('lists the reasons of the minutes that are not valid, flags first (T, D, F, B, M, C, S), then humidity, O2, no data', () => {
    expect(invalidReasons({ N: 40, missing: 5, C: 10, humidity: 3, T: 2 })).toEqual([['T', 2], ['C', 10], ['humidity', 3], ['missing', 5]])
    expect(invalidReasons({ N: 60 })).toEqual([])
    expect(invalidReasons(null)).toEqual([])
  })
  it.each([
    [44, { N: 44, C: 16 }, 0, 'invalid', 1],
    [45, { N: 45, C: 15 }, 0, 'valid', 0], // a valid hour without T is not noted
    [50, { N: 50, T: 10 }, 10, 'valid', 1], // a valid hour with T minutes is evidence
  ] as const)('%d valid minutes, %o, %d T → %s, noted %d', (validMinutes, minutes, overRangeMinutes, state, noted) => {
    const h = hour(day, { measured: 40, corrected: 50, validMinutes, valid: validMinutes >= 45, minutes, overRangeMinutes })
    const bars = hourBars([h], 'so2', day + 3 * H)
    expect(bars[0]!.state).toBe(state)
    const notes = hourNotes([{ metric: 'so2', bars }])
    expect(notes).toHaveLength(noted)
    if (noted) expect(notes[0]).toMatchObject({ validMinutes, overRange: overRangeMinutes, reasons: invalidReasons(minutes) })
  })
  it('leaves the running hour out of the notes', () => {
    const bars = hourBars([hour(day, { measured: 40, corrected: 50, validMinutes: 10, valid: false, minutes: { N: 10, missing: 50 } })], 'so2', day + 20 * 60_000)
    expect(hourNotes([{ metric: 'so2', bars }])).toEqual([])
  })
})

describe('ranges in Asia/Shanghai', () => {
  const now = iso('2026-11-22T00:30:00Z') // 08:30 local
  it('last 24 hours and 7 days end with the current hour', () => {
    expect(hourlyQuery('24h', '2026-11-21', now, SH)).toEqual({ from: iso('2026-11-21T01:00:00Z'), to: iso('2026-11-22T01:00:00Z') })
    expect(hourlyQuery('7d', '2026-11-21', now, SH)!.to - hourlyQuery('7d', '2026-11-21', now, SH)!.from).toBe(7 * 24 * H)
  })
  it('one day is the local day', () => {
    expect(hourlyQuery('day', '2026-11-21', now, SH)).toEqual({ from: iso('2026-11-20T16:00:00Z'), to: iso('2026-11-21T16:00:00Z') })
    expect(hourlyQuery('day', '2026-13-01', now, SH)).toBeNull()
  })
  it('yesterday is the local yesterday, also just after local midnight', () => {
    expect(yesterday(now, SH)).toBe('2026-11-21')
    expect(yesterday(iso('2026-11-21T16:05:00Z'), SH)).toBe('2026-11-21')
    expect(yesterday(iso('2026-11-21T15:55:00Z'), SH)).toBe('2026-11-20')
  })
})

describe('compliance rows', () => {
  const md = (over: Partial<MetricDay>): MetricDay => ({ limit: 100, validHours: 23, exceededHours: 0, overRangeHours: 0, exceededAt: [], dailyMean: 50, dailyMeasuredMean: 40, dayValid: true, dailyMeanAboveLimit: false, ...over })
  const report: ComplianceReply = {
    park: 'vtc', day: '2026-11-21', timezone: SH, from: 0, to: 0,
    stacks: [
      { device: 'a-cems', enterprise: 'a', name: '甲', nameEn: 'A', standard: null, basis: 'dry', referenceO2: 16, compliant: true, metrics: { pm: md({ limit: 10, validHours: 0, dailyMean: null, dayValid: false }), so2: md({ limit: 35, validHours: 0, dailyMean: null, dayValid: false }) } },
      { device: 'b-cems', enterprise: 'b', name: '乙', nameEn: 'B', standard: null, basis: 'dry', referenceO2: 6, compliant: false, metrics: { nox: md({}), so2: md({ exceededHours: 2, dailyMean: 56.5 }), pm: md({ limit: 30, dailyMean: 6 }) } },
    ],
    summary: { stacks: 2, compliantStacks: 1, exceededHours: 2, invalidDays: 2 },
  }
  it('put stacks that exceeded first, pollutants in the order SO2, NOx, PM, with the daily mean against the limit', () => {
    const rows = complianceRows(report)
    expect(rows.map((r) => `${r.device}:${r.metric}`)).toEqual(['b-cems:so2', 'b-cems:nox', 'b-cems:pm', 'a-cems:so2', 'a-cems:pm'])
    expect(rows.map((r) => r.first)).toEqual([true, false, false, true, false])
    expect(rows[0]).toMatchObject({ span: 3, ratio: 0.565, compliant: false })
    expect(rows[3]!.ratio).toBeNull()
  })
  it('say whether the day holds any valid hour', () => {
    expect(complianceHasData(report)).toBe(true)
    expect(complianceHasData({ ...report, stacks: [report.stacks[0]!] })).toBe(false)
  })
})
