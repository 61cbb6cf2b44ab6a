/**
 * Live emission exceedances (HJ 75-2017): an exceedance is a valid hourly average, corrected
 * to the stack's reference O2, above the stack's limit. Readings are folded into minute
 * aggregates as they come; an hour is judged when the stack's first reading of a later hour
 * arrives, or at `tick` two minutes after the hour has ended (a stack gone silent).
 *
 *   valid hour, above the limit       → activate  (rule `emission`, type `emission_exceedance`,
 *                                        level 3 yellow, metric, value = hourly mean, threshold = limit)
 *   hour with over-range (T) minutes   → activate when the lower bound over ≥ 45 valid-or-T
 *     whose lower bound is above it      minutes is above the limit (hourly.ts): the true mean is
 *                                        higher still; value = the lower bound
 *   valid hour, at or below the limit,
 *     without T minutes                → clear
 *   invalid hour (< 45 valid minutes), → nothing: it says nothing about the condition (an hour
 *     or one with T minutes not above     with T minutes never clears: its true mean is unknown
 *                                         above the lower bound)
 *
 * Samples older than the stack's current minute (out of order) are left out of the live
 * judgement; the stored data and the reports (emission-service.ts) still hold them. Pure.
 */
import { ALARM_LEVEL, type Transition } from '../model/alarm.js'
import type { Reading } from '../model/reading.js'
import { addSample, hourValue, POLLUTANTS, type MinuteAgg, type StackInfo } from './hourly.js'

export const HOUR_GRACE_MS = 2 * 60_000
const HOUR = 3_600_000
const MINUTE = 60_000

const NAMES: Record<string, [string, string]> = {
  so2: ['二氧化硫', 'SO2'], nox: ['氮氧化物（以NO2计）', 'NOx (as NO2)'], pm: ['颗粒物', 'Particulate matter'], hcl: ['氯化氢', 'HCl'], cl2: ['氯气', 'Cl2'],
}

interface StackState {
  stack: StackInfo
  hour: number
  minute: MinuteAgg
  minutes: MinuteAgg[]
}

export class ExceedanceMonitor {
  private readonly stacks = new Map<string, StackState>()
  /** Condition key → active (absent: not known, e.g. after a restart). */
  private readonly state = new Map<string, boolean>()

  /** `hourOf`: start of the local clock hour holding an instant (calendar.ts). */
  constructor(private readonly hourOf: (ts: number) => number = (ts) => Math.floor(ts / HOUR) * HOUR) {}

  onReading(r: Reading, stack: StackInfo): Transition[] {
    const minute = Math.floor(r.ts / MINUTE) * MINUTE
    const hour = this.hourOf(r.ts)
    let s = this.stacks.get(stack.id)
    const out: Transition[] = []
    if (s && minute < s.minute.start) return out
    if (s && hour > s.hour) {
      out.push(...this.closeHour(s))
      s = undefined
    }
    if (!s) {
      s = { stack, hour, minute: { start: minute, metrics: {} }, minutes: [] }
      this.stacks.set(stack.id, s)
    }
    s.stack = stack
    if (minute > s.minute.start) {
      s.minutes.push(s.minute)
      s.minute = { start: minute, metrics: {} }
    }
    addSample(s.minute, r.values, r.flags)
    return out
  }

  tick(now: number): Transition[] {
    const out: Transition[] = []
    for (const [id, s] of this.stacks) {
      if (now < s.hour + HOUR + HOUR_GRACE_MS) continue
      out.push(...this.closeHour(s))
      this.stacks.delete(id)
    }
    return out
  }

  private closeHour(s: StackState): Transition[] {
    const hv = hourValue(s.stack, s.hour, [...s.minutes, s.minute])
    const out: Transition[] = []
    for (const m of POLLUTANTS) {
      const v = hv.metrics[m]
      if (v.limit === null) continue
      const clears = v.valid && !v.exceeded && v.overRangeMinutes === 0
      if (!v.exceeded && !clears) continue
      const key = `emission:${s.stack.id}:${m}`
      if (this.state.get(key) === v.exceeded) continue
      this.state.set(key, v.exceeded)
      const overRange = v.exceededBy === 'over_range'
      const value = (overRange ? v.lowerBound : (v.corrected ?? v.measured)) ?? undefined
      const [zh, en] = NAMES[m] ?? [m, m]
      const basis = s.stack.referenceO2 !== undefined ? `干基，折算至基准氧 ${s.stack.referenceO2}%` : '干基实测'
      const basisEn = s.stack.referenceO2 !== undefined ? `dry, at ${s.stack.referenceO2} % reference O2` : 'dry, as measured'
      const why = overRange ? `（含超量程 ${v.overRangeMinutes} 分钟，真实值不低于此）` : ''
      const whyEn = overRange ? ` (with ${v.overRangeMinutes} over-range minutes: at least this)` : ''
      out.push({
        key, rule: 'emission', type: 'emission_exceedance', kind: v.exceeded ? 'activate' : 'clear', level: ALARM_LEVEL.yellow,
        park: s.stack.park, enterprise: s.stack.enterprise, area: s.stack.area, device: s.stack.id,
        metric: m, value, threshold: v.limit, ts: s.hour + HOUR,
        message: v.exceeded ? `${zh}小时均值 ${value} mg/m³（${basis}）${why}超过排放限值 ${v.limit} mg/m³ / ${en} hourly mean ${value} mg/m³ (${basisEn})${whyEn} above the ${v.limit} mg/m³ limit` : undefined,
      })
    }
    return out
  }
}
