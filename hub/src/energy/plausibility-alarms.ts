/**
 * Data-quality alarms of energy meters (docs/energy.md, "Numbers that cannot be true"): a
 * reading the meter cannot have measured — a counter going backwards, a forward step above
 * the rated rate × elapsed time, a negative counter, an active power above the rated rate —
 * raises `meter_implausible` on the meter and metric: class device-health, level 4 (blue,
 * DOMAIN.md: a meter is not a safety device, so it never colours the safety risk). Its
 * message gives the reason and the figures. It clears after `CLEAR_AFTER` plausible readings
 * in a row of that metric (an off-delay counted in readings, ISA-18.2 practice against
 * chattering): one good reading after a glitch does not yet show the meter is sound.
 * Pure: state in, transitions out.
 */
import { ALARM_LEVEL, type Transition } from '../model/alarm.js'
import { round } from './coefficients.js'
import type { ImplausibleReason } from './meter-limits.js'

export const CLEAR_AFTER = 10
export const PLAUSIBILITY_RULE = 'meter_plausibility'
export const IMPLAUSIBLE_TYPE = 'meter_implausible'

export interface MeterPlace {
  id: string
  park: string
  enterprise: string
}

export interface Finding {
  reason: ImplausibleReason
  metric: string
  /** The reading before (counters) and now. */
  from?: number | undefined
  to: number
  /** The most the meter can measure (the step's limit, or the rated power). */
  limit: number
  /** Elapsed time of the step, ms (counters). */
  elapsedMs?: number | undefined
  unit: string
}

const fmt = (x: number): string => round(x, 3).toLocaleString('en-US')
const minutes = (ms: number): string => `${round(ms / 60_000, 1)} min`

export function findingMessage(f: Finding): string {
  switch (f.reason) {
    case 'backward_step':
      return `计数器回退：${fmt(f.from ?? 0)} → ${fmt(f.to)} ${f.unit}（表计复位、更换或读数错误，不计为用量）/ counter went backwards: ${fmt(f.from ?? 0)} → ${fmt(f.to)} ${f.unit} (reset, replaced meter or a wrong reading; not counted as use)`
    case 'above_rated_rate':
      return `计数器 ${minutes(f.elapsedMs ?? 0)} 内前进 ${fmt(f.to - (f.from ?? 0))} ${f.unit}（${fmt(f.from ?? 0)} → ${fmt(f.to)}），超过表计额定最大速率可计量的 ${fmt(f.limit)} ${f.unit}：不计为用量 / counter stepped ${fmt(f.to - (f.from ?? 0))} ${f.unit} in ${minutes(f.elapsedMs ?? 0)} (${fmt(f.from ?? 0)} → ${fmt(f.to)}), more than the ${fmt(f.limit)} ${f.unit} the meter can measure at its rated maximum rate: not counted as use`
    case 'negative_counter':
      return `计数器读数为负：${fmt(f.to)} ${f.unit}，已剔除 / negative counter reading ${fmt(f.to)} ${f.unit}, left out`
    case 'power_above_rated':
      return `有功功率 ${fmt(f.to)} kW 超出表计额定量程 ±${fmt(f.limit)} kW，已剔除 / active power ${fmt(f.to)} kW outside the meter's rated ±${fmt(f.limit)} kW, left out`
  }
}

export class PlausibilityAlarms {
  /** `device|metric` → plausible readings in a row since the last implausible one (present while the alarm is active). */
  private readonly active = new Map<string, number>()

  /** An implausible reading: raises the alarm (once), or restarts its count of good readings. */
  implausible(m: MeterPlace, f: Finding, ts: number): Transition[] {
    const k = `${m.id}|${f.metric}`
    const was = this.active.has(k)
    this.active.set(k, 0)
    if (was) return []
    return [this.transition(m, f.metric, 'activate', ts, Math.abs(f.to - (f.from ?? 0)), f.limit, findingMessage(f))]
  }

  /** A plausible reading: clears the alarm after `CLEAR_AFTER` in a row. */
  plausible(m: MeterPlace, metric: string, ts: number): Transition[] {
    const k = `${m.id}|${metric}`
    const n = this.active.get(k)
    if (n === undefined) return []
    if (n + 1 < CLEAR_AFTER) {
      this.active.set(k, n + 1)
      return []
    }
    this.active.delete(k)
    return [this.transition(m, metric, 'clear', ts, undefined, undefined, undefined)]
  }

  private transition(m: MeterPlace, metric: string, kind: 'activate' | 'clear', ts: number, value: number | undefined, threshold: number | undefined, message: string | undefined): Transition {
    return {
      key: `${IMPLAUSIBLE_TYPE}:${m.id}:${metric}`, rule: PLAUSIBILITY_RULE, type: IMPLAUSIBLE_TYPE, kind, level: ALARM_LEVEL.blue, class: 'device-health',
      park: m.park, enterprise: m.enterprise, area: undefined, device: m.id, metric,
      value: value === undefined ? undefined : round(value, 3), threshold: threshold === undefined ? undefined : round(threshold, 3), ts, message,
    }
  }
}
