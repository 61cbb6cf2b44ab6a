import { describe, expect, it } from 'vitest'
import { scaleBarLength, viewOf } from '../../../dashboard/src/lib/plan/plan-view.js'

describe('the site plan view', () => {
  it('shows the whole site with a margin of 3 % of its larger side', () => {
    expect(viewOf({ width: 1000, height: 500 }, undefined)).toEqual({ x: -30, y: -30, w: 1060, h: 560 })
  })

  it('shows a focus with 35 % of its larger side and 1/60 of the site around it', () => {
    const v = viewOf({ width: 1200, height: 600 }, { x: 100, y: 200, w: 40, h: 20 })
    const pad = 40 * 0.35 + 1200 / 60
    expect(v.x).toBeCloseTo(100 - pad)
    expect(v.y).toBeCloseTo(200 - pad)
    expect(v.w).toBeCloseTo(40 + 2 * pad)
    expect(v.h).toBeCloseTo(20 + 2 * pad)
  })

  it('gives the scale bar the longest 1, 2, 5 or 10 × a power of ten within a fifth of the view inside its margins', () => {
    expect(scaleBarLength(1060, 30)).toBe(200)
    expect(scaleBarLength(1060, 100)).toBe(100)
    expect(scaleBarLength(300, 0)).toBe(50)
    expect(scaleBarLength(49, 0)).toBe(5)
  })
})
