/**
 * The site plan's device marks as path data: one path per kind of mark (filled = fresh, hollow
 * with a clock hand = stale, hollow and crossed = offline, a thin ring = never seen, and each
 * warning level's shape), each holding every device of that kind, and how each path is drawn
 * (`markLayers`). A device drawn as an element of its own has its own paths (PlanMarks); the
 * canvas of a big park's bulk draws one device of each kind and stamps it (bulk-draw.ts). Also the
 * geometry of the SVG viewBox (`preserveAspectRatio="xMidYMid meet"`) and the hit test that
 * lets a click or a hover find a device drawn in the bulk.
 */
import type { AlarmLevel } from '../../../../hub/src/model/alarm.js'
import type { Connectivity } from '../device-state.js'
import { LEVEL_SHAPES, LEVELS, shapeCorners } from '../levels.js'

export interface ViewBox {
  x: number
  y: number
  w: number
  h: number
}

/** Screen pixels (within the box) = offset + metres × scale, as the SVG's viewBox maps them. */
export interface PlanFit {
  scale: number
  x: number
  y: number
}

export function fitView(view: ViewBox, boxW: number, boxH: number): PlanFit {
  const scale = Math.min(boxW / view.w, boxH / view.h)
  if (!(scale > 0) || !Number.isFinite(scale)) return { scale: 0, x: 0, y: 0 }
  return { scale, x: (boxW - view.w * scale) / 2 - view.x * scale, y: (boxH - view.h * scale) / 2 - view.y * scale }
}

export function toMetres(fit: PlanFit, px: number, py: number): { x: number; y: number } {
  return { x: (px - fit.x) / fit.scale, y: (py - fit.y) / fit.scale }
}

export interface PlanMark {
  x: number
  y: number
  connectivity: Connectivity
  level: AlarmLevel | null
}

/** Path data (`d`) per kind of mark, in metres to the centimetre; an empty string where there is none. */
export interface BulkPaths {
  fresh: string
  staleRing: string
  staleHand: string
  /** The ring and the cross, one path: filled, the cross has no area. */
  offline: string
  nodata: string
  /** Level shapes, least severe first (so the most severe are painted on top). */
  levels: { level: AlarmLevel; d: string }[]
  /** The dashed ring around an alarming device that is offline. */
  alarmOffline: string
}

/** Metres to whole centimetres: the arithmetic is done in them, so no sum writes as 0.30000000000000004. */
const cm = (metres: number): number => Math.round(metres * 100)
/** Whole centimetres as metres, as they are written in the path. */
const m = (cm: number): number => cm / 100

/**
 * A mark of one size, as where its path starts relative to the device (centimetres) and the
 * rest of the path in relative commands (metres): the same for every device, so a device's
 * mark is its start point and this tail. Two numbers to write per mark instead of eight to
 * sixteen (3,180 marks in one path each, a third alarming: 11 – 13 → 9 – 10.5 ms in Node, when
 * the bulk was such paths; now the plan builds paths of one device each).
 */
interface MarkShape {
  dx: number
  dy: number
  tail: string
}

function circleShape(r: number): MarkShape {
  const R = cm(r)
  return { dx: -R, dy: 0, tail: `a${m(R)},${m(R)} 0 1 0 ${m(2 * R)},0a${m(R)},${m(R)} 0 1 0 ${m(-2 * R)},0z` }
}

function levelShape(level: AlarmLevel, r: number): MarkShape {
  const corners = shapeCorners(LEVEL_SHAPES[level])
  if (corners === null) return circleShape(r)
  const at = corners.map(([x, y]) => [cm(r * x), cm(r * y)] as const)
  const [first] = at
  return { dx: first![0], dy: first![1], tail: `${at.slice(1).map(([x, y], i) => `l${m(x - at[i]![0])},${m(y - at[i]![1])}`).join('')}z` }
}

/** The paths for `marks`, with the device radius `r` (metres) the element marks use. */
export function bulkPaths(marks: readonly PlanMark[], r: number): BulkPaths {
  const ring = circleShape(r)
  const wide = circleShape(r * 2.1)
  const k = cm(r * 0.6)
  const cross: MarkShape = { dx: -k, dy: -k, tail: `l${m(2 * k)},${m(2 * k)}m0,${m(-2 * k)}l${m(-2 * k)},${m(2 * k)}` }
  const hand: MarkShape = { dx: 0, dy: -k, tail: `v${m(k)}h${m(cm(r * 0.5))}` }
  const shapes = new Map<AlarmLevel, MarkShape>()
  const fresh: string[] = []
  const staleRing: string[] = []
  const staleHand: string[] = []
  const offline: string[] = []
  const nodata: string[] = []
  const byLevel = new Map<AlarmLevel, string[]>()
  const alarmOffline: string[] = []
  for (const mark of marks) {
    const x = cm(mark.x)
    const y = cm(mark.y)
    const at = (s: MarkShape): string => `M${m(x + s.dx)},${m(y + s.dy)}${s.tail}`
    if (mark.level !== null) {
      let list = byLevel.get(mark.level)
      if (list === undefined) byLevel.set(mark.level, (list = []))
      let shape = shapes.get(mark.level)
      if (shape === undefined) shapes.set(mark.level, (shape = levelShape(mark.level, r * 1.6)))
      list.push(at(shape))
      if (mark.connectivity === 'offline') alarmOffline.push(at(wide))
      continue
    }
    switch (mark.connectivity) {
      case 'fresh':
        fresh.push(at(ring))
        break
      case 'stale':
        staleRing.push(at(ring))
        staleHand.push(at(hand))
        break
      case 'offline':
        offline.push(at(ring) + at(cross))
        break
      case 'nodata':
        nodata.push(at(ring))
        break
    }
  }
  const levels = [...LEVELS]
    .reverse()
    .filter((l) => byLevel.has(l))
    .map((level) => ({ level, d: byLevel.get(level)!.join('') }))
  return {
    fresh: fresh.join(''),
    staleRing: staleRing.join(''),
    staleHand: staleHand.join(''),
    offline: offline.join(''),
    nodata: nodata.join(''),
    levels,
    alarmOffline: alarmOffline.join(''),
  }
}

/** One path of marks and how it is drawn; colours name CSS custom properties, widths are in units (u). */
export interface MarkLayer {
  d: string
  fill: string | null
  stroke: string
  width: number
  /** Dash and gap, in units; none for a solid line. */
  dash?: readonly [number, number]
}

/**
 * The paths of `p` in drawing order, with their styles: one description for the SVG marks
 * (PlanMarks) and the canvas of a big park's bulk (bulk-draw.ts), so both look the same. Solid
 * lines where marks are many: a dashed line costs the rasteriser (without a GPU) a segment every
 * few pixels of every ring. Paths with no marks are left out; bulk-draw.ts stacks kinds of mark
 * in this order too (`drawnAt`).
 */
export function markLayers(p: BulkPaths): MarkLayer[] {
  const layers: MarkLayer[] = [
    { d: p.fresh, fill: '--device', stroke: '--plan-bg', width: 0.2 },
    { d: p.staleRing, fill: '--plan-bg', stroke: '--device', width: 0.3 },
    { d: p.staleHand, fill: null, stroke: '--device', width: 0.2 },
    { d: p.offline, fill: '--plan-bg', stroke: '--device-stale', width: 0.25 },
    { d: p.nodata, fill: null, stroke: '--device-stale', width: 0.15 },
    ...p.levels.map(({ level, d }): MarkLayer => ({ d, fill: `--level-${level}`, stroke: '--plan-bg', width: 0.25 })),
    { d: p.alarmOffline, fill: null, stroke: '--text', width: 0.25, dash: [0.5, 0.4] },
  ]
  return layers.filter((l) => l.d !== '')
}

/** The item nearest to (x, y) within `within` (same units), if any. */
export function nearest<T>(items: readonly T[], at: (item: T) => { x: number; y: number }, x: number, y: number, within: number): T | undefined {
  let best: T | undefined
  let bestD = within * within
  for (const item of items) {
    const p = at(item)
    const d = (p.x - x) ** 2 + (p.y - y) ** 2
    if (d <= bestD) {
      bestD = d
      best = item
    }
  }
  return best
}

/** The same items in the same order (by identity): a derived list that would not change returns the one it had. */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i])
}
