import { describe, expect, it } from 'vitest'
import { LocalCalendar } from '../../../hub/src/energy/calendar.js'
import { periodStarts } from '../../../hub/src/energy/consumption.js'
import { cal, local } from './fixtures.js'

describe('local calendar, Asia/Shanghai (UTC+8)', () => {
  it('puts 23:59 and 00:00 local on two days, though both are the same UTC day', () => {
    const before = local(2025, 3, 31, 23, 59)
    const after = local(2025, 4, 1, 0, 0)
    expect(new Date(before).toISOString()).toBe('2025-03-31T15:59:00.000Z')
    expect(new Date(after).toISOString()).toBe('2025-03-31T16:00:00.000Z')
    expect(cal.dayKey(before)).toBe('2025-03-31')
    expect(cal.dayKey(after)).toBe('2025-04-01')
    expect(cal.monthKey(before)).toBe('2025-03')
    expect(cal.monthKey(after)).toBe('2025-04')
  })

  const cases: [string, number, 'hour' | 'day' | 'month', number, number][] = [
    ['hour', local(2025, 1, 1, 0, 30), 'hour', local(2025, 1, 1, 0), local(2025, 1, 1, 1)],
    ['day at 07:59 local (23:59 UTC the day before)', local(2025, 1, 2, 7, 59), 'day', local(2025, 1, 2), local(2025, 1, 3)],
    ['day just after local midnight', local(2025, 1, 2, 0, 0, 1), 'day', local(2025, 1, 2), local(2025, 1, 3)],
    ['month across the year end', local(2024, 12, 31, 23, 0), 'month', local(2024, 12, 1), local(2025, 1, 1)],
    ['February of a leap year', local(2024, 2, 29, 12), 'month', local(2024, 2, 1), local(2024, 3, 1)],
  ]
  it.each(cases)('%s', (_n, ts, period, start, next) => {
    expect(cal.startOf(period, ts)).toBe(start)
    expect(cal.next(period, start)).toBe(next)
  })

  it('labels, day bounds and days in a month', () => {
    expect(cal.label('hour', local(2025, 6, 1, 13))).toBe('2025-06-01 13:00')
    expect(cal.label('day', local(2025, 6, 1))).toBe('2025-06-01')
    expect(cal.label('month', local(2025, 6, 1))).toBe('2025-06')
    expect(cal.dayBounds('2025-06-01')).toEqual({ start: local(2025, 6, 1), end: local(2025, 6, 2) })
    expect(cal.dayBounds('2025-02-30')).toBeUndefined()
    expect(cal.dayBounds('yesterday')).toBeUndefined()
    expect(cal.daysInMonth(local(2025, 2, 10))).toBe(28)
    expect(cal.parts(local(2025, 6, 1, 13)).weekday).toBe(0) // a Sunday
  })

  it('buckets hours, days and months across midnight', () => {
    expect(periodStarts(cal, 'hour', local(2025, 1, 1, 22, 30), local(2025, 1, 2, 1)).map((t) => cal.label('hour', t)))
      .toEqual(['2025-01-01 22:00', '2025-01-01 23:00', '2025-01-02 00:00'])
    expect(periodStarts(cal, 'day', local(2025, 1, 30, 12), local(2025, 2, 2)).map((t) => cal.label('day', t)))
      .toEqual(['2025-01-30', '2025-01-31', '2025-02-01'])
    expect(periodStarts(cal, 'month', local(2024, 11, 15), local(2025, 2, 1)).map((t) => cal.label('month', t)))
      .toEqual(['2024-11', '2024-12', '2025-01'])
  })

  it('has a fixed offset of +480 min; a daylight-saving zone has none', () => {
    expect(cal.fixedOffsetMinutes()).toBe(480)
    expect(new LocalCalendar('Europe/Berlin').fixedOffsetMinutes()).toBeUndefined()
    const berlin = new LocalCalendar('Europe/Berlin')
    // 2025-03-30 has 23 hours in Berlin.
    const d = berlin.dayBounds('2025-03-30')!
    expect((d.end - d.start) / 3_600_000).toBe(23)
  })
})
