import type { Alarm, AlarmStep, Transition } from '../../../hub/src/model/alarm.js'
import { AlarmBook } from '../../../hub/src/alarms/alarm-book.js'
import type { AlarmBookDeps } from '../../../hub/src/alarms/types.js'

export const T0 = Date.UTC(2025, 5, 1, 0, 0, 0)
export const SEC = 1000
export const MIN = 60 * SEC
export const HOUR = 60 * MIN

/** A settable clock. */
export function fakeClock(start = T0): { now: () => number; set: (t: number) => void; advance: (ms: number) => number } {
  let t = start
  return {
    now: () => t,
    set: (x) => { t = x },
    advance: (ms) => (t += ms),
  }
}

/** Ids a-1, a-2, … so tests can name them. */
export function counterIds(prefix = 'a', start = 1): () => string {
  let n = start
  return () => `${prefix}-${n++}`
}

export function transition(over: Partial<Transition> & { ts: number }): Transition {
  return {
    key: 'pk1/d-gas-1/setpoint/lel',
    rule: 'setpoint',
    type: 'gas_high',
    kind: 'activate',
    level: 2,
    park: 'pk1',
    enterprise: 'ent1',
    area: 'chlor',
    device: 'd-gas-1',
    metric: 'lel',
    value: 30,
    threshold: 25,
    ...over,
  }
}

export interface Recorded {
  alarm: Alarm
  step: AlarmStep
}

/**
 * A book of non-latching alarms unless `extra.latching` says otherwise: the lifecycle and
 * closed-loop tests follow a condition up and down; latching.test.ts covers the default
 * (life-safety latches until reset).
 */
export const NO_LATCHING: NonNullable<AlarmBookDeps['latching']> = { 'life-safety': false }

export function bookWith(clock: { now: () => number }, extra: Partial<AlarmBookDeps> = {}): { book: AlarmBook; events: Recorded[] } {
  const events: Recorded[] = []
  const book = new AlarmBook({
    clock: clock.now,
    newId: counterIds(),
    latching: NO_LATCHING,
    sink: { onChange: (alarm, step) => events.push({ alarm, step }) },
    ...extra,
  })
  return { book, events }
}
