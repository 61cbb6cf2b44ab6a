/** Building a `Transition` for a device's place; every rule goes through here. */
import type { AlarmLevel, Transition } from '../model/alarm.js'
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
}

export function transition(place: Omit<Place, 'kind'>, f: TransitionFields): Transition {
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
  return t
}

/** A configured level (1–4) as an `AlarmLevel`; out-of-range values are clamped. */
export function toLevel(n: number): AlarmLevel {
  return Math.min(4, Math.max(1, Math.round(n))) as AlarmLevel
}
