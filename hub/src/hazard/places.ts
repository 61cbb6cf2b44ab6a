/**
 * What a footprint covers on the site plan: buildings, gates, areas and the enterprises they
 * belong to (a rectangle counts when any part of it is inside a contour), and the park's
 * assembly points, upwind ones outside every band first (docs/hazard.md).
 */
import type { FootprintContour, FootprintMuster, FootprintPlace, PlanPolygon } from '../model/footprint.js'
import type { Park, Rect } from '../model/zone.js'
import { toPlumeFrame } from './dispersion.js'

type Pt = { x: number; y: number }

/** Ray casting (even–odd): whether a point is inside a polygon. */
export function pointInPolygon(p: Pt, poly: PlanPolygon): boolean {
  let inside = false
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!
    const [xj, yj] = poly[j]!
    if (yi > p.y !== yj > p.y && p.x < ((xj - xi) * (p.y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/** Whether segments ab and cd cross (proper intersection), by the signs of the cross products. */
function segmentsCross(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const d1 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx)
  const d2 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx)
  const d3 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
  const d4 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax)
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))
}

/** The polygon's bounding box, kept per polygon: most of a site's rectangles lie outside it and are refused at once. */
const boxes = new WeakMap<PlanPolygon, { x0: number; y0: number; x1: number; y1: number }>()
function boxOf(poly: PlanPolygon): { x0: number; y0: number; x1: number; y1: number } {
  let b = boxes.get(poly)
  if (!b) {
    b = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity }
    for (const [x, y] of poly) [b.x0, b.y0, b.x1, b.y1] = [Math.min(b.x0, x), Math.min(b.y0, y), Math.max(b.x1, x), Math.max(b.y1, y)]
    boxes.set(poly, b)
  }
  return b
}

/** Whether a rectangle and a polygon share any point: a corner inside, a vertex inside the rectangle, or crossing edges. */
export function rectTouchesPolygon(r: Rect, poly: PlanPolygon): boolean {
  if (poly.length < 3) return false
  const b = boxOf(poly)
  if (r.x > b.x1 || r.x + r.w < b.x0 || r.y > b.y1 || r.y + r.h < b.y0) return false
  const cx = [r.x, r.x + r.w, r.x + r.w, r.x]
  const cy = [r.y, r.y, r.y + r.h, r.y + r.h]
  for (let k = 0; k < 4; k++) if (pointInPolygon({ x: cx[k]!, y: cy[k]! }, poly)) return true
  for (const [x, y] of poly) if (x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h) return true
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [ax, ay] = poly[j]!
    const [bx, by] = poly[i]!
    for (let k = 0; k < 4; k++) if (segmentsCross(ax, ay, bx, by, cx[k]!, cy[k]!, cx[(k + 1) % 4]!, cy[(k + 1) % 4]!)) return true
  }
  return false
}

/** The highest level whose best estimate covers the rectangle, else the highest whose band does. */
function levelOver(rect: Rect, contours: readonly FootprintContour[]): { level: 1 | 2 | 3; bandOnly: boolean } | undefined {
  const byLevel = [...contours].sort((a, b) => b.level - a.level)
  for (const c of byLevel) if (rectTouchesPolygon(rect, c.polygon)) return { level: c.level, bandOnly: false }
  for (const c of byLevel) if (rectTouchesPolygon(rect, c.band)) return { level: c.level, bandOnly: true }
  return undefined
}

/** Buildings (by kind: gates apart), areas and their enterprises inside the contours, highest level first. */
export function placesInside(park: Park, contours: readonly FootprintContour[]): FootprintPlace[] {
  const out: FootprintPlace[] = []
  for (const b of park.site.buildings) {
    const hit = levelOver(b.rect, contours)
    if (hit) out.push({ kind: b.kind ?? 'building', id: b.id, name: b.name, nameEn: b.nameEn, ...hit })
  }
  const enterprises = new Map<string, { level: 1 | 2 | 3; bandOnly: boolean }>()
  for (const a of park.areas) {
    const hit = levelOver(a.rect, contours)
    if (!hit) continue
    out.push({ kind: 'area', id: a.id, name: a.name, nameEn: a.nameEn, ...hit })
    if (a.enterprise === undefined) continue
    const prev = enterprises.get(a.enterprise)
    if (!prev || hit.level > prev.level || (hit.level === prev.level && prev.bandOnly && !hit.bandOnly)) enterprises.set(a.enterprise, hit)
  }
  for (const e of park.enterprises) {
    const hit = enterprises.get(e.id)
    if (hit) out.push({ kind: 'enterprise', id: e.id, name: e.name, nameEn: e.nameEn, ...hit })
  }
  return out.sort((a, b) => b.level - a.level || Number(a.bandOnly) - Number(b.bandOnly))
}

/**
 * The park's assembly points with their distance from the source, whether they are upwind and
 * whether any band covers them: safe ones (upwind, outside) first, nearest first.
 */
export function musterPoints(park: Park, source: Pt, fromDeg: number, contours: readonly FootprintContour[]): FootprintMuster[] {
  return (park.musterPoints ?? [])
    .map((m) => {
      const along = toPlumeFrame(m.position, source, fromDeg).x
      const inside = contours.some((c) => pointInPolygon(m.position, c.band) || pointInPolygon(m.position, c.polygon))
      return { id: m.id, name: m.name, nameEn: m.nameEn, position: m.position, distanceM: Math.round(Math.hypot(m.position.x - source.x, m.position.y - source.y)), upwind: along < 0, inside }
    })
    .sort((a, b) => Number(b.upwind && !b.inside) - Number(a.upwind && !a.inside) || a.distanceM - b.distanceM)
}
