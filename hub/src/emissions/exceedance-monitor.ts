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
 * judgement; the stored data and the reports (emission-service.ts) still hold them.
 *
 * A stack whose hourly authority is its HJ 212 logger (`StackInfo.logger` and
 * `hourlyAuthority: logger`, hourly-sources.ts) is judged on the logger's own 2061 hour
 * (`onLoggerHour`), per pollutant, the hub's hour where the logger has no value: the hub's hour is
 * held when it closes and used alone if no 2061 has come `LOGGER_HOUR_WAIT_MS` after the hour
 * ended (a logger that sends no hourly data). A 2061 older than the last one judged (a backlog
 * resent) changes no alarm. Pure.
 */
import { ALARM_LEVEL, type Transition } from '../model/alarm.js'
import type { Reading } from '../model/reading.js'
import { addSample, hourValue, POLLUTANTS, type HourValue, type MetricHour, type MinuteAgg, type StackInfo } from './hourly.js'
import { LOGGER_HOUR_AWAIT_MS, loggerMetricHour } from './hourly-sources.js'
import type { LoggerMetricHour } from './logger-hours.js'

export const HOUR_GRACE_MS = 2 * 60_000
/** How long after an hour's end a logger-judged stack's hour waits for the logger's 2061 (it sends it as the hour closes). */
export const LOGGER_HOUR_WAIT_MS = LOGGER_HOUR_AWAIT_MS
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
  /** Logger-judged stacks: the hub's closed hour waiting for the logger's 2061, by stack. */
  private readonly held = new Map<string, { stack: StackInfo; hv: HourValue }>()
  /** Logger-judged stacks: the newest hour judged on the logger's 2061. */
  private readonly loggerJudged = new Map<string, number>()

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
    for (const [id, h] of this.held) {
      if (now < h.hv.start + HOUR + LOGGER_HOUR_WAIT_MS) continue
      this.held.delete(id)
      out.push(...this.judge(h.stack, h.hv))
    }
    return out
  }

  /** The logger's 2061 of a stack judged by its logger: metric → its figures (o2 for the correction). */
  onLoggerHour(stack: StackInfo, start: number, metrics: Readonly<Record<string, LoggerMetricHour>>): Transition[] {
    if (!judgedByLogger(stack) || start <= (this.loggerJudged.get(stack.id) ?? -Infinity)) return []
    this.loggerJudged.set(stack.id, start)
    const held = this.held.get(stack.id)
    const hub = held?.hv.start === start ? held.hv : undefined
    if (hub) this.held.delete(stack.id)
    const hv = { start, metrics: { ...hub?.metrics } } as HourValue
    for (const m of POLLUTANTS) {
      const l = loggerMetricHour(stack, m, metrics[m], metrics.o2)
      const own: MetricHour | undefined = l ?? hub?.metrics[m]
      if (own) hv.metrics[m] = own
    }
    return this.judge(stack, hv)
  }

  private closeHour(s: StackState): Transition[] {
    const hv = hourValue(s.stack, s.hour, [...s.minutes, s.minute])
    if (!judgedByLogger(s.stack)) return this.judge(s.stack, hv)
    // Held for the logger's 2061 (or dropped: the logger's hour was judged already).
    if (s.hour > (this.loggerJudged.get(s.stack.id) ?? -Infinity)) {
      const before = this.held.get(s.stack.id)
      this.held.set(s.stack.id, { stack: s.stack, hv })
      if (before && before.hv.start < s.hour) return this.judge(before.stack, before.hv)
    }
    return []
  }

  private judge(stack: StackInfo, hv: HourValue): Transition[] {
    const s = { stack, hour: hv.start }
    const out: Transition[] = []
    for (const m of POLLUTANTS) {
      const v = hv.metrics[m]
      if (!v || v.limit === null) continue
      const clears = v.valid && !v.exceeded && (v.overRangeMinutes ?? 0) === 0
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
      // An hour without minute counts is the logger's 2061 (hourly-sources.ts loggerMetricHour).
      const fromLogger = v.validMinutes === null
      const src = fromLogger ? '（数采仪小时数据）' : ''
      const srcEn = fromLogger ? ' (the logger’s hourly data)' : ''
      out.push({
        key, rule: 'emission', type: 'emission_exceedance', kind: v.exceeded ? 'activate' : 'clear', level: ALARM_LEVEL.yellow,
        park: s.stack.park, enterprise: s.stack.enterprise, area: s.stack.area, device: s.stack.id,
        metric: m, value, threshold: v.limit, ts: s.hour + HOUR,
        message: v.exceeded ? `${zh}小时均值 ${value} mg/m³（${basis}）${why}${src}超过排放限值 ${v.limit} mg/m³ / ${en} hourly mean ${value} mg/m³ (${basisEn})${whyEn}${srcEn} above the ${v.limit} mg/m³ limit` : undefined,
      })
    }
    return out
  }
}

/** Whether a stack's live hour is the logger's (an HJ 212 logger and the logger's hourly authority). */
const judgedByLogger = (s: StackInfo): boolean => s.logger === true && (s.hourlyAuthority ?? 'logger') === 'logger'
