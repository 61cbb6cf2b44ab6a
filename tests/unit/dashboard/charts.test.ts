import { describe, expect, it } from 'vitest'
import { framedColumns, isolatedIndices, valueRange } from '../../../dashboard/src/lib/charts/series.js'
import { pointTime, tickLabels, zoneDate, zoneOffsetName } from '../../../dashboard/src/lib/charts/time-axis.js'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 11, 7, 0, 0) // 2026-12-07 00:00 UTC = 08:00 in Shanghai, 05:30 in Kolkata

describe('chart columns', () => {
  it('spans the range asked for: from and to join the x column with no value when the points do not reach them', () => {
    expect(framedColumns([[T0 + 10, 1], [T0 + 20, null], [T0 + 30, 3]], T0, T0 + 100)).toEqual([
      [T0, T0 + 10, T0 + 20, T0 + 30, T0 + 100],
      [null, 1, null, 3, null],
    ])
    expect(framedColumns([[T0, 1], [T0 + 100, 2]], T0, T0 + 100)).toEqual([[T0, T0 + 100], [1, 2]])
    expect(framedColumns([], T0, T0 + 100)).toEqual([[T0, T0 + 100], [null, null]])
  })

  it('keeps x ascending: a point at or before the last one is dropped, a non-finite value is a gap', () => {
    expect(framedColumns([[T0 + 10, 1], [T0 + 10, 2], [T0 + 5, 3], [T0 + 20, Number.NaN]], T0, T0 + 20)).toEqual([
      [T0, T0 + 10, T0 + 20],
      [null, 1, null],
    ])
  })

  it('finds the readings with no neighbour, which a line would not show', () => {
    expect(isolatedIndices([null, 1, null, 2, 3, null, 4])).toEqual([1, 6])
    expect(isolatedIndices([5])).toEqual([0])
    expect(isolatedIndices([1, 2])).toEqual([])
  })
})

describe('value range', () => {
  it('rounds out to nice ticks and keeps the nearest set points in view', () => {
    expect(valueRange(3.2, 7.9, [25])).toEqual([0, 25])
    expect(valueRange(1.5, 7.9)).toEqual([0, 8])
    expect(valueRange(3.2, 7.9)).toEqual([3, 8])
  })

  it('leaves zero out when the values sit far above it (oxygen), keeps it for bars', () => {
    expect(valueRange(20.6, 20.9, [19.5])).toEqual([19.5, 21])
    expect(valueRange(20.6, 20.9, [], true)).toEqual([0, 25])
  })

  it('has a range when nothing is shown', () => {
    expect(valueRange(null, null)).toEqual([0, 1])
    expect(valueRange(null, null, [50])[1]).toBeGreaterThanOrEqual(50)
  })
})

describe('the time axis in the zone’s time zone', () => {
  it('labels hourly ticks by the zone’s clock, with the date under the first tick and each new day', () => {
    const ticks = [T0 + 15.5 * HOUR, T0 + 17.5 * HOUR, T0 + 19.5 * HOUR] // Kolkata's 21:00, 23:00, 01:00 the next day
    expect(tickLabels(ticks, 2 * HOUR, 'zh-CN', 'Asia/Kolkata')).toEqual(['21:00\n12/07', '23:00', '01:00\n12/08'])
    // The same instants on a UTC+8 clock fall on the half hour: the axis of the old chart.
    expect(tickLabels(ticks, 2 * HOUR, 'zh-CN', 'Asia/Shanghai')).toEqual(['23:30\n12/07', '01:30\n12/08', '03:30'])
  })

  it('labels daily ticks by date and monthly ones by month', () => {
    expect(tickLabels([T0, T0 + 24 * HOUR], 24 * HOUR, 'en', 'Asia/Shanghai')).toEqual(['12/07', '12/08'])
    expect(tickLabels([T0], 31 * 24 * HOUR, 'en', 'Asia/Shanghai')).toEqual(['12/2026'])
  })

  it('gives uPlot a date that reads as the zone’s wall clock', () => {
    const d = zoneDate('Asia/Kolkata')(T0)
    expect([d.getHours(), d.getMinutes()]).toEqual([5, 30])
  })

  it('writes a point’s time with the zone’s offset, daylight saving included', () => {
    expect(pointTime(T0, 'zh-CN', 'Asia/Kolkata', true)).toBe('2026/12/07 05:30:00 GMT+5:30')
    expect(pointTime(T0, 'en', 'Asia/Shanghai')).toBe('12/07/2026, 08:00 GMT+8')
    expect(zoneOffsetName(Date.UTC(2026, 6, 1), 'Europe/Berlin')).toBe('GMT+2')
    expect(zoneOffsetName(T0, 'Europe/Berlin')).toBe('GMT+1')
  })
})
