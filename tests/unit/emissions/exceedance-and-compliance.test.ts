import { describe, expect, it } from 'vitest'
import { ExceedanceMonitor } from '../../../hub/src/emissions/exceedance-monitor.js'
import { hourValue, minutesFromSamples, type HourValue } from '../../../hub/src/emissions/hourly.js'
import { complianceReport, stackDay } from '../../../hub/src/emissions/compliance.js'
import type { Transition } from '../../../hub/src/model/alarm.js'
import { H0, HOUR, hourOfSamples, sample, stack } from './fixtures.js'

function feed(m: ExceedanceMonitor, readings: ReturnType<typeof hourOfSamples>): Transition[] {
  return readings.flatMap((r) => m.onReading(r, stack()))
}

describe('live exceedances (level 3, yellow): valid O2-corrected hourly averages only', () => {
  it('SO2 at 30 mg/m³ and 9 % O2 is 37.5 at 6 %: above 35, raised when the next hour starts', () => {
    const m = new ExceedanceMonitor()
    expect(feed(m, hourOfSamples(H0, () => ({ values: { so2: 30, nox: 20, pm: 3, o2: 9 } })))).toEqual([])
    const out = m.onReading(sample(H0 + HOUR, { so2: 30, o2: 9 }), stack())
    // NOx and PM are below their limits: their conditions are stated as clear (a no-op unless an alarm is left from before a restart)
    expect(out.filter((t) => t.metric !== 'so2').map((t) => [t.metric, t.kind, t.value])).toEqual([['nox', 'clear', 25], ['pm', 'clear', 3.75]])
    expect(out.filter((t) => t.metric === 'so2')).toEqual([{
      key: 'emission:vtc-ti01-cems-001:so2', rule: 'emission', type: 'emission_exceedance', kind: 'activate', level: 3,
      park: 'vtc', enterprise: 'ti01', area: 'blr', device: 'vtc-ti01-cems-001', metric: 'so2', value: 37.5, threshold: 35, ts: H0 + HOUR,
      message: expect.stringContaining('37.5 mg/m³'),
    }])
  })

  it('an invalid hour (44 valid minutes) raises nothing, a valid one below the limit clears', () => {
    const m = new ExceedanceMonitor()
    feed(m, hourOfSamples(H0, () => ({ values: { so2: 50, o2: 6 } })))
    expect(feed(m, hourOfSamples(H0 + HOUR, (i) => ({ values: { so2: 80, o2: 6 }, flags: i < 44 ? { so2: 'N' } : { so2: 'M' } }))).map((t) => [t.metric, t.kind, t.ts])).toEqual([['so2', 'activate', H0 + HOUR]])
    // hour 2 was not valid: its end changes nothing; hour 3 is valid and below → clear at its end (by tick)
    expect(feed(m, hourOfSamples(H0 + 2 * HOUR, () => ({ values: { so2: 20, o2: 6 } })))).toEqual([])
    expect(m.tick(H0 + 3 * HOUR + 60_000)).toEqual([])
    expect(m.tick(H0 + 3 * HOUR + 120_000).map((t) => [t.key, t.kind, t.value])).toEqual([['emission:vtc-ti01-cems-001:so2', 'clear', 20]])
  })

  it('44 valid minutes above the limit: no transition; 45: one', () => {
    for (const [valid, n] of [[44, 0], [45, 1]] as const) {
      const m = new ExceedanceMonitor()
      feed(m, hourOfSamples(H0, (i) => (i < valid ? { values: { pm: 20, o2: 6 } } : undefined)))
      expect(m.tick(H0 + HOUR + 120_000)).toHaveLength(n)
    }
  })

  it('an hour with over-range (T) minutes: raised on the lower bound; it never clears, a valid hour without T does', () => {
    const m = new ExceedanceMonitor()
    // 35 valid minutes of SO2 30 at 6 % O2 and 10 T minutes of 100: (35 × 30 + 10 × 100) / 45 = 45.6 > 35, though only 35 valid minutes
    feed(m, hourOfSamples(H0, (i) => (i < 35 ? { values: { so2: 30, o2: 6 } } : i < 45 ? { values: { so2: 100, o2: 6 }, flags: { so2: 'T' } } : undefined)))
    const raised = m.tick(H0 + HOUR + 120_000).filter((t) => t.metric === 'so2')
    expect(raised.map((t) => [t.kind, t.value, t.threshold])).toEqual([['activate', 45.556, 35]])
    expect(raised[0]!.message).toContain('10 over-range minutes')
    // a valid hour below the limit but with T minutes says nothing; one without T clears
    feed(m, hourOfSamples(H0 + HOUR, (i) => (i < 58 ? { values: { so2: 10, o2: 6 } } : { values: { so2: 40, o2: 6 }, flags: { so2: 'T' } })))
    expect(m.tick(H0 + 2 * HOUR + 120_000).filter((t) => t.metric === 'so2')).toEqual([])
    feed(m, hourOfSamples(H0 + 2 * HOUR, () => ({ values: { so2: 10, o2: 6 } })))
    expect(m.tick(H0 + 3 * HOUR + 120_000).filter((t) => t.metric === 'so2').map((t) => [t.kind, t.value])).toEqual([['clear', 10]])
  })

  it('samples arriving out of order for a closed minute are left out', () => {
    const m = new ExceedanceMonitor()
    m.onReading(sample(H0 + 120_000, { so2: 1 }), stack())
    expect(m.onReading(sample(H0, { so2: 999 }), stack())).toEqual([])
  })
})

describe('daily compliance per park', () => {
  const hour = (i: number, so2: number, validMinutes: number): HourValue =>
    hourValue(stack(), H0 + i * HOUR, minutesFromSamples(hourOfSamples(H0 + i * HOUR, (m) => (m < validMinutes ? { values: { so2, nox: 10, pm: 2, o2: 6 } } : undefined))))

  it('counts valid and exceeded hours; the day is valid with 20 valid hours', () => {
    const hours = Array.from({ length: 24 }, (_, i) => hour(i, i === 5 || i === 6 ? 40 : 20, i < 20 ? 60 : 10))
    const d = stackDay(stack(), hours)
    expect(d.metrics.so2).toEqual({ limit: 35, validHours: 20, exceededHours: 2, overRangeHours: 0, exceededAt: [H0 + 5 * HOUR, H0 + 6 * HOUR], dailyMean: 22, dailyMeasuredMean: 22, dayValid: true, dailyMeanAboveLimit: false })
    expect(d.compliant).toBe(false)
    const d19 = stackDay(stack(), hours.map((h, i) => (i === 0 ? hour(0, 20, 30) : h)))
    expect(d19.metrics.so2!.dayValid).toBe(false)
    const r = complianceReport('vtc', '2025-06-10', 'Asia/Shanghai', H0, H0 + 24 * HOUR, [d, stackDay(stack({ id: 's2' }), hours.map((_, i) => hour(i, 10, 60)))])
    expect(r.summary).toEqual({ stacks: 2, compliantStacks: 1, exceededHours: 2, invalidDays: 0 })
  })
})
