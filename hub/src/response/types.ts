/**
 * The response room's small interfaces: what the incident manager is built with, what it
 * tells, how it is saved and queried, and what operator actions take.
 */
import type { Alarm, AlarmLevel } from '../model/alarm.js'
import type { Device } from '../model/device.js'
import type { Incident, IncidentEntry } from '../model/incident.js'
import type { Hazard, ResponsePlan } from '../model/response-plan.js'
import type { Zone } from '../model/zone.js'
import type { SetpointLookup } from './plan-text.js'

/** The payload of a device command, published as JSON on `parks/{park}/{enterprise}/{device}/cmd`. */
export interface CommandPayload {
  id: string
  command: string
  params: Record<string, unknown>
  /** Milliseconds since the epoch: the device must not act on the command after this. */
  expiresAt: number
}

/** Where device commands go (the hub publishes through its broker). */
export interface CommandPort {
  /** Resolves once the command is handed to the broker; a rejection is recorded on the command. */
  send(device: Device, topic: string, payload: CommandPayload): Promise<void>
}

/** Told of every timeline entry (the hub pushes socket.io `incident`, journals, logs). */
export interface IncidentSink {
  /**
   * Called once per new entry, after the manager's state is committed, with a copy of the
   * incident as it stands after the whole operation. A sink should not throw; if it does in a
   * synchronous call, the error reaches the caller after every entry has been delivered; in
   * the asynchronous report of a failed send it goes to `onError`.
   */
  onChange(incident: Incident, entry: IncidentEntry): void
}

export interface IncidentManagerDeps {
  /** Parks and their areas and enterprises; `responsePlans` are tried before the defaults. */
  zone: Pick<Zone, 'parks'> & Partial<Pick<Zone, 'responsePlans'>>
  /** Every device known now (zone file and runtime registrations). */
  devices: () => Iterable<Device>
  /**
   * One device by id, when the caller holds them so (the registry); otherwise `devices` is
   * searched. Each alarm that concerns an incident asks for its device: a search of a
   * 100,000-device zone was 75 ms of the event loop (many-connections bench, CPU profile).
   */
  device?: (id: string) => Device | undefined
  /** The plans in the order tried. Default: the zone's `responsePlans`, then DEFAULT_PLANS. */
  plans?: ResponsePlan[]
  /** Milliseconds since the epoch. */
  clock: () => number
  /** New incident ids; default `crypto.randomUUID()`. Must match the model's id pattern. */
  newId?: () => string
  commands: CommandPort
  sink?: IncidentSink
  /** Looks an alarm up by id, to check and weigh alarms attached by hand. Optional. */
  alarms?: (id: string) => Alarm | undefined
  /** Errors the manager cannot hand to a caller (a sink throwing while a failed send is recorded). */
  onError?: (err: unknown) => void
  /**
   * Whether a device is online now (the registry's state). A command to a device that is not
   * fails at once, visibly, and is not published. Default: every device is online.
   */
  online?: (deviceId: string) => boolean
  /** A device's effective set points (the rules engine's), for the numbers in plan texts. */
  setpoints?: SetpointLookup
}

/** The complete, JSON-safe state. `IncidentManager.restore(snapshot())` continues identically. */
export interface IncidentManagerState {
  version: 1
  /** Every incident held, in the order opened. */
  incidents: Incident[]
}

export type IncidentListState = 'open' | 'closed' | 'all'

export interface IncidentQuery {
  state?: IncidentListState | undefined
  park?: string | undefined
}

/** A manual open. Fields are optional in the type so an API body can pass straight through; the manager checks them. */
export interface OpenInput {
  park?: string | undefined
  area?: string | undefined
  enterprise?: string | undefined
  hazard?: Hazard | string | undefined
  level?: AlarmLevel | number | undefined
  title?: string | undefined
  titleEn?: string | undefined
  alarms?: string[] | undefined
}

export interface CommandInput {
  device?: string | undefined
  command?: string | undefined
  params?: Record<string, unknown> | undefined
}

/** A decision on a proposed command: `note` is required to dismiss, optional to confirm. */
export interface DecisionInput {
  note?: string | undefined
}

export interface StepInput {
  note?: string | undefined
  /** false undoes a completed step. Default true. */
  done?: boolean | undefined
}

/** Timeline actions. */
export const INCIDENT_ACTIONS = [
  'open',
  'add_alarm',
  'escalate',
  'plan',
  'command',
  'command_proposed',
  'command_confirmed',
  'command_dismissed',
  'command_sent',
  'command_skipped',
  'command_failed',
  'command_expired',
  'command_ack',
  'proposal_escalated',
  'step_done',
  'step_undone',
  'comment',
  'close',
] as const
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number]
