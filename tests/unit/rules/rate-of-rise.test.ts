import { describe, expect, it } from 'vitest'
import { slopePerMin } from '../../../hub/src/rules/rate-of-rise.js'
import { brief, device, engineWith, feed, s } from './fixtures.js'

/** Samples every `step` seconds from `from` to `to` seconds, rising at `perMin` °C/min from `start`. */
function ramp(from: number, to: number, step: number, start: number, perMin: number): [number, number][] {
  const out: [number, number][] = []
  for (let t = from; t <= to; t += step) out.push([t, start + (perMin * (t - from)) / 60])
  return out
}

describe('least-squares slope', () => {
  it('is exact on a straight line, per minute', () => {
    expect(slopePerMin([0, 15_000, 30_000, 45_000], [20, 22, 24, 26])).toBe(8)
  })

  it('averages out a noisy sample that a first/last difference would take whole', () => {
    // 8 °C/min with +0.5 °C on the last sample: first/last would say 9 °C/min.
    const slope = slopePerMin([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000], [20, 21.333333, 22.666667, 24, 25.333333, 26.666667, 28.5]) as number
    expect(slope).toBeGreaterThan(8)
    expect(slope).toBeLessThan(8.4)
  })

  it('needs two distinct times', () => {
    expect(slopePerMin([1000], [20])).toBeUndefined()
    expect(slopePerMin([1000, 1000], [20, 30])).toBeUndefined()
  })
})

describe('rate of rise on a heat detector (8 °C/min, 60 s window)', () => {
  const heat = () => device('heat-1', 'fire', ['temp'], { interval: 15 })

  it('trips at 8 °C/min once the window spans 30 s, orange, on key heat-1:temp:ror', () => {
    const d = heat()
    const engine = engineWith([d])
    expect(feed(engine, d, [[0, 20], [15, 22]], 'temp')).toEqual([])
    const out = feed(engine, d, [[30, 24]], 'temp')
    expect(out.map(brief)).toEqual([{ key: 'heat-1:temp:ror', kind: 'activate', level: 2, threshold: 8, value: 8 }])
    expect(out[0]?.type).toBe('fire')
    expect(out[0]?.rule).toBe('rate_of_rise')
  })

  it('does not trip at 6 °C/min', () => {
    const d = heat()
    const engine = engineWith([d])
    expect(feed(engine, d, ramp(0, 240, 15, 20, 6), 'temp')).toEqual([])
  })

  it('does not trip just below, at 7.9 °C/min', () => {
    const d = heat()
    expect(feed(engineWith([d]), d, ramp(0, 120, 15, 20, 7.9), 'temp')).toEqual([])
  })

  it('two samples a few seconds apart cannot fake a steep rise', () => {
    const d = heat()
    expect(feed(engineWith([d]), d, [[0, 20], [5, 22], [10, 24]], 'temp')).toEqual([])
  })

  it('holds while the rate stays above trip − 1 °C/min, clears once it falls below 7', () => {
    const d = heat()
    const engine = engineWith([d])
    const up = feed(engine, d, ramp(0, 60, 15, 20, 8), 'temp')
    expect(up.map((t) => t.kind)).toEqual(['activate'])
    // Slower, 7.5 °C/min: still a rise, no clear.
    expect(feed(engine, d, ramp(75, 180, 15, 28 + 1.875, 7.5).map(([t, v]) => [t, v]), 'temp')).toEqual([])
    // Flat: the slope falls through 7 within the window, then the off-delay (5 s) runs out.
    const flat = feed(engine, d, [[195, 43], [210, 43], [225, 43]], 'temp')
    flat.push(...engine.tick(s(235)))
    expect(flat.map((t) => t.kind)).toEqual(['clear'])
    expect(flat[0]?.key).toBe('heat-1:temp:ror')
    expect(flat[0]?.level).toBe(2)
    expect(flat[0]?.value as number).toBeLessThan(7)
  })

  it('the fixed-temperature point and the rate of rise are separate conditions', () => {
    const d = heat()
    const engine = engineWith([d])
    const out = feed(engine, d, [[0, 40], [15, 46], [30, 52], [45, 58]], 'temp')
    expect(out.map((t) => [t.key, t.kind, t.threshold])).toEqual([
      ['heat-1:temp:ror', 'activate', 8],
      ['heat-1:temp:high', 'activate', 57],
    ])
  })
})
