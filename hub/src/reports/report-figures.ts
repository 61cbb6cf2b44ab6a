/**
 * All of a shift's figures at once (docs/reports.md), from small interfaces: the park's alarms
 * and incidents (replayed to the handover: alarm-figures.ts), its devices as the registry
 * knows them, and from InfluxDB the stacks' hourly exceedances (HJ 75-2017 hourly means,
 * emission-service.ts) and the energy used against the budgets (energy-service.ts). A part
 * the store cannot answer says so (`available: false`) rather than failing the report.
 */
import type { Alarm } from '../model/alarm.js'
import { DEVICE_HEALTH_TYPES } from '../model/alarm-class.js'
import type { Incident } from '../model/incident.js'
import type { ReportDevice, ReportEnergyRow, ReportExceedance, ReportFigures, ShiftWindow } from '../model/report.js'
import { alarmAt, alarmFigures, incidentFigures, notificationFigures } from './alarm-figures.js'

const HOUR = 3_600_000
/** Devices listed by name as offline or faulted; the counts cover them all. */
export const DEVICE_LIST_MAX = 500

export interface ReportDeviceState {
  id: string
  name: string
  kind: string
  enterprise: string
  online: boolean
  lastSeen: number | null
}

/** A stack's hours as the emissions room reports them (emission-service.ts `hourly`). */
export interface StackHours {
  device: string
  name: string
  hours: { start: number; metrics: Record<string, { exceeded: boolean; corrected: number | null; measured: number | null; limit: number | null }> }[]
}

export interface EnergyUse {
  parkTce: number
  enterprises: { id: string; tce: number }[]
}

export interface Budgets {
  /** Daily budgets, tce (the zone file's or the demo's: energy/settings.ts). */
  park: { id: string; name: string; nameEn: string; dailyTce: number | undefined }
  enterprises: { id: string; name: string; nameEn: string; dailyTce: number | undefined }[]
}

export interface FigureSources {
  alarms(park: string, from: number, to: number): readonly Alarm[]
  incidents(park: string): readonly Incident[]
  devices(park: string): readonly ReportDeviceState[]
  /** Each stack of the park, its hours in [from, to). */
  stackHours(park: string, from: number, to: number, now: number): Promise<StackHours[]>
  energyUse(park: string, from: number, to: number, now: number): Promise<EnergyUse>
  budgets(park: string): Budgets
}

const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err))

function deviceFigures(devices: readonly ReportDeviceState[], alarms: readonly Alarm[], handover: number): ReportFigures['devices'] {
  const reasons = new Map<string, Set<string>>()
  for (const a of alarms) {
    if (!DEVICE_HEALTH_TYPES.has(a.type)) continue
    const at = alarmAt(a, handover)
    if (!at.exists || at.closed || !at.active) continue
    // A communications alarm speaks for the devices gone silent together.
    for (const d of a.devices ?? [a.device]) {
      const set = reasons.get(d) ?? new Set<string>()
      set.add(a.type)
      reasons.set(d, set)
    }
  }
  const view = (d: ReportDeviceState): ReportDevice => ({ id: d.id, name: d.name, kind: d.kind, enterprise: d.enterprise, lastSeen: d.lastSeen, reasons: [...(reasons.get(d.id) ?? [])].sort() })
  const offline = devices.filter((d) => !d.online && d.lastSeen !== null).sort((a, b) => (a.lastSeen ?? 0) - (b.lastSeen ?? 0))
  const faulted = devices.filter((d) => reasons.has(d.id))
  return {
    total: devices.length,
    offline: offline.slice(0, DEVICE_LIST_MAX).map(view),
    neverSeen: devices.filter((d) => d.lastSeen === null).length,
    faulted: faulted.slice(0, DEVICE_LIST_MAX).map(view),
  }
}

function exceedancesOf(stacks: readonly StackHours[]): ReportExceedance[] {
  const out: ReportExceedance[] = []
  for (const s of stacks) {
    for (const h of s.hours) {
      for (const [metric, m] of Object.entries(h.metrics)) {
        if (m.exceeded) out.push({ device: s.device, deviceName: s.name, metric, hour: h.start, value: m.corrected ?? m.measured, limit: m.limit })
      }
    }
  }
  return out.sort((a, b) => a.hour - b.hour || (a.device < b.device ? -1 : 1))
}

function energyRow(x: { id: string; name: string; nameEn: string; dailyTce: number | undefined }, tce: number, shiftHours: number): ReportEnergyRow {
  // The day's budget pro-rated to the shift's hours: a 12-hour shift may use half the day's.
  const budget = x.dailyTce === undefined ? null : round((x.dailyTce * shiftHours) / 24)
  return { id: x.id, name: x.name, nameEn: x.nameEn, tce: round(tce), budgetTce: budget, share: budget ? round(tce / budget, 4) : null }
}

/** The figures of `shift` for `park`, frozen at `now`. */
export async function shiftFigures(src: FigureSources, park: string, shift: ShiftWindow, now: number): Promise<ReportFigures> {
  const { from, to } = shift
  const handover = Math.min(to, now)
  const alarms = src.alarms(park, from, to)
  const devices = src.devices(park)
  const names = new Map(devices.map((d) => [d.id, d.name]))
  const end = Math.max(from + 1, handover)
  const [emissions, energy] = await Promise.all([
    src.stackHours(park, from, end, now).then(
      (stacks): ReportFigures['emissions'] => ({ available: true, stacks: stacks.length, exceedances: exceedancesOf(stacks) }),
      (err): ReportFigures['emissions'] => ({ available: false, error: message(err) }),
    ),
    src.energyUse(park, from, end, now).then(
      (use): ReportFigures['energy'] => {
        const b = src.budgets(park)
        const hours = (to - from) / HOUR
        const tce = new Map(use.enterprises.map((e) => [e.id, e.tce]))
        return { available: true, park: energyRow(b.park, use.parkTce, hours), enterprises: b.enterprises.map((e) => energyRow(e, tce.get(e.id) ?? 0, hours)) }
      },
      (err): ReportFigures['energy'] => ({ available: false, error: message(err) }),
    ),
  ])
  return {
    at: now,
    handover,
    alarms: alarmFigures({ alarms, from, to, handover, deviceName: (id) => names.get(id) }),
    incidents: incidentFigures(src.incidents(park), from, to, handover),
    devices: deviceFigures(devices, alarms, handover),
    notifications: notificationFigures(alarms, from, Math.min(to, handover + 1)),
    emissions,
    energy,
  }
}
