/**
 * Live emission exceedances (HJ 75-2017): an exceedance is a valid hourly average, corrected
 * to the stack's reference O2, above the stack's limit. Readings are folded into minute
 * aggregates as they come; an hour is judged when the stack's first reading of a later hour
 * arrives, or at `tick` two minutes after the hour has ended (a stack gone silent).
 *
 *   valid hour, above the limit       → activate  (rule `emission`, type `emission_exceedance`,
 *                                        level 3 yellow, metric, value = hourly mean, threshold = limit)
 *   valid hour, at or below the limit → clear
 *   invalid hour (< 45 valid minutes) → nothing: it says nothing about the condition
 *
 * Samples older than the stack's current minute (out of order) are left out of the live
 * judgement; the stored data and the reports (emission-service.ts) still hold them. Pure.
 */
import type { Transition } from '../model/alarm.js'
import type { Reading } from '../model/reading.js'
import { addSample, hourValue, POLLUTANTS, type MinuteAgg, type StackInfo } from './hourly.js'

export const HOUR_GRACE_MS = 2 * 60_000
const HOUR = 3_600_000
const MINUTE = 60_000

const NAMES: Record<string, [string, string]> = { so2: ['二氧化硫', 'SO2'], nox: ['氮氧化物（以NO2计）', 'NOx (as NO2)'], pm: ['颗粒物', 'Particulate matter'] }

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
      if (v.limit === null || !v.valid) continue
      const key = `emission:${s.stack.id}:${m}`
      if (this.state.get(key) === v.exceeded) continue
      this.state.set(key, v.exceeded)
      const value = v.corrected ?? v.measured ?? undefined
      const [zh, en] = NAMES[m] ?? [m, m]
      const basis = v.corrected !== null ? `折算至基准氧 ${s.stack.referenceO2}%` : '实测'
      const basisEn = v.corrected !== null ? `at ${s.stack.referenceO2} % reference O2` : 'as measured'
      out.push({
        key, rule: 'emission', type: 'emission_exceedance', kind: v.exceeded ? 'activate' : 'clear', level: 3,
        park: s.stack.park, enterprise: s.stack.enterprise, area: s.stack.area, device: s.stack.id,
        metric: m, value, threshold: v.limit, ts: s.hour + HOUR,
        message: v.exceeded ? `${zh}小时均值 ${value} mg/m³（${basis}）超过排放限值 ${v.limit} mg/m³ / ${en} hourly mean ${value} mg/m³ (${basisEn}) above the ${v.limit} mg/m³ limit` : undefined,
      })
    }
    return out
  }
}
