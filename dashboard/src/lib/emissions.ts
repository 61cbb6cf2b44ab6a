/**
 * Pure logic of the emissions page (docs/emissions.md, HJ 75-2017): hourly bars of a stack's
 * pollutant where invalid hours stay gaps, the exceedances with their ratio to the limit, the
 * ranges asked for, and the day's compliance rows.
 */
import type { ComplianceReply, EmissionHour, EmissionMetric, MetricDay } from './api.js'
import { DAY_MS, dayKey, dayRange, parseDayKey, shiftDay } from './local-date.js'

/** Pollutants compared with a limit, in the order of the HJ 212 codes. */
export const POLLUTANTS = ['so2', 'nox', 'pm'] as const satisfies readonly EmissionMetric[]
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
}

/** The value an hour is judged by: corrected where there is one, else as measured. */
export function comparedValue(h: { corrected: number | null; measured: number | null }): number | null {
  return h.corrected ?? h.measured
}

export function hourState(h: { valid: boolean; exceeded: boolean; validMinutes: number | null; corrected: number | null; measured: number | null }): HourState {
  if (h.valid && comparedValue(h) !== null) return h.exceeded ? 'exceeded' : 'valid'
  return (h.validMinutes ?? 0) > 0 || comparedValue(h) !== null ? 'invalid' : 'nodata'
}

const HOUR_MS = 3_600_000

/** Bars of one metric; `now` marks the hour still running, which is not judged yet. */
export function hourBars(hours: readonly EmissionHour[], metric: EmissionMetric, now: number): HourBar[] {
  return hours.map((h) => {
    const m = h.metrics[metric]
    const judged = hourState(m)
    const state: HourState = h.start + HOUR_MS > now && judged !== 'valid' && judged !== 'exceeded' ? 'open' : judged
    const v = comparedValue(m)
    return { start: h.start, label: h.label, state, value: state === 'valid' || state === 'exceeded' ? v : null, shown: v, measured: m.measured, validMinutes: m.validMinutes, limit: m.limit }
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
}

/** Valid hours above the limit, newest first, then by pollutant. */
export function exceedances(hours: readonly EmissionHour[]): Exceedance[] {
  const out: Exceedance[] = []
  for (const h of hours) {
    for (const metric of POLLUTANTS) {
      const m = h.metrics[metric]
      const v = comparedValue(m)
      if (!m.exceeded || !m.valid || v === null || m.limit === null) continue
      out.push({ start: h.start, label: h.label, metric, value: v, limit: m.limit, ratio: limitRatio(v, m.limit)! })
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
