/**
 * Crowded areas drawn as one group mark at low zoom: an area whose calm devices stand closer
 * together than their marks are wide (the median distance to the nearest neighbour under
 * CROWDED × the mark's radius) shows one badge at its centre with how many devices it holds and
 * how many are offline, instead of marks heaped on each other. Alarming, selected and
 * highlighted devices are never grouped: they stay marks of their own, on top. Zooming in makes
 * the marks smaller in metres (their size is fixed on screen), so the group opens into its devices.
 * Used for parks drawn in bulk (more than ELEMENTS_UP_TO devices, plan-devices.svelte.ts).
 */
import type { Area } from '../../../../hub/src/model/zone.js'
import type { Marker } from './plan-devices.svelte.js'

/** Marks closer than this many radii (median, to their nearest neighbour) crowd each other. */
export const CROWDED = 2.6
/** An area is grouped from this many calm devices. */
export const GROUP_FROM = 3

export interface PlanGroup {
  area: Area
  x: number
  y: number
  count: number
  offline: number
  stale: number
}

function medianNearest(ms: readonly Marker[]): number {
  const d: number[] = []
  for (const a of ms) {
    let best = Infinity
    for (const b of ms) {
      if (a === b) continue
      const dist = Math.hypot(a.d.position.x - b.d.position.x, a.d.position.y - b.d.position.y)
      if (dist < best) best = dist
    }
    d.push(best)
  }
  d.sort((x, y) => x - y)
  return d[Math.floor(d.length / 2)] ?? Infinity
}

/** Which areas to draw as groups for a mark radius `r` (metres), and the devices they hold. */
export function groupCrowded(markers: readonly Marker[], areas: readonly Area[], r: number, keep: (m: Marker) => boolean): { groups: PlanGroup[]; grouped: ReadonlySet<string> } {
  const byArea = new Map<string, Marker[]>()
  for (const m of markers) {
    if (m.d.area === undefined || keep(m)) continue
    let list = byArea.get(m.d.area)
    if (!list) byArea.set(m.d.area, (list = []))
    list.push(m)
  }
  const groups: PlanGroup[] = []
  const grouped = new Set<string>()
  for (const area of areas) {
    const ms = byArea.get(area.id)
    if (!ms || ms.length < GROUP_FROM || medianNearest(ms) >= CROWDED * r) continue
    groups.push({
      area,
      x: area.rect.x + area.rect.w / 2,
      y: area.rect.y + area.rect.h / 2,
      count: ms.length,
      offline: ms.filter((m) => m.look.connectivity === 'offline').length,
      stale: ms.filter((m) => m.look.connectivity === 'stale').length,
    })
    for (const m of ms) grouped.add(m.d.id)
  }
  return { groups, grouped }
}
