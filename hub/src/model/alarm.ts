import type { AlarmClass } from './alarm-class.js'
import type { Message } from './messages/index.js'

/**
 * The alarm object of CONTRACT.md. ISA-18.2 / IEC 62682: condition × acknowledgement, plus
 * shelved / suppressed / out of service; the closed loop (闭环) open → dispatched → resolved → closed.
 */
export type AlarmLevel = 1 | 2 | 3 | 4 // red, orange, yellow, blue (DOMAIN.md)
export const LEVEL_COLOURS = { 1: 'red', 2: 'orange', 3: 'yellow', 4: 'blue' } as const
/** The levels by their colour, for code that raises an alarm at a fixed level. */
export const ALARM_LEVEL = { red: 1, orange: 2, yellow: 3, blue: 4 } as const satisfies Record<(typeof LEVEL_COLOURS)[AlarmLevel], AlarmLevel>

export type AlarmCondition = 'active' | 'cleared'
export type AlarmAck = 'unacked' | 'acked'
export type AlarmWorkflow = 'open' | 'dispatched' | 'resolved' | 'closed'

export type AlarmAction =
  | 'raise'
  | 'escalate'
  | 'deescalate'
  | 'clear'
  | 'reactivate'
  | 'ack'
  | 'shelve'
  | 'unshelve'
  | 'suppress'
  | 'unsuppress'
  | 'out_of_service'
  | 'in_service'
  | 'dispatch'
  | 'resolve'
  | 'close'
  | 'chattering'
  | 'comment'
  | 'reset'
  /** A notification sent, failed, sent again or escalated (notify/, docs/notifications.md). */
  | 'notify'

export interface AlarmStep {
  ts: number
  actor: string
  action: AlarmAction
  /** The note in English, kept for readers of `note`; `messages` is the same note as codes and parameters. */
  note?: string | undefined
  /** The note as messages of the one dictionary (model/messages), rendered in the reader's language; absent on steps recorded before them. */
  messages?: Message[] | undefined
  level?: AlarmLevel | undefined
  value?: number | undefined
  /** `ack`: where it was acknowledged (`dashboard`, `api`, `link`: a personal link); `notify`: the notification channel's id. */
  channel?: string | undefined
}

export interface Alarm {
  id: string
  /** Rule that raised it, e.g. `setpoint`, `rate_of_rise`, `event`, `deadman`, `correlation`. */
  rule: string
  /** What kind of condition, e.g. `gas_high`, `o2_low`, `fire`, `device_offline`, `emission_exceedance`. */
  type: string
  /** Hazard class (alarm-class.ts): decides latching and whether the alarm colours the safety risk. */
  class: AlarmClass
  /**
   * The alarm's level. A latching alarm (ISA-18.2 "latching alarm"; GB 16808, GB 4717) holds
   * the most severe level it reached until an operator resets it after the condition has
   * cleared; any alarm holds its level while unacknowledged. Otherwise it follows the condition.
   */
  level: AlarmLevel
  /** The most severe level reached over the alarm's life. */
  peakLevel: AlarmLevel
  /** The condition's level now; `undefined` while the condition is cleared (returned to normal). */
  currentLevel: AlarmLevel | undefined
  /** Whether this alarm latches (its class latches in the zone's settings when it was raised). */
  latching: boolean
  /** Latched, awaiting reset (待复位): a latching alarm whose condition cleared and that nobody has reset yet. */
  latched: boolean
  park: string
  enterprise: string
  area: string | undefined
  device: string
  metric: string | undefined
  value: number | undefined
  threshold: number | undefined
  /** The latest value is past the detector's measuring range (HJ 212 flag `T`, or above its range): "over range". */
  overRange: boolean
  raisedAt: number
  updatedAt: number
  condition: AlarmCondition
  ack: AlarmAck
  workflow: AlarmWorkflow
  shelvedUntil: number | undefined
  suppressed: boolean
  outOfService: boolean
  chattering: boolean
  assignee: string | undefined
  incident: string | undefined
  /** Cause and action, recorded at resolve. */
  cause: string | undefined
  action: string | undefined
  history: AlarmStep[]
  /** A communications alarm's devices gone silent together (rules/communications-alarm.ts); absent on other alarms. */
  devices?: readonly string[] | undefined
}

/**
 * What a rule evaluator emits: a condition identified by (device, rule key) became active at a
 * level, changed level, or returned to normal. Alarms own the state; rules only say this.
 */
export interface Transition {
  /** Stable key of the condition: one alarm per key (ISA-18.2: one alarm per condition). */
  key: string
  rule: string
  type: string
  kind: 'activate' | 'clear'
  level: AlarmLevel
  park: string
  enterprise: string
  area: string | undefined
  device: string
  metric: string | undefined
  value: number | undefined
  threshold: number | undefined
  ts: number
  message?: string | undefined
  /** `message` as a code and its parameters (model/messages); without it the history carries `message` as free text. */
  said?: Message | undefined
  /** Hazard class (alarm-class.ts); when absent, `alarmClassOf(rule, type, kind)` decides. */
  class?: AlarmClass | undefined
  /** The value is past the detector's measuring range (HJ 212 flag `T`, or above `range`): shown as "over range". */
  overRange?: boolean | undefined
  /** A communications alarm's devices (rules/communications-alarm.ts): the whole list, replacing the alarm's. */
  devices?: readonly string[] | undefined
}
