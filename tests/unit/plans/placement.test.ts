import { describe, expect, it } from 'vitest'
import { PlacementError, placementFrom } from '../../../hub/src/plans/placement.js'

describe('where a drawing lies on the site', () => {
  it('takes a scale and origin as given (origin 0, 0 when left out)', () => {
    expect(placementFrom({ metresPerPixel: 0.5 })).toEqual({ metresPerPixel: 0.5, origin: { x: 0, y: 0 } })
    expect(placementFrom({ metresPerPixel: 0.25, origin: { x: -10, y: 5 } })).toEqual({ metresPerPixel: 0.25, origin: { x: -10, y: -0 + 5 } })
  })

  it('fits the scale and origin to two reference points', () => {
    // Gate corner at pixel (100, 200) is site (60, 110) m; tank centre at pixel (900, 800) is (460, 410) m: 0.5 m/px.
    const p = placementFrom({ points: [{ px: { x: 100, y: 200 }, m: { x: 60, y: 110 } }, { px: { x: 900, y: 800 }, m: { x: 460, y: 410 } }] })
    expect(p.metresPerPixel).toBeCloseTo(0.5, 10)
    expect(p.origin.x).toBeCloseTo(10, 10)
    expect(p.origin.y).toBeCloseTo(10, 10)
    // Both points land where they belong.
    expect(p.origin.x + 900 * p.metresPerPixel).toBeCloseTo(460, 10)
  })

  it.each([
    ['points on top of each other on the drawing', [{ px: { x: 5, y: 5 }, m: { x: 0, y: 0 } }, { px: { x: 8, y: 5 }, m: { x: 10, y: 0 } }], /3\.0 px apart/],
    ['the same place on the site', [{ px: { x: 0, y: 0 }, m: { x: 1, y: 1 } }, { px: { x: 100, y: 0 }, m: { x: 1, y: 1 } }], /same place/],
    ['a drawing turned 90°', [{ px: { x: 0, y: 0 }, m: { x: 0, y: 0 } }, { px: { x: 100, y: 0 }, m: { x: 0, y: 50 } }], /turned 90\.0°/],
  ] as const)('refuses %s', (_name, points, why) => {
    expect(() => placementFrom({ points: [points[0], points[1]] })).toThrow(PlacementError)
    expect(() => placementFrom({ points: [points[0], points[1]] })).toThrow(why)
  })
})
