/**
 * Copies of alarms in one canonical field order. The book hands out copies only (nobody else
 * mutates its state), and a snapshot taken after a restore serialises byte for byte like the
 * one before it, whatever fields JSON dropped as `undefined` on the way.
 */
import { alarmClassOf, DEFAULT_LATCHING, type AlarmClass } from '../model/alarm-class.js'
import type { Alarm, AlarmStep, Transition } from '../model/alarm.js'
import { frozenMessage } from '../model/messages/index.js'

export function copyStep(s: AlarmStep): AlarmStep {
  const copy: AlarmStep = { ts: s.ts, actor: s.actor, action: s.action, note: s.note, level: s.level, value: s.value }
  // Steps recorded before notes carried messages restore without them.
  if (s.messages !== undefined) copy.messages = s.messages.map(frozenMessage) // immutable: copies share them
  if (s.channel !== undefined) copy.channel = s.channel
  return copy
}

export function copyAlarm(a: Alarm): Alarm {
  return {
    id: a.id,
    rule: a.rule,
    type: a.type,
    class: a.class,
    level: a.level,
    peakLevel: a.peakLevel,
    currentLevel: a.currentLevel,
    latching: a.latching,
    latched: a.latched,
    park: a.park,
    enterprise: a.enterprise,
    area: a.area,
    device: a.device,
    metric: a.metric,
    value: a.value,
    threshold: a.threshold,
    overRange: a.overRange,
    raisedAt: a.raisedAt,
    updatedAt: a.updatedAt,
    condition: a.condition,
    ack: a.ack,
    workflow: a.workflow,
    shelvedUntil: a.shelvedUntil,
    suppressed: a.suppressed,
    outOfService: a.outOfService,
    chattering: a.chattering,
    assignee: a.assignee,
    incident: a.incident,
    cause: a.cause,
    action: a.action,
    history: a.history.map(copyStep),
    // A communications alarm's devices (rules/communications-alarm.ts); the list is replaced whole, never changed, so copies share it.
    ...(a.devices !== undefined ? { devices: a.devices } : {}),
  }
}

/**
 * A new alarm for a transition: unack-active, workflow open (ISA-18.2 state "unacknowledged
 * alarm"), of class `cls` (default: the transition's, else its rule's and type's), latching
 * or not as its class is configured (default: DEFAULT_LATCHING).
 */
export function newAlarm(
  id: string,
  t: Transition,
  cls: AlarmClass = t.class ?? alarmClassOf(t.rule, t.type, undefined),
  latching: boolean = DEFAULT_LATCHING[cls],
): Alarm {
  return copyAlarm({
    id,
    rule: t.rule,
    type: t.type,
    class: cls,
    level: t.level,
    peakLevel: t.level,
    currentLevel: t.level,
    latching,
    latched: false,
    park: t.park,
    enterprise: t.enterprise,
    area: t.area,
    device: t.device,
    metric: t.metric,
    value: t.value,
    threshold: t.threshold,
    overRange: t.overRange === true,
    raisedAt: t.ts,
    updatedAt: t.ts,
    condition: 'active',
    ack: 'unacked',
    workflow: 'open',
    shelvedUntil: undefined,
    suppressed: false,
    outOfService: false,
    chattering: false,
    assignee: undefined,
    incident: undefined,
    cause: undefined,
    action: undefined,
    history: [],
    ...(t.devices !== undefined ? { devices: t.devices } : {}),
  })
}

/** Annunciated: presented to the operator, i.e. not shelved, suppressed by design or out of service (ISA-18.2). */
export function isAnnunciated(a: Alarm, now: number): boolean {
  return !(a.shelvedUntil !== undefined && a.shelvedUntil > now) && !a.suppressed && !a.outOfService
}
