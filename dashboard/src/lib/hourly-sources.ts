/**
 * The emissions page's view of a stack's two hourly values (hub/src/emissions/hourly-sources.ts):
 * the logger's 2061 and the hub's HJ 75 recomputation — which counts, how many hours the
 * logger sent, and the hours where the two differ, newest first. Pure.
 */
import type { HourDifference, HourlyReply } from './api.js'

export interface DiffRow extends HourDifference {
  start: number
  label: string
}

/** Every differing metric of every hour, newest hour first, metrics in the hub's order. */
export function differingRows(hours: HourlyReply['hours']): DiffRow[] {
  const out: DiffRow[] = []
  for (let i = hours.length - 1; i >= 0; i--) {
    const h = hours[i]!
    for (const d of h.differs) out.push({ ...d, start: h.start, label: h.label })
  }
  return out
}

/**
 * Whether some ended hour's value came from the source that is not the authority (it had none
 * for that hour). The hour under way is left out: the logger sends its 2061 once it ends.
 */
export function fellBack(reply: Pick<HourlyReply, 'hours' | 'hourlyAuthority' | 'loggerHours'>, metrics: readonly string[], now: number): boolean {
  if (reply.loggerHours === 0) return false
  return reply.hours.some((h) => h.start + 3_600_000 <= now && metrics.some((m) => h.sources[m] !== undefined && h.sources[m] !== reply.hourlyAuthority))
}

/** The tolerance as the page words it: percent and absolute figure. */
export const toleranceText = (t: HourlyReply['tolerance']): { pct: string; abs: string } => ({ pct: String(Math.round(t.relative * 1000) / 10), abs: String(t.absolute) })
