import { describe, expect, it } from 'vitest'
import { MIN_VIEW_M, panView, zoomOf, zoomView } from '../../../dashboard/src/lib/plan/plan-zoom.js'

const whole = { x: -30, y: -30, w: 1060, h: 860 }

describe('zoom and pan of a site plan', () => {
  it('zooms in keeping the point under the pointer where it is', () => {
    const at = { x: 400, y: 300 }
    const v = zoomView(whole, 2, whole, at)
    expect(v.w).toBeCloseTo(530)
    // The point's share of the view across is the same before and after.
    expect((at.x - v.x) / v.w).toBeCloseTo((at.x - whole.x) / whole.w)
    expect((at.y - v.y) / v.h).toBeCloseTo((at.y - whole.y) / whole.h)
    expect(zoomOf(v, whole)).toBeCloseTo(2)
  })

  it('stops at a detector\'s surroundings going in and at twice the site going out', () => {
    let v = whole
    for (let i = 0; i < 100; i++) v = zoomView(v, 1.25, whole)
    expect(Math.max(v.w, v.h)).toBeCloseTo(MIN_VIEW_M)
    for (let i = 0; i < 100; i++) v = zoomView(v, 1 / 1.25, whole)
    expect(Math.max(v.w, v.h)).toBeCloseTo(2 * 1060)
  })

  it('pans by metres, and never off the site entirely', () => {
    const v = zoomView(whole, 4, whole)
    expect(panView(v, 50, -20, whole)).toMatchObject({ x: v.x + 50, y: v.y - 20, w: v.w })
    const far = panView(v, 1e6, 1e6, whole)
    expect(far.x).toBeLessThanOrEqual(whole.x + whole.w - v.w / 4)
    expect(far.y).toBeLessThanOrEqual(whole.y + whole.h - v.h / 4)
  })
})
