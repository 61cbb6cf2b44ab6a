import type { Alarm } from '../model/alarm.js'
import type { Incident } from '../model/incident.js'
import { ALARM_LIST_STATES, type AlarmBook, type AlarmListState, type AlarmQuery } from '../alarms/index.js'
import { matches } from '../alarms/query.js'
import { ALARM_CLASSES, type AlarmClass } from '../model/alarm-class.js'
import type { IncidentManager } from '../response/index.js'
import { HttpError } from '../api/errors.js'

/**
 * The history of parks other nodes own (docs/cluster.md, "Any node answers any request"): the
 * live mirror holds their open alarms and incidents; closed ones, and an alarm or incident looked
 * up by id that the mirror lacks, are asked of each park's owner over the action bridge, with the
 * read operations below (answered by `parkReads` on the owner).
 *
 * An alarm list pages across parks by key: each owner answers its matching alarms' ids, raise
 * times and enterprises (about 60 bytes an alarm instead of about 1 KB), this node merges them with
 * its own in the list's order (newest first) and asks only for the page's alarms. A park whose
 * owner does not answer within READ_TIMEOUT_MS (a failover in progress) is listed from the mirror
 * (its open alarms) and named in `missing`, so a list is never silently short.
 */
export const READ_OP = 'read.'
const ALARM_KEYS = 'read.alarm-keys'
const ALARMS = 'read.alarms'
const ALARM = 'read.alarm'
const INCIDENTS = 'read.incidents'
const INCIDENT = 'read.incident'

/** A park without an owner answers nothing; the list goes on without it rather than wait the actions' 5 s. */
const READ_TIMEOUT_MS = 2000
/** Alarms asked for at a time: 200 of about 1 – 2 KB stay well under NATS's 1 MB message. */
const ALARMS_A_REQUEST = 200
/**
 * Keys one park answers at most (its newest; `total` still counts all): 10,000 keys are about
 * 600 KB, under NATS's 1 MB message. Seven days of closed alarms (the alarm book's retention)
 * past that is an alarm flood of 1,400 a day, ten times ISA-18.2's manageable rate for one console.
 */
const MAX_KEYS = 10_000

/** [id, raisedAt, enterprise or null] */
export type AlarmKey = [string, number, string | null]

/** Ask the owner of `park` (the action bridge's request, with a deadline). */
export type AskOwner = <T>(park: string, op: string, body: unknown, timeoutMs: number) => Promise<T>

export interface RemoteReads {
  ask: AskOwner
  /** The parks other nodes own now, among those asked for. */
  remoteParks: (park: string | undefined) => string[]
  /** The mirror's alarms and incidents of a park owned elsewhere (its open ones). */
  mirroredAlarms: (park: string) => Alarm[]
  mirroredIncidents: (park: string) => Incident[]
  clock: () => number
}

export interface Paging { limit: number; start: number }

/** States the mirror answers by itself: every one but `closed` and `all` is a subset of the open alarms. */
export function mirrorCovers(state: AlarmListState): boolean {
  return state !== 'closed' && state !== 'all'
}

type Entry = { at: number; id: string; alarm?: Alarm; park?: string }

/** What the asking user sees (api/scope.ts): any of a park, and an item of a park and enterprise. */
export interface Scope {
  park(park: string): boolean
  item(park: string, enterprise: string | undefined): boolean
}

/**
 * One page of `own` (this node's matching alarms, already in scope) and the other parks' matching
 * alarms in `scope`, newest first: the page, the total, and the parks that did not answer.
 */
export async function alarmPageAcrossParks(r: RemoteReads, own: Alarm[], q: AlarmQuery, scope: Scope, paging: Paging): Promise<{ alarms: Alarm[]; total: number; missing: string[] }> {
  const missing: string[] = []
  const entries: Entry[] = own.map((a) => ({ at: a.raisedAt, id: a.id, alarm: a }))
  const parks = r.remoteParks(q.park).filter((p) => scope.park(p))
  let uncounted = 0
  await Promise.all(parks.map(async (park) => {
    try {
      const got = await r.ask<{ keys: AlarmKey[]; total: number }>(park, ALARM_KEYS, { q: { ...q, park } }, READ_TIMEOUT_MS)
      let admitted = 0
      for (const [id, at, enterprise] of got.keys) {
        if (!scope.item(park, enterprise ?? undefined)) continue
        entries.push({ at, id, park })
        admitted++
      }
      // Keys past MAX_KEYS are counted when the whole park is in scope (their enterprises unknown otherwise).
      if (got.total > got.keys.length && admitted === got.keys.length) uncounted += got.total - got.keys.length
    } catch {
      missing.push(park)
      const now = r.clock()
      for (const a of r.mirroredAlarms(park)) if (scope.item(a.park, a.enterprise) && matches(a, q, now)) entries.push({ at: a.raisedAt, id: a.id, alarm: a })
    }
  }))
  entries.sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const page = entries.slice(paging.start, paging.start + paging.limit)
  const wanted = new Map<string, string[]>()
  for (const e of page) {
    if (e.alarm || !e.park) continue
    const ids = wanted.get(e.park)
    if (ids) ids.push(e.id)
    else wanted.set(e.park, [e.id])
  }
  const fetched = new Map<string, Alarm>()
  await Promise.all([...wanted].map(async ([park, ids]) => {
    for (let i = 0; i < ids.length; i += ALARMS_A_REQUEST) {
      const got = await r.ask<Alarm[]>(park, ALARMS, { ids: ids.slice(i, i + ALARMS_A_REQUEST) }, READ_TIMEOUT_MS).catch(() => undefined)
      if (!got) {
        if (!missing.includes(park)) missing.push(park)
        return
      }
      for (const a of got) fetched.set(a.id, a)
    }
  }))
  // An alarm pruned or moved between the two questions is left out of the page.
  const alarms = page.map((e) => e.alarm ?? fetched.get(e.id)).filter((a): a is Alarm => a !== undefined)
  return { alarms, total: entries.length + uncounted, missing: missing.sort() }
}

/** An alarm of a park owned elsewhere, by id: the mirror's, else the first owner that holds it. */
export async function findRemoteAlarm(r: RemoteReads, id: string, mirrored: Alarm | undefined): Promise<Alarm | undefined> {
  if (mirrored) return mirrored
  return firstFound(r, (park) => r.ask<Alarm | null>(park, ALARM, { id }, READ_TIMEOUT_MS))
}

/** The other parks' incidents in `state` (closed ones asked of their owners), and the parks that did not answer. */
export async function incidentsAcrossParks(r: RemoteReads, q: { state: 'open' | 'closed' | 'all'; park?: string | undefined }): Promise<{ incidents: Incident[]; missing: string[] }> {
  const missing: string[] = []
  const lists = await Promise.all(r.remoteParks(q.park).map(async (park) => {
    if (q.state === 'open') return r.mirroredIncidents(park)
    try {
      return await r.ask<Incident[]>(park, INCIDENTS, { state: q.state }, READ_TIMEOUT_MS)
    } catch {
      missing.push(park)
      return q.state === 'all' ? r.mirroredIncidents(park) : []
    }
  }))
  return { incidents: lists.flat(), missing: missing.sort() }
}

export async function findRemoteIncident(r: RemoteReads, id: string, mirrored: Incident | undefined): Promise<Incident | undefined> {
  if (mirrored) return mirrored
  return firstFound(r, (park) => r.ask<Incident | null>(park, INCIDENT, { id }, READ_TIMEOUT_MS))
}

async function firstFound<T extends object>(r: RemoteReads, ask: (park: string) => Promise<T | null>): Promise<T | undefined> {
  const answers: (T | null)[] = await Promise.all(r.remoteParks(undefined).map((p) => ask(p).catch(() => null)))
  return answers.find((a) => a !== null) ?? undefined
}

/** The owner's side: the read operations on park `park`'s alarm book and incidents. */
export function parkReads(park: string, o: { alarms: AlarmBook; incidents: IncidentManager }, op: string, body: unknown): unknown {
  const b = (body ?? {}) as Record<string, unknown>
  switch (op) {
    case ALARM_KEYS: {
      const list = o.alarms.list({ ...alarmQuery(b.q), park })
      const keys: AlarmKey[] = list.slice(0, MAX_KEYS).map((a) => [a.id, a.raisedAt, a.enterprise ?? null])
      return { keys, total: list.length }
    }
    case ALARMS: {
      const ids = Array.isArray(b.ids) ? b.ids.filter((i): i is string => typeof i === 'string').slice(0, ALARMS_A_REQUEST) : []
      return ids.map((id) => o.alarms.get(id)).filter((a): a is Alarm => a !== undefined && a.park === park)
    }
    case ALARM: {
      const a = typeof b.id === 'string' ? o.alarms.get(b.id) : undefined
      return a && a.park === park ? a : null
    }
    case INCIDENTS: {
      const state = b.state === 'open' || b.state === 'closed' ? b.state : 'all'
      return o.incidents.list({ state, park })
    }
    case INCIDENT: {
      const i = typeof b.id === 'string' ? o.incidents.get(b.id) : undefined
      return i && i.park === park ? i : null
    }
    default:
      throw new HttpError(400, `unknown read ${op}`, 'BAD_REQUEST')
  }
}

/** A query from another node, checked field by field (anything else left out). */
function alarmQuery(raw: unknown): AlarmQuery {
  const q = (raw ?? {}) as Record<string, unknown>
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length <= 64 ? v : undefined)
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
  return {
    state: ALARM_LIST_STATES.includes(q.state as AlarmListState) ? (q.state as AlarmListState) : 'all',
    enterprise: str(q.enterprise), device: str(q.device),
    class: ALARM_CLASSES.includes(q.class as AlarmClass) ? (q.class as AlarmClass) : undefined,
    from: num(q.from), to: num(q.to),
  }
}
