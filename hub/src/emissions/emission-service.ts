/**
 * CEMS views for the API: hourly values of a stack and the daily compliance of a park
 * (HJ 75-2017). Reads through the small `EmissionStore` interface (emission-store.ts;
 * InfluxDB behind it in store/emission-repository.ts) and computes with the pure functions of this room.
 *
 * Ranges up to `rawMaxMs` (7 days) are computed from minute data per HJ 75 (≥ 45 valid
 * minutes an hour); longer ones from the hourly rollup, approximately (hourly.ts
 * `hourFromRollup`), and say so (`source`).
 *
 * A stack fed by an HJ 212 data logger also has the logger's own minutes (2051) and hours
 * (2061) (logger-hours.ts): the hub's minutes are the logger's where it sent them, and each
 * hour carries both values, the authoritative one (`hourlyAuthority`, the logger's by default)
 * as the hour's and the other beside it, with the metrics where they differ (hourly-sources.ts).
 */
import type { LocalCalendar } from '../energy/calendar.js'
import { complianceReport, stackDay, type ComplianceReport } from './compliance.js'
import { hourFromRollup, hoursFromMinutes, type HourValue, type MinuteAgg, type StackInfo } from './hourly.js'
import type { EmissionStore } from './emission-store.js'
import { EMISSION_STANDARDS } from './standards.js'
import { DEFAULT_HOURLY_AUTHORITY, mergeMinutes, type HourlyAuthority, type LoggerAggregateStore } from './logger-hours.js'
import { DEFAULT_HOUR_TOLERANCE, sourcedHours, type HourTolerance, type SourcedHour } from './hourly-sources.js'

export type { EmissionStore, RollupHour } from './emission-store.js'

export interface EmissionServiceDeps {
  cal: LocalCalendar
  store: EmissionStore
  stacks: () => ReadonlyMap<string, StackInfo>
  rawMaxMs?: number
  /** The logger's 2051 minutes and 2061 hours (absent: none, every hour the hub's). */
  logger?: LoggerAggregateStore
  tolerance?: HourTolerance
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
  /** Which hourly value counts for this stack; an hour takes the other source's value where the authority has none (`sources`). */
  hourlyAuthority: HourlyAuthority
  /** When a logger's and the hub's hourly values differ (hourly-sources.ts). */
  tolerance: HourTolerance
  /** Hours of the range the logger sent (2061). */
  loggerHours: number
  /** Hours where the two differ. */
  differingHours: number
  hours: (SourcedHour & { label: string })[]
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

  /** The hub's minutes of a stack: the logger's 2051 minutes where it sent them, else the readings'. */
  private async minutes(stack: StackInfo, from: number, to: number): Promise<MinuteAgg[]> {
    const [raw, logger] = await Promise.all([this.d.store.minutes(stack.id, from, to), this.d.logger?.loggerMinutes(stack.id, from, to) ?? []])
    return mergeMinutes(raw, logger)
  }

  /** Both hourly values of a stack's hours, the authoritative one as the hour's. */
  private async sourced(stack: StackInfo, hubHours: HourValue[], from: number, to: number, now: number): Promise<{ hours: SourcedHour[]; loggerHours: number }> {
    const logger = (await this.d.logger?.loggerHours(stack.id, from, to)) ?? []
    return { hours: sourcedHours(stack, hubHours, logger, stack.hourlyAuthority ?? DEFAULT_HOURLY_AUTHORITY, this.d.tolerance ?? DEFAULT_HOUR_TOLERANCE, now), loggerHours: logger.length }
  }

  async hourly(stack: StackInfo, from: number, to: number, now: number): Promise<HourlyReport> {
    const starts = this.hourStarts(from, Math.min(to, now))
    const a = starts[0] ?? this.d.cal.startOf('hour', from)
    const b = starts.length ? this.d.cal.next('hour', starts[starts.length - 1]!) : a
    let hours: HourValue[]
    let source: HourlyReport['source'] = 'raw'
    if (b - a <= (this.d.rawMaxMs ?? 7 * 86_400_000)) {
      hours = hoursFromMinutes(stack, await this.minutes(stack, a, b), starts)
    } else {
      source = 'rollup_1h'
      const byStart = new Map((await this.d.store.rollupHours(stack.id, a, b)).map((h) => [h.start, h.metrics]))
      hours = starts.map((h) => hourFromRollup(stack, h, byStart.get(h) ?? {}))
    }
    const both = await this.sourced(stack, hours, a, b, now)
    const limits = definedOnly(stack.limits)
    return {
      device: stack.id, park: stack.park, enterprise: stack.enterprise, standard: standardOf(stack.standard),
      basis: stack.basis, o2Basis: stack.o2Basis, units: definedOnly(stack.units), referenceO2: stack.referenceO2 ?? null, limits,
      from: a, to: b, timezone: this.d.cal.timezone, source,
      hourlyAuthority: stack.hourlyAuthority ?? DEFAULT_HOURLY_AUTHORITY, tolerance: this.d.tolerance ?? DEFAULT_HOUR_TOLERANCE,
      loggerHours: both.loggerHours, differingHours: both.hours.filter((h) => h.differs.length > 0).length,
      hours: both.hours.map((h) => ({ ...h, label: this.d.cal.label('hour', h.start) })),
    }
  }

  /** Daily compliance of a park's stacks for a local day `YYYY-MM-DD`; undefined for a bad day. */
  async compliance(park: string, day: string): Promise<ComplianceReport | undefined> {
    const bounds = this.d.cal.dayBounds(day)
    if (!bounds) return undefined
    const starts = this.hourStarts(bounds.start, bounds.end)
    const stacks = [...this.d.stacks().values()].filter((s) => s.park === park).sort((x, y) => (x.id < y.id ? -1 : 1))
    const days = await Promise.all(stacks.map(async (s) => {
      const hub = hoursFromMinutes(s, await this.minutes(s, bounds.start, bounds.end), starts)
      return stackDay(s, (await this.sourced(s, hub, bounds.start, bounds.end, Infinity)).hours)
    }))
    return complianceReport(park, day, this.d.cal.timezone, bounds.start, bounds.end, days)
  }
}
