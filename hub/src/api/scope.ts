import type { ParkRisk } from '../model/risk.js'
import { parkReasons } from '../risk/index.js'
import type { User } from '../config/users.js'
import { badRequest, notFound } from './errors.js'

/**
 * Users within their parks (docs/security.md, "Scopes"): the one place that says whether a
 * user sees a park's or an enterprise's data. A user without a scope sees the whole zone; one
 * limited to parks sees those parks whole; one limited to enterprises sees those enterprises'
 * alarms, incidents, devices and data, and of their parks' risk only those enterprises.
 *
 * Out of scope reads as absent: lists leave it out and a single resource answers 404, as for an
 * id that does not exist, so a scoped user cannot learn what lies beyond (OWASP ASVS 4.0 V4.2.1,
 * insecure direct object references). Actions on it are refused the same way.
 */
type Viewer = Pick<User, 'scope'> | undefined

/** May `user` see a resource of this park (and enterprise, when the resource has one)? */
export function sees(user: Viewer, park: string, enterprise?: string | undefined): boolean {
  const s = user?.scope
  if (!s) return true
  if (s.parks.includes(park)) return true
  return enterprise !== undefined && s.enterprises.includes(enterprise)
}

/** Does `user` see anything of this park (the whole park, or some of its enterprises)? */
export function seesPark(user: Viewer, park: string): boolean {
  const s = user?.scope
  return !s || s.parks.includes(park) || s.partialParks.includes(park)
}

/** Does `user` see all of this park? */
export function seesWholePark(user: Viewer, park: string): boolean {
  const s = user?.scope
  return !s || s.parks.includes(park)
}

/** What `user` sees, as questions: any of a park, and an item of a park and enterprise (for lists gathered across nodes). */
export function scopeOf(user: Viewer): { park(park: string): boolean; item(park: string, enterprise: string | undefined): boolean } {
  return { park: (p) => seesPark(user, p), item: (p, e) => sees(user, p, e) }
}

/** Only the items `user` sees. */
export function visible<T extends { park: string; enterprise?: string | undefined }>(user: Viewer, items: readonly T[]): T[] {
  return user?.scope ? items.filter((i) => sees(user, i.park, i.enterprise)) : [...items]
}

/** 404 for a resource out of the user's scope, with the message the route gives a missing one. */
export function assertSees(user: Viewer, item: { park: string; enterprise?: string | undefined }, missingMessage: string): void {
  if (!sees(user, item.park, item.enterprise)) throw notFound(missingMessage)
}

/**
 * A route's `:id` naming something of a park the user does not see reads as absent (404 with
 * `what`'s own missing message), to read and to act on; an unknown id is left to the route.
 */
export function namedByIdInScope(user: Viewer, params: unknown, find: (id: string) => { park: string; enterprise?: string | undefined } | undefined, what: string): void {
  const id = (params as { id?: string } | undefined)?.id
  const item = id === undefined ? undefined : find(id)
  if (item) assertSees(user, item, `${what} ${id} not found`)
}

/** A park's risk as `user` may see it: whole, narrowed to the user's enterprises, or nothing. */
export function riskView(user: Viewer, risk: ParkRisk): ParkRisk | undefined {
  if (seesWholePark(user, risk.park)) return risk
  if (!seesPark(user, risk.park)) return undefined
  const enterprises = risk.enterprises.filter((e) => sees(user, e.park, e.enterprise))
  const levels = enterprises.map((e) => e.level).filter((l): l is NonNullable<typeof l> => l !== null)
  return { ...risk, enterprises, reasons: parkReasons(enterprises.flatMap((e) => e.reasons)), level: levels.length > 0 ? (Math.min(...levels) as ParkRisk['level']) : null }
}

/** The parks a `park=` filter may name for `user`: undefined for any, else the ones in scope. */
export function parksOf(user: Viewer): string[] | undefined {
  const s = user?.scope
  return s ? [...s.parks, ...s.partialParks] : undefined
}

/** A park of the zone as `user` may see it: whole, with only the user's enterprises, or nothing. */
export function parkView<P extends { id: string; enterprises: { id: string }[] }>(user: Viewer, park: P): P | undefined {
  if (seesWholePark(user, park.id)) return park
  if (!seesPark(user, park.id)) return undefined
  return { ...park, enterprises: park.enterprises.filter((e) => sees(user, park.id, e.id)) }
}

/**
 * A report's query (`park`, `enterprise`, `meter`) as `user` may ask it: a place out of scope is
 * 404; without a place, a user limited to one park (or one enterprise, where the route takes
 * one) gets it filled in, and any other scoped user must name one (400), since zone-wide totals
 * would include other parks.
 */
export function narrowQuery(
  user: Viewer,
  q: { park?: string | undefined; enterprise?: string | undefined; meter?: string | undefined },
  o: { acceptsEnterprise: boolean; enterprisePark: (id: string) => string | undefined; meter?: (id: string) => { park: string; enterprise: string } | undefined },
): void {
  const s = user?.scope
  if (!s) return
  if (q.meter !== undefined) {
    const m = o.meter?.(q.meter)
    if (m && !sees(user, m.park, m.enterprise)) throw notFound(`energy meter ${q.meter} not found`)
  }
  if (q.enterprise !== undefined) {
    const p = o.enterprisePark(q.enterprise)
    if (p !== undefined && !sees(user, p, q.enterprise)) throw notFound(`enterprise ${q.enterprise} not found`)
  }
  if (q.park !== undefined && q.enterprise === undefined && q.meter === undefined && !seesWholePark(user, q.park)) throw notFound(`park ${q.park} not found`)
  if (q.park !== undefined || q.enterprise !== undefined || q.meter !== undefined) return
  if (s.parks.length === 1 && s.enterprises.length === 0) q.park = s.parks[0]
  else if (o.acceptsEnterprise && s.parks.length === 0 && s.enterprises.length === 1) q.enterprise = s.enterprises[0]
  else throw badRequest(`name a park${o.acceptsEnterprise ? ' or an enterprise' : ''} of your scope: ${[...s.parks, ...(o.acceptsEnterprise ? s.enterprises : [])].join(', ') || 'none'}`)
}
