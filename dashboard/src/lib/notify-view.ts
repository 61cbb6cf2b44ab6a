/**
 * Pure helpers of the notification screens (docs/notifications.md): who of a duty reply to show
 * for a park, in escalation order, and the notification log's order.
 * No runes, no fetch: testable without a browser.
 */
import type { DutyEntry, DutyPerson, LogEntry } from './notify.js'

/** The roles of the escalation ladder, first called first (docs/notifications.md, policies). */
export const DUTY_ROLE_ORDER = ['duty_officer', 'shift_leader', 'safety_manager', 'zone_duty'] as const

function roleRank(role: string): number {
  const i = (DUTY_ROLE_ORDER as readonly string[]).indexOf(role)
  return i < 0 ? DUTY_ROLE_ORDER.length : i
}

/** People in ladder order (duty officer first), then by name. */
export function byLadder(people: readonly DutyPerson[]): DutyPerson[] {
  return [...people].sort((a, b) => roleRank(a.role) - roleRank(b.role) || a.name.localeCompare(b.name, 'zh-CN'))
}

/**
 * The duty entries to show beside a park: the park's own roster, then the zone-wide one.
 * With no park chosen, every entry (parks first, the zone last).
 */
export function dutyFor(entries: readonly DutyEntry[], park: string | null): DutyEntry[] {
  const zone = entries.filter((e) => e.scope === 'zone')
  const parks = entries.filter((e) => e.scope !== 'zone' && (park === null || e.scope === park))
  return [...parks, ...zone].map((e) => ({ ...e, people: byLadder(e.people) }))
}

/** Newest first, at most `limit`. */
export function newestFirst(entries: readonly LogEntry[], limit: number): LogEntry[] {
  return [...entries].sort((a, b) => b.ts - a.ts).slice(0, limit)
}
