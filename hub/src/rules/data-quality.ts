/**
 * Data quality: the HJ 212-2017 data flag of each metric drives the rules, never silences
 * them (DOMAIN.md). Only `N` (or no flag) is a valid measurement (HJ 75).
 *
 * | flag          | class          | set points fed? | condition of its own                         |
 * |---------------|----------------|-----------------|----------------------------------------------|
 * | N (or none)   | valid          | yes             | clears the device's fault / out of service   |
 * | T over range  | over_range     | top stage at once (setpoint.ts `overRange`), safety devices | none |
 * | D fault       | fault          | no, held        | safety device: `device_fault`, yellow (3)    |
 * | F stopped     | fault          | no, held        | non-safety (meter, stack): `data_quality`, blue (4) |
 * | B comms fault | fault          | no, held        |                                              |
 * | M maintenance | out_of_service | no, held        | safety device: `out_of_service`, blue (4): a gap, no page |
 * | C calibration | out_of_service | no, held        | non-safety: none (routine, see below)        |
 * | S manual      | manual         | no              | none: stored and shown, never an alarm's basis |
 *
 * "Held": the metric's set-point conditions stay exactly as they are, not fed the value and
 * their clear timers stopped (setpoint.ts `hold`), so a gas alarm active when the detector
 * faults stays active: a fault never clears it (GB/T 50493 §3.0.3, GB 50116 §8.1.4: a fault
 * signal apart from the alarm). The fault condition is a separate alarm.
 *
 * One condition per device and class, keys `${device}:fault` and `${device}:out_of_service`:
 * active while any of its metrics' latest flag is of that class, cleared when each of them
 * has sent `N` again. `T` and `S` leave a metric's fault or maintenance as it was: neither
 * says the detector is well again. Levels from DOMAIN.md (a safety device faulty → yellow);
 * out of service and non-safety data quality are advisories (blue), all configurable.
 *
 * A meter's or stack's maintenance and calibration are routine (HJ 75-2017: a CEMS is zeroed
 * and spanned daily) and need nobody to act, so they raise no alarm (ISA-18.2: an alarm needs
 * an operator's response); the emission validity counts those minutes invalid with their flag.
 *
 * State (plain JSON): per device, the metrics whose latest flag is a fault or out of service,
 * and the sample time of that flag's newest sample. A valid sample older than it (a gateway's
 * buffer, a reading published again) says nothing of the detector now: it clears nothing
 * (stages.ts: an older sample raises only).
 */
import type { Transition } from '../model/alarm.js'
import { msg } from '../model/messages/index.js'
import type { DataFlag } from '../model/vocabulary.js'
import type { DeviceEntry } from './device-entry.js'
import type { AlarmLevels } from './options.js'
import { toLevel, transition } from './transition.js'

export const DATA_QUALITY_RULE = 'data_quality'

export type FlagClass = 'valid' | 'over_range' | 'fault' | 'out_of_service' | 'manual'

const FLAG_CLASS: Readonly<Record<DataFlag, FlagClass>> = {
  N: 'valid', T: 'over_range', D: 'fault', F: 'fault', B: 'fault', M: 'out_of_service', C: 'out_of_service', S: 'manual',
}

/** HJ 212-2017 flag names, for messages (English, and the Chinese of the standard). */
const FLAG_TEXT: Readonly<Record<DataFlag, string>> = {
  N: 'normal', T: 'over range 超量程', D: 'fault 故障', F: 'stopped 停运', B: 'communication fault 通讯异常',
  M: 'maintenance 维护', C: 'calibration 校准', S: 'manual value 手工输入',
}

export function flagClass(flag: DataFlag | undefined): FlagClass {
  return flag === undefined ? 'valid' : FLAG_CLASS[flag]
}

type Held = 'fault' | 'out_of_service'

/** The held metrics and their flags, e.g. `lel D, h2s D`. */
function flagsOf(metrics: Readonly<Record<string, DataFlag>>, held: Held): string {
  return Object.entries(metrics).filter(([, f]) => FLAG_CLASS[f] === held).map(([m, f]) => `${m} ${f}`).join(', ')
}

/** Per device: metric → its latest flag, for metrics whose flag is a fault or out of service. */
export type DataQualityState = Record<string, Record<string, DataFlag>>

/** Per device: metric → the sample time (ms) of its flag's newest sample, for the metrics in `DataQualityState`. */
export type DataQualityTimes = Record<string, Record<string, number>>

export function qualityKey(device: string, cls: Held): string {
  return `${device}:${cls}`
}

export class DataQualityRule {
  private flagged: DataQualityState = Object.create(null) as DataQualityState
  private times: DataQualityTimes = Object.create(null) as DataQualityTimes

  constructor(private readonly levels: AlarmLevels) {}

  /** One metric's flag in a live reading; transitions of the device's conditions are appended to `out`. */
  observe(entry: DeviceEntry, metric: string, flag: DataFlag | undefined, value: number, at: number, out: Transition[]): void {
    const cls = flagClass(flag)
    const id = entry.place.device
    const metrics = this.flagged[id]
    const prev = metrics?.[metric]
    // Hot path: a valid value of a metric not flagged, looked up no further.
    if (cls === 'valid' && prev === undefined) return
    const newest = this.times[id]?.[metric]
    if (cls === 'valid') {
      if (newest !== undefined && at < newest) return
    } else if (cls !== 'fault' && cls !== 'out_of_service') return
    else if (cls === 'out_of_service' && !entry.safety) return
    else if (prev === flag) {
      if (newest === undefined || at > newest) (this.times[id] ??= {})[metric] = at
      return
    }
    const before = { fault: this.first(id, 'fault'), out_of_service: this.first(id, 'out_of_service') }
    if (cls === 'valid') {
      delete (metrics as Record<string, DataFlag>)[metric]
      if (Object.keys(metrics as object).length === 0) delete this.flagged[id]
      this.forgetTime(id, metric)
    } else {
      ;(this.flagged[id] ??= {})[metric] = flag as DataFlag
      ;(this.times[id] ??= {})[metric] = Math.max(at, newest ?? at)
    }
    for (const held of ['fault', 'out_of_service'] as const) {
      const was = before[held] !== undefined
      const now = this.first(id, held)
      if (!was && now !== undefined) out.push(this.toTransition(entry, held, 'activate', at, metric, value))
      else if (was && now === undefined) out.push(this.toTransition(entry, held, 'clear', at, metric, value))
    }
  }

  /** Whether any metric of the device is flagged a fault now. */
  isFaulted(id: string): boolean {
    return this.first(id, 'fault') !== undefined
  }

  /** The device's flagged metrics (for tests and the API): metric → flag. */
  flagsOf(id: string): Readonly<Record<string, DataFlag>> | undefined {
    return this.flagged[id]
  }

  /** Retire or move a device: its active conditions clear. */
  clearDevice(entry: DeviceEntry, at: number, out: Transition[]): void {
    const id = entry.place.device
    for (const held of ['fault', 'out_of_service'] as const) {
      if (this.first(id, held) !== undefined) out.push(this.toTransition(entry, held, 'clear', at, undefined, undefined))
    }
    delete this.flagged[id]
    delete this.times[id]
  }

  /** The live state, not a copy. */
  state(): DataQualityState {
    return this.flagged
  }

  /** The flags' newest sample times, live, not a copy. */
  stateTimes(): DataQualityTimes {
    return this.times
  }

  /**
   * `state` absent in states written before data quality drove the rules: nothing flagged;
   * `times` absent in those written before the flags' times were kept: any valid sample clears.
   */
  restore(state: DataQualityState | undefined, known: (id: string) => boolean, times?: DataQualityTimes): void {
    this.flagged = Object.create(null) as DataQualityState
    this.times = Object.create(null) as DataQualityTimes
    for (const [id, metrics] of Object.entries(state ?? {})) if (known(id)) this.flagged[id] = { ...metrics }
    for (const [id, metrics] of Object.entries(times ?? {})) if (id in this.flagged) this.times[id] = { ...metrics }
  }

  private forgetTime(id: string, metric: string): void {
    const metrics = this.times[id]
    if (!metrics) return
    delete metrics[metric]
    if (Object.keys(metrics).length === 0) delete this.times[id]
  }

  /** The first metric of the device whose flag is of class `held`. */
  private first(id: string, held: Held): string | undefined {
    const metrics = this.flagged[id]
    if (!metrics) return undefined
    for (const m in metrics) if (FLAG_CLASS[metrics[m] as DataFlag] === held) return m
    return undefined
  }

  private toTransition(entry: DeviceEntry, held: Held, kind: Transition['kind'], at: number, metric: string | undefined, value: number | undefined): Transition {
    const id = entry.place.device
    const fault = held === 'fault'
    const metrics = this.flagged[id] ?? {}
    const listed = Object.entries(metrics)
      .filter(([, f]) => FLAG_CLASS[f] === held)
      .map(([m, f]) => `${m} ${f} (${FLAG_TEXT[f]})`)
      .join(', ')
    return transition(entry.place, {
      key: qualityKey(id, held),
      rule: DATA_QUALITY_RULE,
      type: fault ? (entry.safety ? 'device_fault' : 'data_quality') : 'out_of_service',
      kind,
      level: toLevel(fault ? (entry.safety ? this.levels.fault : this.levels.dataQuality) : this.levels.outOfService),
      metric,
      value,
      threshold: undefined,
      ts: at,
      message:
        kind === 'clear'
          ? `${metric ?? 'device'} back to N (valid data)`
          : fault
            ? `${entry.safety ? 'device fault' : 'data quality'}: ${listed}; readings not judged until N again`
            : `out of service: ${listed}; a monitoring gap, readings not judged until N again`,
      // The flags by their HJ 212 letters, the same in both languages.
      said:
        kind === 'clear'
          ? msg('alarmNote.backToValid', { subject: metric ?? msg('alarmNote.device') })
          : msg(fault ? (entry.safety ? 'alarmNote.deviceFault' : 'alarmNote.dataQuality') : 'alarmNote.outOfService', { flags: flagsOf(metrics, held) }),
    })
  }
}
