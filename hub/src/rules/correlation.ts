/**
 * Correlation within one area (DOMAIN.md, Fire and Warning colours): inputs are the other
 * rules' transitions, outputs three area conditions, all red (1) by default.
 *
 * | condition        | raised when                                                              | clears when                    |
 * |------------------|--------------------------------------------------------------------------|--------------------------------|
 * | `gas_confirmed`  | a gas detector reaches first level or above while another one in the    | no gas alarm in the area is    |
 * |                  | area is, or was within the last 60 s (both at level within 60 s)         | active any more                |
 * | `fire_confirmed` | two fire detectors, or a detector and a manual call point, on different  | no fire input in the area is   |
 * |                  | devices are active at once (smoke, heat, flame, rate of rise, events)    | active any more                |
 * | `gas_fire`       | a gas alarm and a fire input are active in the area at once              | either side has cleared        |
 *
 * Keys `${park}:${area}:${type}`; the device is the one whose alarm raised the condition.
 * `gas_fire` carries a message that an incident is required; the hub opens incidents for
 * that type. Once two detectors have confirmed a leak or a fire, one remaining alarm keeps
 * the confirmation standing: the hazard is not gone until every input has cleared.
 *
 * Only devices with an `area` correlate; devices without one are never paired (an
 * enterprise's site is too large for two alarms on it to confirm one another).
 */
import type { AlarmLevel, Transition } from '../model/alarm.js'
import { transition } from './transition.js'

export const CORRELATION_RULE = 'correlation'
export const CORRELATION_TYPES = ['gas_confirmed', 'fire_confirmed', 'gas_fire'] as const
export type CorrelationType = (typeof CORRELATION_TYPES)[number]

/** What an alarm means to correlation. */
export type CorrelationInput = 'gas' | 'detector' | 'call_point'

interface Raised {
  device: string
  enterprise: string
}

/** One area's inputs (plain JSON). */
export interface AreaState {
  /** Gas detectors: their active condition keys and the last time they were active (ms). */
  gas: Record<string, { keys: string[]; last: number }>
  /** Fire devices: active detector keys and call-point keys. */
  fire: Record<string, { det: string[]; cp: string[] }>
  raised: Partial<Record<CorrelationType, Raised>>
}

export type CorrelationState = Record<string, AreaState>

const MESSAGES: Record<CorrelationType, string> = {
  gas_confirmed: 'gas confirmed: two detectors at first level or above within the window (气体泄漏确认)',
  fire_confirmed: 'fire confirmed: two detectors, or a detector and a manual call point (火警确认)',
  gas_fire: 'gas and fire in one area: an incident is required (气体与火警同区: 须启动应急事件)',
}

function toggle(list: string[], key: string, on: boolean): void {
  const i = list.indexOf(key)
  if (on && i < 0) list.push(key)
  else if (!on && i >= 0) list.splice(i, 1)
}

export class CorrelationRule {
  private areas: CorrelationState = Object.create(null) as CorrelationState

  constructor(
    private readonly windowSec: number,
    private readonly level: AlarmLevel,
  ) {}

  /** Feed one transition of a correlating device; raised or cleared conditions go to `out`. */
  observe(t: Transition, input: CorrelationInput, out: Transition[]): void {
    if (t.area === undefined) return
    const areaKey = `${t.park}:${t.area}`
    const area = (this.areas[areaKey] ??= { gas: {}, fire: {}, raised: {} })
    const on = t.kind === 'activate'
    if (input === 'gas') {
      const g = (area.gas[t.device] ??= { keys: [], last: t.ts })
      toggle(g.keys, t.key, on)
      g.last = Math.max(g.last, t.ts)
    } else {
      const f = (area.fire[t.device] ??= { det: [], cp: [] })
      toggle(input === 'detector' ? f.det : f.cp, t.key, on)
      if (f.det.length === 0 && f.cp.length === 0) delete area.fire[t.device]
    }
    const horizon = t.ts - this.windowSec * 1000
    for (const [id, g] of Object.entries(area.gas)) if (g.keys.length === 0 && g.last < horizon) delete area.gas[id]

    const gas = Object.values(area.gas)
    const gasActive = gas.some((g) => g.keys.length > 0)
    const fireDevices = Object.entries(area.fire)
    const fireActive = fireDevices.length > 0
    const detectors = fireDevices.filter(([, f]) => f.det.length > 0).map(([id]) => id)
    const callPoints = fireDevices.filter(([, f]) => f.cp.length > 0).map(([id]) => id)

    if (!area.raised.gas_confirmed && on && input === 'gas' && gasActive && gas.length >= 2) {
      this.raise(area, 'gas_confirmed', areaKey, t, out)
    } else if (area.raised.gas_confirmed && !gasActive) {
      this.clear(area, 'gas_confirmed', areaKey, t, out)
    }

    const firePair = detectors.length >= 2 || (detectors.length === 1 && callPoints.some((id) => id !== detectors[0]))
    if (!area.raised.fire_confirmed && on && input !== 'gas' && firePair) {
      this.raise(area, 'fire_confirmed', areaKey, t, out)
    } else if (area.raised.fire_confirmed && !fireActive) {
      this.clear(area, 'fire_confirmed', areaKey, t, out)
    }

    if (!area.raised.gas_fire && on && gasActive && fireActive) {
      this.raise(area, 'gas_fire', areaKey, t, out)
    } else if (area.raised.gas_fire && !(gasActive && fireActive)) {
      this.clear(area, 'gas_fire', areaKey, t, out)
    }

    if (gas.length === 0 && !fireActive && Object.keys(area.raised).length === 0) delete this.areas[areaKey]
  }

  /** Drop a removed device's inputs (its alarms were cleared through `observe` first). */
  forget(park: string, area: string | undefined, device: string): void {
    if (area === undefined) return
    const a = this.areas[`${park}:${area}`]
    if (!a) return
    delete a.gas[device]
    delete a.fire[device]
  }

  state(): CorrelationState {
    return this.areas
  }

  restore(state: CorrelationState): void {
    this.areas = Object.assign(Object.create(null) as CorrelationState, structuredClone(state))
  }

  private raise(area: AreaState, type: CorrelationType, areaKey: string, t: Transition, out: Transition[]): void {
    area.raised[type] = { device: t.device, enterprise: t.enterprise }
    out.push(this.toTransition(type, areaKey, 'activate', { device: t.device, enterprise: t.enterprise }, t))
  }

  private clear(area: AreaState, type: CorrelationType, areaKey: string, t: Transition, out: Transition[]): void {
    const raised = area.raised[type] as Raised
    delete area.raised[type]
    out.push(this.toTransition(type, areaKey, 'clear', raised, t))
  }

  private toTransition(type: CorrelationType, areaKey: string, kind: Transition['kind'], who: Raised, t: Transition): Transition {
    return transition(
      { park: t.park, enterprise: who.enterprise, area: t.area, device: who.device },
      {
        key: `${areaKey}:${type}`,
        rule: CORRELATION_RULE,
        type,
        kind,
        level: this.level,
        ts: t.ts,
        message: kind === 'activate' ? MESSAGES[type] : undefined,
      },
    )
  }
}
