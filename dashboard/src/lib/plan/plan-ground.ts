/**
 * The ground of a park's site plan as a few SVG paths per part of the site, one per way of
 * drawing (areas, the highlighted area, filled buildings, gates, tanks, stacks): a big park's
 * hundreds of outlines are then tens of elements to create, style and take down, not one each.
 * And, as the paths carry no names, what is under a point of the plan, for its tooltip.
 */
import type { Area, Building, Rect } from '../../../../hub/src/model/zone.js'

/** The ground of one part of the site: one path per way of drawing ('' where there is none). */
export interface GroundPaths {
  /** Every area but the highlighted one (filled, dashed outline). */
  areas: string
  /** The highlighted area, if any (its outline in the focus colour, solid). */
  hotArea: string
  /** Buildings and process units (filled rectangles). */
  buildings: string
  /** Gates (outlined rectangles, no fill). */
  gates: string
  /** Tanks (filled ellipses in their rectangle). */
  tanks: string
  /** Stacks: a filled circle round the rectangle's centre… */
  stacks: string
  /** …with a hollow core of half its radius. */
  stackCores: string
}

const rect = (r: Rect): string => `M${r.x} ${r.y}h${r.w}v${r.h}h${-r.w}Z`

function ellipse(cx: number, cy: number, rx: number, ry: number): string {
  return `M${cx - rx} ${cy}a${rx} ${ry} 0 1 0 ${2 * rx} 0a${rx} ${ry} 0 1 0 ${-2 * rx} 0Z`
}

/** The ground is cut into this many cells a side, each with its own paths (see groundPaths). */
export const GROUND_CELLS = 6

/**
 * The paths of a park's areas and buildings (metres, as the plan's viewBox), per cell of a
 * GROUND_CELLS × GROUND_CELLS grid over the site (by each shape's centre; empty cells left out).
 * One path of the whole ground would touch every tile the compositor rasterises, and each tile
 * would draw (and dash) all of it: in the dashboard bench, 286 – 373 ms of raster CPU over the
 * park switches against 116 – 183 with an element per shape. Cells keep each tile's share small.
 */
export function groundPaths(areas: readonly Area[], buildings: readonly Building[], highlightArea: string | undefined, site: { width: number; height: number }): GroundPaths[] {
  const cells = new Map<number, GroundPaths>()
  const cellOf = (r: Rect): GroundPaths => {
    const cx = Math.min(GROUND_CELLS - 1, Math.max(0, Math.floor(((r.x + r.w / 2) / site.width) * GROUND_CELLS)))
    const cy = Math.min(GROUND_CELLS - 1, Math.max(0, Math.floor(((r.y + r.h / 2) / site.height) * GROUND_CELLS)))
    const key = cy * GROUND_CELLS + cx
    let cell = cells.get(key)
    if (cell === undefined) cells.set(key, (cell = { areas: '', hotArea: '', buildings: '', gates: '', tanks: '', stacks: '', stackCores: '' }))
    return cell
  }
  for (const a of areas) {
    const cell = cellOf(a.rect)
    if (a.id === highlightArea) cell.hotArea += rect(a.rect)
    else cell.areas += rect(a.rect)
  }
  for (const b of buildings) {
    const { x, y, w, h } = b.rect
    const cell = cellOf(b.rect)
    switch (b.kind) {
      case 'tank':
        cell.tanks += ellipse(x + w / 2, y + h / 2, w / 2, h / 2)
        break
      case 'stack': {
        const r = Math.max(w, h) / 2
        cell.stacks += ellipse(x + w / 2, y + h / 2, r, r)
        cell.stackCores += ellipse(x + w / 2, y + h / 2, r / 2, r / 2)
        break
      }
      case 'gate':
        cell.gates += rect(b.rect)
        break
      default:
        cell.buildings += rect(b.rect)
    }
  }
  return [...cells.entries()].sort(([a], [b]) => a - b).map(([, cell]) => cell)
}

const holds = (r: Rect, x: number, y: number): boolean => x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h

/** What is at (x, y) in metres: the smallest building there, else the smallest area; undefined on open ground. */
export function groundAt<A extends { rect: Rect }, B extends { rect: Rect }>(areas: readonly A[], buildings: readonly B[], x: number, y: number): A | B | undefined {
  const smallest = <T extends { rect: Rect }>(items: readonly T[]): T | undefined => {
    let best: T | undefined
    for (const item of items) if (holds(item.rect, x, y) && (best === undefined || item.rect.w * item.rect.h < best.rect.w * best.rect.h)) best = item
    return best
  }
  return smallest(buildings) ?? smallest(areas)
}
