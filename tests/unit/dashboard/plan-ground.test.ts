import { describe, expect, it } from 'vitest'
import type { Area, Building } from '../../../hub/src/model/zone.js'
import { GROUND_CELLS, groundAt, groundPaths, type GroundPaths } from '../../../dashboard/src/lib/plan/plan-ground.js'

describe("site plan's ground", () => {
  const areas: Area[] = [
    { id: 'tanks', name: '罐区', rect: { x: 0, y: 0, w: 100, h: 50 } },
    { id: 'boiler', name: '锅炉房区', rect: { x: 200, y: 0, w: 80, h: 60 } },
  ]
  const buildings: Building[] = [
    { id: 'hall', name: '厂房', rect: { x: 210, y: 10, w: 40, h: 20 } },
    { id: 'unit', name: '装置', kind: 'unit', rect: { x: 260, y: 10, w: 10, h: 10 } },
    { id: 'tank1', name: '储罐1', kind: 'tank', rect: { x: 10, y: 10, w: 20, h: 10 } },
    { id: 'stack', name: '烟囱', kind: 'stack', rect: { x: 255, y: 40, w: 4, h: 6 } },
    { id: 'gate', name: '大门', kind: 'gate', rect: { x: 140, y: 95, w: 12, h: 5 } },
  ]

  const site = { width: 300, height: 100 }
  /** Every cell's subpaths of one kind, sorted: the drawing whatever cell each is in. */
  const all = (cells: GroundPaths[], kind: keyof GroundPaths): string =>
    cells
      .flatMap((c) => c[kind].split(/(?=M)/))
      .filter((p) => p !== '')
      .sort()
      .join('')

  it('draws each kind of outline as paths', () => {
    const cells = groundPaths(areas, buildings, undefined, site)
    const g = Object.fromEntries((['areas', 'hotArea', 'buildings', 'gates', 'tanks', 'stacks', 'stackCores'] as const).map((k) => [k, all(cells, k)])) as unknown as GroundPaths
    expect(g.areas).toBe('M0 0h100v50h-100ZM200 0h80v60h-80Z')
    expect(g.hotArea).toBe('')
    expect(cells.length).toBeLessThanOrEqual(GROUND_CELLS * GROUND_CELLS)
    // Buildings and units filled, gates outlined.
    expect(g.buildings).toBe('M210 10h40v20h-40ZM260 10h10v10h-10Z'.split(/(?=M)/).sort().join(''))
    expect(g.gates).toBe('M140 95h12v5h-12Z')
    // A tank: an ellipse in its rectangle, as two half arcs.
    expect(g.tanks).toBe('M10 15a10 5 0 1 0 20 0a10 5 0 1 0 -20 0Z')
    // A stack: a circle round the centre of its rectangle (radius half the longer side), and a core of half that.
    expect(g.stacks).toBe('M254 43a3 3 0 1 0 6 0a3 3 0 1 0 -6 0Z')
    expect(g.stackCores).toBe('M255.5 43a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0 -3 0Z')
  })

  it('draws the highlighted area on its own', () => {
    const cells = groundPaths(areas, buildings, 'boiler', site)
    expect(all(cells, 'areas')).toBe('M0 0h100v50h-100Z')
    expect(all(cells, 'hotArea')).toBe('M200 0h80v60h-80Z')
  })

  it('puts each shape in the cell of the site its centre is in, so a tile of the plan draws only the paths near it', () => {
    // The site in 6 × 6 cells of 50 × 16.7 m: the tank area's centre (50, 25) is in cell (1, 1),
    // the boiler area's (240, 30) in (4, 1), the hall's (230, 20) in (4, 1), the gate's (146, 97.5) in (2, 5).
    const cells = groundPaths(areas, buildings, undefined, site)
    const cellWith = (sub: string): number => cells.findIndex((c) => Object.values(c).some((d: string) => d.includes(sub)))
    expect(cellWith('M0 0h100')).not.toBe(cellWith('M200 0h80'))
    expect(cellWith('M200 0h80')).toBe(cellWith('M210 10h40'))
    expect(cellWith('M140 95h12')).not.toBe(cellWith('M200 0h80'))
    // Six cells hold shapes: (1, 1), (4, 1) with the hall, (5, 0) the unit, (0, 0) the tank, (5, 2) the stack, (2, 5) the gate.
    expect(cells).toHaveLength(6)
  })

  it('names the smallest building under a point, else the area, else nothing', () => {
    expect(groundAt(areas, buildings, 262, 12)?.id).toBe('unit')
    expect(groundAt(areas, buildings, 220, 20)?.id).toBe('hall')
    expect(groundAt(areas, buildings, 220, 50)?.id).toBe('boiler')
    expect(groundAt(areas, buildings, 150, 30)).toBeUndefined()
    // A smaller area inside a bigger one is the one named.
    const nested = [...areas, { id: 'pump', name: '泵区', rect: { x: 60, y: 20, w: 20, h: 20 } }]
    expect(groundAt(nested, buildings, 70, 30)?.id).toBe('pump')
  })
})
