/**
 * Correlation within one area (DOMAIN.md, Fire and Warning colours): inputs are the other
 * rules' transitions, outputs three area conditions, all red (1) by default.
 *
 * | condition        | raised when                                                              | clears when                    |
 * |------------------|--------------------------------------------------------------------------|--------------------------------|
 * | `gas_confirmed`  | a gas detector reaches first level or above while another one in the    | no alarm of the confirmed      |
 * |                  | area is, or was within the last 60 s, and the two form a pair (below)   | hazard in the area is active   |
 * | `fire_confirmed` | two fire detectors, or a detector and a manual call point, on different  | no fire input in the area is   |
 * |                  | devices are active at once (smoke, heat, flame, rate of rise, events)    | active any more                |
 * | `gas_fire`       | a combustible-gas alarm and a fire input are active in the area at once | either side has cleared        |
 *
 * A pair for `gas_confirmed` (GB/T 50493-2019 §3.0.1, the gas catalogue):
 * - toxic: two detectors of the same toxic gas, or of toxic gases one process releases
 *   together (e.g. Cl2 and HCl at chlorination: catalogue `releases`);
 * - combustible: two combustible detectors (`lel`, `lel_m`, or a combustible gas).
 * A gas both combustible and toxic (H2S, CO, NH3, …) pairs either way: the same release is
 * read by a toxic detector and by a combustible one. Oxygen deficiency or enrichment is a
 * hazard of its own (asphyxiation, oxidiser), never a gas input here; neither is a pure toxic
 * gas an input of `gas_fire`, which needs combustible gas and fire.
 *
 * Toxic takes priority over combustible (GB/T 50493-2019 §3.0.2): when the detectors in the
 * window form both kinds of pair, the confirmation is toxic, on a toxic detector, and its
 * `metric` names the toxic gas. The confirmation's device is the detector whose alarm raised
 * it, when that one is in the chosen pair; `gas_fire`'s is the device whose alarm completed
 * it, and its `metric` the combustible gas.
 *
 * Keys `${park}:${area}:${type}`. `gas_fire` carries a message that an incident is required;
 * the hub opens incidents for that type. Once two detectors have confirmed a leak or a fire,
 * one remaining alarm keeps the confirmation standing: the hazard is not gone until every
 * input has cleared.
 *
 * Only devices with an `area` correlate; devices without one are never paired (an
 * enterprise's site is too large for two alarms on it to confirm one another).
 *
 * State is plain JSON and persisted with the rules' state. A gas input keeps, per metric, the
 * last time it was at level (`m`); states saved before it had none, and their inputs take
 * their metrics from their active condition keys (`${device}:${metric}:${dir}`).
 */
import { gasCatalogue, type GasCatalogue } from '../catalogue/gas-catalogue.js'
import type { AlarmLevel, Transition } from '../model/alarm.js'
import { msg, type MessageCode } from '../model/messages/index.js'
import { transition } from './transition.js'

export const CORRELATION_RULE = 'correlation'
export const CORRELATION_TYPES = ['gas_confirmed', 'fire_confirmed', 'gas_fire'] as const
export type CorrelationType = (typeof CORRELATION_TYPES)[number]

/** What an alarm means to correlation. */
export type CorrelationInput = 'gas' | 'detector' | 'call_point'

/** The gas hazard a confirmation stands for. */
export type GasHazard = 'toxic' | 'combustible'

interface Raised {
  device: string
  enterprise: string
  /** The gas metric of the confirmation (absent in states saved before it). */
  metric?: string | undefined
  hazard?: GasHazard | undefined
}

/** One gas detector's inputs in an area. */
export interface GasInput {
  /** Active condition keys. */
  keys: string[]
  /** Last time any of its alarms was active (ms). */
  last: number
  /** Per gas metric, the last time it was at level (ms). */
  m?: Record<string, number>
  /** The detector's enterprise (absent in states saved before it). */
  e?: string
}

/** One area's inputs (plain JSON). */
export interface AreaState {
  /** Gas detectors (oxygen never counts). */
  gas: Record<string, GasInput>
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

/** The same messages as codes of the one dictionary (model/messages). */
const SAID: Record<CorrelationType, MessageCode> = {
  gas_confirmed: 'alarmNote.gasConfirmed',
  fire_confirmed: 'alarmNote.fireConfirmed',
  gas_fire: 'alarmNote.gasFire',
}

function toggle(list: string[], key: string, on: boolean): void {
  const i = list.indexOf(key)
  if (on && i < 0) list.push(key)
  else if (!on && i >= 0) list.splice(i, 1)
}

/** The metric of a set-point or rate-of-rise key `${device}:${metric}:${dir}`. */
function metricOfKey(key: string): string {
  return key.split(':')[1] ?? ''
}

/** A detector's pair candidate: which of its metrics, with the hazard they pair on. */
interface Member {
  device: string
  metric: string
}

export class CorrelationRule {
  private areas: CorrelationState = Object.create(null) as CorrelationState

  constructor(
    private readonly windowSec: number,
    private readonly level: AlarmLevel,
    private readonly catalogue: GasCatalogue = gasCatalogue(),
  ) {}

  /** Feed one transition of a correlating device; raised or cleared conditions go to `out`. */
  observe(t: Transition, input: CorrelationInput, out: Transition[]): void {
    if (t.area === undefined) return
    const metric = input === 'gas' ? (t.metric ?? metricOfKey(t.key)) : undefined
    if (metric !== undefined && !this.isGasHazard(metric)) return // oxygen: its own hazard
    const areaKey = `${t.park}:${t.area}`
    const area = (this.areas[areaKey] ??= { gas: {}, fire: {}, raised: {} })
    const on = t.kind === 'activate'
    if (metric !== undefined) {
      const g = (area.gas[t.device] ??= { keys: [], last: t.ts, m: {}, e: t.enterprise })
      toggle(g.keys, t.key, on)
      g.last = Math.max(g.last, t.ts)
      ;(g.m ??= {})[metric] = Math.max(g.m[metric] ?? 0, t.ts)
    } else {
      const f = (area.fire[t.device] ??= { det: [], cp: [] })
      toggle(input === 'detector' ? f.det : f.cp, t.key, on)
      if (f.det.length === 0 && f.cp.length === 0) delete area.fire[t.device]
    }
    const horizon = t.ts - this.windowSec * 1000
    for (const [id, g] of Object.entries(area.gas)) if (g.keys.length === 0 && g.last < horizon) delete area.gas[id]

    const fireDevices = Object.entries(area.fire)
    const fireActive = fireDevices.length > 0
    const detectors = fireDevices.filter(([, f]) => f.det.length > 0).map(([id]) => id)
    const callPoints = fireDevices.filter(([, f]) => f.cp.length > 0).map(([id]) => id)

    const confirmed = area.raised.gas_confirmed
    if (!confirmed && on && metric !== undefined) {
      const pair = this.gasPair(area, horizon, t.device)
      if (pair) this.raise(area, 'gas_confirmed', areaKey, t, out, pair)
    } else if (confirmed && !this.gasActive(area, confirmed.hazard)) {
      this.clear(area, 'gas_confirmed', areaKey, t, out)
    }

    const firePair = detectors.length >= 2 || (detectors.length === 1 && callPoints.some((id) => id !== detectors[0]))
    if (!area.raised.fire_confirmed && on && input !== 'gas' && firePair) {
      this.raise(area, 'fire_confirmed', areaKey, t, out)
    } else if (area.raised.fire_confirmed && !fireActive) {
      this.clear(area, 'fire_confirmed', areaKey, t, out)
    }

    const combustible = this.activeMember(area, 'combustible', t.device)
    if (!area.raised.gas_fire && on && combustible && fireActive) {
      this.raise(area, 'gas_fire', areaKey, t, out, { hazard: 'combustible', device: t.device, metric: combustible.metric })
    } else if (area.raised.gas_fire && !(combustible && fireActive)) {
      this.clear(area, 'gas_fire', areaKey, t, out)
    }

    if (Object.keys(area.gas).length === 0 && !fireActive && Object.keys(area.raised).length === 0) delete this.areas[areaKey]
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
    // States saved before oxygen was left out of correlation may hold o2 keys: dropped here,
    // since an o2 clear no longer reaches this rule to remove them.
    for (const area of Object.values(this.areas))
      for (const [id, g] of Object.entries(area.gas)) {
        g.keys = g.keys.filter((k) => this.isGasHazard(metricOfKey(k)))
        if (g.keys.length === 0 && !g.m) delete area.gas[id]
      }
  }

  private isGasHazard(metric: string): boolean {
    return this.catalogue.isToxic(metric) || this.catalogue.isCombustible(metric)
  }

  /** A detector's gas metrics at level now or within the window (older states: from its active keys). */
  private metricsOf(g: GasInput, horizon: number): string[] {
    const active = g.keys.map(metricOfKey)
    const recent = g.m ? Object.entries(g.m).filter(([, ts]) => ts >= horizon).map(([m]) => m) : []
    return [...new Set([...active, ...recent])].filter((m) => this.isGasHazard(m))
  }

  private pairs(hazard: GasHazard, a: string, b: string): boolean {
    const c = this.catalogue
    return hazard === 'toxic' ? c.isToxic(a) && c.isToxic(b) && c.releasedTogether(a, b) : c.isCombustible(a) && c.isCombustible(b)
  }

  /**
   * The pair that confirms a leak, toxic before combustible (GB/T 50493 §3.0.2), with the
   * member to name: the raising device `by` when it is in the pair.
   */
  private gasPair(area: AreaState, horizon: number, by: string): (Member & { hazard: GasHazard }) | undefined {
    const inputs = Object.entries(area.gas).map(([device, g]) => ({ device, metrics: this.metricsOf(g, horizon) }))
    for (const hazard of ['toxic', 'combustible'] as const) {
      let found: Member | undefined
      for (let i = 0; i < inputs.length; i++)
        for (let j = i + 1; j < inputs.length; j++) {
          const [x, y] = [inputs[i]!, inputs[j]!]
          for (const mx of x.metrics)
            for (const my of y.metrics) {
              if (!this.pairs(hazard, mx, my)) continue
              if (x.device === by) return { hazard, device: by, metric: mx }
              if (y.device === by) return { hazard, device: by, metric: my }
              found ??= { device: y.device, metric: my }
            }
        }
      if (found) return { hazard, ...found }
    }
    return undefined
  }

  /** Whether an alarm of the hazard (any gas hazard for older states) is active in the area. */
  private gasActive(area: AreaState, hazard: GasHazard | undefined): boolean {
    return Object.values(area.gas).some((g) =>
      g.keys.some((k) => {
        const m = metricOfKey(k)
        return hazard === 'toxic' ? this.catalogue.isToxic(m) : hazard === 'combustible' ? this.catalogue.isCombustible(m) : this.isGasHazard(m)
      }),
    )
  }

  /** An active alarm of the hazard in the area, the device `by`'s first. */
  private activeMember(area: AreaState, hazard: GasHazard, by: string): Member | undefined {
    let found: Member | undefined
    for (const [device, g] of Object.entries(area.gas))
      for (const k of g.keys) {
        const metric = metricOfKey(k)
        if (!(hazard === 'toxic' ? this.catalogue.isToxic(metric) : this.catalogue.isCombustible(metric))) continue
        if (device === by) return { device, metric }
        found ??= { device, metric }
      }
    return found
  }

  private raise(area: AreaState, type: CorrelationType, areaKey: string, t: Transition, out: Transition[], gas?: Member & { hazard: GasHazard }): void {
    const enterprise = gas && gas.device !== t.device ? (area.gas[gas.device]?.e ?? t.enterprise) : t.enterprise
    const raised: Raised = gas ? { device: gas.device, enterprise, metric: gas.metric, hazard: gas.hazard } : { device: t.device, enterprise }
    area.raised[type] = raised
    out.push(this.toTransition(type, areaKey, 'activate', raised, t))
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
        metric: who.metric,
        ts: t.ts,
        message: kind === 'activate' ? (who.hazard === 'toxic' ? `${MESSAGES[type]}: ${who.metric} (toxic)` : MESSAGES[type]) : undefined,
        said: kind === 'activate' ? (who.hazard === 'toxic' ? msg('alarmNote.toxic', { what: msg(SAID[type]), metric: String(who.metric) }) : msg(SAID[type])) : undefined,
      },
    )
  }
}
