import { describe, expect, it } from 'vitest'
import { chooseEvery, everyMs, planSeries, pointsFor } from '../../../hub/src/store/series-bounds.js'

const H = 3_600_000
const DAY = 24 * H
const T0 = Date.UTC(2026, 0, 1)

describe('series points arithmetic', () => {
  it('reads InfluxQL durations', () => {
    expect(everyMs('1s')).toBe(1000)
    expect(everyMs('15m')).toBe(900_000)
    expect(everyMs('2h')).toBe(2 * H)
    expect(everyMs('7d')).toBe(7 * DAY)
    expect(everyMs('0s')).toBeUndefined()
    expect(everyMs('1w')).toBeUndefined()
  })

  it('counts epoch-aligned buckets, both ends inclusive, times the series', () => {
    expect(pointsFor(T0, T0 + H, 60_000)).toBe(61)
    expect(pointsFor(T0 + 30_000, T0 + H, 60_000)).toBe(61)
    expect(pointsFor(T0, T0 + H - 1, 60_000)).toBe(60)
    expect(pointsFor(T0, T0 + H, 60_000, 3)).toBe(183)
    expect(pointsFor(T0, T0 + 400 * DAY, 1000)).toBe(34_560_001)
    expect(pointsFor(T0 + 1, T0, 1000)).toBe(0)
  })

  it('chooses the finest duration that fits the cap', () => {
    expect(chooseEvery(T0, T0 + H, 20_000)).toBe('1s')
    expect(chooseEvery(T0, T0 + DAY, 20_000)).toBe('5s')
    expect(chooseEvery(T0, T0 + 30 * DAY, 20_000)).toBe('5m')
    expect(chooseEvery(T0, T0 + 400 * DAY, 20_000)).toBe('30m')
    expect(chooseEvery(T0, T0 + 400 * DAY, 20_000, 10)).toBe('6h')
  })

  it('refuses a client every past the cap, naming the points and a coarser every that fits', () => {
    const p = planSeries({ from: T0 - 400 * DAY, to: T0, every: '1s' }, 20_000)
    expect(p).toEqual({ ok: false, points: 34_560_001, cap: 20_000, suggested: '30m' })
    expect(planSeries({ from: T0 - DAY, to: T0, every: '1m' }, 20_000)).toEqual({ ok: true, every: '1m', rawLimit: 20_000, chosen: false })
    // Exactly at the cap passes, one more bucket does not.
    expect(planSeries({ from: T0, to: T0 + 19_999_000, every: '1s' }, 20_000).ok).toBe(true)
    expect(planSeries({ from: T0, to: T0 + 20_000_000, every: '1s' }, 20_000).ok).toBe(false)
  })

  it('without every: raw points for a short range, a chosen every for a long one', () => {
    expect(planSeries({ from: T0 - H, to: T0, every: undefined }, 20_000)).toEqual({ ok: true, every: undefined, rawLimit: 20_000, chosen: false })
    expect(planSeries({ from: T0 - 30 * DAY, to: T0, every: undefined }, 20_000)).toEqual({ ok: true, every: '5m', rawLimit: 20_000, chosen: true })
  })
})
