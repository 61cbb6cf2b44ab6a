/**
 * Who is on duty at an instant (值班表): a roster's shifts in the zone's time zone, each
 * starting at its handover time; a shift whose end is at or before its start runs past
 * midnight and belongs to the day it starts on (a night shift 20:00–08:00 seen at 03:00 is the
 * previous day's crew). A rotation picks each day's crews; people on call are on duty at any
 * hour. A park whose roster has nobody of a role on duty falls back to the zone roster, and
 * the answer says so (`fallback`). Pure: no clock.
 */
import type { Roster, RosterPerson, Shift } from '../model/notify.js'

const MINUTE = 60_000
const DAY_MIN = 1440
/** The zone-wide roster's scope. */
export const ZONE_SCOPE = 'zone'

/** Local date (days since 1970-01-01) and minute of the day of an instant in a time zone. */
export interface LocalMoment {
  day: number
  minute: number
}

const formats = new Map<string, Intl.DateTimeFormat>()

export function localMoment(ts: number, timezone: string): LocalMoment {
  let fmt = formats.get(timezone)
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })
    formats.set(timezone, fmt)
  }
  const p: Record<string, number> = {}
  for (const x of fmt.formatToParts(new Date(ts))) if (x.type !== 'literal') p[x.type] = Number(x.value)
  const day = Math.floor(Date.UTC(p.year!, p.month! - 1, p.day!) / (DAY_MIN * MINUTE))
  return { day, minute: (p.hour! % 24) * 60 + p.minute! }
}

/** `HH:MM` as minutes of the day. */
export function minuteOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number)
  return h! * 60 + m!
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date. */
function dayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number)
  return Math.floor(Date.UTC(y!, m! - 1, d!) / (DAY_MIN * MINUTE))
}

/** The day (local) whose shift `s` is running at `at`, or undefined when it is not running. */
export function shiftDay(s: Pick<Shift, 'start' | 'end'>, at: LocalMoment): number | undefined {
  const a = minuteOf(s.start)
  const b = minuteOf(s.end)
  if (a < b) return at.minute >= a && at.minute < b ? at.day : undefined
  // Past midnight (or 24 h when a = b): from the start to midnight today, or until the end on the next day.
  if (at.minute >= a) return at.day
  if (at.minute < b || a === b) return at.day - 1
  return undefined
}

export interface OnDuty {
  scope: string
  /** The shift running (the first one when shifts overlap), or null outside every shift. */
  shift: Pick<Shift, 'id' | 'name' | 'start' | 'end'> | null
  people: RosterPerson[]
}

/** The crew of shift number `index` on local day `day`. */
function crewOf(roster: Roster, index: number, day: number): string[] {
  const shift = roster.shifts[index]!
  const rot = roster.rotation
  if (!rot) return shift.people ?? []
  const n = rot.pattern.length
  const row = rot.pattern[(((day - dayOf(rot.startDate)) % n) + n) % n]!
  const crew = row[index]
  if (crew === undefined || crew === '-') return []
  return rot.crews[crew] ?? []
}

/** Who of `roster` is on duty at `ts`: the crews of the shifts running and the people on call. */
export function onDuty(roster: Roster, ts: number, timezone: string): OnDuty {
  const at = localMoment(ts, timezone)
  const ids = new Set<string>()
  let running: OnDuty['shift'] = null
  roster.shifts.forEach((s, i) => {
    const day = shiftDay(s, at)
    if (day === undefined) return
    running ??= { id: s.id, name: s.name, start: s.start, end: s.end }
    for (const id of crewOf(roster, i, day)) ids.add(id)
  })
  for (const id of roster.onCall ?? []) ids.add(id)
  const byId = new Map(roster.people.map((p) => [p.id, p]))
  const people = [...ids].map((id) => byId.get(id)).filter((p): p is RosterPerson => p !== undefined)
  return { scope: roster.scope, shift: running, people }
}

export interface Reached {
  people: RosterPerson[]
  /** The roles nobody of the park held on duty, found in the zone roster instead. */
  fallback: string[]
  /** Roles nobody is on duty for, not even zone-wide. */
  unstaffed: string[]
}

/**
 * The people on duty at `ts` holding `roles` in `scope`'s roster (a park, or the zone); a role
 * nobody of the park holds on duty is taken from the zone roster (listed in `fallback`).
 */
export function whoToReach(rosters: readonly Roster[], scope: string, roles: readonly string[], ts: number, timezone: string): Reached {
  const own = rosters.find((r) => r.scope === scope)
  const zone = scope === ZONE_SCOPE ? undefined : rosters.find((r) => r.scope === ZONE_SCOPE)
  const ownDuty = own ? onDuty(own, ts, timezone).people : []
  const zoneDuty = zone ? onDuty(zone, ts, timezone).people : []
  const people = new Map<string, RosterPerson>()
  const fallback: string[] = []
  const unstaffed: string[] = []
  for (const role of roles) {
    const mine = ownDuty.filter((p) => p.role === role)
    const found = mine.length > 0 ? mine : zoneDuty.filter((p) => p.role === role)
    if (mine.length === 0 && found.length > 0) fallback.push(role)
    if (found.length === 0) unstaffed.push(role)
    for (const p of found) people.set(p.id, p)
  }
  return { people: [...people.values()], fallback, unstaffed }
}
