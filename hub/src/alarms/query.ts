/**
 * The filters of `AlarmBook.list` (see `AlarmListState` for what each state means). ISA-18.2:
 * shelved, suppressed-by-design and out-of-service alarms are recorded but not annunciated, so
 * they stay off the `active` and `unacked` boards and have boards of their own.
 */
import type { Alarm } from '../model/alarm.js'
import { isAnnunciated } from './alarm-copy.js'
import type { AlarmListState, AlarmQuery } from './types.js'

export const ALARM_LIST_STATES: readonly AlarmListState[] = [
  'active', 'unacked', 'cleared', 'latched', 'open', 'closed', 'shelved', 'suppressed', 'all',
]

function inState(a: Alarm, state: AlarmListState, now: number): boolean {
  const closed = a.workflow === 'closed'
  switch (state) {
    case 'active':
      return !closed && a.condition === 'active' && isAnnunciated(a, now)
    case 'unacked':
      return !closed && a.ack === 'unacked' && isAnnunciated(a, now)
    case 'cleared':
      return !closed && a.condition === 'cleared'
    case 'latched':
      return !closed && a.latched
    case 'open':
      return !closed
    case 'closed':
      return closed
    case 'shelved':
      return !closed && a.shelvedUntil !== undefined && a.shelvedUntil > now
    case 'suppressed':
      return !closed && (a.suppressed || a.outOfService)
    case 'all':
      return true
  }
}

/** When an alarm's life ended: the close step's time (the last step of a closed alarm), else open-ended. */
export function closedAt(a: Alarm): number | undefined {
  return a.workflow === 'closed' ? a.updatedAt : undefined
}

export function matches(a: Alarm, q: AlarmQuery, now: number): boolean {
  if (!inState(a, q.state ?? 'all', now)) return false
  if (q.park !== undefined && a.park !== q.park) return false
  if (q.enterprise !== undefined && a.enterprise !== q.enterprise) return false
  if (q.device !== undefined && a.device !== q.device) return false
  if (q.class !== undefined && a.class !== q.class) return false
  if (q.to !== undefined && a.raisedAt > q.to) return false
  const end = closedAt(a)
  if (q.from !== undefined && end !== undefined && end < q.from) return false
  return true
}

/** Newest first; ties by id so the order is stable. */
export function byNewest(a: Alarm, b: Alarm): number {
  return b.raisedAt - a.raisedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}
