/**
 * Places on the zone (park → enterprise → area) as incidents name them, and the automatic
 * incident title "hazard · place", zh-CN and en.
 */
import type { Incident } from '../model/incident.js'
import type { Hazard } from '../model/response-plan.js'
import type { Area, Enterprise, Park, Zone } from '../model/zone.js'
import { HAZARD_TEXT } from './hazard.js'

export type ZoneParks = Pick<Zone, 'parks'>

export function findPark(zone: ZoneParks, park: string): Park | undefined {
  return zone.parks.find((p) => p.id === park)
}

export function findArea(park: Park, area: string): Area | undefined {
  return park.areas.find((a) => a.id === area)
}

export function findEnterprise(park: Park, enterprise: string): Enterprise | undefined {
  return park.enterprises.find((e) => e.id === enterprise)
}

/** The narrowest named place of an incident: its area, else its enterprise, else its park. */
export function placeName(zone: ZoneParks, at: Pick<Incident, 'park' | 'area' | 'enterprise'>): { zh: string; en: string } {
  const park = findPark(zone, at.park)
  if (!park) return { zh: at.park, en: at.park }
  const area = at.area !== undefined ? findArea(park, at.area) : undefined
  if (area) return { zh: area.name, en: area.nameEn ?? area.name }
  if (at.area !== undefined) return { zh: at.area, en: at.area }
  const ent = at.enterprise !== undefined ? findEnterprise(park, at.enterprise) : undefined
  if (ent) return { zh: ent.name, en: ent.nameEn }
  if (at.enterprise !== undefined) return { zh: at.enterprise, en: at.enterprise }
  return { zh: park.name, en: park.nameEn }
}

export function autoTitle(zone: ZoneParks, hazard: Hazard, at: Pick<Incident, 'park' | 'area' | 'enterprise'>): { title: string; titleEn: string } {
  const [zh, en] = HAZARD_TEXT[hazard]
  const place = placeName(zone, at)
  return { title: `${zh} · ${place.zh}`, titleEn: `${en} · ${place.en}` }
}
