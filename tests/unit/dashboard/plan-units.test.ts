import { describe, expect, it } from 'vitest'
import { fitView } from '../../../dashboard/src/lib/plan/plan-bulk.js'
import { keptUnit, MARK_SLACK, MAX_PX, MIN_PX, planUnit, refit, refitStyle, relayout } from '../../../dashboard/src/lib/plan/plan-units.js'

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

describe('site plan refit', () => {
  // Where metres land on screen: through the SVG laid out at `drawn`, then the transform.
  const through = (view: { x: number; y: number; w: number; h: number }, drawn: { w: number; h: number }, box: { w: number; h: number }, m: { x: number; y: number }) => {
    const inSvg = fitView(view, drawn.w, drawn.h)
    const move = refit(view, drawn, box)!
    return { x: move.x + move.scale * (inSvg.x + m.x * inSvg.scale), y: move.y + move.scale * (inSvg.y + m.y * inSvg.scale) }
  }
  const cases = [
    { view: { x: -30, y: -30, w: 1060, h: 1060 }, drawn: { w: 1200, h: 880 }, box: { w: 1200, h: 554 } }, // the band opens
    { view: { x: -30, y: -30, w: 1060, h: 1060 }, drawn: { w: 1200, h: 554 }, box: { w: 1200, h: 880 } }, // and closes
    { view: { x: 0, y: 0, w: 1000, h: 300 }, drawn: { w: 1200, h: 880 }, box: { w: 1200, h: 554 } }, // a wide view: width-limited in both
    { view: { x: 100, y: 50, w: 400, h: 900 }, drawn: { w: 900, h: 700 }, box: { w: 500, h: 800 } },
  ]
  it('puts every point where the SVG laid out in the box itself would', () => {
    for (const { view, drawn, box } of cases) {
      const direct = fitView(view, box.w, box.h)
      for (const m of [{ x: view.x, y: view.y }, { x: view.x + view.w, y: view.y + view.h }, { x: 123, y: 456 }]) {
        const p = through(view, drawn, box, m)
        expect(p.x).toBeCloseTo(direct.x + m.x * direct.scale, 6)
        expect(p.y).toBeCloseTo(direct.y + m.y * direct.scale, 6)
      }
    }
  })
  it('leaves an SVG at its box size alone, and one without a size to fill the box', () => {
    const view = cases[0]!.view
    expect(refitStyle(view, { w: 1200, h: 880 }, { w: 1200, h: 880 })).toBe('width: 1200px; height: 880px')
    expect(refitStyle(view, { w: 1200, h: 880 }, { w: 1200, h: 554 })).toMatch(/^width: 1200px; height: 880px; transform-origin: 0 0; transform: translate\(.+px, .+px\) scale\(0\.62954/)
    expect(refitStyle(view, { w: 0, h: 0 }, { w: 1200, h: 880 })).toBe('')
    expect(refit(view, { w: 1200, h: 880 }, { w: 0, h: 0 })).toBeNull()
  })
})

describe('site plan relayout', () => {
  const view = { x: 0, y: 0, w: 1060, h: 530 }
  it('lays out anew until the box is measured, then keeps the layout through a resize within the slack', () => {
    const first = relayout(undefined, view, 10, { w: 0, h: 0 }, false)
    expect(first).toEqual({ view, u: 10, w: 0, h: 0, sized: false })
    // Measured: laid out again for the box, at the unit it asks for.
    const measured = relayout(first, view, 6, { w: 1200, h: 880 }, true)
    expect(measured).toEqual({ view, u: 6, w: 1200, h: 880, sized: true })
    // The band opens: the box shrinks, the unit it asks for grows 1.6×; the layout is the same object.
    expect(relayout(measured, view, 9.6, { w: 1200, h: 554 }, true)).toBe(measured)
    // Beyond the slack, or for another view, a new layout for the box as it is.
    expect(relayout(measured, view, 13, { w: 1200, h: 300 }, true)).toEqual({ view, u: 13, w: 1200, h: 300, sized: true })
    const other = { ...view }
    expect(relayout(measured, other, 6, { w: 1200, h: 554 }, true)).toEqual({ view: other, u: 6, w: 1200, h: 554, sized: true })
  })
})
