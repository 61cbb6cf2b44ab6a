/**
 * Who may do what (CONTRACT.md roles). The hub enforces it; the dashboard only hides the
 * buttons a user could not use.
 */
import type { Alarm } from '../../../hub/src/model/alarm.js'
import { isShelved } from './alarms.js'

export const OPERATOR_ROLES = ['admin', 'safety', 'responder'] as const

export const ALARM_ACTIONS = ['ack', 'shelve', 'dispatch', 'resolve', 'reset', 'close'] as const
export type AlarmActionName = (typeof ALARM_ACTIONS)[number]

export function isOperator(roles: readonly string[]): boolean {
  return roles.some((r) => (OPERATOR_ROLES as readonly string[]).includes(r))
}

/** The alarm performance page is for safety managers (and administrators). */
export function canSeeKpi(roles: readonly string[]): boolean {
  return roles.includes('admin') || roles.includes('safety')
}

/** Actions that make sense for this alarm now, for these roles; in closed-loop order. */
export function allowedActions(alarm: Alarm, roles: readonly string[], now: number): AlarmActionName[] {
  if (!isOperator(roles) || alarm.workflow === 'closed') return []
  const out: AlarmActionName[] = []
  if (alarm.ack === 'unacked') out.push('ack')
  if (!isShelved(alarm, now)) out.push('shelve')
  if (alarm.workflow === 'open') out.push('dispatch')
  if (alarm.workflow === 'open' || alarm.workflow === 'dispatched') out.push('resolve')
  // A latched alarm (cleared, awaiting reset; ISA-18.2 latching alarm) is reset before it can be closed.
  if (alarm.latched === true) out.push('reset')
  else if (alarm.workflow === 'resolved') out.push('close')
  return out
}

export function canAck(alarm: Alarm, roles: readonly string[], now: number): boolean {
  return allowedActions(alarm, roles, now).includes('ack')
}
