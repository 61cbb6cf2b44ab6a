import { describe, expect, it } from 'vitest'
import { LEVEL_SHAPES, shapePath } from '../../../dashboard/src/lib/levels.js'
import { bulkPaths, fitView, markLayers, nearest, sameItems, toMetres } from '../../../dashboard/src/lib/plan/plan-bulk.js'

/** The points a path visits (M, L and relative l; the end points of arcs), in absolute terms. */
function absolute(d: string): [number, number][] {
  const out: [number, number][] = []
  let [x, y] = [0, 0]
  for (const [, cmd, args] of d.matchAll(/([MLlAa])([^MLlAazZ]*)/g)) {
    const n = args!.trim().split(/[ ,]+/).map(Number)
    const [dx, dy] = cmd === 'A' || cmd === 'a' ? [n[5]!, n[6]!] : [n[0]!, n[1]!]
    ;[x, y] = cmd === cmd!.toLowerCase() ? [x + dx, y + dy] : [dx, dy]
    out.push([x, y])
  }
  return out
}

describe('site plan bulk: geometry, paths and hit test', () => {
  it('maps metres to the box as the SVG viewBox does (xMidYMid meet)', () => {
    // A 100 × 50 m view in a 400 × 400 px box: 4 px per metre, centred vertically.
    const fit = fitView({ x: 0, y: 0, w: 100, h: 50 }, 400, 400)
    expect(fit.scale).toBe(4)
    expect(fit.x).toBe(0)
    expect(fit.y).toBe(100)
    // A view that starts before the origin shifts the drawing.
    const shifted = fitView({ x: -10, y: -10, w: 100, h: 100 }, 200, 100)
    expect(shifted.scale).toBe(1)
    expect(shifted.x + 0 * shifted.scale).toBe(60)
    expect(shifted.y).toBe(10)
    expect(toMetres(shifted, 60, 10)).toEqual({ x: 0, y: 0 })
  })
  it('has no scale while the box has no size', () => {
    expect(fitView({ x: 0, y: 0, w: 100, h: 100 }, 0, 0).scale).toBe(0)
  })
  it('picks the nearest device within reach, or none', () => {
    const pts = [
      { id: 'a', x: 0, y: 0 },
      { id: 'b', x: 10, y: 0 },
      { id: 'c', x: 4, y: 3 },
    ]
    expect(nearest(pts, (p) => p, 5, 2, 3)?.id).toBe('c')
    expect(nearest(pts, (p) => p, 9, 0, 3)?.id).toBe('b')
    expect(nearest(pts, (p) => p, 50, 50, 3)).toBeUndefined()
  })
  it('tells a list with the same items in the same order from one that changed', () => {
    const [a, b] = [{ id: 'a' }, { id: 'b' }]
    expect(sameItems([a, b], [a, b])).toBe(true)
    expect(sameItems([a, b], [b, a])).toBe(false)
    expect(sameItems([a], [a, b])).toBe(false)
    expect(sameItems([a], [{ id: 'a' }])).toBe(false)
  })
})

describe('site plan bulk paths', () => {
  it('puts each device in the path of its kind of mark, levels least severe first', () => {
    const p = bulkPaths(
      [
        { x: 10, y: 10, connectivity: 'fresh', level: null },
        { x: 20, y: 10, connectivity: 'stale', level: null },
        { x: 30, y: 10, connectivity: 'offline', level: null },
        { x: 40, y: 10, connectivity: 'nodata', level: null },
        { x: 50, y: 10, connectivity: 'fresh', level: 1 },
        { x: 60, y: 10, connectivity: 'offline', level: 3 },
      ],
      1,
    )
    // A mark's start point, then relative commands the same for every device.
    expect(p.fresh).toBe('M9,10a1,1 0 1 0 2,0a1,1 0 1 0 -2,0z')
    expect(p.staleRing).toContain('M19,10a1,1')
    expect(p.staleHand).toBe('M20,9.4v0.6h0.5')
    expect(p.offline).toBe('M29,10a1,1 0 1 0 2,0a1,1 0 1 0 -2,0zM29.4,9.4l1.2,1.2m0,-1.2l-1.2,1.2')
    expect(p.nodata).toContain('M39,10a1,1')
    expect(p.levels.map((l) => l.level)).toEqual([3, 1])
    // An alarming device is drawn by its level only, with a dashed ring when offline.
    expect(p.fresh).not.toContain('M49')
    expect(p.alarmOffline).toBe('M57.9,10a2.1,2.1 0 1 0 4.2,0a2.1,2.1 0 1 0 -4.2,0z')
  })
  it("draws a level's shape where shapePath puts it, to the centimetre, with no long decimals", () => {
    for (const level of [1, 2, 3, 4] as const) {
      const [x, y, r] = [123.456, 78.9, 1.3]
      const bulk = bulkPaths([{ x, y, connectivity: 'fresh', level }], r).levels[0]!.d
      const corners = absolute(bulk)
      const expected = absolute(shapePath(LEVEL_SHAPES[level], x, y, r * 1.6))
      expect(corners.length).toBe(expected.length)
      corners.forEach(([px, py], i) => {
        expect(px).toBeCloseTo(expected[i]![0]!, 1.5)
        expect(py).toBeCloseTo(expected[i]![1]!, 1.5)
      })
      expect(bulk).not.toMatch(/\d\.\d{3}/)
    }
  })
  it('draws nothing for no marks', () => {
    const p = bulkPaths([], 1)
    expect(p.fresh + p.staleRing + p.offline + p.nodata + p.alarmOffline).toBe('')
    expect(p.levels).toEqual([])
  })
  it('says how each path is drawn, in drawing order, leaving out kinds with no marks', () => {
    const p = bulkPaths(
      [
        { x: 10, y: 10, connectivity: 'offline', level: null },
        { x: 20, y: 10, connectivity: 'nodata', level: null },
        { x: 30, y: 10, connectivity: 'offline', level: 2 },
      ],
      1,
    )
    const layers = markLayers(p)
    expect(layers.map((l) => l.d)).toEqual([p.offline, p.nodata, p.levels[0]!.d, p.alarmOffline])
    expect(layers.map((l) => l.fill)).toEqual(['--plan-bg', null, '--level-2', null])
    // Many marks, solid lines; only the few alarming offline devices' rings are dashed.
    expect(layers.map((l) => l.dash)).toEqual([undefined, undefined, undefined, [0.5, 0.4]])
  })
})
