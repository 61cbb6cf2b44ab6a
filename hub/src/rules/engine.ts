/**
 * The rules engine: set points, rate of rise, fire events, deadman and area correlation,
 * composed. Pure and clock-injected: every entry point takes `now` (hub time, ms) and plain
 * data, and returns the `Transition`s it produced; the alarms room owns alarm state.
 *
 * Time: set-point and rate-of-rise timers run on sample time (`reading.ts`), so a gateway
 * flushing a buffer or a replay from the journal is judged as it happened; the deadman runs
 * on hub time (`now`), since it asks whether data is arriving. `tick(now)` runs out on- and
 * off-delays and finds silent devices; the hub calls it on a timer (e.g. every second).
 * Only readings within the live window of `now` are judged at all (live-window.ts): older
 * ones are history, counted per device as late evidence.
 *
 * Data quality: each metric's HJ 212 flag decides how its value is judged (data-quality.ts);
 * over range is the metric's highest alarm at once (setpoint.ts `overRange`).
 *
 * State is plain JSON (`snapshot()` / `restore()`), so evaluation continues across a
 * restart. Resolved set points are a cache rebuilt from the devices and the zone, not state.
 */
import type { Transition } from '../model/alarm.js'
import type { Device } from '../model/device.js'
import type { DeviceEvent, DeviceStatus, Place, Reading } from '../model/reading.js'
import type { DataFlag, EventType } from '../model/vocabulary.js'
import type { Zone } from '../model/zone.js'
import type { ConditionMap } from './condition-book.js'
import { CorrelationRule, type CorrelationInput, type CorrelationState } from './correlation.js'
import { DataQualityRule, flagClass, type DataQualityState, type DataQualityTimes } from './data-quality.js'
import { DeadmanRule, type DeadmanState } from './deadman.js'
import { compiledMetric, DeviceCompiler, type DeviceEntry } from './device-entry.js'
import { EVENT_RULE, EventRule, fireInputOf, type EventState } from './events.js'
import { LiveWindow, type LateEvidence } from './live-window.js'
import { resolveOptions, type RulesOptions, type RulesOptionsInput } from './options.js'
import { RATE_OF_RISE_RULE, RateOfRiseRule, type RateOfRiseState } from './rate-of-rise.js'
import { SETPOINT_RULE, SetpointRule } from './setpoint.js'
import { SetpointLayerIndex, type ResolvedSetpoints } from './setpoint-resolver.js'

export const RULES_STATE_VERSION = 1

/** Everything the rules need to continue after a restart (plain JSON). */
export interface RulesState {
  version: typeof RULES_STATE_VERSION
  setpoints: ConditionMap
  rateOfRise: RateOfRiseState
  events: EventState
  deadman: DeadmanState
  correlation: CorrelationState
  /** Metrics flagged fault or out of service (data-quality.ts); absent in older states. */
  quality?: DataQualityState
  /** The sample times of those flags' newest samples (data-quality.ts); absent in older states. */
  qualityAt?: DataQualityTimes
}

export interface RulesEngineInit {
  /** Zone, park and area set-point layers. */
  zone: Pick<Zone, 'setpoints' | 'parks' | 'devices'>
  /** Devices to evaluate; the zone's devices when absent (run-time ones via `addDevice`). */
  devices?: Iterable<Device>
  options?: RulesOptionsInput
  /** Hub time at start: the deadman baseline for devices not heard from yet. */
  now: number
}

function samePlace(a: Place, b: Place): boolean {
  return a.park === b.park && a.enterprise === b.enterprise && a.area === b.area && a.kind === b.kind
}

export class RulesEngine {
  readonly options: RulesOptions
  private compiler: DeviceCompiler
  private readonly entries = new Map<string, DeviceEntry>()
  private readonly setpoints = new SetpointRule()
  private readonly ror: RateOfRiseRule
  private readonly events: EventRule
  private readonly deadman: DeadmanRule
  private readonly correlation: CorrelationRule
  private readonly quality: DataQualityRule
  private readonly window: LiveWindow
  private readonly lookup = (id: string): DeviceEntry | undefined => this.entries.get(id)

  constructor(init: RulesEngineInit) {
    this.options = resolveOptions(init.options)
    const o = this.options
    this.compiler = new DeviceCompiler(new SetpointLayerIndex(init.zone), o)
    this.ror = new RateOfRiseRule(o.rateOfRise, o.levels.fire)
    this.events = new EventRule(o.levels)
    this.deadman = new DeadmanRule(o.deadmanIntervals, o.levels, this.lookup)
    this.correlation = new CorrelationRule(o.gasConfirmWindowSec, o.levels.confirmed)
    this.quality = new DataQualityRule(o.levels)
    this.window = new LiveWindow(o.liveWindowSec * 1000)
    for (const device of init.devices ?? init.zone.devices) this.addDevice(device, init.now)
  }

  /**
   * One validated reading. O(1) per metric: one cached set-point lookup, a few comparisons.
   * A reading older than the live window is history (live-window.ts): counted as late
   * evidence of its device, never judged, never a sign of life.
   */
  onReading(reading: Reading, now: number): Transition[] {
    const entry = this.entries.get(reading.device)
    if (!entry) return []
    if (!this.window.isLive(reading.ts, now)) {
      this.window.record(reading.device, reading.ts, now)
      return []
    }
    const out: Transition[] = []
    this.deadman.alive(entry, now, out)
    const start = out.length
    for (const metric in reading.values) {
      const value = reading.values[metric]
      if (value === undefined) continue
      this.judge(entry, metric, value, reading.flags?.[metric], reading.ts, out)
    }
    this.correlate(out, start)
    return out
  }

  /**
   * One metric's value with its HJ 212 flag (data-quality.ts): the flag drives the rules,
   * never silences them. Over range (flag T, which ingest also gives a value above the
   * device's measuring range) on a safety device is the metric's highest alarm at once; fault and maintenance hold the metric's set-point
   * conditions as they are and raise a condition of their own; a manual value is never judged.
   */
  private judge(entry: DeviceEntry, metric: string, value: number, flag: DataFlag | undefined, ts: number, out: Transition[]): void {
    const cls = flagClass(flag)
    this.quality.observe(entry, metric, flag, value, ts, out)
    if (cls === 'fault' || cls === 'out_of_service') {
      this.setpoints.hold(entry, metric, ts)
      this.ror.hold(entry, metric, ts)
      return
    }
    if (cls === 'manual' || (cls === 'over_range' && !entry.safety)) return
    if (cls === 'over_range') this.setpoints.overRange(entry, metric, value, ts, out)
    else this.setpoints.evaluate(entry, metric, value, ts, out)
    this.ror.evaluate(entry, metric, value, ts, out)
  }

  /** Whether a reading of this time is live at hub time `now` (else history: live-window.ts). */
  isLive(ts: number, now: number): boolean {
    return this.window.isLive(ts, now)
  }

  /** A device's late readings since start: count and the newest one's time. */
  lateOf(id: string): Readonly<LateEvidence> | undefined {
    return this.window.of(id)
  }

  /** A device's metrics whose latest live flag is a fault or out of service (metric → flag). */
  qualityOf(id: string): Readonly<Record<string, DataFlag>> | undefined {
    return this.quality.flagsOf(id)
  }

  /** One discrete fire-panel event. */
  onEvent(event: DeviceEvent, now: number): Transition[] {
    const entry = this.entries.get(event.device)
    if (!entry) return []
    const out: Transition[] = []
    this.deadman.alive(entry, now, out)
    const start = out.length
    this.events.evaluate(entry, event, out)
    this.correlate(out, start)
    return out
  }

  /** A device's status (`online` / `offline`, retained or will message). */
  onStatus(status: DeviceStatus, now: number): Transition[] {
    const entry = this.entries.get(status.device)
    if (!entry) return []
    const out: Transition[] = []
    if (status.online) this.deadman.alive(entry, now, out)
    else this.deadman.dead(entry, now, out)
    return out
  }

  /** Time passes: on-delays and off-delays run out, silent devices go offline. */
  tick(now: number): Transition[] {
    const out: Transition[] = []
    this.setpoints.tick(now, this.lookup, out)
    this.ror.tick(now, this.lookup, out)
    this.correlate(out, 0)
    this.deadman.tick(now, out)
    return out
  }

  /** Only the deadman's pass (`tick` runs it too): the hub catches up with it while `deadmanBehind`. */
  tickDeadman(now: number): Transition[] {
    const out: Transition[] = []
    this.deadman.tick(now, out)
    return out
  }

  /** Silent devices due that the last pass did not reach (deadman.ts `TIMEOUTS_PER_PASS`). */
  deadmanBehind(now: number): boolean {
    return this.deadman.behind(now)
  }

  /**
   * Provision a device at run time, or update one. An update in the same place keeps its
   * conditions (re-judged on the next reading with the new set points) and clears only those
   * whose set point is gone; a move to another park, enterprise, area or kind clears them all.
   */
  addDevice(device: Device, now: number): Transition[] {
    const out: Transition[] = []
    const entry = this.compiler.compile(device)
    const old = this.entries.get(device.id)
    if (old && samePlace(old.place, entry.place)) {
      this.setpoints.clearDevice(old, now, out, (m, dir) => compiledMetric(entry, m)?.[dir] !== undefined)
      this.ror.clearDevice(old, now, out, (m) => compiledMetric(entry, m)?.ror !== undefined)
      this.correlate(out, 0)
    } else if (old) {
      this.clearAll(old, now, out)
    }
    this.entries.set(device.id, entry)
    this.deadman.watch(entry, now)
    return out
  }

  /** Retire a device: every condition of it clears (and the correlations it fed). */
  removeDevice(id: string, now: number): Transition[] {
    const entry = this.entries.get(id)
    if (!entry) return []
    const out: Transition[] = []
    this.clearAll(entry, now, out)
    this.entries.delete(id)
    this.window.forget(id)
    return out
  }

  /** New zone configuration (set-point layers): every device's set points are resolved again. */
  setZone(zone: Pick<Zone, 'setpoints' | 'parks'>, now: number): Transition[] {
    this.compiler = new DeviceCompiler(new SetpointLayerIndex(zone), this.options)
    const out: Transition[] = []
    for (const entry of [...this.entries.values()]) out.push(...this.addDevice(entry.device, now))
    return out
  }

  /** The effective set points of a device, per metric (for the API and the dashboard). */
  effectiveSetpoints(id: string): ReadonlyMap<string, ResolvedSetpoints> | undefined {
    const entry = this.entries.get(id)
    return entry && new Map(entry.metrics.map((c) => [c.metric, c.setpoints]))
  }

  hasDevice(id: string): boolean {
    return this.entries.has(id)
  }

  isOffline(id: string): boolean {
    return this.deadman.isOffline(id)
  }

  /** A copy of the state (plain JSON). */
  snapshot(): RulesState {
    return structuredClone(this.state())
  }

  /**
   * The live state, not a copy: for writing it out a slice at a time (state-log.ts
   * `snapshotAsync`). Copying it first took as long as writing it, on the event loop.
   */
  state(): RulesState {
    return {
      version: RULES_STATE_VERSION,
      setpoints: this.setpoints.state(),
      rateOfRise: this.ror.state(),
      events: this.events.state(),
      deadman: this.deadman.state(),
      correlation: this.correlation.state(),
      quality: this.quality.state(),
      qualityAt: this.quality.stateTimes(),
    }
  }

  /** Changes so far to the deadman's part of `restartState` (a device offline or back). */
  get deadmanVersion(): number {
    return this.deadman.version
  }

  /** The deadman's live state as a restart with a grace time needs it (deadman.ts `restartState`). */
  deadmanForRestart(): DeadmanState {
    return this.deadman.restartState()
  }

  /**
   * Continue from a snapshot. Conditions of devices no longer provisioned are dropped. With
   * `graceFrom` (hub time), devices not offline count as seen then, so a long hub outage
   * does not turn into a flood of offline alarms; without it the deadman continues exactly.
   */
  restore(state: RulesState, graceFrom?: number): void {
    if (state.version !== RULES_STATE_VERSION) throw new Error(`rules: unknown state version ${String(state.version)}`)
    this.setpoints.restore(state.setpoints, this.lookup)
    this.ror.restore(state.rateOfRise, this.lookup)
    this.events.restore(state.events, (id) => this.entries.has(id))
    this.deadman.restore(state.deadman, this.entries.values(), graceFrom)
    this.correlation.restore(state.correlation)
    this.quality.restore(state.quality, (id) => this.entries.has(id), state.qualityAt)
  }

  private clearAll(entry: DeviceEntry, now: number, out: Transition[]): void {
    const start = out.length
    this.setpoints.clearDevice(entry, now, out)
    this.ror.clearDevice(entry, now, out)
    this.events.clearDevice(entry, now, out)
    this.quality.clearDevice(entry, now, out)
    this.correlate(out, start)
    this.correlation.forget(entry.place.park, entry.place.area, entry.place.device)
    this.deadman.unwatch(entry, now, out)
  }

  /** Feed the transitions out[start…] to correlation; its own transitions are appended. */
  private correlate(out: Transition[], start: number): void {
    const end = out.length
    for (let i = start; i < end; i++) {
      const t = out[i] as Transition
      const input = this.inputOf(t)
      if (input) this.correlation.observe(t, input, out)
    }
  }

  private inputOf(t: Transition): CorrelationInput | undefined {
    if (t.rule === EVENT_RULE) return fireInputOf(t.key.slice(t.key.lastIndexOf(':') + 1) as EventType)
    if (t.rule !== SETPOINT_RULE && t.rule !== RATE_OF_RISE_RULE) return undefined
    const kind = this.entries.get(t.device)?.place.kind
    return kind === 'gas' ? 'gas' : kind === 'fire' ? 'detector' : undefined
  }
}
