/**
 * The steps a scenario's timeline is made of: plain data, so a timeline can be printed,
 * compared in tests and replayed from its seed.
 */
import type { Position } from '../../hub/src/model/device.js'
import type { Growth } from './models/fire.js'
import type { FaultKind } from './models/faults.js'
import type { Stability } from './models/plume.js'

export type Action =
  | { kind: 'wind'; park: string; speed: number; fromDeg: number; stability?: Stability }
  | {
      kind: 'leak'
      id: string
      park: string
      enterprise?: string
      area?: string
      gas: string
      position: Position
      /** kg/s at the start. */
      rate: number
      /** Relative growth per second while the valve is open. */
      growthPerSec?: number
      maxRate?: number
    }
  /** Someone on site closes (or reopens) the isolation valve of a leak. */
  | { kind: 'valve'; leak: string; state: 'closed' | 'open' }
  /** The release ends at once (isolated and drained). */
  | { kind: 'leak_stop'; leak: string }
  | {
      kind: 'fire'
      id: string
      park: string
      area?: string
      position: Position
      growth?: Growth
      maxKw?: number
      ceilingM?: number
      /** A leak feeding this fire (ignited release): the fire burns what the leak releases. */
      fuelLeak?: string
    }
  | { kind: 'fire_suppress'; fire: string }
  | { kind: 'call_point'; device: string }
  | { kind: 'panel_fault'; device: string; state: 'on' | 'off' }
  /** Drive a stack's pollutant to `factor` × its limit (at reference O2) for a while. */
  | { kind: 'cems_episode'; device: string; metric: 'so2' | 'nox' | 'pm'; factor: number; durationSec: number }
  /** Multiply a meter's load for a while (a demand spike). */
  | { kind: 'energy_spike'; device: string; factor: number; durationSec: number }
  /** A sensor fault; a flag fault (`fault`, `calibration`, `maintenance`, `over_range`) may name the one metric it affects. */
  | { kind: 'fault'; device: string; fault: FaultKind; durationSec: number; metric?: string }
  | { kind: 'meter_replace'; device: string }
  /** An HJ 212 data logger's link fault (--hj212): down for a while, its data kept and sent after; or packets with a bad CRC. */
  | { kind: 'logger_fault'; device: string; fault: 'disconnect' | 'bad_crc'; durationSec: number; packets?: number }
  /** Nothing happens; the step only carries its label. */
  | { kind: 'note' }

export interface TimedAction {
  /** Seconds after the scenario starts (simulated time). */
  at: number
  action: Action
  /** Human note, printed as the timeline runs. */
  label?: string
}

/** The park an action happens in, when it names one. */
export function actionPark(a: Action): string | undefined {
  return 'park' in a ? a.park : undefined
}
