/**
 * Each park's live summary as the parks column and the zone map show it: its live level (the
 * park's risk where known, else its highest alarm level), alarm counts by level, devices
 * online of all, and its latest incident. Parks in the zone's order.
 */
import type { Incident } from '../../../hub/src/model/incident.js'
import type { ParkRisk, RiskLevel } from '../../../hub/src/model/risk.js'
import type { Park } from '../../../hub/src/model/zone.js'
import { alarmView } from './alarm-view.svelte.js'
import type { LevelCounts } from './alarms.js'
import { highestLevel, LEVELS } from './levels.js'
import { live } from './live.svelte.js'
import { zone } from './zone.svelte.js'

export interface ParkSummary {
  park: Park
  /** Position in the zone file. */
  order: number
  risk: ParkRisk | undefined
  counts: LevelCounts
  level: RiskLevel
  online: number
  total: number
  incident: Incident | undefined
}

const NONE: LevelCounts = { 1: 0, 2: 0, 3: 0, 4: 0 }

export function parkSummaries(): ParkSummary[] {
  const { byPark } = alarmView.index
  const online = zone.online.byPark
  const latestIncident = new Map<string, Incident>()
  for (const i of live.incidents.values()) {
    const cur = latestIncident.get(i.park)
    if (cur === undefined || i.openedAt > cur.openedAt) latestIncident.set(i.park, i)
  }
  return zone.parks.map((park: Park, order: number) => {
    const risk = live.risk.get(park.id)
    const counts = byPark.get(park.id) ?? NONE
    const level = risk ? risk.level : highestLevel(LEVELS.filter((l) => counts[l] > 0))
    const total = zone.devicesOfPark(park.id).length
    return { park, order, risk, counts, level, online: online.get(park.id) ?? 0, total, incident: latestIncident.get(park.id) }
  })
}
