/**
 * Pure alarm-board logic: order, filters, counts, and when a change deserves a sound.
 * ISA-18.2: a shelved, suppressed or out-of-service alarm leaves the operator's active list.
 */
import type { Alarm, AlarmLevel } from '../../../hub/src/model/alarm.js'
import { ALARM_CLASSES, type AlarmClass } from '../../../hub/src/model/alarm-class.js'
import { TOXIC_METRICS, UNITS } from '../../../hub/src/model/vocabulary.js'

/** The unit of an alarm's value and threshold: its metric's, or seconds without data for an offline device. */
export function alarmUnit(alarm: Pick<Alarm, 'metric' | 'type'>): string {
  if (alarm.metric) return UNITS[alarm.metric] ?? ''
  return alarm.type === 'device_offline' ? 's' : ''
}

/**
 * At equal level, toxic gas before combustible gas before the rest (GB/T 50493-2019 §3.0.2:
 * where both can occur, toxic gas detection takes priority). Toxic metrics are the
 * vocabulary's (model/vocabulary.ts TOXIC_METRICS).
 */
export function hazardRank(alarm: Pick<Alarm, 'metric'>): number {
  const m = alarm.metric
  if (m !== undefined && m !== null && TOXIC_METRICS.has(m)) return 0
  if (m === 'lel' || m === 'lel_m') return 1
  return 2
}

/** Highest level first (1 = red), then toxic before combustible, then newest first; id breaks ties so the order is stable. */
export function compareAlarms(a: Alarm, b: Alarm): number {
  if (a.level !== b.level) return a.level - b.level
  const hazard = hazardRank(a) - hazardRank(b)
  if (hazard !== 0) return hazard
  if (a.raisedAt !== b.raisedAt) return b.raisedAt - a.raisedAt
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

export function sortAlarms(alarms: Iterable<Alarm>): Alarm[] {
  return [...alarms].sort(compareAlarms)
}

export function isShelved(alarm: Alarm, now: number): boolean {
  return alarm.shelvedUntil !== undefined && alarm.shelvedUntil !== null && alarm.shelvedUntil > now
}

/** Hidden from the operator's working list (ISA-18.2 shelved / suppressed by design / out of service). */
export function isHidden(alarm: Alarm, now: number): boolean {
  return isShelved(alarm, now) || alarm.suppressed || alarm.outOfService
}

/** Latched, awaiting reset (ISA-18.2 latching alarm): the condition cleared, nobody has reset it yet. */
export function isLatched(alarm: Pick<Alarm, 'latched' | 'workflow'>): boolean {
  return alarm.latched === true && alarm.workflow !== 'closed'
}

export const STATE_FILTERS = ['open', 'active', 'unacked', 'latched', 'shelved', 'closed', 'all'] as const
export type StateFilter = (typeof STATE_FILTERS)[number]

export { ALARM_CLASSES, type AlarmClass }

export interface AlarmFilter {
  park: string | null
  /** Levels shown; empty means all. */
  levels: readonly AlarmLevel[]
  state: StateFilter
  /** Hazard class shown; null means all. */
  class: AlarmClass | null
}

export const DEFAULT_FILTER: AlarmFilter = { park: null, levels: [], state: 'open', class: null }

export function matchesState(alarm: Alarm, state: StateFilter, now: number): boolean {
  switch (state) {
    case 'open':
      return alarm.workflow !== 'closed' && !isHidden(alarm, now)
    case 'active':
      return alarm.condition === 'active' && alarm.workflow !== 'closed' && !isHidden(alarm, now)
    case 'unacked':
      return alarm.ack === 'unacked' && alarm.workflow !== 'closed' && !isHidden(alarm, now)
    case 'latched':
      return isLatched(alarm)
    case 'shelved':
      return isHidden(alarm, now) && alarm.workflow !== 'closed'
    case 'closed':
      return alarm.workflow === 'closed'
    case 'all':
      return true
  }
}

export function filterAlarms(alarms: Iterable<Alarm>, filter: AlarmFilter, now: number): Alarm[] {
  const out: Alarm[] = []
  for (const a of alarms) {
    if (filter.park !== null && a.park !== filter.park) continue
    if (filter.levels.length > 0 && !filter.levels.includes(a.level)) continue
    if (filter.class !== null && filter.class !== undefined && a.class !== filter.class) continue
    if (!matchesState(a, filter.state, now)) continue
    out.push(a)
  }
  return out.sort(compareAlarms)
}

/** Waiting for an operator: unacknowledged, not closed, not shelved. */
function waitsForAck(a: Alarm, now: number): boolean {
  return a.ack === 'unacked' && a.workflow !== 'closed' && !isHidden(a, now)
}

/** Standing: the condition is active, not closed, not shelved. */
function isStanding(a: Alarm, now: number): boolean {
  return a.condition === 'active' && a.workflow !== 'closed' && !isHidden(a, now)
}

/** Alarms still waiting for an operator: unacknowledged, not closed, not shelved. */
export function countUnacked(alarms: Iterable<Alarm>, now: number): number {
  let n = 0
  for (const a of alarms) if (waitsForAck(a, now)) n++
  return n
}

/** Whether some alarm is shelved until a time still to come (so what is hidden changes with the clock). */
export function hasPendingShelf(alarms: Iterable<Alarm>, now: number): boolean {
  for (const a of alarms) if (a.shelvedUntil !== undefined && a.shelvedUntil !== null && a.shelvedUntil > now) return true
  return false
}

export type LevelCounts = { 1: number; 2: number; 3: number; 4: number }

/** Active (standing) alarms per level, optionally for one park. */
export function countActiveByLevel(alarms: Iterable<Alarm>, now: number, park?: string): LevelCounts {
  const counts: LevelCounts = { 1: 0, 2: 0, 3: 0, 4: 0 }
  for (const a of alarms) {
    if (park !== undefined && a.park !== park) continue
    if (isStanding(a, now)) counts[a.level]++
  }
  return counts
}

/** Alarms per level, whatever their state (e.g. all raised in a window). */
export function countByLevel(alarms: Iterable<{ level: AlarmLevel }>): LevelCounts {
  const counts: LevelCounts = { 1: 0, 2: 0, 3: 0, 4: 0 }
  for (const a of alarms) if (a.level >= 1 && a.level <= 4) counts[a.level]++
  return counts
}

/** Urgent = red or orange (levels I and II). */
export function isUrgent(level: AlarmLevel): boolean {
  return level <= 2
}

/**
 * A sound for a new red or orange alarm: one that appears unacknowledged and active, or an
 * existing one that escalates into red/orange (or returns while unacknowledged).
 */
export function shouldSound(prev: Alarm | undefined, next: Alarm, now: number): boolean {
  if (!isUrgent(next.level) || next.condition !== 'active' || next.ack !== 'unacked') return false
  if (next.workflow === 'closed' || isHidden(next, now)) return false
  if (prev === undefined) return true
  if (next.level < prev.level) return true
  return prev.condition === 'cleared' || prev.ack === 'acked'
}

/** `(3) 园区应急指挥`; the bare title when nothing waits. */
export function titleWithCount(base: string, unacked: number): string {
  return unacked > 0 ? `(${unacked}) ${base}` : base
}

/** The alarms of one device, newest first. */
export function alarmsOfDevice(alarms: Iterable<Alarm>, device: string): Alarm[] {
  const out: Alarm[] = []
  for (const a of alarms) if (a.device === device) out.push(a)
  return out.sort((a, b) => b.raisedAt - a.raisedAt)
}

/** The most severe standing alarm per device, and whether any of its alarms waits for an ack. */
export interface DeviceAlarmState {
  level: AlarmLevel
  unacked: boolean
  /** When the newest of its standing alarms was raised. */
  raisedAt: number
}

export function alarmStateByDevice(alarms: Iterable<Alarm>, now: number): Map<string, DeviceAlarmState> {
  return indexAlarms(alarms, now).byDevice
}

function addDeviceState(out: Map<string, DeviceAlarmState>, a: Alarm): void {
  const cur = out.get(a.device)
  const unacked = a.ack === 'unacked'
  if (cur === undefined) out.set(a.device, { level: a.level, unacked, raisedAt: a.raisedAt })
  else out.set(a.device, { level: a.level < cur.level ? a.level : cur.level, unacked: cur.unacked || unacked, raisedAt: Math.max(cur.raisedAt, a.raisedAt) })
}

/** Everything the overview counts, from one pass over the alarms. */
export interface AlarmIndex {
  /** Standing alarms per level, zone-wide. */
  counts: LevelCounts
  /** Standing alarms per level, per park (parks without any are absent). */
  byPark: Map<string, LevelCounts>
  /** Alarms waiting for an acknowledgement. */
  unacked: number
  /** The most severe standing alarm per device. */
  byDevice: Map<string, DeviceAlarmState>
}

export function indexAlarms(alarms: Iterable<Alarm>, now: number): AlarmIndex {
  const counts: LevelCounts = { 1: 0, 2: 0, 3: 0, 4: 0 }
  const byPark = new Map<string, LevelCounts>()
  const byDevice = new Map<string, DeviceAlarmState>()
  let unacked = 0
  for (const a of alarms) {
    if (waitsForAck(a, now)) unacked++
    // A latched alarm (cleared, awaiting reset) still marks its device on the plan at its level; it is not counted as standing.
    if (isLatched(a) && !isHidden(a, now)) addDeviceState(byDevice, a)
    if (!isStanding(a, now)) continue
    counts[a.level]++
    let park = byPark.get(a.park)
    if (park === undefined) byPark.set(a.park, (park = { 1: 0, 2: 0, 3: 0, 4: 0 }))
    park[a.level]++
    addDeviceState(byDevice, a)
  }
  return { counts, byPark, unacked, byDevice }
}
