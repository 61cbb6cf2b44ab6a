import type { Reading } from '../../../hub/src/model/reading.js'
import type { Enterprise, Park, Zone } from '../../../hub/src/model/zone.js'
import { LocalCalendar } from '../../../hub/src/energy/calendar.js'

export const cal = new LocalCalendar('Asia/Shanghai')
/** Local Asia/Shanghai wall-clock time (UTC+8, no daylight saving) as epoch ms. */
export const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number => Date.UTC(y, mo - 1, d, h - 8, mi, s)
export const MIN = 60_000
export const HOUR = 3_600_000
export const DAY = 86_400_000

function enterprise(id: string, extra: Partial<Enterprise> = {}): Enterprise {
  return { id, name: `示范企业 ${id}`, nameEn: `Demo Co. ${id}`, landMu: 100, outputValue: 36_500, ...extra }
}

function park(id: string, enterprises: Enterprise[], extra: Partial<Park> = {}): Park {
  return { id, name: `园区 ${id}`, nameEn: `Park ${id}`, kind: 'chemical', site: { width: 100, height: 100, buildings: [] }, areas: [], enterprises, ...extra }
}

/** vtc: ti01 (budgets 10 tce/day, 200 tce/month, 1000 kW), v02 (demo budgets from 36 500 万元); glc: h02 (budgets off by zero output value). */
export function zone(extra: Partial<Zone> = {}): Zone {
  return {
    id: 'pzh', name: '攀枝花', nameEn: 'Panzhihua', timezone: 'Asia/Shanghai',
    parks: [
      park('vtc', [enterprise('ti01', { budgets: { dailyTce: 10, monthlyTce: 200, maxDemandKw: 1000 } }), enterprise('v02')], { budgets: { dailyTce: 30 } }),
      park('glc', [enterprise('h02', { outputValue: 0 })]),
    ],
    gateways: [], devices: [], users: [],
    ...extra,
  }
}

export function energyReading(device: string, ts: number, values: Record<string, number>, place: { park?: string; enterprise?: string } = {}): Reading {
  return { device, park: place.park ?? 'vtc', enterprise: place.enterprise ?? 'ti01', area: undefined, kind: 'energy', ts, values, flags: undefined }
}
