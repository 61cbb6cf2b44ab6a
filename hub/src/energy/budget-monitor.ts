/**
 * Live energy budgets (能耗双控) and contracted maximum demand, from meter readings as they
 * arrive. Pure: the clock comes in as `now`, transitions go out as values.
 *
 * Budgets (level 4, blue — DOMAIN.md): each enterprise and park with a daily or monthly budget
 * (tce, GB/T 2589-2020) has two conditions per period, at 90 % and at 100 % of the budget,
 * each its own alarm (rule `energy_budget`, type `energy_budget_exceeded`, metric `tce_day` /
 * `tce_month`, threshold = that share of the budget). Use counts by the local day and month
 * of each interval's end (counter.ts); only the current period (by the clock) raises; when
 * the period rolls over, its conditions clear.
 *
 * Maximum demand (level 4, blue, class energy — DOMAIN.md: a demand or budget alarm is energy
 * class, blue IV): the mean active power over fixed 15-minute windows, the
 * demand interval of Chinese two-part tariff meters (最大需量, check the supply contract), of
 * the main electricity meters (not sub-meters) of an enterprise or a park, against the
 * contracted maximum demand (rule `max_demand`, type `max_demand_exceeded`, metric `kw`).
 * A meter's window demand is the mean of its `kw` readings, or else its kWh over the time its
 * intervals cover (gaps left out). A window is judged once, when every meter in it has
 * reported past its end or at `tick` a minute after it ends; a later window at or below
 * the limit clears the condition.
 *
 * Only plausible data count (counter.ts `advance`, meter-limits.ts): a counter step above the
 * meter's rated rate, a negative counter, or an active power above the rated power is left
 * out of use and demand, raises `meter_implausible` (plausibility-alarms.ts), and a budget
 * alarm's message says how many steps of its period were left out.
 */
import { ALARM_LEVEL, type Transition } from '../model/alarm.js'
import type { Reading } from '../model/reading.js'
import type { LocalCalendar } from './calendar.js'
import { ENERGY_CARRIERS, isCarrier, round, toKgce, type Carrier } from './coefficients.js'
import { advance, isImplausible, type CounterState } from './counter.js'
import { maxRatesOf } from './meter-limits.js'
import { PlausibilityAlarms } from './plausibility-alarms.js'
import type { EnergySettingsResolved, ScopeInfo } from './settings.js'

export const DEMAND_WINDOW_MS = 15 * 60_000
export const DEMAND_GRACE_MS = 60_000
export const BUDGET_STAGES = [0.9, 1] as const

export interface MeterInfo {
  id: string
  park: string
  enterprise: string
  interval: number
  submeter: boolean
  /** Rated maximum rate per metric, per hour (the device's `maxRate`); absent: the defaults. */
  maxRate?: Readonly<Record<string, number>> | undefined
}

const UNIT: Readonly<Record<Carrier, string>> = { kwh: 'kWh', gas_m3: 'm³', steam_t: 't', water_m3: 'm³' }

interface MeterState {
  counters: Partial<Record<Carrier, CounterState>>
  /** Time of the newest reading of each counter (older ones are history). */
  seen: Partial<Record<Carrier, number>>
  /** Start of the latest demand window this meter reported in. */
  window: number
}

interface WindowPart {
  kwSum: number
  kwN: number
  kwh: number
  coveredMs: number
}

interface DemandGroup {
  scope: ScopeInfo
  kind: 'e' | 'p'
  windows: Map<number, Map<string, WindowPart>>
  judgedUntil: number
}

export interface BudgetMonitorDeps {
  settings: EnergySettingsResolved
  calendar: LocalCalendar
  /** The device an enterprise's alarms name: its main meter, or undefined for the enterprise id. */
  mainMeter: (enterprise: string) => string | undefined
  /** Readings older than this are history: still left out of use when implausible, but they raise no `meter_implausible` (default 10 minutes, the hub's live window). */
  liveWindowMs?: number
}

export const DEFAULT_LIVE_WINDOW_MS = 600_000

export class BudgetMonitor {
  private readonly meters = new Map<string, MeterState>()
  /** `e:<id>` / `p:<id>` → `d:YYYY-MM-DD` / `m:YYYY-MM` → kgce. */
  private readonly usage = new Map<string, Map<string, number>>()
  private readonly groups = new Map<string, DemandGroup>()
  /** Condition key → whether active (absent: unknown, e.g. after a restart). */
  private readonly state = new Map<string, boolean>()
  /** `e:<id>` / `p:<id>` → `d:…` / `m:…` → implausible steps left out. */
  private readonly excluded = new Map<string, Map<string, number>>()
  private readonly plausibility = new PlausibilityAlarms()

  constructor(private readonly d: BudgetMonitorDeps) {}

  /** Fold one energy reading in; returns the transitions it causes. */
  onReading(r: Reading, meter: MeterInfo, now: number): Transition[] {
    const out: Transition[] = []
    const m = this.meterState(meter.id)
    const s = this.d.settings
    const rates = maxRatesOf({ maxRate: meter.maxRate })
    const counted = !meter.submeter
    const win = Math.floor(r.ts / DEMAND_WINDOW_MS) * DEMAND_WINDOW_MS
    let kgce = 0
    let excluded = 0
    // A backfill's history is counted the same way, but its implausible steps page nobody.
    const live = now - r.ts <= (this.d.liveWindowMs ?? DEFAULT_LIVE_WINDOW_MS)
    const flag = (t: () => Transition[]): void => void (live && out.push(...t()))
    for (const [metric, value] of Object.entries(r.values)) {
      if (!isCarrier(metric)) continue
      const seen = m.seen[metric]
      if (seen !== undefined && r.ts <= seen) continue // older than what the meter already said: history
      if (value < 0) {
        excluded++
        flag(() => this.plausibility.implausible(meter, { reason: 'negative_counter', metric, to: value, limit: 0, unit: UNIT[metric] }, r.ts))
        continue
      }
      m.seen[metric] = r.ts
      const state = m.counters[metric]
      if (!state) {
        m.counters[metric] = { baseline: { ts: r.ts, value } }
        continue
      }
      const base = state.baseline
      const st = advance(state, { ts: r.ts, value }, rates[metric])
      m.counters[metric] = st.state
      if (isImplausible(st.kind) || st.kind === 'reset' || st.kind === 'drop') {
        if (st.kind !== 'reset' && st.kind !== 'drop') excluded++
        const reason = st.delta < 0 ? 'backward_step' : 'above_rated_rate'
        flag(() => this.plausibility.implausible(meter, { reason, metric, from: base.value, to: value, limit: st.limit, elapsedMs: r.ts - base.ts, unit: UNIT[metric] }, r.ts))
      } else flag(() => this.plausibility.plausible(meter, metric, r.ts))
      const gap = r.ts - base.ts > s.gapFactor * meter.interval * 1000
      if (counted && ENERGY_CARRIERS.includes(metric)) kgce += toKgce(metric, st.usage, s.coefficients, s.basis) ?? 0
      if (metric === 'kwh' && counted && st.kind === 'normal' && !gap) {
        for (const g of this.demandGroups(meter)) {
          const part = this.part(g, win, meter.id)
          part.kwh += st.usage
          part.coveredMs += r.ts - base.ts
        }
      }
    }
    const kw = r.values.kw
    if (kw !== undefined && Math.abs(kw) > rates.kw) {
      excluded++
      flag(() => this.plausibility.implausible(meter, { reason: 'power_above_rated', metric: 'kw', to: kw, limit: rates.kw, unit: 'kW' }, r.ts))
    } else if (kw !== undefined) {
      flag(() => this.plausibility.plausible(meter, 'kw', r.ts))
      if (counted) {
        for (const g of this.demandGroups(meter)) {
          const part = this.part(g, win, meter.id)
          part.kwSum += kw
          part.kwN++
        }
      }
    }
    const day = `d:${this.d.calendar.dayKey(r.ts)}`
    const month = `m:${this.d.calendar.monthKey(r.ts)}`
    if (excluded > 0 && counted) {
      for (const scope of [`e:${meter.enterprise}`, `p:${meter.park}`]) {
        const x = this.excludedOf(scope)
        x.set(day, (x.get(day) ?? 0) + excluded)
        x.set(month, (x.get(month) ?? 0) + excluded)
      }
    }
    if (kgce > 0) {
      for (const scope of [`e:${meter.enterprise}`, `p:${meter.park}`]) {
        const u = this.usageOf(scope)
        u.set(day, (u.get(day) ?? 0) + kgce)
        u.set(month, (u.get(month) ?? 0) + kgce)
      }
      out.push(...this.judgeBudgets(meter.enterprise, meter.park, r.ts, now))
    }
    if (counted && win > m.window) {
      m.window = win
      for (const g of this.demandGroups(meter)) out.push(...this.judgeDemand(g, (w, parts) => [...parts.keys()].every((id) => (this.meters.get(id)?.window ?? 0) > w)))
    }
    return out
  }

  /** Period rollover and windows left open by silent meters. */
  tick(now: number): Transition[] {
    const out: Transition[] = []
    const cal = this.d.calendar
    for (const e of this.d.settings.enterprises.values()) out.push(...this.judgeScope('e', e, now, now, false))
    for (const p of this.d.settings.parks.values()) out.push(...this.judgeScope('p', p, now, now, false))
    for (const g of this.groups.values()) out.push(...this.judgeDemand(g, (w) => w + DEMAND_WINDOW_MS + DEMAND_GRACE_MS <= now))
    // Keep the current and the previous day and month only.
    const keep = new Set([`d:${cal.dayKey(now)}`, `d:${cal.dayKey(cal.startOf('day', now) - 1)}`, `m:${cal.monthKey(now)}`, `m:${cal.monthKey(cal.startOf('month', now) - 1)}`])
    for (const u of [...this.usage.values(), ...this.excluded.values()]) for (const k of u.keys()) if (!keep.has(k)) u.delete(k)
    return out
  }

  /**
   * Start-up: use so far this day and month (kgce, from InfluxDB), the meters' last counter
   * readings; then every budget condition is stated once (raised or cleared), so alarms left
   * from before a restart follow the current figures.
   */
  seed(seed: { usage: { scope: 'e' | 'p'; id: string; dayKgce: number; monthKgce: number }[]; baselines: { device: string; carrier: Carrier; ts: number; value: number }[] }, now: number): Transition[] {
    const day = `d:${this.d.calendar.dayKey(now)}`
    const month = `m:${this.d.calendar.monthKey(now)}`
    for (const x of seed.usage) {
      const u = this.usageOf(`${x.scope}:${x.id}`)
      u.set(day, Math.max(u.get(day) ?? 0, x.dayKgce))
      u.set(month, Math.max(u.get(month) ?? 0, x.monthKgce))
    }
    for (const b of seed.baselines) {
      const m = this.meterState(b.device)
      const cur = m.counters[b.carrier]
      if (!cur || cur.baseline.ts < b.ts) {
        m.counters[b.carrier] = { baseline: { ts: b.ts, value: b.value } }
        m.seen[b.carrier] = b.ts
      }
    }
    const out: Transition[] = []
    for (const e of this.d.settings.enterprises.values()) out.push(...this.judgeScope('e', e, now, now, true))
    for (const p of this.d.settings.parks.values()) out.push(...this.judgeScope('p', p, now, now, true))
    return out
  }

  /** Use so far in the current day and month of a scope, tce. */
  used(scope: 'e' | 'p', id: string, now: number): { dayTce: number; monthTce: number } {
    const u = this.usage.get(`${scope}:${id}`)
    return {
      dayTce: (u?.get(`d:${this.d.calendar.dayKey(now)}`) ?? 0) / 1000,
      monthTce: (u?.get(`m:${this.d.calendar.monthKey(now)}`) ?? 0) / 1000,
    }
  }

  private judgeBudgets(enterprise: string, park: string, ts: number, now: number): Transition[] {
    const out: Transition[] = []
    const e = this.d.settings.enterprises.get(enterprise)
    if (e) out.push(...this.judgeScope('e', e, ts, now, false))
    const p = this.d.settings.parks.get(park)
    if (p) out.push(...this.judgeScope('p', p, ts, now, false))
    return out
  }

  /** Implausible steps left out so far in the current day and month of a scope. */
  leftOut(scope: 'e' | 'p', id: string, now: number): { day: number; month: number } {
    const x = this.excluded.get(`${scope}:${id}`)
    return { day: x?.get(`d:${this.d.calendar.dayKey(now)}`) ?? 0, month: x?.get(`m:${this.d.calendar.monthKey(now)}`) ?? 0 }
  }

  private judgeScope(kind: 'e' | 'p', scope: ScopeInfo, ts: number, now: number, force: boolean): Transition[] {
    const out: Transition[] = []
    const used = this.used(kind, scope.id, now)
    const left = this.leftOut(kind, scope.id, now)
    const periods = [
      { period: 'day', budget: scope.budgets.dailyTce, value: used.dayTce, left: left.day, zh: '日', en: 'daily' },
      { period: 'month', budget: scope.budgets.monthlyTce, value: used.monthTce, left: left.month, zh: '月', en: 'monthly' },
    ] as const
    for (const p of periods) {
      if (p.budget === undefined) continue
      for (const stage of BUDGET_STAGES) {
        const key = `energy_budget:${kind}:${scope.id}:${p.period}:${stage * 100}`
        const active = p.value >= stage * p.budget
        // Unknown state counts as inactive, except when `force`d (seed): no flood of clears.
        if (!force && (this.state.get(key) ?? false) === active) continue
        this.state.set(key, active)
        const pct = stage * 100
        const leftOut = p.left > 0 ? [`；已剔除 ${p.left} 个不可信的计数区间`, ` (${p.left} implausible meter intervals left out)`] : ['', '']
        const message = active
          ? `${p.zh}综合能耗 ${round(p.value, 3)} tce，已达${p.zh}预算 ${round(p.budget, 3)} tce 的 ${pct}%${leftOut[0]} / ${p.en} energy use ${round(p.value, 3)} tce reached ${pct} % of the ${round(p.budget, 3)} tce budget${leftOut[1]}`
          : undefined
        out.push(this.transition(kind, scope, key, active, 'energy_budget', 'energy_budget_exceeded', `tce_${p.period}`, round(p.value, 6), round(stage * p.budget, 6), active ? ts : now, message))
      }
    }
    return out
  }

  private judgeDemand(g: DemandGroup, complete: (w: number, parts: Map<string, WindowPart>) => boolean): Transition[] {
    const out: Transition[] = []
    for (const w of [...g.windows.keys()].sort((a, b) => a - b)) {
      const parts = g.windows.get(w)!
      if (w < g.judgedUntil) {
        g.windows.delete(w) // arrived after a later window was judged: too late to alarm on
        continue
      }
      if (!complete(w, parts)) break
      g.windows.delete(w)
      g.judgedUntil = w + DEMAND_WINDOW_MS
      const limit = g.scope.budgets.maxDemandKw
      if (limit === undefined) continue
      let kw = 0
      for (const p of parts.values()) kw += p.kwN > 0 ? p.kwSum / p.kwN : p.coveredMs > 0 ? p.kwh / (p.coveredMs / 3_600_000) : 0
      const key = `max_demand:${g.kind}:${g.scope.id}`
      const active = kw > limit
      if (this.state.get(key) === active) continue
      this.state.set(key, active)
      const message = active ? `15 分钟平均需量 ${round(kw, 1)} kW 超过合同最大需量 ${limit} kW / 15-minute demand ${round(kw, 1)} kW above the contracted ${limit} kW` : undefined
      out.push(this.transition(g.kind, g.scope, key, active, 'max_demand', 'max_demand_exceeded', 'kw', round(kw, 3), limit, w + DEMAND_WINDOW_MS, message))
    }
    return out
  }

  /** Budget and demand alarms: level 4 (blue), class energy (DOMAIN.md), never part of the safety colour. */
  private transition(kind: 'e' | 'p', scope: ScopeInfo, key: string, active: boolean, rule: string, type: string, metric: string, value: number, threshold: number, ts: number, message: string | undefined): Transition {
    const device = kind === 'e' ? (this.d.mainMeter(scope.id) ?? scope.id) : scope.id
    return {
      key, rule, type, kind: active ? 'activate' : 'clear', level: ALARM_LEVEL.blue, class: 'energy',
      park: scope.park, enterprise: scope.id, area: undefined, device,
      metric, value, threshold, ts, message,
    }
  }

  private demandGroups(meter: MeterInfo): DemandGroup[] {
    const out: DemandGroup[] = []
    const e = this.d.settings.enterprises.get(meter.enterprise)
    const p = this.d.settings.parks.get(meter.park)
    if (e) out.push(this.group('e', e))
    if (p) out.push(this.group('p', p))
    return out
  }

  private group(kind: 'e' | 'p', scope: ScopeInfo): DemandGroup {
    const k = `${kind}:${scope.id}`
    let g = this.groups.get(k)
    if (!g) this.groups.set(k, (g = { scope, kind, windows: new Map(), judgedUntil: 0 }))
    return g
  }

  private part(g: DemandGroup, win: number, meter: string): WindowPart {
    let w = g.windows.get(win)
    if (!w) g.windows.set(win, (w = new Map()))
    let p = w.get(meter)
    if (!p) w.set(meter, (p = { kwSum: 0, kwN: 0, kwh: 0, coveredMs: 0 }))
    return p
  }

  private meterState(id: string): MeterState {
    let m = this.meters.get(id)
    if (!m) this.meters.set(id, (m = { counters: {}, seen: {}, window: 0 }))
    return m
  }

  private excludedOf(scope: string): Map<string, number> {
    let x = this.excluded.get(scope)
    if (!x) this.excluded.set(scope, (x = new Map()))
    return x
  }

  private usageOf(scope: string): Map<string, number> {
    let u = this.usage.get(scope)
    if (!u) this.usage.set(scope, (u = new Map()))
    return u
  }
}
