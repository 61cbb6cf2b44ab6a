/**
 * The alarm book's small interfaces: what it is built with, what it tells, how it is saved
 * and queried, and what operator actions take.
 */
import type { AlarmClass, AlarmSettings } from '../model/alarm-class.js'
import type { Alarm, AlarmStep } from '../model/alarm.js'
import type { DeviceKind } from '../model/vocabulary.js'

/** Told of every recorded step (the hub journals `alarm_events`, pushes socket.io, starts response). */
export interface AlarmSink {
  /**
   * Called once per new step, after the book's state is committed, with a copy of the alarm as
   * it stands after the whole operation (an apply may record two steps, e.g. `raise` then
   * `chattering`). A sink should not throw; if it does, the error propagates to the caller
   * after every step has been delivered, and the book's state stays committed.
   */
  onChange(alarm: Alarm, step: AlarmStep): void
}

export interface AlarmBookDeps {
  /** Milliseconds since the epoch; used for operator actions, tick and prune. */
  clock: () => number
  /** New alarm ids; default `crypto.randomUUID()`. Must match the model's id pattern. */
  newId?: () => string
  sink?: AlarmSink
  /** Upper bound of a shelve (ISA-18.2 / IEC 62682: shelving is time-limited). Default 480 min (8 h). */
  maxShelveMinutes?: number
  /** Chattering: this many activations of one key … (ISA-18.2 / EEMUA 191: 3). */
  chatterCount?: number
  /** … within this window, inclusive (ISA-18.2 / EEMUA 191: 60 s). */
  chatterWindowMs?: number
  /** Closed alarms older than this may be dropped from memory by `prune` (they stay in InfluxDB). Default 7 days. */
  retentionMs?: number
  /** Steps kept per alarm: the first (`raise`) plus the latest ones. Default 500; the full log is in `alarm_events`. */
  maxHistory?: number
  /** Which classes latch (the zone file's `alarms.latching`); unnamed classes take DEFAULT_LATCHING (life-safety only). */
  latching?: AlarmSettings['latching']
  /** The kind of a device, for the class of a transition that carries none (energy, emissions, correlation). */
  deviceKind?: (device: string) => DeviceKind | undefined
}

/** The complete, JSON-safe state of a book. `AlarmBook.restore(snapshot())` gives an identical book. */
export interface AlarmBookState {
  version: 1
  /** Every alarm held, in the order raised, with its condition key. */
  alarms: Array<{ key: string; alarm: Alarm }>
  /** Recent activation times per key, for chattering detection across restarts. */
  activations: Record<string, number[]>
}

/**
 * Filters of `list`:
 * - `active`: condition active, not closed, annunciated (not shelved, suppressed or out of service);
 * - `unacked`: unacknowledged, not closed, annunciated;
 * - `cleared`: condition returned to normal, not closed;
 * - `latched`: latched, awaiting reset (a latching alarm whose condition cleared), not closed;
 * - `open`: every alarm not yet closed (the closed loop is open), hidden ones included;
 * - `closed`: workflow closed;
 * - `shelved`: shelved, not closed;
 * - `suppressed`: suppressed by design or out of service, not closed;
 * - `all`.
 */
export type AlarmListState = 'active' | 'unacked' | 'cleared' | 'latched' | 'open' | 'closed' | 'shelved' | 'suppressed' | 'all'

export interface AlarmQuery {
  state?: AlarmListState | undefined
  park?: string | undefined
  enterprise?: string | undefined
  device?: string | undefined
  /** Hazard class (life-safety, device-health, environmental, energy). */
  class?: AlarmClass | undefined
  /** The alarm's life [raisedAt, closed time or now] overlaps [from, to] (ms). */
  from?: number | undefined
  to?: number | undefined
}

/** Every operator action takes a note; some take more. Fields are optional in the type so an API body can pass straight through; the book checks them. */
export interface ActionInput {
  note?: string | undefined
}
/** Where an acknowledgement came from: `dashboard`, `api`, or `link` (a personal link in a direct message). */
export interface AckInput extends ActionInput {
  channel?: 'dashboard' | 'api' | 'link' | undefined
}
export interface ShelveInput extends ActionInput {
  /** 1 … maxShelveMinutes. */
  minutes?: number | undefined
}
export interface DispatchInput extends ActionInput {
  /** Who goes (person or team). Required. */
  assignee?: string | undefined
}
export interface ResolveInput extends ActionInput {
  /** Cause found on site. Required. */
  cause?: string | undefined
  /** Action taken. Required. */
  action?: string | undefined
}
