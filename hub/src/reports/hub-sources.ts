/**
 * Where a handover report's figures come from in a running hub: the alarm book and incident
 * manager of the safety loop, the device registry, and the energy and emission services over
 * InfluxDB (docs/reports.md). The one file of this room that knows those services' shapes.
 */
import { join } from 'node:path'
import type { Alarm } from '../model/alarm.js'
import type { Device } from '../model/device.js'
import type { Incident } from '../model/incident.js'
import type { Roster } from '../model/notify.js'
import type { Zone } from '../model/zone.js'
import type { EnergyService } from '../energy/energy-service.js'
import { resolveEnergySettings } from '../energy/settings.js'
import type { EmissionService } from '../emissions/emission-service.js'
import type { StackInfo } from '../emissions/hourly.js'
import type { FigureSources, StackHours } from './report-figures.js'
import { ReportBook } from './report-book.js'
import { ReportService } from './report-service.js'

export interface HubReportDeps {
  zone: Zone
  dataDir: string
  clock: () => number
  alarms: { list(q: { state: 'all'; park: string; from: number; to: number }): Alarm[] }
  incidents: { list(q: { park: string }): Incident[] }
  devices: () => Iterable<{ device: Device; state: { online: boolean; lastSeen: number | null } }>
  rosters: () => readonly Roster[]
  energy: EnergyService
  emissions: EmissionService
  stack: (id: string) => StackInfo | undefined
  log: { warn(o: object, m: string): void }
}

function sources(d: HubReportDeps): FigureSources {
  const energySettings = resolveEnergySettings(d.zone)
  const parkDevices = (park: string): Device[] => {
    const out: Device[] = []
    for (const r of d.devices()) if (r.device.park === park) out.push(r.device)
    return out
  }
  return {
    alarms: (park, from, to) => d.alarms.list({ state: 'all', park, from, to }),
    incidents: (park) => d.incidents.list({ park }),
    devices: (park) => {
      const out = []
      for (const r of d.devices()) {
        if (r.device.park !== park) continue
        out.push({ id: r.device.id, name: r.device.name, kind: r.device.kind, enterprise: r.device.enterprise, online: r.state.online, lastSeen: r.state.lastSeen })
      }
      return out
    },
    async stackHours(park, from, to, now) {
      const stacks = parkDevices(park).filter((x) => x.kind === 'emission').map((x) => d.stack(x.id)).filter((s): s is StackInfo => s !== undefined)
      return Promise.all(stacks.map(async (s): Promise<StackHours> => {
        const rep = await d.emissions.hourly(s, from, to, now)
        return { device: s.id, name: s.name, hours: rep.hours.map((h) => ({ start: h.start, metrics: h.metrics })) }
      }))
    },
    async energyUse(park, from, to, now) {
      const t = await d.energy.table({ park }, from, to, '1h', now)
      return { parkTce: t.total.tce, enterprises: t.enterprises.map((e) => ({ id: e.enterprise, tce: e.total.tce })) }
    },
    budgets(park) {
      const p = energySettings.parks.get(park)
      const ents = [...energySettings.enterprises.values()].filter((e) => e.park === park)
      return {
        park: { id: park, name: p?.name ?? park, nameEn: p?.nameEn ?? park, dailyTce: p?.budgets.dailyTce ?? sumOrUndefined(ents.map((e) => e.budgets.dailyTce)) },
        enterprises: ents.map((e) => ({ id: e.id, name: e.name, nameEn: e.nameEn, dailyTce: e.budgets.dailyTce })),
      }
    },
  }
}

/** A park without a budget of its own is held to the sum of its enterprises' budgets, when each has one. */
function sumOrUndefined(xs: readonly (number | undefined)[]): number | undefined {
  if (xs.length === 0 || xs.some((x) => x === undefined)) return undefined
  return xs.reduce<number>((a, b) => a + (b ?? 0), 0)
}

export async function hubReports(d: HubReportDeps): Promise<ReportService> {
  const book = await ReportBook.open(join(d.dataDir, 'reports'), (o, m) => d.log.warn(o, m))
  return new ReportService({ zone: d.zone, rosters: d.rosters, sources: sources(d), book, clock: d.clock })
}
