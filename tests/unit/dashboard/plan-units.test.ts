import { describe, expect, it } from 'vitest'
import { keptUnit, MARK_SLACK, MAX_PX, MIN_PX, planUnit } from '../../../dashboard/src/lib/plan-units.js'

describe('site plan units', () => {
  const view = { x: 0, y: 0, w: 1060, h: 530 }
  it('is about 1 % of the view, within a legible range of pixels', () => {
    // 1,060 m across 1,060 px: 1 px a metre, and 1 % is 10 m = 10 px, inside 8 – 12 px.
    expect(planUnit(view, 1060, 1060)).toBe(10)
    // The same view in a box a third the size: 10 m would be 3.3 px, so the unit grows to 8 px.
    expect(planUnit(view, 353, 353) * (353 / 1060)).toBeCloseTo(MIN_PX)
    // And in a box three times the size it shrinks to 12 px.
    expect(planUnit(view, 3180, 3180) * 3).toBeCloseTo(MAX_PX)
    // The height can be what limits the scale.
    expect(planUnit(view, 3000, 176.67) * (176.67 / 530)).toBeCloseTo(MIN_PX)
  })
  it('is 1 % of the view while the box has no size', () => {
    expect(planUnit(view, 0, 0)).toBe(10)
  })
  it('keeps the marks as drawn while the box changes by up to MARK_SLACK either way', () => {
    const drawn = { view, u: 10 }
    // The band below opens: the plan is 1.6 × smaller, text wants a 1.6 × bigger unit.
    expect(keptUnit(drawn, view, 16)).toBe(10)
    expect(keptUnit(drawn, view, 10 / 1.6)).toBe(10)
    expect(keptUnit(drawn, view, 10 * MARK_SLACK)).toBe(10)
    // Beyond it, they are redrawn.
    expect(keptUnit(drawn, view, 10 * MARK_SLACK * 1.01)).toBeCloseTo(20.2)
    expect(keptUnit(drawn, view, 10 / (MARK_SLACK * 1.01))).toBeCloseTo(4.95)
  })
  it('draws marks anew for another view or on the first drawing', () => {
    expect(keptUnit({ view, u: 10 }, { ...view }, 12)).toBe(12)
    expect(keptUnit(undefined, view, 12)).toBe(12)
  })
})
