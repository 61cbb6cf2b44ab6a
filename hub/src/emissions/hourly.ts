/**
 * Minute and hourly values of a CEMS stack (HJ 75-2017), from real-time samples (HJ 212-2017
 * command 2011) to minute data (2051) to hourly data (2061). Pure.
 *
 * Per metric and minute: sum and count of the valid samples (validity.ts). Per hour:
 *
 *   measured mean   mean of the valid minutes' means (NOx as NO2)
 *   corrected mean  pollutants (so2, nox, pm) of a stack with `referenceO2`: the mean of the
 *                   minutes' corrected values C × (21 − O2_ref) / (21 − O2), each minute
 *                   with its own O2 mean (o2-correction.ts); a minute counts only with valid
 *                   O2 below 20.9 %
 *   valid minutes   minutes that count for the value compared with the limit: the corrected
 *                   one where there is a reference O2, else the measured one
 *   valid           valid minutes ≥ 45
 *   exceeded        valid, and the compared value (corrected, else measured) above the
 *                   stack's limit (`Device.limits`, mg/m³ at reference O2)
 */
import type { DataFlag } from '../model/vocabulary.js'
import { correctO2, NO_TO_NO2 } from './o2-correction.js'
import { HOURLY_MIN_VALID_MINUTES, isValidFlag } from './validity.js'

export const EMISSION_METRICS = ['so2', 'nox', 'pm', 'o2', 'flow', 'temp'] as const
export type EmissionMetric = (typeof EMISSION_METRICS)[number]
export const POLLUTANTS: readonly EmissionMetric[] = ['so2', 'nox', 'pm']

export const isEmissionMetric = (m: string): m is EmissionMetric => (EMISSION_METRICS as readonly string[]).includes(m)

export interface StackInfo {
  id: string
  park: string
  enterprise: string
  area: string | undefined
  name: string
  nameEn: string
  limits: Partial<Record<string, number>>
  referenceO2: number | undefined
  noxAs: 'NO2' | 'NO'
  intervalSec: number
}

export interface SumCount {
  sum: number
  n: number
}

/** Valid samples of one minute, per metric. */
export interface MinuteAgg {
  start: number
  metrics: Partial<Record<EmissionMetric, SumCount>>
}

export interface MetricHour {
  measured: number | null
  corrected: number | null
  validMinutes: number | null
  valid: boolean
  limit: number | null
  exceeded: boolean
}

export interface HourValue {
  start: number
  metrics: Record<EmissionMetric, MetricHour>
}

/** Adds samples into minute aggregates (valid samples only). */
export function addSample(minute: MinuteAgg, values: Record<string, number>, flags: Record<string, DataFlag> | undefined): void {
  for (const [m, v] of Object.entries(values)) {
    if (!isEmissionMetric(m) || !Number.isFinite(v) || !isValidFlag(flags?.[m])) continue
    const sc = (minute.metrics[m] ??= { sum: 0, n: 0 })
    sc.sum += v
    sc.n++
  }
}

/** Minute aggregates from samples. */
export function minutesFromSamples(samples: readonly { ts: number; values: Record<string, number>; flags?: Record<string, DataFlag> | undefined }[]): MinuteAgg[] {
  const byMinute = new Map<number, MinuteAgg>()
  for (const s of samples) {
    const start = Math.floor(s.ts / 60_000) * 60_000
    let m = byMinute.get(start)
    if (!m) byMinute.set(start, (m = { start, metrics: {} }))
    addSample(m, s.values, s.flags)
  }
  return [...byMinute.values()].sort((a, b) => a.start - b.start)
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null)
const r3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000)

/** Hourly values of one stack from the minute aggregates of that hour. */
export function hourValue(stack: StackInfo, start: number, minutes: readonly MinuteAgg[]): HourValue {
  const metrics = {} as Record<EmissionMetric, MetricHour>
  for (const m of EMISSION_METRICS) {
    const factor = m === 'nox' && stack.noxAs === 'NO' ? NO_TO_NO2 : 1
    const correctable = POLLUTANTS.includes(m) && stack.referenceO2 !== undefined
    const measured: number[] = []
    const corrected: number[] = []
    for (const min of minutes) {
      const sc = min.metrics[m]
      if (!sc || sc.n === 0) continue
      const v = (sc.sum / sc.n) * factor
      measured.push(v)
      if (!correctable) continue
      const o2 = min.metrics.o2
      const c = o2 && o2.n > 0 ? correctO2(v, o2.sum / o2.n, stack.referenceO2!) : undefined
      if (c !== undefined) corrected.push(c)
    }
    const validMinutes = correctable ? corrected.length : measured.length
    const valid = validMinutes >= HOURLY_MIN_VALID_MINUTES
    const limit = stack.limits[m] ?? null
    const compared = correctable ? mean(corrected) : mean(measured)
    metrics[m] = {
      measured: r3(mean(measured)),
      corrected: correctable ? r3(mean(corrected)) : null,
      validMinutes,
      valid,
      limit,
      exceeded: valid && limit !== null && compared !== null && compared > limit,
    }
  }
  return { start, metrics }
}

/** Hourly values over hours [from, to) (UTC-aligned hours are local hours in whole-hour zones). */
export function hoursFromMinutes(stack: StackInfo, minutes: readonly MinuteAgg[], hourStarts: readonly number[]): HourValue[] {
  const byHour = new Map<number, MinuteAgg[]>(hourStarts.map((h) => [h, []]))
  const starts = [...hourStarts].sort((a, b) => a - b)
  for (const m of minutes) {
    // the hour containing m.start: the last start ≤ m.start
    let lo = 0, hi = starts.length - 1, found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (starts[mid]! <= m.start) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    if (found >= 0 && m.start < starts[found]! + 3_600_000) byHour.get(starts[found]!)!.push(m)
  }
  return starts.map((h) => hourValue(stack, h, byHour.get(h)!))
}

/**
 * An hour from the hourly rollup (valid-sample sums and counts, no minutes): an approximation
 * for ranges past the raw retention. Corrected with the hour's mean O2; valid when the valid
 * samples are ≥ 45/60 of those the stack's interval gives in an hour; `validMinutes` unknown.
 */
export function hourFromRollup(stack: StackInfo, start: number, metricsIn: Partial<Record<EmissionMetric, SumCount>>): HourValue {
  const expected = 3600 / Math.max(1, stack.intervalSec)
  const o2 = metricsIn.o2
  const o2Mean = o2 && o2.n > 0 ? o2.sum / o2.n : undefined
  const metrics = {} as Record<EmissionMetric, MetricHour>
  for (const m of EMISSION_METRICS) {
    const sc = metricsIn[m]
    const factor = m === 'nox' && stack.noxAs === 'NO' ? NO_TO_NO2 : 1
    const measured = sc && sc.n > 0 ? (sc.sum / sc.n) * factor : null
    const correctable = POLLUTANTS.includes(m) && stack.referenceO2 !== undefined
    const corrected = correctable && measured !== null && o2Mean !== undefined ? (correctO2(measured, o2Mean, stack.referenceO2!) ?? null) : null
    const valid = (sc?.n ?? 0) >= (HOURLY_MIN_VALID_MINUTES / 60) * expected && (!correctable || corrected !== null)
    const limit = stack.limits[m] ?? null
    const compared = correctable ? corrected : measured
    metrics[m] = { measured: r3(measured), corrected: correctable ? r3(corrected) : null, validMinutes: null, valid, limit, exceeded: valid && limit !== null && compared !== null && compared > limit }
  }
  return { start, metrics }
}
