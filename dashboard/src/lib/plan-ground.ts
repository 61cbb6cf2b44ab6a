/**
 * The ground of a park's site plan as a few SVG paths, one per way of drawing (areas, the
 * highlighted area, filled buildings, gates, tanks, stacks): a big park's hundreds of outlines
 * are then a handful of elements to create, style and take down, not one each. And, as the
 * paths carry no names, what is under a point of the plan, for its tooltip.
 */
import type { Area, Building } from '../../../hub/src/model/zone.js'

interface Rect {
  x: number
  y: number
  w: number
  h: number
}

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

/** The paths of a park's areas and buildings (metres, as the plan's viewBox). */
export function groundPaths(areas: readonly Area[], buildings: readonly Building[], highlightArea: string | undefined): GroundPaths {
  const out: GroundPaths = { areas: '', hotArea: '', buildings: '', gates: '', tanks: '', stacks: '', stackCores: '' }
  for (const a of areas) {
    if (a.id === highlightArea) out.hotArea += rect(a.rect)
    else out.areas += rect(a.rect)
  }
  for (const b of buildings) {
    const { x, y, w, h } = b.rect
    switch (b.kind) {
      case 'tank':
        out.tanks += ellipse(x + w / 2, y + h / 2, w / 2, h / 2)
        break
      case 'stack': {
        const r = Math.max(w, h) / 2
        out.stacks += ellipse(x + w / 2, y + h / 2, r, r)
        out.stackCores += ellipse(x + w / 2, y + h / 2, r / 2, r / 2)
        break
      }
      case 'gate':
        out.gates += rect(b.rect)
        break
      default:
        out.buildings += rect(b.rect)
    }
  }
  return out
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
