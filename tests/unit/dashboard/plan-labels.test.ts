import { describe, expect, it } from 'vitest'
import { placeLabels, textWidth, type LabelRequest } from '../../../dashboard/src/lib/plan/plan-labels.js'

describe('site plan names', () => {
  const bounds = { x0: 0, y0: 0, x1: 1000, y1: 500 }
  const label = (id: string, x: number, y: number, text = '反应车间', anchor: 'start' | 'middle' = 'middle'): LabelRequest => ({ id, text, x, y, size: 10, anchor })

  it('measures CJK characters one em wide and others about half', () => {
    expect(textWidth('反应车间', 10)).toBe(40)
    expect(textWidth('Tank 4', 10)).toBeCloseTo(6 * 5.6)
  })

  it('centres a middle-anchored name on its point, and its box holds the text with a little room', () => {
    const [placed] = placeLabels([label('a', 500, 200)], bounds)
    expect(placed).toMatchObject({ id: 'a', left: 480, width: 40 })
    // The plate drawn under the name: the text's ascent above the baseline, its descent below,
    // and 0.15 em either side.
    expect(placed!.box.x0).toBeCloseTo(478.5)
    expect(placed!.box.x1).toBeCloseTo(521.5)
    expect(placed!.box.y0).toBeCloseTo(191)
    expect(placed!.box.y1).toBeCloseTo(202.5)
  })

  it('leaves out a name that would overlap one placed before it, the earlier one winning', () => {
    const placed = placeLabels([label('first', 500, 200), label('over', 510, 205), label('clear', 500, 230)], bounds)
    expect(placed.map((l) => l.id)).toEqual(['first', 'clear'])
  })

  it('shifts a name near an edge inside, and leaves out one whose point is outside', () => {
    const placed = placeLabels([label('edge', 995, 100), label('start', 990, 300, 'Gate', 'start'), label('out', -5, 400, 'Gate', 'start')], bounds)
    expect(placed.map((l) => l.id)).toEqual(['edge', 'start'])
    expect(placed[0]!.left).toBe(960)
    expect(placed[1]!.left).toBeCloseTo(1000 - 4 * 5.6)
  })
})
