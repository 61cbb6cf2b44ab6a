import { describe, expect, it } from 'vitest'
import { hourlyAuthorityOf } from '../../../hub/src/emissions/hourly-authority.js'
import { compareMetricHour, loggerMetricHour, sourcedHours, DEFAULT_HOUR_TOLERANCE } from '../../../hub/src/emissions/hourly-sources.js'
import { hoursFromMinutes, minutesFromSamples } from '../../../hub/src/emissions/hourly.js'
import { mergeMinutes, type LoggerHour } from '../../../hub/src/emissions/logger-hours.js'
import { metricsOfRow, minuteOf } from '../../../hub/src/store/logger-hourly-store.js'
import { H0, HOUR, MIN, hourOfSamples, stack } from './fixtures.js'

/** An hour of samples: SO2 20 mg/m³ at 9 % O2 (corrected to 6 %: 20 × 15 / 12 = 25), NOx 40 (50), every minute valid. */
const steady = hourOfSamples(H0, () => ({ values: { so2: 20, nox: 40, pm: 4, o2: 9, flow: 100_000 } }))
const hubHours = (samples = steady, starts = [H0]) => hoursFromMinutes(stack(), minutesFromSamples(samples), starts)
const row = (start: number, metrics: LoggerHour['metrics']): LoggerHour => ({ start, metrics })

describe('the logger’s 2061 hour judged like the hub’s', () => {
  it('takes -ZsAvg as the corrected value, else corrects -Avg with the logger’s own O2 (HJ 75)', () => {
    expect(loggerMetricHour(stack(), 'so2', { avg: 20, zsAvg: 25.5, flag: 'N' }, { avg: 9 })).toMatchObject({ measured: 20, corrected: 25.5, valid: true, exceeded: false })
    expect(loggerMetricHour(stack(), 'so2', { avg: 20 }, { avg: 9 })).toMatchObject({ measured: 20, corrected: 25, valid: true })
    expect(loggerMetricHour(stack(), 'so2', { avg: 30 }, { avg: 9 })).toMatchObject({ corrected: 37.5, valid: true, limit: 35, exceeded: true, exceededBy: 'mean' })
  })
  it('is not valid with a flag other than N, nor without O2 to correct with; no Avg is no hour', () => {
    expect(loggerMetricHour(stack(), 'so2', { avg: 30, zsAvg: 37.5, flag: 'D' }, undefined)).toMatchObject({ valid: false, exceeded: false })
    expect(loggerMetricHour(stack(), 'so2', { avg: 30 }, undefined)).toMatchObject({ corrected: null, valid: false })
    expect(loggerMetricHour(stack(), 'flow', { avg: 100_000 }, undefined)).toMatchObject({ measured: 100_000, corrected: null, valid: true })
    expect(loggerMetricHour(stack(), 'so2', { max: 40 }, undefined)).toBeUndefined()
  })
})

describe('differing hours: |logger − hub| > max(1 % of the larger, 0.01)', () => {
  const hub = hubHours()[0]!.metrics.so2 // corrected 25
  const lg = (zs: number, flag = 'N') => loggerMetricHour(stack(), 'so2', { avg: 20, zsAvg: zs, flag }, { avg: 9 })
  it('agrees within the tolerance, on both sides of it', () => {
    expect(hub.corrected).toBe(25)
    expect(compareMetricHour('so2', lg(25.25), hub, true, DEFAULT_HOUR_TOLERANCE)).toBeUndefined() // 0.25 = 1 % of 25.25
    expect(compareMetricHour('so2', lg(24.75), hub, true, DEFAULT_HOUR_TOLERANCE)).toBeUndefined() // 0.25 ≤ 1 % of 25
    expect(compareMetricHour('so2', lg(25.26), hub, true, DEFAULT_HOUR_TOLERANCE)).toEqual({ metric: 'so2', reason: 'value', logger: 25.26, hub: 25 })
    expect(compareMetricHour('so2', lg(24.74), hub, true, DEFAULT_HOUR_TOLERANCE)).toMatchObject({ reason: 'value' })
  })
  it('uses the absolute floor near zero', () => {
    const zero = loggerMetricHour(stack(), 'pm', { avg: 0.008 }, { avg: 9 }) // corrected 0.01: at the floor
    const hubZero = { ...hub, measured: 0, corrected: 0 }
    expect(compareMetricHour('pm', zero, hubZero, true, DEFAULT_HOUR_TOLERANCE)).toBeUndefined()
    expect(compareMetricHour('pm', loggerMetricHour(stack(), 'pm', { avg: 0.02 }, { avg: 9 }), hubZero, true, DEFAULT_HOUR_TOLERANCE)).toMatchObject({ reason: 'value' })
  })
  it('flags a validity disagreement, and a side without a value while the other has a valid one', () => {
    expect(compareMetricHour('so2', lg(25, 'M'), hub, true, DEFAULT_HOUR_TOLERANCE)).toMatchObject({ reason: 'validity', logger: 25, hub: 25 })
    expect(compareMetricHour('so2', undefined, hub, false, DEFAULT_HOUR_TOLERANCE)).toEqual({ metric: 'so2', reason: 'hub_only', logger: null, hub: 25 })
    const emptyHub = hubHours([], [H0])[0]!.metrics.so2
    expect(compareMetricHour('so2', lg(25), emptyHub, true, DEFAULT_HOUR_TOLERANCE)).toEqual({ metric: 'so2', reason: 'logger_only', logger: 25, hub: null })
  })
})

describe('sourcedHours', () => {
  const two = hubHours(hourOfSamples(H0, () => ({ values: { so2: 20, nox: 40, pm: 4, o2: 9, flow: 100_000 } })).concat(hourOfSamples(H0 + HOUR, () => ({ values: { so2: 20, nox: 40, pm: 4, o2: 9, flow: 100_000 } }))), [H0, H0 + HOUR])
  const logger = [
    row(H0, { so2: { avg: 20, zsAvg: 25 }, nox: { avg: 40, zsAvg: 50 }, o2: { avg: 9 } }),
    row(H0 + HOUR, { so2: { avg: 30, zsAvg: 37.5 }, nox: { avg: 40, zsAvg: 50 }, o2: { avg: 9 } }),
  ]

  it('the logger’s value counts by default, the hub’s beside it, and the differing hour is flagged', () => {
    const out = sourcedHours(stack(), two, logger, 'logger')
    expect(out[0]!.differs).toEqual([])
    expect(out[1]!.metrics.so2).toMatchObject({ corrected: 37.5, exceeded: true })
    expect(out[1]!.sources.so2).toBe('logger')
    expect(out[1]!.alternate.so2).toMatchObject({ corrected: 25, validMinutes: 60, exceeded: false })
    expect(out[1]!.differs).toEqual([{ metric: 'so2', reason: 'value', logger: 37.5, hub: 25 }])
    // Metrics the logger does not send (pm, flow) are the hub's and are compared with nothing.
    expect(out[1]!.sources.pm).toBe('hub')
    expect(out[1]!.differs.some((d) => d.metric === 'pm')).toBe(false)
  })
  it('with the hub as authority, the hub’s value counts and the logger’s is beside it', () => {
    const out = sourcedHours(stack(), two, logger, 'hub')
    expect(out[1]!.metrics.so2).toMatchObject({ corrected: 25, exceeded: false, validMinutes: 60 })
    expect(out[1]!.sources.so2).toBe('hub')
    expect(out[1]!.alternate.so2).toMatchObject({ corrected: 37.5, exceeded: true })
    expect(out[1]!.differs.map((d) => d.metric)).toEqual(['so2'])
  })
  it('an hour the logger did not send takes the hub’s value and is flagged hub_only; a device without logger hours is compared with nothing', () => {
    const out = sourcedHours(stack(), two, [logger[0]!], 'logger')
    expect(out[1]!.sources.so2).toBe('hub')
    expect(out[1]!.differs.map((d) => [d.metric, d.reason])).toEqual([['so2', 'hub_only'], ['nox', 'hub_only'], ['o2', 'hub_only']])
    // Just after the hour ended its 2061 may be on its way: not flagged for 15 minutes.
    expect(sourcedHours(stack(), two, [logger[0]!], 'logger', DEFAULT_HOUR_TOLERANCE, H0 + 2 * HOUR + 14 * MIN)[1]!.differs).toEqual([])
    expect(sourcedHours(stack(), two, [logger[0]!], 'logger', DEFAULT_HOUR_TOLERANCE, H0 + 2 * HOUR + 15 * MIN)[1]!.differs).toHaveLength(3)
    const mqtt = sourcedHours(stack(), two, [], 'logger')
    expect(mqtt.every((h) => h.differs.length === 0 && Object.values(h.sources).every((s) => s === 'hub'))).toBe(true)
    expect(mqtt[1]!.metrics).toEqual(two[1]!.metrics)
  })
})

describe('the logger’s minutes (2051) as the hub’s minutes', () => {
  it('reads a row’s fields by suffix, metric names with underscores included', () => {
    expect(metricsOfRow({ time: H0, device: 'd', interval: 'minute', so2_avg: 20, so2_zs: 25, so2_flag: 'N', flow_w_cou: 12.5, a99999_avg: 3, so2_max: null })).toEqual({
      so2: { avg: 20, zsAvg: 25, flag: 'N' }, flow_w: { cou: 12.5 }, a99999: { avg: 3 },
    })
  })
  it('takes a minute mean as one sample under its flag, T kept as over-range evidence', () => {
    expect(minuteOf(H0, { so2: { avg: 20, flag: 'N' }, nox: { avg: 40, flag: 'C' }, pm: { avg: 80, flag: 'T' }, cod: { avg: 1 } }).metrics).toEqual({
      so2: { sum: 20, n: 1 }, nox: { sum: 0, n: 0, flagged: { C: 1 } }, pm: { sum: 0, n: 0, flagged: { T: 1 }, t: { sum: 80, n: 1 } },
    })
  })
  it('prefers the logger’s minute to the readings’ for a metric, and keeps the readings’ minutes it lacks', () => {
    const raw = minutesFromSamples(hourOfSamples(H0, (m) => (m < 2 ? { values: { so2: 10, o2: 9 } } : undefined)))
    const merged = mergeMinutes(raw, [minuteOf(H0 + MIN, { so2: { avg: 30 } }), minuteOf(H0 + 2 * MIN, { so2: { avg: 40 } })])
    expect(merged.map((m) => [m.start - H0, m.metrics.so2?.sum, m.metrics.so2?.n, m.metrics.o2?.n])).toEqual([
      [0, 120, 12, 12], [MIN, 30, 1, 12], [2 * MIN, 40, 1, undefined],
    ])
  })
})

describe('hourly authority', () => {
  it('is the device’s, else its park’s, else the zone’s, else the logger’s', () => {
    expect(hourlyAuthorityOf({ park: 'vtc' }, undefined)).toBe('logger')
    expect(hourlyAuthorityOf({ park: 'vtc' }, { hourlyAuthority: 'hub' })).toBe('hub')
    expect(hourlyAuthorityOf({ park: 'vtc' }, { hourlyAuthority: 'hub', parkHourlyAuthority: { vtc: 'logger' } })).toBe('logger')
    expect(hourlyAuthorityOf({ park: 'vtc', hj212: { mn: 'M1', hourlyAuthority: 'hub' } }, { parkHourlyAuthority: { vtc: 'logger' } })).toBe('hub')
  })
})
