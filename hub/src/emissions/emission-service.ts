/**
 * CEMS views for the API: hourly values of a stack and the daily compliance of a park
 * (HJ 75-2017). Reads through the small `EmissionStore` interface (emission-store.ts;
 * InfluxDB behind it in store/emission-repository.ts) and computes with the pure functions of this room.
 *
 * Ranges up to `rawMaxMs` (7 days) are computed from minute data per HJ 75 (≥ 45 valid
 * minutes an hour); longer ones from the hourly rollup, approximately (hourly.ts
 * `hourFromRollup`), and say so (`source`).
 */
import type { LocalCalendar } from '../energy/calendar.js'
import { complianceReport, stackDay, type ComplianceReport } from './compliance.js'
import { hourFromRollup, hoursFromMinutes, type HourValue, type MinuteAgg, type StackInfo } from './hourly.js'
import type { EmissionStore } from './emission-store.js'
import { EMISSION_STANDARDS } from './standards.js'

export type { EmissionStore, RollupHour } from './emission-store.js'

export interface EmissionServiceDeps {
  cal: LocalCalendar
  store: EmissionStore
  stacks: () => ReadonlyMap<string, StackInfo>
  rawMaxMs?: number
}

export interface HourlyReport {
  device: string
  park: string
  enterprise: string
  /** The emission standard the stack is held to (standards.ts), or null: the device's own limits. */
  standard: { id: string; name: string; nameEn: string; clause: string; check: boolean } | null
  /** What the analysers measure on; reported values are standard-state dry either way. */
  basis: 'wet' | 'dry'
  o2Basis: 'wet' | 'dry'
  units: Record<string, string>
  referenceO2: number | null
  limits: Record<string, number>
  from: number
  to: number
  timezone: string
  source: 'raw' | 'rollup_1h'
  hours: (HourValue & { label: string })[]
}

function definedOnly<T>(o: Partial<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {}
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v
  return out
}

function standardOf(id: string | null): HourlyReport['standard'] {
  const s = id === null ? undefined : EMISSION_STANDARDS.get(id)
  return s ? { id: s.id, name: s.name, nameEn: s.nameEn, clause: s.clause, check: s.check } : null
}

export class EmissionService {
  constructor(private readonly d: EmissionServiceDeps) {}

  private hourStarts(from: number, to: number): number[] {
    const out: number[] = []
    for (let h = this.d.cal.startOf('hour', from); h < to; h = this.d.cal.next('hour', h)) out.push(h)
    return out
  }

  async hourly(stack: StackInfo, from: number, to: number, now: number): Promise<HourlyReport> {
    const starts = this.hourStarts(from, Math.min(to, now))
    const a = starts[0] ?? this.d.cal.startOf('hour', from)
    const b = starts.length ? this.d.cal.next('hour', starts[starts.length - 1]!) : a
    let hours: HourValue[]
    let source: HourlyReport['source'] = 'raw'
    if (b - a <= (this.d.rawMaxMs ?? 7 * 86_400_000)) {
      hours = hoursFromMinutes(stack, await this.d.store.minutes(stack.id, a, b), starts)
    } else {
      source = 'rollup_1h'
      const byStart = new Map((await this.d.store.rollupHours(stack.id, a, b)).map((h) => [h.start, h.metrics]))
      hours = starts.map((h) => hourFromRollup(stack, h, byStart.get(h) ?? {}))
    }
    const limits = definedOnly(stack.limits)
    return {
      device: stack.id, park: stack.park, enterprise: stack.enterprise, standard: standardOf(stack.standard),
      basis: stack.basis, o2Basis: stack.o2Basis, units: definedOnly(stack.units), referenceO2: stack.referenceO2 ?? null, limits,
      from: a, to: b, timezone: this.d.cal.timezone, source,
      hours: hours.map((h) => ({ ...h, label: this.d.cal.label('hour', h.start) })),
    }
  }

  /** Daily compliance of a park's stacks for a local day `YYYY-MM-DD`; undefined for a bad day. */
  async compliance(park: string, day: string): Promise<ComplianceReport | undefined> {
    const bounds = this.d.cal.dayBounds(day)
    if (!bounds) return undefined
    const starts = this.hourStarts(bounds.start, bounds.end)
    const stacks = [...this.d.stacks().values()].filter((s) => s.park === park).sort((x, y) => (x.id < y.id ? -1 : 1))
    const days = await Promise.all(stacks.map(async (s) => stackDay(s, hoursFromMinutes(s, await this.d.store.minutes(s.id, bounds.start, bounds.end), starts))))
    return complianceReport(park, day, this.d.cal.timezone, bounds.start, bounds.end, days)
  }
}
