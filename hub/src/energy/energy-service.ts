/**
 * Energy views for the API: consumption tables, intensity, suggestions and the CSV report.
 * It reads through the small `EnergyStore` interface (energy-store.ts; InfluxDB behind it in
 * store/energy-repository.ts) and
 * computes with the pure functions of this room: sources.ts picks raw points or rollups,
 * counter.ts turns bucket summaries into usage, consumption.ts sums into periods and scopes.
 */
import type { LocalCalendar, Period } from './calendar.js'
import { CARRIERS, kgcePerUnit, type Carrier } from './coefficients.js'
import { summaryUsage, type CounterReading, type SummaryBucket } from './counter.js'
import { aggregate, excludedOf, PERIOD_OF, type ConsumptionTable, type Every, type Excluded, type Gap, type MeterMeta, type MeterSeries } from './consumption.js'
import { maxRatesOf } from './meter-limits.js'
import type { EnergyStore, MeterSummaryRow, TagFilter } from './energy-store.js'
import { intensityReport, type IntensityReport } from './intensity.js'
import type { EnergySettingsResolved } from './settings.js'
import { tariffOf } from './settings.js'
import { planSources, PLAN_DEFAULTS, type PlanOptions, type Segment } from './sources.js'
import { suggest, type Suggestion } from './suggestions.js'
import { consumptionCsvLines } from './csv.js'

const DAY = 86_400_000

export type { EnergyStore, MeterSummaryRow, TagFilter } from './energy-store.js'

export interface EnergyServiceDeps {
  settings: EnergySettingsResolved
  cal: LocalCalendar
  store: EnergyStore
  /** Energy meters known to the registry, by id. */
  meters: () => ReadonlyMap<string, MeterMeta>
  plan?: PlanOptions
  /** How far back the reading before a range is looked for. */
  baselineLookbackMs?: number
}

export interface Scope {
  park?: string | undefined
  enterprise?: string | undefined
  meter?: string | undefined
}

export interface TableResult extends ConsumptionTable {
  from: number
  to: number
  every: Every
  sources: Segment[]
}

export class EnergyService {
  constructor(private readonly d: EnergyServiceDeps) {}

  /** Local `YYYY-MM-DD` of an instant. */
  dayKey(ts: number): string {
    return this.d.cal.dayKey(ts)
  }

  /** Align [from, to) outward to whole periods of `every`. */
  align(from: number, to: number, every: Every): { from: number; to: number } {
    const period = PERIOD_OF[every]
    const start = this.d.cal.startOf(period, from)
    const last = this.d.cal.startOf(period, to)
    return { from: start, to: last === to ? to : this.d.cal.next(period, last) }
  }

  /** Consumption per period of `every` over [from, to) (aligned outward to whole periods). */
  async table(scope: Scope, from: number, to: number, every: Every, now: number): Promise<TableResult> {
    const period = PERIOD_OF[every]
    const r = this.align(from, to, every)
    const f: TagFilter = { park: scope.park, enterprise: scope.enterprise, device: scope.meter }
    const sources = planSources(r.from, r.to, period, now, this.d.cal, this.d.plan ?? PLAN_DEFAULTS)
    const { series, gaps } = await this.series(f, sources, r.from)
    const t = this.aggregate(series, gaps, period, r.from, r.to, now, scope.meter !== undefined)
    return { ...t, from: r.from, to: r.to, every, sources }
  }

  private aggregate(series: MeterSeries[], gaps: Gap[], period: Period, from: number, to: number, now: number, includeSubmeters: boolean): ConsumptionTable {
    const s = this.d.settings
    return aggregate(series, gaps, { cal: this.d.cal, period, from, to, now, coefficients: s.coefficients, basis: s.basis, gapFactor: s.gapFactor, includeSubmeters })
  }

  /** Usage per meter and counter, bucket by bucket, over the planned sources. */
  private async series(f: TagFilter, sources: Segment[], from: number): Promise<{ series: MeterSeries[]; gaps: Gap[] }> {
    const meters = this.d.meters()
    const rows: MeterSummaryRow[] = []
    const gaps: Gap[] = []
    const intervalOf = (device: string): number => meters.get(device)?.intervalSec ?? 60
    let minInterval = Infinity
    for (const m of meters.values()) minInterval = Math.min(minInterval, m.intervalSec)
    if (!Number.isFinite(minInterval)) minInterval = 60
    const gapFactor = this.d.settings.gapFactor
    const [baselines, ...parts] = await Promise.all([
      this.d.store.baselines(f, from, this.d.baselineLookbackMs ?? 2 * DAY),
      ...sources.map((seg) => this.d.store.summaries(f, seg.from, seg.to, seg.source)),
      ...sources.filter((seg) => seg.source === 'raw').map((seg) => this.d.store.gaps(f, seg.from, seg.to, gapFactor * minInterval * 1000)),
    ])
    const nSummaries = sources.length
    parts.forEach((p, i) => {
      if (i < nSummaries) rows.push(...(p as MeterSummaryRow[]))
      else for (const g of p as Gap[]) if (g.to - g.from > gapFactor * intervalOf(g.device) * 1000) gaps.push(g)
    })
    const byKey = new Map<string, { meta: MeterMeta; carrier: Carrier; buckets: SummaryBucket[] }>()
    for (const r of rows) {
      const meta = meters.get(r.device) ?? { device: r.device, park: r.park, enterprise: r.enterprise, submeter: false, intervalSec: 60 }
      for (const c of CARRIERS) {
        const s = r.counters[c]
        if (!s) continue
        const key = `${r.device}|${c}`
        let e = byKey.get(key)
        if (!e) byKey.set(key, (e = { meta, carrier: c, buckets: [] }))
        e.buckets.push({ start: r.start, end: r.end, s })
      }
    }
    const series: MeterSeries[] = []
    for (const e of byKey.values()) {
      const baseline = (baselines as Map<string, Partial<Record<Carrier, CounterReading>>>).get(e.meta.device)?.[e.carrier]
      const rate = maxRatesOf({ maxRate: e.meta.maxRate })[e.carrier]
      series.push({ meta: e.meta, carrier: e.carrier, buckets: summaryUsage(e.buckets, baseline, gapFactor * e.meta.intervalSec * 1000, rate), since: baseline?.ts })
    }
    return { series, gaps }
  }

  /** Energy intensity and budget use of each enterprise (and park) over whole local days. */
  async intensity(park: string | undefined, from: number, to: number, now: number): Promise<IntensityReport & { sources: Segment[]; excluded: Excluded }> {
    const t = await this.table({ park }, from, to, '1d', now)
    const tce = new Map(t.enterprises.map((e) => [e.enterprise, e.total.tce]))
    const end = Math.min(t.to, Math.max(now, t.from))
    const report = intensityReport(this.d.settings, t.from, end, tce, park ? [park] : undefined)
    return { ...report, sources: t.sources, excluded: t.excluded }
  }

  /** Suggestions for the enterprises of a park (or one enterprise), from the last 35 days. */
  async suggestions(scope: { park?: string | undefined; enterprise?: string | undefined }, now: number): Promise<{ from: number; to: number; suggestions: Suggestion[]; excluded: Excluded }> {
    const cal = this.d.cal
    const to = cal.next('hour', cal.startOf('hour', now))
    const from = cal.startOf('day', now - 35 * DAY)
    const f: TagFilter = { park: scope.park, enterprise: scope.enterprise }
    const sources = planSources(from, to, 'hour', now, cal, this.d.plan ?? PLAN_DEFAULTS)
    const [{ series, gaps }, demandRows] = await Promise.all([this.series(f, sources, from), this.d.store.demand(f, now - 28 * DAY, now)])
    const hourly = this.aggregate(series, gaps, 'hour', from, to, now, false)
    const daily = this.aggregate(series, gaps, 'day', from, to, now, false)
    const meters = this.d.meters()
    // A window holding an active power above what its meter can measure is left out.
    let excludedWindows = 0
    const plausibleDemand = demandRows.filter((w) => {
      const ok = w.kwMax === undefined || w.kwMax <= maxRatesOf({ maxRate: meters.get(w.device)?.maxRate }).kw
      if (!ok) excludedWindows++
      return ok
    })
    const out: Suggestion[] = []
    for (const ent of this.d.settings.enterprises.values()) {
      if ((scope.park && ent.park !== scope.park) || (scope.enterprise && ent.id !== scope.enterprise)) continue
      const h = hourly.enterprises.find((e) => e.enterprise === ent.id)
      const dd = daily.enterprises.find((e) => e.enterprise === ent.id)
      if (!h || !dd) continue
      const since = now - 28 * DAY
      const demand = new Map<number, number>()
      for (const w of plausibleDemand) {
        if (w.enterprise !== ent.id || meters.get(w.device)?.submeter) continue
        demand.set(w.start, (demand.get(w.start) ?? 0) + w.kw)
      }
      out.push(...suggest({
        enterprise: ent,
        hourly: h.rows.filter((r) => r.start >= since && r.start < now).map((r) => ({ start: r.start, kwh: r.carriers.kwh.amount, gap: r.gap })),
        daily: dd.rows.map((r) => ({ start: r.start, tce: r.tce, gap: r.gap })),
        demand: [...demand].map(([start, kw]) => ({ start, kw })),
        tariff: tariffOf(this.d.settings, ent.park),
        cal,
        kgcePerKwh: kgcePerUnit('kwh', this.d.settings.coefficients, this.d.settings.basis) ?? 0,
        now,
      }))
    }
    return { from, to, suggestions: out, excluded: excludedOf(hourly.excluded.intervals + excludedWindows) }
  }

  /** CSV report: each period × enterprise of a park (or the zone), as lines to stream (never one string of the whole report). */
  async csv(park: string | undefined, from: number, to: number, every: Every, now: number): Promise<{ table: TableResult; lines: Iterable<string> }> {
    const table = await this.table({ park }, from, to, every, now)
    const s = this.d.settings
    const lines = consumptionCsvLines(table, {
      park: (id) => s.parks.get(id)?.name ?? id,
      enterprise: (id) => s.enterprises.get(id)?.name ?? id,
      totalLabel: park ? `园区合计 Park total` : `全区合计 Zone total`,
    })
    return { table, lines }
  }

  /** This day's and month's use (kgce) per enterprise and park, and each meter's last counter readings: the budget monitor's start. */
  async budgetSeed(now: number): Promise<{ usage: { scope: 'e' | 'p'; id: string; dayKgce: number; monthKgce: number }[]; baselines: { device: string; carrier: Carrier; ts: number; value: number }[] }> {
    const cal = this.d.cal
    const monthStart = cal.startOf('month', now)
    const dayStart = cal.startOf('day', now)
    const t = await this.table({}, monthStart, now + 1, '1d', now)
    const parks = new Map<string, { day: number; month: number }>()
    const usage: { scope: 'e' | 'p'; id: string; dayKgce: number; monthKgce: number }[] = []
    for (const e of t.enterprises) {
      const day = e.rows.find((r) => r.start === dayStart)?.kgce ?? 0
      const month = e.total.kgce
      usage.push({ scope: 'e', id: e.enterprise, dayKgce: day, monthKgce: month })
      const p = parks.get(e.park) ?? { day: 0, month: 0 }
      p.day += day
      p.month += month
      parks.set(e.park, p)
    }
    for (const [id, p] of parks) usage.push({ scope: 'p', id, dayKgce: p.day, monthKgce: p.month })
    const last = await this.d.store.baselines({}, now + 1, 2 * DAY)
    const baselines: { device: string; carrier: Carrier; ts: number; value: number }[] = []
    for (const [device, cs] of last) for (const c of CARRIERS) if (cs[c]) baselines.push({ device, carrier: c, ...cs[c]! })
    return { usage, baselines }
  }
}
