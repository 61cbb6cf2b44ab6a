/**
 * Hourly values of a CEMS stack (HJ 75-2017, HJ 212-2017 command 2061) from its minute data
 * (minutes.ts). Pure.
 *
 *   measured        mean of the valid minutes' values, standard-state dry (ppm converted at
 *                   22.4 L/mol, wet readings with the minute's moisture, NOx as NO2)
 *   corrected       pollutants of a stack with a reference O2: mean of the minutes' values
 *                   corrected with their own dry O2 (a minute counts only with valid O2 below
 *                   20.9 %); null otherwise
 *   validMinutes    minutes counting for the value compared with the limit
 *   valid           validMinutes ≥ 45 (HJ 75-2017)
 *   minutes         per reason, the minutes of the hour: N (valid), a flag (the minute's most
 *                   frequent one when it has no valid sample), `missing`, `humidity` (wet
 *                   reading without a valid moisture), `o2` (no valid O2 to correct with)
 *   overRangeMinutes  minutes with samples flagged T (over range): evidence of an exceedance
 *   lowerBound      with T minutes: the mean over the valid and the T minutes, the T samples
 *                   at their reading — a lower bound of the true mean (a T reading is at least
 *                   the analyser's full scale)
 *   exceeded        the compared value (corrected, else measured) of a valid hour above the
 *                   limit — or, with T minutes, the lower bound over ≥ 45 valid-or-T minutes
 *                   above it: the true mean can only be higher (`exceededBy: over_range`)
 */
import { HOURLY_MIN_VALID_MINUTES } from './validity.js'
import { EMISSION_METRICS, meanOf, minuteValue, POLLUTANTS, toStandardDry, type EmissionMetric, type MinuteAgg, type MinuteReason, type StackInfo, type SumCount } from './minutes.js'
import { correctO2 } from './o2-correction.js'

export { addSample, EMISSION_METRICS, isEmissionMetric, minutesFromSamples, POLLUTANTS } from './minutes.js'
export type { EmissionMetric, MinuteAgg, MinuteMetric, StackInfo, SumCount } from './minutes.js'

export interface MetricHour {
  measured: number | null
  corrected: number | null
  validMinutes: number | null
  valid: boolean
  limit: number | null
  exceeded: boolean
  /** Why: `mean` (a valid hour's mean) or `over_range` (the lower bound with T minutes); null when not exceeded. */
  exceededBy: 'mean' | 'over_range' | null
  overRangeMinutes: number | null
  lowerBound: number | null
  /** Minutes of the hour per reason (valid ones under N); null from the hourly rollup. */
  minutes: Partial<Record<MinuteReason, number>> | null
}

export interface HourValue {
  start: number
  metrics: Record<EmissionMetric, MetricHour>
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null)
const r3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000)
const MINUTES_PER_HOUR = 60

/** Hourly values of one stack from the minute aggregates of that hour. */
export function hourValue(stack: StackInfo, start: number, minutes: readonly MinuteAgg[]): HourValue {
  const metrics = {} as Record<EmissionMetric, MetricHour>
  for (const m of EMISSION_METRICS) {
    const correctable = POLLUTANTS.includes(m) && stack.referenceO2 !== undefined
    const dry: number[] = []
    const values: number[] = []
    const bounds: number[] = []
    const reasons: Partial<Record<MinuteReason, number>> = {}
    let overRange = 0
    for (const min of minutes) {
      const v = minuteValue(stack, m, min)
      reasons[v.reason] = (reasons[v.reason] ?? 0) + 1
      if (v.dry !== undefined) dry.push(v.dry)
      if (v.value !== undefined) values.push(v.value)
      if (v.bound !== undefined) bounds.push(v.bound)
      if ((min.metrics[m]?.t?.n ?? 0) > 0) overRange++
    }
    const seen = Object.values(reasons).reduce((a, b) => a + b, 0)
    if (seen < MINUTES_PER_HOUR) reasons.missing = (reasons.missing ?? 0) + MINUTES_PER_HOUR - seen
    const validMinutes = values.length
    const valid = validMinutes >= HOURLY_MIN_VALID_MINUTES
    const limit = stack.limits[m] ?? null
    const compared = mean(values)
    const lowerBound = overRange > 0 ? mean(bounds) : null
    const byMean = valid && limit !== null && compared !== null && compared > limit
    const byBound = !byMean && limit !== null && lowerBound !== null && bounds.length >= HOURLY_MIN_VALID_MINUTES && lowerBound > limit
    metrics[m] = {
      measured: r3(mean(dry)),
      corrected: correctable ? r3(compared) : null,
      validMinutes,
      valid,
      limit,
      exceeded: byMean || byBound,
      exceededBy: byMean ? 'mean' : byBound ? 'over_range' : null,
      overRangeMinutes: overRange,
      lowerBound: r3(lowerBound),
      minutes: reasons,
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
 * for ranges past the raw retention. Converted with the hour's mean moisture, corrected with
 * the hour's mean O2; valid when the valid samples are ≥ 45/60 of those the stack's interval
 * gives in an hour; `validMinutes`, the reasons and the over-range evidence unknown.
 */
export function hourFromRollup(stack: StackInfo, start: number, metricsIn: Partial<Record<EmissionMetric, SumCount>>): HourValue {
  const expected = 3600 / Math.max(1, stack.intervalSec)
  const humidity = meanOf(metricsIn.humidity)
  const o2Raw = meanOf(metricsIn.o2)
  const o2 = o2Raw === undefined ? undefined : toStandardDry(stack, 'o2', o2Raw, humidity)
  const metrics = {} as Record<EmissionMetric, MetricHour>
  for (const m of EMISSION_METRICS) {
    const sc = metricsIn[m]
    const raw = meanOf(sc)
    const measured = raw === undefined ? null : (toStandardDry(stack, m, raw, humidity) ?? null)
    const correctable = POLLUTANTS.includes(m) && stack.referenceO2 !== undefined
    const corrected = correctable && measured !== null && o2 !== undefined ? (correctO2(measured, o2, stack.referenceO2!) ?? null) : null
    const valid = (sc?.n ?? 0) >= (HOURLY_MIN_VALID_MINUTES / 60) * expected && measured !== null && (!correctable || corrected !== null)
    const limit = stack.limits[m] ?? null
    const compared = correctable ? corrected : measured
    const exceeded = valid && limit !== null && compared !== null && compared > limit
    metrics[m] = {
      measured: r3(measured), corrected: correctable ? r3(corrected) : null, validMinutes: null, valid, limit, exceeded,
      exceededBy: exceeded ? 'mean' : null, overRangeMinutes: null, lowerBound: null, minutes: null,
    }
  }
  return { start, metrics }
}
