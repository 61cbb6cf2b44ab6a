/**
 * Pure logic of the energy page (docs/energy.md): the period asked for, the chart's columns by
 * carrier, the ranking of enterprises, budgets and their gauges, energy alarms of a scope, and
 * the figures behind saving suggestions.
 */
import type { Alarm, AlarmLevel } from '../../../hub/src/model/alarm.js'
import type { Carrier, EnergyEvery, EnergyRow, EnergyTotal, IntensityFigures } from './api.js'
import { formatNumber, formatPercent, type Translate } from './format.js'
import { dayKey, dayRange, daysBetween, daysRange, monthKey, monthRange, parseDayKey, parseMonthKey, shiftDay } from './local-date.js'

export const CARRIERS: readonly Carrier[] = ['kwh', 'gas_m3', 'steam_t', 'water_m3']
/** Carriers with a standard-coal coefficient; water is reported in m³ only. */
export const TCE_CARRIERS: readonly Carrier[] = ['kwh', 'gas_m3', 'steam_t']
export const CARRIER_UNITS: Readonly<Record<Carrier, string>> = { kwh: 'kWh', gas_m3: 'm³', steam_t: 't', water_m3: 'm³' }

// ── Periods ────────────────────────────────────────────────────────────────────────────────

export const PERIOD_KINDS = ['day', 'month', 'custom'] as const
export type PeriodKind = (typeof PERIOD_KINDS)[number]

export interface Period {
  kind: PeriodKind
  /** `YYYY-MM-DD` for a day. */
  day: string
  /** `YYYY-MM` for a month. */
  month: string
  /** First and last day of a custom range, both included. */
  first: string
  last: string
}

/** This month, today, and the last 7 days, in the zone. */
export function defaultPeriod(now: number, timeZone: string): Period {
  const today = dayKey(now, timeZone)
  return { kind: 'month', day: today, month: monthKey(now, timeZone), first: shiftDay(today, -6), last: today }
}

/** Longest custom range (the hub's limit for `every=1d`). */
export const MAX_CUSTOM_DAYS = 731

export type PeriodQuery = { ok: true; from: number; to: number; every: EnergyEvery } | { ok: false; reason: 'invalid' | 'order' | 'tooLong' }

/**
 * The range and bucket asked of the hub: a day by hour, a month by day, a custom range by hour
 * up to two days, by day up to 92 days, by month beyond (the hub widens it to whole months).
 */
export function periodQuery(p: Period, timeZone: string): PeriodQuery {
  if (p.kind === 'day') {
    if (!parseDayKey(p.day)) return { ok: false, reason: 'invalid' }
    return { ok: true, ...dayRange(p.day, timeZone), every: '1h' }
  }
  if (p.kind === 'month') {
    if (!parseMonthKey(p.month)) return { ok: false, reason: 'invalid' }
    return { ok: true, ...monthRange(p.month, timeZone), every: '1d' }
  }
  if (!parseDayKey(p.first) || !parseDayKey(p.last)) return { ok: false, reason: 'invalid' }
  const n = daysBetween(p.first, p.last)
  if (n < 1) return { ok: false, reason: 'order' }
  if (n > MAX_CUSTOM_DAYS) return { ok: false, reason: 'tooLong' }
  return { ok: true, ...daysRange(p.first, p.last, timeZone), every: n <= 2 ? '1h' : n <= 92 ? '1d' : '1mo' }
}

/** Step a day or month period back or forward by one. */
export function stepPeriod(p: Period, dir: -1 | 1): Period {
  if (p.kind === 'day') return { ...p, day: shiftDay(p.day, dir) }
  if (p.kind === 'month') {
    const m = parseMonthKey(p.month)
    if (!m) return p
    const d = new Date(Date.UTC(m.year, m.month - 1 + dir, 1))
    return { ...p, month: `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}` }
  }
  const n = daysBetween(p.first, p.last)
  return Number.isFinite(n) && n > 0 ? { ...p, first: shiftDay(p.first, dir * n), last: shiftDay(p.last, dir * n) } : p
}

/** A bucket label as the axis shows it: `HH:MM` (the date at midnight), `MM-DD`, or `YYYY-MM`. */
export function shortLabel(label: string, every: string): string {
  if (every === '1h') {
    const time = label.slice(11, 16)
    return time === '00:00' ? label.slice(5, 10) : time
  }
  if (every === '1d') return label.slice(5, 10)
  return label.slice(0, 7)
}

// ── Consumption chart ──────────────────────────────────────────────────────────────────────

/** What the chart shows: standard coal stacked by carrier, or one carrier in its own unit. */
export type CarrierView = 'tce' | Carrier
export const CARRIER_VIEWS: readonly CarrierView[] = ['tce', ...CARRIERS]

/**
 * `ok`: counted; `gap`: use counted but a meter's readings had a gap (when it happened is not
 * known); `nodata`: no reading at all (drawn as a gap, never as zero); `future`: not begun.
 */
export type ColumnState = 'ok' | 'gap' | 'nodata' | 'future'

export interface ChartColumn {
  start: number
  end: number
  label: string
  state: ColumnState
  /** The period holds "now": its figures are so far. */
  current: boolean
  /** Stacked from zero: each carrier from `y0` to `y1` (= y0 + value). */
  segments: { key: Carrier; value: number; y0: number; y1: number }[]
  /** Null where nothing is known. */
  total: number | null
}

function noUse(row: EnergyTotal): boolean {
  return row.tce === 0 && CARRIERS.every((c) => (row.carriers[c]?.amount ?? 0) === 0)
}

/**
 * `metered`: whether any meter of the scope reported in the range (the hub lists them under
 * `meters`); without one, the hub's rows are zeros not marked as gaps, and mean "no data".
 */
export function columnState(row: EnergyRow, now: number, metered = true): ColumnState {
  if (row.start >= now) return 'future'
  if (!metered || (row.gap && noUse(row))) return 'nodata'
  return row.gap ? 'gap' : 'ok'
}

/** Columns of the chart; `to` is the end of the last period. */
export function chartColumns(rows: readonly EnergyRow[], view: CarrierView, to: number, now: number, metered = true): ChartColumn[] {
  return rows.map((row, i) => {
    const end = rows[i + 1]?.start ?? to
    const state = columnState(row, now, metered)
    const known = state === 'ok' || state === 'gap'
    const values = !known ? [] : view === 'tce' ? TCE_CARRIERS.map((c) => ({ key: c, value: (row.carriers[c]?.kgce ?? 0) / 1000 })) : [{ key: view, value: row.carriers[view]?.amount ?? 0 }]
    let y = 0
    const segments = values.map((v) => {
      const y0 = y
      y += Math.max(0, v.value)
      return { ...v, y0, y1: y }
    })
    const total = !known ? null : view === 'tce' ? row.tce : (row.carriers[view]?.amount ?? 0)
    return { start: row.start, end, label: row.label, state, current: row.start <= now && now < end, segments, total }
  })
}

/** Whether any period holds a reading (else the page says what is missing). */
export function hasData(rows: readonly EnergyRow[], now: number, metered = true): boolean {
  return rows.some((r) => {
    const s = columnState(r, now, metered)
    return s === 'ok' || s === 'gap'
  })
}

/** The carriers a scope uses in the period (water only when it was metered). */
export function usedCarriers(total: EnergyTotal): Carrier[] {
  return CARRIERS.filter((c) => (total.carriers[c]?.amount ?? 0) > 0)
}

const sigFormats = new Map<string, Intl.NumberFormat>()

/** Like formatNumber, but small figures (intensities of 0.00x tce per 万元) keep three significant digits. */
export function formatValue(value: number | null | undefined, locale: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  if (value === 0 || Math.abs(value) >= 1) return formatNumber(value, locale)
  let f = sigFormats.get(locale)
  if (f === undefined) sigFormats.set(locale, (f = new Intl.NumberFormat(locale, { maximumSignificantDigits: 3 })))
  return f.format(value)
}

// ── Ranking ────────────────────────────────────────────────────────────────────────────────

export const RANK_BY = ['tce', 'per10k', 'perMu', 'budget'] as const
export type RankBy = (typeof RANK_BY)[number]

export interface RankItem {
  id: string
  name: string
  nameEn: string
  park: string
  value: number | null
  /** Whether a meter of the enterprise reported in the period; without one its 0 tce means "no data". */
  metered: boolean
}

type RankSource = { enterprise: string; park: string; name: string; nameEn: string } & IntensityFigures

export function rankValue(e: IntensityFigures, by: RankBy): number | null {
  if (by === 'tce') return e.tce
  if (by === 'per10k') return e.tcePer10kYuan
  if (by === 'perMu') return e.tcePerMu
  return e.budget.use
}

/**
 * Highest first; enterprises without the figure (no output value, land or budget, or no meter
 * reading in the period — `metered` lists those with one, when known) last.
 */
export function ranking(enterprises: readonly RankSource[], by: RankBy, metered?: ReadonlySet<string>): RankItem[] {
  return enterprises
    .map((e) => {
      const m = metered === undefined || metered.has(e.enterprise)
      return { id: e.enterprise, name: e.name, nameEn: e.nameEn, park: e.park, value: m ? rankValue(e, by) : null, metered: m }
    })
    .sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

// ── Budgets ────────────────────────────────────────────────────────────────────────────────

export interface ZoneBudgets {
  dailyTce?: number | undefined
  monthlyTce?: number | undefined
  maxDemandKw?: number | undefined
}

export interface ResolvedBudget {
  daily: number | null
  monthly: number | null
  demandKw: number | null
  source: 'zone' | 'demo' | 'none'
}

/**
 * The daily and monthly budget (tce) and contracted demand (kW) of a park or enterprise. Set
 * in the zone file: as written there. Demo budgets (an enterprise's output value × a demo
 * intensity, docs/energy.md) come from the hub's pro-rated budget of a period: daily = its
 * tce ÷ days, monthly = daily × 365 ÷ 12.
 */
export function resolveBudget(fig: IntensityFigures | undefined, days: number, zone: ZoneBudgets | undefined): ResolvedBudget {
  const source = fig?.budget.source ?? (zone ? 'zone' : 'none')
  if (source === 'zone' && zone) return { daily: zone.dailyTce ?? null, monthly: zone.monthlyTce ?? null, demandKw: zone.maxDemandKw ?? null, source: 'zone' }
  if (source === 'demo' && fig?.budget.tce != null && days > 0) {
    const daily = fig.budget.tce / days
    return { daily, monthly: (daily * 365) / 12, demandKw: null, source: 'demo' }
  }
  return { daily: null, monthly: null, demandKw: zone?.maxDemandKw ?? null, source: source === 'demo' ? 'demo' : 'none' }
}

/** The share of a budget at which the hub raises its first budget alarm (level IV). */
export const BUDGET_WARN_SHARE = 0.9

export type GaugeVerdict = 'nolimit' | 'ok' | 'near' | 'over'

export interface GaugeState {
  value: number
  limit: number | null
  share: number | null
  verdict: GaugeVerdict
  /** A warning level only once the alarm's level is reached; otherwise neutral. */
  level: AlarmLevel | null
  /** Scale of the dial and its mark (the limit). */
  max: number
  marks: number[]
}

function dial(value: number, limit: number | null): { max: number; marks: number[] } {
  if (limit === null || limit <= 0) return { max: Math.max(1, value * 1.25), marks: [] }
  return { max: Math.max(limit * 1.25, value * 1.05), marks: [limit] }
}

/** One dial of the budget panel. */
export interface GaugeCard {
  id: string
  caption: string
  unit: string
  /** What the limit is, e.g. "budget 352 tce"; shown under the dial. */
  limitText: string
  /** Said instead of a dial when there is no limit. */
  noLimitText: string
  /** Null: no figure yet (e.g. no live power). */
  gauge: GaugeState | null
  note?: string | undefined
}

/** Use against a budget (tce): level IV (blue, advisory) from 90 % or while a budget alarm stands. */
export function budgetGauge(use: number, budget: number | null, alarmActive = false): GaugeState {
  const share = budget !== null && budget > 0 ? use / budget : null
  const verdict: GaugeVerdict = share === null ? 'nolimit' : share >= 1 ? 'over' : share >= BUDGET_WARN_SHARE ? 'near' : 'ok'
  const level: AlarmLevel | null = alarmActive || (share !== null && share >= BUDGET_WARN_SHARE) ? 4 : null
  return { value: use, limit: budget, share, verdict, level, ...dial(use, budget) }
}

/** Demand against the contracted maximum (kW): level IV (blue, energy class — DOMAIN.md) above it or while a demand alarm stands. */
export function demandGauge(kw: number, contracted: number | null, alarmActive = false): GaugeState {
  const share = contracted !== null && contracted > 0 ? kw / contracted : null
  const verdict: GaugeVerdict = share === null ? 'nolimit' : share > 1 ? 'over' : share >= BUDGET_WARN_SHARE ? 'near' : 'ok'
  const level: AlarmLevel | null = alarmActive || (share !== null && share > 1) ? 4 : null
  return { value: kw, limit: contracted, share, verdict, level, ...dial(kw, contracted) }
}

// ── Energy alarms of a scope ───────────────────────────────────────────────────────────────

export const BUDGET_ALARM = 'energy_budget_exceeded'
export const DEMAND_ALARM = 'max_demand_exceeded'
/** A meter's reading it cannot have measured (device-health, blue): listed with the energy alarms of its scope. */
export const IMPLAUSIBLE_ALARM = 'meter_implausible'
export const ENERGY_ALARM_TYPES: readonly string[] = [BUDGET_ALARM, DEMAND_ALARM, IMPLAUSIBLE_ALARM]

/** The unit of an energy alarm's value: kW for demand, the counter's unit for a meter's implausible step, else tce. */
export function energyAlarmUnit(a: Pick<Alarm, 'metric'>): string {
  if (a.metric === 'kw') return 'kW'
  return a.metric !== undefined && a.metric in CARRIER_UNITS ? CARRIER_UNITS[a.metric as Carrier] : 'tce'
}

export interface EnergyScope {
  park?: string | undefined
  enterprise?: string | undefined
}

/**
 * Whether an energy alarm concerns exactly this scope: an enterprise's alarms carry its id as
 * enterprise; a park's carry the park id as enterprise and device (docs/energy.md).
 */
export function alarmOfScope(a: Alarm, scope: EnergyScope): boolean {
  if (scope.enterprise) return a.enterprise === scope.enterprise
  if (scope.park) return a.park === scope.park && a.enterprise === scope.park
  return false
}

/** Alarms still to be dealt with: active, or cleared but not yet acknowledged (ISA-18.2); not closed. */
export function standing(a: Alarm): boolean {
  return a.workflow !== 'closed' && (a.condition === 'active' || a.ack === 'unacked')
}

/** Standing energy alarms in a park or enterprise (or the zone), highest level, active and newest first. */
export function energyAlarms(alarms: Iterable<Alarm>, scope: EnergyScope): Alarm[] {
  const out: Alarm[] = []
  for (const a of alarms) {
    if (!ENERGY_ALARM_TYPES.includes(a.type) || !standing(a)) continue
    if (scope.enterprise ? a.enterprise !== scope.enterprise : scope.park ? a.park !== scope.park : false) continue
    out.push(a)
  }
  return out.sort(alarmOrder)
}

/** Highest level first, then active before cleared, then newest. */
export function alarmOrder(a: Alarm, b: Alarm): number {
  return a.level - b.level || Number(b.condition === 'active') - Number(a.condition === 'active') || b.raisedAt - a.raisedAt
}

/** Whether a budget alarm (metric `tce_day` / `tce_month`) or a demand alarm (`kw`) stands for exactly this scope. */
export function alarmStands(alarms: Iterable<Alarm>, scope: EnergyScope, type: string, metric: string): boolean {
  for (const a of alarms) if (a.type === type && a.metric === metric && a.condition === 'active' && alarmOfScope(a, scope)) return true
  return false
}

// ── Suggestion figures ─────────────────────────────────────────────────────────────────────

type FigureKind = 'kw' | 'kwh' | 'kwhPerDay' | 'kgcePerDay' | 'tce' | 'share' | 'yuan' | 'yuanPerKwh' | 'count' | 'days' | 'weekday' | 'text'

const FIGURE_KINDS: Readonly<Record<string, FigureKind>> = {
  nightKw: 'kw', dayKw: 'kw', ratio: 'share', targetRatio: 'share', excessKwhPerDay: 'kwhPerDay', excessKgcePerDay: 'kgcePerDay',
  nightHours: 'text', dayHours: 'text', days: 'days', peakKwh: 'kwh', flatKwh: 'kwh', valleyKwh: 'kwh', peakShare: 'share',
  peakHoursShare: 'share', shiftShare: 'share', shiftKwh: 'kwh', pricePeak: 'yuanPerKwh', priceValley: 'yuanPerKwh',
  savingYuan: 'yuan', savingYuanPer30Days: 'yuan', maxDemandKw: 'kw', at: 'text', contractedKw: 'kw', windowsNearLimit: 'count',
  nearShare: 'share', day: 'text', weekday: 'weekday', tce: 'tce', baselineTce: 'tce', baselineSd: 'tce', baselineDays: 'count',
}

/** A suggestion's figure with its unit, in the screen's language (`tr` gives the words). */
export function formatFigure(key: string, value: number | string | null, locale: string, tr: Translate): string {
  if (value === null) return '—'
  if (typeof value === 'string') return value
  const kind = FIGURE_KINDS[key]
  const n = formatNumber(value, locale)
  switch (kind) {
    case 'kw': return `${n} kW`
    case 'kwh': return `${n} kWh`
    case 'kwhPerDay': return `${n} ${tr('energy.unit.kwhPerDay')}`
    case 'kgcePerDay': return `${n} ${tr('energy.unit.kgcePerDay')}`
    case 'tce': return `${n} tce`
    case 'share': return formatPercent(value, locale)
    case 'yuan': return `${n} ${tr('energy.unit.yuan')}`
    case 'yuanPerKwh': return `${n} ${tr('energy.unit.yuanPerKwh')}`
    case 'days': return tr('energy.unit.days', { n })
    case 'weekday': return tr(`weekday.${value}`)
    default: return n
  }
}

/** The figures worth showing beside a suggestion, in the hub's order. */
export function figureKeys(figures: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(figures).filter((k) => k !== 'targetRatio' && k !== 'nearShare' && k !== 'shiftShare')
}
