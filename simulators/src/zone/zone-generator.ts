import type { Park, UserEntry, Zone } from '../../../hub/src/model/zone.js'
import { createPrng } from './prng.js'
import { DEMO_MAP, parkGeo } from './zone-geo.js'
import { PARKS, ZONE_INFO } from './zone-catalogue.js'
import { enterpriseOf, layoutPark, musterPointsOf, siteOf, structures } from './zone-layout.js'
import {
  addAreaDevices, addTailGasStack, addWastewaterOutlet, addWeatherStation, assignHj212, enterpriseGateway, plan,
  type Credentials, type DeviceOutput, type IdCounters, type TailGasStack,
} from './zone-devices.js'

export type { Credentials } from './zone-devices.js'
export { HJ212_MN_PREFIX, INTERVALS, WASTEWATER_OUTLET, WEATHER_STATION_METRICS } from './zone-devices.js'

/**
 * Generates a demo zone modelled on the Panzhihua vanadium-titanium high-tech zone: real
 * park names, invented enterprises, hazardous areas with gas and fire detection, CEMS
 * stacks and energy meters. Pure and deterministic: the same options give the same zone
 * and the same plain secrets (only the salted hashes differ between runs, since
 * `hashSecret` salts with fresh random bytes).
 *
 * This file puts the zone together, in an order that is part of its output (each number
 * and secret is the next draw of its stream): the device plan and the devices come from
 * zone-devices.ts, the site plans and enterprises from zone-layout.ts.
 */

export interface GenerateZoneOptions {
  /** Wanted device count. Never fewer than the minimum set the parks need (about 200). */
  devices: number
  seed?: number
  users?: UserEntry[]
}

export function generateZone(options: GenerateZoneOptions): { zone: Zone; credentials: Credentials } {
  if (!Number.isInteger(options.devices) || options.devices < 1) throw new RangeError('devices must be a positive integer')
  const seed = options.seed ?? 1
  const out: DeviceOutput = {
    prng: createPrng(seed),
    // A separate stream for secrets, so that they are reproducible but not the layout's numbers.
    secrets: createPrng((seed ^ 0x5ec2e75) >>> 0),
    credentials: { zone: ZONE_INFO.id, devices: {}, gateways: {}, hj212: {} },
    devices: [], gateways: [],
  }
  const planned = plan(options.devices)
  const parks: Park[] = []
  const usedNames = new Set<string>()
  let enterpriseCount = 0
  const tailGas: TailGasStack[] = []

  for (const pt of PARKS) {
    const mine = planned.filter((e) => e.park === pt)
    const layout = layoutPark(mine)
    const park = siteOf(pt, layout)
    for (const pe of mine) {
      const enterprise = enterpriseOf(out.prng, `${pt.id}-${pe.code}`, pe.industry, usedNames)
      park.enterprises.push(enterprise)
      const gateway = enterpriseGateway(out, enterpriseCount++, pt.id, enterprise)
      const counters: IdCounters = new Map()
      for (const pa of pe.areas) {
        const rect = layout.rects.get(pa)!
        const areaId = `${enterprise.id}-${pa.tpl.code}`
        park.areas.push({ id: areaId, name: pa.tpl.name, nameEn: pa.tpl.nameEn, enterprise: enterprise.id, rect })
        const buildings = structures(areaId, pa.tpl, rect)
        park.site.buildings.push(...buildings)
        const stack = buildings.find((b) => b.kind === 'stack')
        if (pa.tpl.tailGasStack && stack) tailGas.push({ park: pt.id, entId: enterprise.id, areaId, tpl: pa.tpl.tailGasStack, rect: stack.rect, counters })
        addAreaDevices(out, pa, { park: pt.id, enterprise: enterprise.id, area: areaId, rect, stack, gateway, counters })
      }
    }
    parks.push(park)
  }
  // Tail-gas stacks, then wastewater outlets, last (zone-catalogue.ts): every earlier device keeps its id and secret.
  for (const x of tailGas) addTailGasStack(out, x)
  for (const park of parks) addWastewaterOutlet(out, park)
  // HJ 212 identities last, so that every MQTT secret above stays as it was.
  assignHj212(out)
  // A weather station per park and its assembly points, after everything else: every earlier secret stays as it was.
  for (const park of parks) {
    park.musterPoints = musterPointsOf(park)
    addWeatherStation(out, park)
  }

  // On the zone map: each park where its schematic map position puts it (zone-geo.ts).
  for (const park of parks) if (park.mapPosition) park.geo = parkGeo(park.id, park.mapPosition, park.enterprises.length)
  const zone: Zone = {
    id: ZONE_INFO.id, name: ZONE_INFO.name, nameEn: ZONE_INFO.nameEn, timezone: ZONE_INFO.timezone,
    parks, gateways: out.gateways, devices: out.devices, users: options.users ?? [], map: DEMO_MAP,
  }
  return { zone, credentials: out.credentials }
}
