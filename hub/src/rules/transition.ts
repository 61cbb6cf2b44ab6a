/**
 * Building a `Transition` for a device's place; every rule goes through here. When the place
 * says the device's kind, the transition carries its hazard class (alarm-class.ts), so a
 * gas detector's fault is `device-health` and its gas alarm `life-safety`.
 */
import { alarmClassOf, type AlarmClass } from '../model/alarm-class.js'
import type { AlarmLevel, Transition } from '../model/alarm.js'
import type { Message } from '../model/messages/index.js'
import type { Place } from '../model/reading.js'

export interface TransitionFields {
  key: string
  rule: string
  type: string
  kind: Transition['kind']
  level: AlarmLevel
  metric?: string | undefined
  value?: number | undefined
  threshold?: number | undefined
  ts: number
  message?: string | undefined
  /** `message` as a code and its parameters of the one dictionary (model/messages). */
  said?: Message | undefined
  /** An explicit class; otherwise `alarmClassOf(rule, type, place.kind)` when the place has a kind. */
  class?: AlarmClass | undefined
  /** The value is past the detector's measuring range. */
  overRange?: boolean | undefined
}

export function transition(place: Omit<Place, 'kind'> & { kind?: Place['kind'] | undefined }, f: TransitionFields): Transition {
  const t: Transition = {
    key: f.key,
    rule: f.rule,
    type: f.type,
    kind: f.kind,
    level: f.level,
    park: place.park,
    enterprise: place.enterprise,
    area: place.area,
    device: place.device,
    metric: f.metric,
    value: f.value,
    threshold: f.threshold,
    ts: f.ts,
  }
  if (f.message !== undefined) t.message = f.message
  if (f.said !== undefined) t.said = f.said
  const cls = f.class ?? (place.kind !== undefined ? alarmClassOf(f.rule, f.type, place.kind) : undefined)
  if (cls !== undefined) t.class = cls
  if (f.overRange === true) t.overRange = true
  return t
}

/** A configured level (1–4) as an `AlarmLevel`; out-of-range values are clamped. */
export function toLevel(n: number): AlarmLevel {
  return Math.min(4, Math.max(1, Math.round(n))) as AlarmLevel
}
