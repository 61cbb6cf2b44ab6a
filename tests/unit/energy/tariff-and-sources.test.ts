import { describe, expect, it } from 'vitest'
import { periodAt, priceOf, resolveTariff, SICHUAN_TARIFF } from '../../../hub/src/energy/tariff.js'
import { planSources, PLAN_DEFAULTS } from '../../../hub/src/energy/sources.js'
import { cal, DAY, local } from './fixtures.js'

describe('time-of-use tariff (Sichuan defaults, check)', () => {
  const t = resolveTariff(SICHUAN_TARIFF)
  const cases: [number, number, string][] = [[0, 0, 'valley'], [6, 59, 'valley'], [7, 0, 'flat'], [10, 0, 'peak'], [12, 30, 'flat'], [14, 0, 'peak'], [20, 59, 'peak'], [21, 0, 'flat'], [23, 0, 'valley']]
  it.each(cases)('%d:%d is %s', (h, m, kind) => expect(periodAt(t, h, m)).toBe(kind))
  it('prices are the flat price × factor', () => {
    expect(priceOf(t, 'peak')).toBeCloseTo(0.96, 9)
    expect(priceOf(t, 'valley')).toBeCloseTo(0.24, 9)
    expect(t.byMinute.filter((k) => k === 'peak').length).toBe(9 * 60)
  })
  it('uncovered minutes are flat; a period may wrap past midnight', () => {
    const x = resolveTariff({ periods: [{ kind: 'valley', from: '22:00', to: '06:00' }] })
    expect(periodAt(x, 23)).toBe('valley')
    expect(periodAt(x, 5, 59)).toBe('valley')
    expect(periodAt(x, 12)).toBe('flat')
  })
})

describe('which data answers a query', () => {
  const now = local(2025, 6, 15, 10, 20)
  const show = (segs: ReturnType<typeof planSources>) => segs.map((x) => [x.source, cal.minuteLabel(x.from), cal.minuteLabel(x.to)])
  it('raw for up to 7 days', () => {
    expect(planSources(now - 7 * DAY, now, 'hour', now, cal)).toEqual([{ source: 'raw', bucket: 'hour', from: now - 7 * DAY, to: now }])
  })
  it('the hourly rollup before the last week (from local midnight), raw after', () => {
    expect(show(planSources(local(2025, 6, 1), local(2025, 6, 16), 'day', now, cal))).toEqual([
      ['rollup_1h', '2025-06-01 00:00', '2025-06-08 00:00'],
      ['raw', '2025-06-08 00:00', '2025-06-16 00:00'],
    ])
  })
  it('the daily rollup for long day and month answers; never for hourly ones', () => {
    expect(show(planSources(local(2025, 1, 1), local(2025, 7, 1), 'month', now, cal))).toEqual([
      ['rollup_1d', '2025-01-01 00:00', '2025-06-08 00:00'],
      ['raw', '2025-06-08 00:00', '2025-07-01 00:00'],
    ])
    expect(planSources(local(2025, 1, 1), local(2025, 7, 1), 'month', now, cal, { ...PLAN_DEFAULTS, dailyRollup: false }).map((x) => x.source)).toEqual(['rollup_1h', 'raw'])
    expect(planSources(local(2025, 5, 1), local(2025, 6, 1), 'hour', now, cal).map((x) => x.source)).toEqual(['rollup_1h'])
  })
  it('a range that ended before the last week reads rollups only', () => {
    expect(show(planSources(local(2025, 1, 1), local(2025, 2, 1), 'day', now, cal))).toEqual([['rollup_1h', '2025-01-01 00:00', '2025-02-01 00:00']])
  })
})
