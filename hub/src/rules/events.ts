/**
 * Discrete fire-panel events (CONTRACT.md event payload). `on` activates, `off` clears;
 * key `${device}:event:${type}`. A repeated `on` while active, or an `off` while normal,
 * changes nothing (ISA-18.2: one alarm per condition). An `off` older than the newest `on` it
 * would clear (a panel's buffer sent late, an event published again) clears nothing: the panel said
 * `on` after it (rules/stages.ts: an older sample raises only).
 *
 * | event               | alarm type     | level (DOMAIN.md)                         |
 * |---------------------|----------------|-------------------------------------------|
 * | smoke_alarm         | fire           | orange 2: a single fire detector          |
 * | heat_alarm          | fire           | orange 2                                  |
 * | flame               | fire           | orange 2                                  |
 * | manual_call_point   | fire           | orange 2                                  |
 * | panel_fault         | device_fault   | yellow 3: a safety device faulty          |
 */
import type { Transition } from '../model/alarm.js'
import type { DeviceEvent } from '../model/reading.js'
import type { EventType } from '../model/vocabulary.js'
import { EVENT_TYPES } from '../model/vocabulary.js'
import type { DeviceEntry } from './device-entry.js'
import type { AlarmLevels } from './options.js'
import { toLevel, transition } from './transition.js'

export const EVENT_RULE = 'event'

/** Active events: key → the time of its newest `on` (ms): since when, unless repeated. Plain JSON. */
export type EventState = Record<string, number>

export function eventKey(device: string, type: EventType): string {
  return `${device}:event:${type}`
}

/** What an event means for correlation: a detector, a manual call point, or neither (fault). */
export type FireInput = 'detector' | 'call_point' | undefined

export function fireInputOf(type: EventType): FireInput {
  if (type === 'manual_call_point') return 'call_point'
  if (type === 'panel_fault') return undefined
  return 'detector'
}

export class EventRule {
  private active: EventState = Object.create(null) as EventState

  constructor(private readonly levels: AlarmLevels) {}

  evaluate(entry: DeviceEntry, event: DeviceEvent, out: Transition[]): void {
    const key = eventKey(entry.place.device, event.type)
    const was = key in this.active
    if (event.state === 'on' && !was) {
      this.active[key] = event.ts
      out.push(this.toTransition(entry, event.type, 'activate', event.ts))
    } else if (event.state === 'on') {
      this.active[key] = Math.max(event.ts, this.active[key] as number)
    } else if (event.state === 'off' && was && event.ts >= (this.active[key] as number)) {
      delete this.active[key]
      out.push(this.toTransition(entry, event.type, 'clear', event.ts))
    }
  }

  clearDevice(entry: DeviceEntry, at: number, out: Transition[]): void {
    for (const type of EVENT_TYPES) {
      const key = eventKey(entry.place.device, type)
      if (!(key in this.active)) continue
      delete this.active[key]
      out.push(this.toTransition(entry, type, 'clear', at))
    }
  }

  state(): EventState {
    return this.active
  }

  restore(state: EventState, known: (id: string) => boolean): void {
    this.active = Object.create(null) as EventState
    for (const [key, since] of Object.entries(state)) {
      if (known(key.slice(0, key.indexOf(':')))) this.active[key] = since
    }
  }

  private toTransition(entry: DeviceEntry, type: EventType, kind: Transition['kind'], ts: number): Transition {
    const fault = type === 'panel_fault'
    return transition(entry.place, {
      key: eventKey(entry.place.device, type),
      rule: EVENT_RULE,
      type: fault ? 'device_fault' : 'fire',
      kind,
      level: toLevel(fault ? this.levels.fault : this.levels.fire),
      metric: undefined,
      value: undefined,
      threshold: undefined,
      ts,
      message: kind === 'activate' ? type : undefined,
    })
  }
}
