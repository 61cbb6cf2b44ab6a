/**
 * What a device model produces and what it may ask of the simulated world. Models are
 * deterministic: given the same seed and the same sequence of sample times they return the
 * same values.
 */
import type { Position } from '../../../hub/src/model/device.js'
import type { DataFlag, EventType } from '../../../hub/src/model/vocabulary.js'
import type { Fire } from './fire.js'

/** One telemetry reading: metric → value, with HJ 212 flags on the metrics that have one. */
export interface Sample {
  values: Record<string, number>
  flags?: Record<string, DataFlag>
}

export interface EventOut {
  type: EventType
  state: 'on' | 'off'
}

/** Commands of the cmd topic (CONTRACT.md, hub → device). */
export const COMMANDS = ['close_valve', 'open_valve', 'sound_siren', 'silence_siren', 'reset'] as const
export type CommandName = (typeof COMMANDS)[number]

/** The world as a model sees it: read-only physics plus the scenario's scripted overrides. */
export interface WorldView {
  /** No random incidents (exceedance episodes, meter replacements): a quiet day. */
  readonly quiet: boolean
  /** Offset of the zone's local time from UTC, minutes (China Standard Time: +480). */
  readonly tzOffsetMin: number
  /** Gas seen at a point, from leaks only (no background): %LEL, mg/m³, or displaced %VOL for 'o2'. */
  gasAt(park: string, at: Position, metric: string): number
  /** Fires burning in a park. */
  firesIn(park: string): readonly Fire[]
  /** The park's wind as a weather station reads it: m/s, where it blows from (° from north, with its meander), Pasquill–Gifford class. */
  windIn?(park: string): { speed: number; fromDeg: number; stability: 'A' | 'B' | 'C' | 'D' | 'E' | 'F' }
  /** Scripted emission episode on a stack: metric → multiple of its limit, ramped. */
  cemsEpisode(device: string, t: number): Partial<Record<'so2' | 'nox' | 'pm', number>>
  /** Scripted load multiplier on a meter (1 = none). */
  energyFactor(device: string, t: number): number
  /** Whether a scripted meter replacement is pending for a meter; consumes it. */
  takeMeterReplacement(device: string): boolean
  /** Whether someone pressed this manual call point since its last reset. */
  callPointPressed(device: string): boolean
  /** A scripted fire-panel fault signal state, if any. */
  panelFault(device: string): boolean | undefined
}

export interface DeviceModel {
  /** Readings at simulated time t (ms); null when the device has nothing to send. */
  sample(t: number, world: WorldView): Sample | null
  /** Discrete events due at t; called every world step while something burns or leaks, and after actions. */
  poll?(t: number, world: WorldView, dtSec: number): EventOut[]
  /** Device-side effect of a command (e.g. `reset` clears latches); returns events to send. */
  command?(command: CommandName, t: number, world: WorldView): EventOut[]
  /** The reading a spiking sensor gives instead of the true one. */
  spike?(sample: Sample): Sample
  /** The reading with span (calibration) gas on the sensor (a `calibration` fault, flag `C`). */
  calibrationGas?(sample: Sample): Sample
  /** Every metric at the top of its measuring range (an `over_range` fault, flag `T`). */
  fullScale?(sample: Sample): Sample
}

/** Local hour of day (0–24, fractional) and weekday (0 = Sunday) at a UTC instant. */
export function localTime(t: number, tzOffsetMin: number): { hour: number; weekday: number; minuteOfDay: number } {
  const local = t + tzOffsetMin * 60_000
  const d = new Date(local)
  const minuteOfDay = d.getUTCHours() * 60 + d.getUTCMinutes() + d.getUTCSeconds() / 60
  return { hour: minuteOfDay / 60, weekday: d.getUTCDay(), minuteOfDay }
}
