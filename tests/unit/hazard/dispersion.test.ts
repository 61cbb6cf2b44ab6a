import { describe, expect, it } from 'vitest'
import { briggsSigmas, centreline, concentration, downwind, fromPlumeFrame, halfWidth, reach, toPlumeFrame } from '../../../hub/src/hazard/dispersion.js'
import { plumeContour } from '../../../hub/src/hazard/contours.js'
import { pointInPolygon } from '../../../hub/src/hazard/places.js'

// The worked example of docs/hazard.md: class D, open country, x = 100 m, Q = 1 g/s, u = 2 m/s, no source size.
const W = { u: 2, stability: 'D' as const, terrain: 'rural' as const, sigma0: 0 }

describe('Gaussian plume, Briggs open-country σ (docs/hazard.md worked example)', () => {
  it('σy, σz at 100 m for class D', () => {
    const { sy, sz } = briggsSigmas(100, 'D', 'rural')
    expect(sy).toBeCloseTo(8 / Math.sqrt(1.01), 6) // 0.08·x·(1 + 0.0001x)^−½ = 7.9603
    expect(sz).toBeCloseTo(6 / Math.sqrt(1.15), 6) // 0.06·x·(1 + 0.0015x)^−½ = 5.5950
    expect(sy).toBeCloseTo(7.9603, 4)
    expect(sz).toBeCloseTo(5.595, 3)
  })

  it('centreline and off-axis concentration for Q = 1000 mg/s, u = 2 m/s', () => {
    expect(centreline(1000, 100, W)).toBeCloseTo(3.5735, 3) // 1000 / (π·2·7.9603·5.5950)
    expect(concentration(1000, 100, 5, W)).toBeCloseTo(2.9337, 3) // × exp(−25 / (2·7.9603²)) = 0.8210
    expect(concentration(1000, -100, 0, W)).toBe(0) // nothing upwind
  })

  it('half-width and reach at a 1 mg/m³ threshold', () => {
    expect(halfWidth(1000, 1, 100, W)).toBeCloseTo(12.704, 2) // 7.9603·√(2 ln 3.5735)
    const r = reach(1000, 1, W)
    expect(r).toBeGreaterThan(190)
    expect(r).toBeLessThan(200)
    expect(centreline(1000, r, W)).toBeCloseTo(1, 2)
  })

  it('urban curves spread more (class D at 100 m: σy 15.69, σz 13.79)', () => {
    const { sy, sz } = briggsSigmas(100, 'D', 'urban')
    expect(sy).toBeCloseTo(16 / Math.sqrt(1.04), 6)
    expect(sz).toBeCloseTo(14 / Math.sqrt(1.03), 6)
  })

  it('low wind is taken as 1 m/s; the source size keeps the near field finite', () => {
    expect(centreline(1000, 100, { ...W, u: 0.2 })).toBeCloseTo(centreline(1000, 100, { ...W, u: 1 }), 9)
    expect(Number.isFinite(centreline(1000, 0.001, { ...W, sigma0: 1 }))).toBe(true)
  })
})

describe('plan directions (x east, y south; wind direction is where it blows from)', () => {
  it('a north wind carries the gas south (+y), a west wind east (+x)', () => {
    expect(downwind(0).dy).toBeCloseTo(1, 9)
    expect(downwind(270).dx).toBeCloseTo(1, 9)
  })

  it('the plume frame goes there and back', () => {
    const s = { x: 100, y: 50 }
    const p = toPlumeFrame({ x: 130, y: 90 }, s, 37)
    const [x, y] = fromPlumeFrame(p.x, p.y, s, 37)
    expect(x).toBeCloseTo(130, 9)
    expect(y).toBeCloseTo(90, 9)
  })

  it('a contour lies downwind of its source and holds the centreline', () => {
    const { polygon, reachM } = plumeContour(1000, 1, { x: 0, y: 0 }, 0, W)
    expect(reachM).toBeCloseTo(reach(1000, 1, W), 3)
    expect(pointInPolygon({ x: 0, y: 100 }, polygon)).toBe(true) // 100 m south
    expect(pointInPolygon({ x: 0, y: -100 }, polygon)).toBe(false) // upwind
    expect(pointInPolygon({ x: 20, y: 100 }, polygon)).toBe(false) // wider than 12.7 m there
  })
})
