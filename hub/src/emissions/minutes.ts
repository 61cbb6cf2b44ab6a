/**
 * Minute data of a CEMS stack (HJ 75-2017, HJ 212-2017 command 2051) and the value each
 * minute gives a metric on the basis the limits are stated in: standard-state dry flue gas,
 * then corrected to the reference O2 (basis.ts, o2-correction.ts). Pure.
 *
 * Per metric and minute the aggregate keeps the sum and count of its valid samples (flag N,
 * validity.ts), the sum and count of its over-range samples (T: the analyser reads at least
 * its full scale, so their mean is a lower bound of the true value), and how many samples
 * carried each other flag (the reason a minute without a valid sample is not valid).
 */
import type { DataFlag } from '../model/vocabulary.js'
import { isPpm, ppmToMgPerM3, wetToDry, type Basis } from './basis.js'
import { correctO2, NO_TO_NO2 } from './o2-correction.js'
import { isValidFlag } from './validity.js'

export const EMISSION_METRICS = ['so2', 'nox', 'pm', 'hcl', 'cl2', 'o2', 'flow', 'temp', 'humidity'] as const
export type EmissionMetric = (typeof EMISSION_METRICS)[number]
/** Concentrations compared with limits (mg/m³, standard-state dry, at the reference O2 where there is one). */
export const POLLUTANTS: readonly EmissionMetric[] = ['so2', 'nox', 'pm', 'hcl', 'cl2']

export const isEmissionMetric = (m: string): m is EmissionMetric => (EMISSION_METRICS as readonly string[]).includes(m)

export interface StackInfo {
  id: string
  park: string
  enterprise: string
  area: string | undefined
  name: string
  nameEn: string
  /** Resolved limits (standard, with the device's overrides), mg/m³ standard-state dry. */
  limits: Partial<Record<string, number>>
  referenceO2: number | undefined
  noxAs: 'NO2' | 'NO'
  intervalSec: number
  /** Id of the emission standard (standards.ts), or null. */
  standard: string | null
  /** Whether the analyser's concentrations are of wet or dry flue gas (default dry). */
  basis: Basis
  /** Whether the O2 reading is of wet or dry flue gas (default: as `basis`). */
  o2Basis: Basis
  /** Unit per metric as the device reports it; only `ppm` changes anything (× M / 22.4). */
  units: Partial<Record<string, string>>
  /** Which hourly value counts: the logger's 2061 or the hub's recomputation (logger-hours.ts); absent: the logger's. */
  hourlyAuthority?: 'logger' | 'hub'
  /** Fed by an HJ 212 data logger (the device has an `hj212` identity): its 2061 hours may count. */
  logger?: boolean
}

export interface SumCount {
  sum: number
  n: number
}

/** One metric in one minute: valid samples, over-range samples, counts of other flags. */
export interface MinuteMetric extends SumCount {
  /** Samples flagged T (over range): their sum and count. */
  t?: SumCount
  /** Samples per flag other than N (T included). */
  flagged?: Partial<Record<DataFlag, number>>
}

export interface MinuteAgg {
  start: number
  metrics: Partial<Record<EmissionMetric, MinuteMetric>>
}

/** Adds one sample's values into a minute's aggregates. */
export function addSample(minute: MinuteAgg, values: Record<string, number>, flags: Record<string, DataFlag> | undefined): void {
  for (const [m, v] of Object.entries(values)) {
    if (!isEmissionMetric(m) || !Number.isFinite(v)) continue
    const sc = (minute.metrics[m] ??= { sum: 0, n: 0 })
    const flag = flags?.[m]
    if (isValidFlag(flag)) {
      sc.sum += v
      sc.n++
      continue
    }
    const f = flag as DataFlag
    sc.flagged = { ...sc.flagged, [f]: (sc.flagged?.[f] ?? 0) + 1 }
    if (f === 'T') {
      sc.t ??= { sum: 0, n: 0 }
      sc.t.sum += v
      sc.t.n++
    }
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

/**
 * Why a minute gives a metric no value: its most frequent flag (no valid sample), `missing`
 * (no sample), `humidity` (a wet reading without a valid moisture in the minute), `o2` (a
 * pollutant of a stack with a reference O2 without valid O2 below 20.9 % in the minute).
 */
export type MinuteReason = DataFlag | 'missing' | 'humidity' | 'o2'

export interface MinuteValue {
  /** The value compared with the limit: standard-state dry, O2-corrected where there is a reference O2. */
  value?: number
  /** Dry, before the O2 correction. */
  dry?: number
  /** With the minute's over-range samples at their reading: a lower bound of the true value. */
  bound?: number
  /** `N` when the minute has a value, else why not. */
  reason: MinuteReason
}

const mostFrequentFlag = (f: Partial<Record<DataFlag, number>> | undefined): DataFlag | undefined => {
  let best: DataFlag | undefined
  for (const [k, n] of Object.entries(f ?? {}) as [DataFlag, number][]) if (best === undefined || n > (f![best] ?? 0)) best = k
  return best
}

export const meanOf = (sc: SumCount | undefined): number | undefined => (sc && sc.n > 0 ? sc.sum / sc.n : undefined)

/**
 * A reading on the limits' basis before the O2 correction: pollutants to mg/m³ at the standard
 * state (ppm × M / 22.4; an NO analyser's mg/m³ × 46/30 as NO2), wet to dry with the moisture
 * (%); O2 to dry when it is measured wet; other metrics as they are. Undefined when a wet
 * reading has no valid moisture.
 */
export function toStandardDry(stack: StackInfo, metric: EmissionMetric, raw: number, humidityPct: number | undefined): number | undefined {
  if (metric === 'o2') return stack.o2Basis === 'wet' ? wetToDry(raw, humidityPct) : raw
  if (!POLLUTANTS.includes(metric)) return raw
  const mg = isPpm(stack.units[metric]) ? ppmToMgPerM3(metric, raw) : raw * (metric === 'nox' && stack.noxAs === 'NO' ? NO_TO_NO2 : 1)
  if (mg === undefined) return undefined
  return stack.basis === 'wet' ? wetToDry(mg, humidityPct) : mg
}

/**
 * The value of `metric` in `minute` on the limits' basis: ppm → mg/m³ at 22.4 L/mol; NO → NO2;
 * wet → dry with the minute's moisture; the O2 correction with the minute's dry O2.
 */
export function minuteValue(stack: StackInfo, metric: EmissionMetric, minute: MinuteAgg): MinuteValue {
  const sc = minute.metrics[metric]
  const tN = sc?.t?.n ?? 0
  if (!sc || sc.n + tN === 0) return { reason: sc?.flagged ? mostFrequentFlag(sc.flagged)! : 'missing' }
  const pollutant = POLLUTANTS.includes(metric)
  const humidity = meanOf(minute.metrics.humidity)
  const toDry = (raw: number): number | undefined => toStandardDry(stack, metric, raw, humidity)
  const o2Raw = meanOf(minute.metrics.o2)
  const o2Dry = o2Raw === undefined ? undefined : toStandardDry(stack, 'o2', o2Raw, humidity)
  const correct = (dry: number): number | undefined =>
    pollutant && stack.referenceO2 !== undefined ? (o2Dry === undefined ? undefined : correctO2(dry, o2Dry, stack.referenceO2)) : dry
  const needsHumidity = (metric === 'o2' && stack.o2Basis === 'wet') || (pollutant && (stack.basis === 'wet' || (stack.referenceO2 !== undefined && stack.o2Basis === 'wet')))

  const out: MinuteValue = { reason: 'N' }
  const boundRaw = tN > 0 ? (sc.sum + sc.t!.sum) / (sc.n + tN) : undefined
  if (sc.n > 0) {
    const dry = toDry(sc.sum / sc.n)
    if (dry !== undefined) out.dry = dry
    const value = dry === undefined ? undefined : correct(dry)
    if (value !== undefined) out.value = value
  }
  const boundDry = boundRaw === undefined ? undefined : toDry(boundRaw)
  const bound = boundRaw === undefined ? out.value : boundDry === undefined ? undefined : correct(boundDry)
  if (bound !== undefined) out.bound = bound
  if (out.value === undefined) {
    if (sc.n === 0) out.reason = mostFrequentFlag(sc.flagged) ?? 'missing'
    else if (needsHumidity && wetToDry(1, humidity) === undefined) out.reason = 'humidity'
    else out.reason = 'o2'
  }
  return out
}
