/**
 * The bulk of a big site plan as a handful of SVG paths instead of an element per device: one
 * path per kind of mark (filled = fresh, hollow with a clock hand = stale, dashed and crossed
 * = offline, dotted = never seen, and each warning level's shape), each holding every device
 * of that kind. The marks are the same as the plan's device elements. Also the geometry of the
 * SVG viewBox (`preserveAspectRatio="xMidYMid meet"`) and the hit test that lets a click or a
 * hover find a device drawn in the bulk.
 */
import type { AlarmLevel } from '../../../hub/src/model/alarm.js'
import type { Connectivity } from './device-state.js'
import { LEVEL_SHAPES, LEVELS, shapePath } from './levels.js'

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

/** Path data (`d`) per kind of mark; an empty string where there is none. */
export interface BulkPaths {
  fresh: string
  staleRing: string
  staleHand: string
  offlineRing: string
  offlineCross: string
  nodata: string
  /** Level shapes, least severe first (so the most severe are painted on top). */
  levels: { level: AlarmLevel; d: string }[]
  /** The dashed ring around an alarming device that is offline. */
  alarmOffline: string
}

const n = (v: number): string => (Math.round(v * 100) / 100).toString()
const circle = (x: number, y: number, r: number): string => `M${n(x - r)},${n(y)}a${n(r)},${n(r)} 0 1 0 ${n(2 * r)},0a${n(r)},${n(r)} 0 1 0 ${n(-2 * r)},0z`

/** The paths for `marks`, with the device radius `r` (metres) the element marks use. */
export function bulkPaths(marks: readonly PlanMark[], r: number): BulkPaths {
  const fresh: string[] = []
  const staleRing: string[] = []
  const staleHand: string[] = []
  const offlineRing: string[] = []
  const offlineCross: string[] = []
  const nodata: string[] = []
  const byLevel = new Map<AlarmLevel, string[]>()
  const alarmOffline: string[] = []
  for (const m of marks) {
    const { x, y } = m
    if (m.level !== null) {
      let list = byLevel.get(m.level)
      if (list === undefined) byLevel.set(m.level, (list = []))
      list.push(shapePath(LEVEL_SHAPES[m.level], x, y, r * 1.6))
      if (m.connectivity === 'offline') alarmOffline.push(circle(x, y, r * 2.1))
      continue
    }
    switch (m.connectivity) {
      case 'fresh':
        fresh.push(circle(x, y, r))
        break
      case 'stale':
        staleRing.push(circle(x, y, r))
        staleHand.push(`M${n(x)},${n(y - r * 0.6)}V${n(y)}H${n(x + r * 0.5)}`)
        break
      case 'offline':
        offlineRing.push(circle(x, y, r))
        offlineCross.push(`M${n(x - r * 0.6)},${n(y - r * 0.6)}L${n(x + r * 0.6)},${n(y + r * 0.6)}M${n(x + r * 0.6)},${n(y - r * 0.6)}L${n(x - r * 0.6)},${n(y + r * 0.6)}`)
        break
      case 'nodata':
        nodata.push(circle(x, y, r))
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
    offlineRing: offlineRing.join(''),
    offlineCross: offlineCross.join(''),
    nodata: nodata.join(''),
    levels,
    alarmOffline: alarmOffline.join(''),
  }
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

/**
 * Items grouped by the square cell (side `size`) their position falls in, in their order. The
 * bulk is drawn per cell, so a device that changes redraws its cell, not the whole park.
 */
export function groupByCell<T>(items: readonly T[], at: (item: T) => { x: number; y: number }, size: number): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const item of items) {
    const p = at(item)
    const key = `${Math.floor(p.x / size)}:${Math.floor(p.y / size)}`
    const list = out.get(key)
    if (list === undefined) out.set(key, [item])
    else list.push(item)
  }
  return out
}

/** The same items in the same order (by identity): a derived list that would not change returns the one it had. */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i])
}
