/**
 * Pure logic of the emissions page (docs/emissions.md, HJ 75-2017): hourly bars of a stack's
 * pollutant where invalid hours stay gaps, the exceedances with their ratio to the limit, the
 * ranges asked for, and the day's compliance rows.
 */
import type { ComplianceReply, EmissionHour, EmissionMetric, EmissionMetricHour, MetricDay } from './api.js'
import { DAY_MS, dayKey, dayRange, parseDayKey, shiftDay } from './local-date.js'

/** Pollutants compared with a limit, in the order of the HJ 212 codes (HCl and Cl2 of chlorination tail gas after them). */
export const POLLUTANTS = ['so2', 'nox', 'pm', 'hcl', 'cl2'] as const satisfies readonly EmissionMetric[]
export type Pollutant = (typeof POLLUTANTS)[number]
export const EMISSION_UNIT = 'mg/m³'
/** HJ 75-2017: an hourly value is valid with at least 45 valid minutes. */
export const MIN_VALID_MINUTES = 45
/** HJ 75-2017: a daily value is valid with at least 20 valid hours. */
export const MIN_VALID_HOURS = 20

/**
 * `valid` and `exceeded`: a valid hourly value; `invalid`: some valid minutes but fewer than
 * 45 (hatched, never a bar); `nodata`: no valid minute (a gap); `open`: the current hour, not
 * valid yet (it may still reach 45 minutes).
 */
export type HourState = 'valid' | 'exceeded' | 'invalid' | 'nodata' | 'open'

export interface HourBar {
  start: number
  label: string
  state: HourState
  /** The value compared with the limit (O2-corrected where the stack has a reference O2); null unless the hour is valid. */
  value: number | null
  /** The hour's mean even when the hour is invalid, for the tooltip only. */
  shown: number | null
  measured: number | null
  validMinutes: number | null
  limit: number | null
  /** Minutes with samples flagged T (over range): exceedance evidence, marked on the bar. */
  overRange: number
  /** Exceeded on the lower bound with T minutes rather than on a valid hour's mean. */
  byOverRange: boolean
  /** Minutes per reason (N valid, a flag, missing, humidity, o2), or null when unknown (hourly rollup). */
  reasons: Record<string, number> | null
}

/** An hour of a metric the reply does not carry (a stack without it): no data. */
const NO_HOUR: EmissionMetricHour = { measured: null, corrected: null, validMinutes: null, valid: false, limit: null, exceeded: false, exceededBy: null, overRangeMinutes: null, lowerBound: null, minutes: null }

/** The value an hour is judged by: corrected where there is one, else as measured. */
export function comparedValue(h: { corrected: number | null; measured: number | null }): number | null {
  return h.corrected ?? h.measured
}

/** The value an exceeded hour is judged by: the lower bound when T minutes decided it. */
export function judgedValue(h: EmissionMetricHour): number | null {
  return h.exceededBy === 'over_range' ? (h.lowerBound ?? null) : comparedValue(h)
}

export function hourState(h: EmissionMetricHour): HourState {
  if (h.exceeded && judgedValue(h) !== null) return 'exceeded'
  if (h.valid && comparedValue(h) !== null) return 'valid'
  return (h.validMinutes ?? 0) > 0 || comparedValue(h) !== null || (h.overRangeMinutes ?? 0) > 0 ? 'invalid' : 'nodata'
}

const HOUR_MS = 3_600_000

/** Bars of one metric; `now` marks the hour still running, which is not judged yet. */
export function hourBars(hours: readonly EmissionHour[], metric: EmissionMetric, now: number): HourBar[] {
  return hours.map((h) => {
    const m = h.metrics[metric] ?? NO_HOUR
    const judged = hourState(m)
    const state: HourState = h.start + HOUR_MS > now && judged !== 'valid' && judged !== 'exceeded' ? 'open' : judged
    const v = state === 'exceeded' ? judgedValue(m) : comparedValue(m)
    return {
      start: h.start, label: h.label, state, value: state === 'valid' || state === 'exceeded' ? v : null, shown: v, measured: m.measured, validMinutes: m.validMinutes, limit: m.limit,
      overRange: m.overRangeMinutes ?? 0, byOverRange: m.exceededBy === 'over_range', reasons: m.minutes ?? null,
    }
  })
}

/** How many times the limit a value is (1.125 for 112.5 against 100); null without a limit. */
export function limitRatio(value: number | null, limit: number | null): number | null {
  if (value === null || limit === null || !(limit > 0) || !Number.isFinite(value)) return null
  return value / limit
}

export interface Exceedance {
  start: number
  label: string
  metric: Pollutant
  value: number
  limit: number
  ratio: number
  /** Judged on the lower bound with over-range (T) minutes. */
  byOverRange: boolean
}

/** Hours above the limit (valid hours, and hours whose lower bound with T minutes is above it), newest first, then by pollutant. */
export function exceedances(hours: readonly EmissionHour[]): Exceedance[] {
  const out: Exceedance[] = []
  for (const h of hours) {
    for (const metric of POLLUTANTS) {
      const m = h.metrics[metric]
      const v = m ? judgedValue(m) : null
      if (!m?.exceeded || v === null || m.limit === null) continue
      out.push({ start: h.start, label: h.label, metric, value: v, limit: m.limit, ratio: limitRatio(v, m.limit)!, byOverRange: m.exceededBy === 'over_range' })
    }
  }
  return out.sort((a, b) => b.start - a.start || POLLUTANTS.indexOf(a.metric) - POLLUTANTS.indexOf(b.metric))
}

export interface HourCounts {
  valid: number
  exceeded: number
  invalid: number
  nodata: number
  open: number
}

export function countHours(bars: readonly HourBar[]): HourCounts {
  const c: HourCounts = { valid: 0, exceeded: 0, invalid: 0, nodata: 0, open: 0 }
  for (const b of bars) c[b.state]++
  return c
}

/** The y range of a chart: the valid values and the limit, from zero. */
export function chartMax(bars: readonly HourBar[], limit: number | null): number {
  let max = limit ?? 0
  for (const b of bars) if (b.value !== null && b.value > max) max = b.value
  return max > 0 ? max * 1.1 : 1
}

// ── Why an hour is invalid, and over-range evidence ───────────────────────────────────────

/** Reasons in the order they are shown: the HJ 212 flags, then the hub's own. */
export const REASON_ORDER = ['T', 'D', 'F', 'B', 'M', 'C', 'S', 'humidity', 'o2', 'missing'] as const

/** The reasons of an hour's minutes that are not valid, with their counts, in REASON_ORDER. */
export function invalidReasons(reasons: Record<string, number> | null): [string, number][] {
  if (!reasons) return []
  const out: [string, number][] = []
  for (const r of REASON_ORDER) if ((reasons[r] ?? 0) > 0) out.push([r, reasons[r]!])
  for (const [r, n] of Object.entries(reasons)) if (n > 0 && r !== 'N' && !(REASON_ORDER as readonly string[]).includes(r)) out.push([r, n])
  return out
}

export interface HourNote {
  start: number
  metric: Pollutant
  state: HourState
  validMinutes: number | null
  overRange: number
  reasons: [string, number][]
}

/**
 * Judged hours that are not plain: invalid ones (with why) and those with over-range minutes
 * (exceedance evidence), newest first, then by pollutant; the hour still running is left out.
 */
export function hourNotes(barsByMetric: readonly { metric: Pollutant; bars: readonly HourBar[] }[]): HourNote[] {
  const out: HourNote[] = []
  for (const { metric, bars } of barsByMetric) {
    for (const b of bars) {
      if (b.state === 'open' || b.state === 'nodata' || (b.state !== 'invalid' && b.overRange === 0)) continue
      out.push({ start: b.start, metric, state: b.state, validMinutes: b.validMinutes, overRange: b.overRange, reasons: invalidReasons(b.reasons) })
    }
  }
  return out.sort((a, b) => b.start - a.start || POLLUTANTS.indexOf(a.metric) - POLLUTANTS.indexOf(b.metric))
}

// ── Ranges ─────────────────────────────────────────────────────────────────────────────────

export const HOURLY_RANGES = ['24h', '7d', 'day'] as const
export type HourlyRange = (typeof HOURLY_RANGES)[number]

/** The last 24 hours or 7 days up to the end of the current hour, or one local day. */
export function hourlyQuery(range: HourlyRange, day: string, now: number, timeZone: string): { from: number; to: number } | null {
  if (range === 'day') return parseDayKey(day) ? dayRange(day, timeZone) : null
  const to = Math.ceil(now / HOUR_MS) * HOUR_MS
  return { from: to - (range === '24h' ? DAY_MS : 7 * DAY_MS), to }
}

/** Yesterday in the zone: the default day of the compliance report (a complete day). */
export function yesterday(now: number, timeZone: string): string {
  return shiftDay(dayKey(now, timeZone), -1)
}

// ── Compliance ─────────────────────────────────────────────────────────────────────────────

export interface ComplianceRow {
  device: string
  name: string
  nameEn: string
  enterprise: string
  referenceO2: number | null
  compliant: boolean
  metric: string
  day: MetricDay
  /** The daily mean against the limit. */
  ratio: number | null
  /** First row of its stack (the table names the stack once). */
  first: boolean
  span: number
}

/** One row per stack and pollutant, stacks that exceeded first, pollutants in HJ 212 order. */
export function complianceRows(report: ComplianceReply): ComplianceRow[] {
  const order = (m: string): number => {
    const i = (POLLUTANTS as readonly string[]).indexOf(m)
    return i < 0 ? POLLUTANTS.length : i
  }
  const stacks = [...report.stacks].sort((a, b) => Number(a.compliant) - Number(b.compliant) || (a.device < b.device ? -1 : 1))
  const rows: ComplianceRow[] = []
  for (const s of stacks) {
    const metrics = Object.keys(s.metrics).sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1))
    metrics.forEach((metric, i) => {
      const day = s.metrics[metric]!
      rows.push({ device: s.device, name: s.name, nameEn: s.nameEn, enterprise: s.enterprise, referenceO2: s.referenceO2, compliant: s.compliant, metric, day, ratio: limitRatio(day.dailyMean, day.limit), first: i === 0, span: metrics.length })
    })
  }
  return rows
}

/** Whether the report holds any valid hour at all (else the page says what is missing). */
export function complianceHasData(report: ComplianceReply): boolean {
  return report.stacks.some((s) => Object.values(s.metrics).some((m) => m.validHours > 0))
}
