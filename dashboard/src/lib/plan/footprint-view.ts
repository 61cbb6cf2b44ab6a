/**
 * How a park's hazard footprint (hub/src/model/footprint.ts) is drawn on the site plan and told
 * in its panel: outlines as SVG paths, the contour's colour (its emergency level read as a
 * warning level: AEGL-3 red, AEGL-2 orange, AEGL-1 yellow — DESIGN.md keeps those colours for
 * risk), where its label goes, the wind's compass point, the release rate's unit.
 */
import type { FootprintContour, FootprintMuster, FootprintPlume, ParkFootprint, PlanPolygon } from '../../../../hub/src/model/footprint.js'

/** SVG path data of a closed polygon in plan metres; empty for fewer than three points. */
export function polygonPath(p: PlanPolygon): string {
  if (p.length < 3) return ''
  return `M${p.map(([x, y]) => `${x} ${y}`).join('L')}Z`
}

/** The warning level (1 red … 3 yellow) a contour is coloured as: emergency level 3 is the gravest. */
export function warningLevelOf(c: Pick<FootprintContour, 'level'>): 1 | 2 | 3 {
  return (4 - c.level) as 1 | 2 | 3
}

/** Where a contour's label goes: its point farthest from the source (the plume's tip). */
export function tipOf(c: FootprintContour, source: { x: number; y: number }): { x: number; y: number } | undefined {
  let best: [number, number] | undefined
  let far = -1
  for (const p of c.polygon) {
    const d = Math.hypot(p[0] - source.x, p[1] - source.y)
    if (d > far) [far, best] = [d, p]
  }
  return best && { x: best[0], y: best[1] }
}

/**
 * The contours' labels at their tips, outermost first, leaving out one whose tip is within
 * `gap` metres (about a label's width) of a label already placed: close levels do not stack
 * their names on one another.
 */
export function contourLabels(plume: FootprintPlume, gap: number): { level: 1 | 2 | 3; label: string; x: number; y: number }[] {
  const out: { level: 1 | 2 | 3; label: string; x: number; y: number }[] = []
  for (const c of [...plume.contours].sort((a, b) => b.reachM - a.reachM)) {
    const tip = tipOf(c, plume.source)
    if (tip && out.every((o) => Math.hypot(o.x - tip.x, o.y - tip.y) >= gap)) out.push({ level: c.level, label: c.label, ...tip })
  }
  return out
}

export const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const
export type CompassPoint = (typeof COMPASS)[number]

/** The 8-point compass name of a direction in degrees from north. */
export function compassOf(deg: number): CompassPoint {
  return COMPASS[Math.round((((deg % 360) + 360) % 360) / 45) % 8]!
}

/** The release rate's unit: a concentration unit times m³/s (mg/m³ → mg/s). */
export function rateUnit(plume: Pick<FootprintPlume, 'unit'>): string {
  return plume.unit === 'mg/m³' ? 'mg/s' : `${plume.unit}·m³/s`
}

/** Three significant figures, grouped as the locale does. */
export function figure(v: number, locale: string): string {
  return Number(v.toPrecision(3)).toLocaleString(locale)
}

/** Contours drawn lowest level first, so the gravest lies on top. */
export function drawOrder(plume: FootprintPlume): FootprintContour[] {
  return [...plume.contours].sort((a, b) => a.level - b.level)
}

/** Whether the footprint has anything to tell: drawn plumes, or a gas alarm that could not be drawn. */
export function worthTelling(f: ParkFootprint | undefined): f is ParkFootprint {
  return f !== undefined && (f.state === 'estimate' || f.reason !== 'no_gas_alarm')
}

export type MusterState = 'safe' | 'downwind' | 'inside'
export function musterState(m: FootprintMuster): MusterState {
  return m.inside ? 'inside' : m.upwind ? 'safe' : 'downwind'
}
