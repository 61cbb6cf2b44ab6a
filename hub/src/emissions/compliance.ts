/**
 * Daily compliance of a park's stacks (HJ 75-2017): per stack and pollutant with a limit,
 * over the 24 local hours of the day —
 *
 *   valid hours      hours with ≥ 45 valid minutes (hourly.ts)
 *   exceeded hours   hours judged exceeded (hourly.ts): valid ones whose compared value
 *                    (O2-corrected where the stack has a reference O2) is above the limit, and
 *                    those whose lower bound with over-range (T) minutes is above it
 *   over-range hours hours with T minutes, exceedance evidence
 *   daily mean       mean of the valid hours' values (corrected, and measured beside it)
 *   day valid        ≥ 20 valid hours
 *
 * A stack complies on the day when no hour of any pollutant exceeded. Pure.
 */
import { POLLUTANTS, type HourValue, type StackInfo } from './hourly.js'
import { DAILY_MIN_VALID_HOURS } from './validity.js'

export interface MetricDay {
  limit: number
  validHours: number
  exceededHours: number
  /** Hours with over-range (T) minutes: evidence of an exceedance, whether or not the hour was judged exceeded. */
  overRangeHours: number
  exceededAt: number[]
  dailyMean: number | null
  dailyMeasuredMean: number | null
  dayValid: boolean
  dailyMeanAboveLimit: boolean
}

export interface StackDay {
  device: string
  enterprise: string
  name: string
  nameEn: string
  standard: string | null
  basis: 'wet' | 'dry'
  referenceO2: number | null
  metrics: Record<string, MetricDay>
  compliant: boolean
}

export interface ComplianceReport {
  park: string
  day: string
  timezone: string
  from: number
  to: number
  stacks: StackDay[]
  summary: { stacks: number; compliantStacks: number; exceededHours: number; invalidDays: number }
}

const mean = (xs: number[]): number | null => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 1000) / 1000 : null)

export function stackDay(stack: StackInfo, hours: readonly HourValue[]): StackDay {
  const metrics: Record<string, MetricDay> = {}
  for (const m of POLLUTANTS) {
    const limit = stack.limits[m]
    if (limit === undefined) continue
    const values: number[] = []
    const measured: number[] = []
    const exceededAt: number[] = []
    let overRangeHours = 0
    for (const h of hours) {
      const v = h.metrics[m]
      if ((v.overRangeMinutes ?? 0) > 0) overRangeHours++
      if (v.exceeded) exceededAt.push(h.start)
      if (!v.valid) continue
      const compared = v.corrected ?? v.measured
      if (compared !== null) values.push(compared)
      if (v.measured !== null) measured.push(v.measured)
    }
    const dailyMean = mean(values)
    metrics[m] = {
      limit,
      validHours: values.length,
      exceededHours: exceededAt.length,
      overRangeHours,
      exceededAt,
      dailyMean,
      dailyMeasuredMean: mean(measured),
      dayValid: values.length >= DAILY_MIN_VALID_HOURS,
      dailyMeanAboveLimit: dailyMean !== null && dailyMean > limit,
    }
  }
  return {
    device: stack.id, enterprise: stack.enterprise, name: stack.name, nameEn: stack.nameEn,
    standard: stack.standard, basis: stack.basis, referenceO2: stack.referenceO2 ?? null, metrics,
    compliant: Object.values(metrics).every((x) => x.exceededHours === 0),
  }
}

export function complianceReport(park: string, day: string, timezone: string, from: number, to: number, stacks: StackDay[]): ComplianceReport {
  let exceededHours = 0
  let invalidDays = 0
  for (const s of stacks) {
    for (const m of Object.values(s.metrics)) {
      exceededHours += m.exceededHours
      if (!m.dayValid) invalidDays++
    }
  }
  return {
    park, day, timezone, from, to, stacks,
    summary: { stacks: stacks.length, compliantStacks: stacks.filter((s) => s.compliant).length, exceededHours, invalidDays },
  }
}
