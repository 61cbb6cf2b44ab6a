import type { Alarm } from '../model/alarm.js'
import type { Incident } from '../model/incident.js'
import type { Snapshot } from '../model/live-events.js'
import type { ParkRisk } from '../model/risk.js'
import type { LiveFeed } from '../safety-loop.js'
import { byNewest, matches } from '../alarms/query.js'
import type { AlarmQuery } from '../alarms/index.js'
import type { ClusterNode } from './cluster-node.js'
import { startFanout, type Fanout, type FanoutOptions } from './fanout-node.js'
import type { ActionHandler } from './action-bridge.js'
import { alarmPageAcrossParks, findRemoteAlarm, findRemoteIncident, incidentsAcrossParks, type Paging, type RemoteReads, type Scope } from './remote-history.js'

/**
 * Cluster mode's live view and operator actions, from any node (docs/cluster.md):
 *
 * - The safety loop pushes to the live relay (`fanout.live`): this node's sockets at once, every
 *   other node through `live.<park>.<event>`; each node's sockets see every park.
 * - This node's socket snapshots, GET /alarms and /risk answer for every park: the parks it owns
 *   from its safety loop, the others from the mirror (their open alarms, open incidents, risk as
 *   their owners pushed them; live-mirror.ts).
 * - An alarm or incident action on a park owned elsewhere goes to the owner over the action bridge
 *   (op `alarm.<action>`, `incident.<action>`), runs there and answers with the owner's result;
 *   503 while no node owns it. GET /incidents lists the other parks' open incidents (the mirror's).
 * - Closed alarms and incidents of parks owned elsewhere, and one looked up by id that the mirror
 *   lacks, are asked of their owners (remote-history.ts).
 *   The owner serves its parks' actions from the moment it runs them (park-runner.ts onRunning).
 */
export interface ClusterView {
  readonly fanout: Fanout
  /** The LiveServer's snapshot: own parks and the mirror. */
  snapshot(parks: string[] | undefined): Snapshot
  /** Alarms of parks owned elsewhere (open ones: what the mirror holds), for the alarm routes. */
  readonly remoteAlarms: RemoteAlarms
  /** Incidents of parks owned elsewhere (open ones: what the mirror holds), for the incident routes. */
  readonly remoteIncidents: RemoteIncidents
  /** Park risk of every park: own and mirrored. */
  risk(own: ParkRisk[]): ParkRisk[]
  /** Serve a park's actions with `handler` (this node runs the park now) / stop. */
  serve(park: string, handler: ActionHandler): void
  unserve(park: string): void
  close(): Promise<void>
}

export interface RemoteAlarms {
  list(q: AlarmQuery): Alarm[]
  get(id: string): Alarm | undefined
  /** A page of `own` and the other parks' alarms matching `q`, closed ones asked of their owners; `missing`: parks that did not answer. */
  page(own: Alarm[], q: AlarmQuery, scope: Scope, paging: Paging): Promise<{ alarms: Alarm[]; total: number; missing: string[] }>
  /** By id: the mirror's, else asked of the owners (a closed alarm). */
  find(id: string): Promise<Alarm | undefined>
  /** Run alarm action `name` on the owner of the alarm's park; its result, or its error (HttpError), or 503. */
  act(name: string, alarm: Alarm, actor: string, body: unknown): Promise<Alarm>
}

export interface RemoteIncidents {
  /** Whether this node owns the park (its own incident manager answers). */
  ownsHere(park: string): boolean
  list(q: { state?: 'open' | 'closed' | 'all'; park?: string | undefined }): Incident[]
  get(id: string): Incident | undefined
  /** The other parks' incidents in `state`, closed ones asked of their owners; `missing`: parks that did not answer. */
  listAll(q: { state: 'open' | 'closed' | 'all'; park?: string | undefined }): Promise<{ incidents: Incident[]; missing: string[] }>
  /** By id: the mirror's, else asked of the owners (a closed incident). */
  find(id: string): Promise<Incident | undefined>
  /** Run incident action `action` (the route's `params` and `body`) on the park's owner; its result, its error, or 503. */
  act(action: string, park: string, actor: string, args: { params: unknown; body: unknown }): Promise<Incident>
}

export const ALARM_OP = 'alarm.'
export const INCIDENT_OP = 'incident.'

export async function startClusterView(c: ClusterNode, o: Omit<FanoutOptions, 'nc' | 'js' | 'jsm' | 'node' | 'ownedHere' | 'influx' | 'influx2Url'> & { clock: () => number; live: LiveFeed }): Promise<ClusterView> {
  const fanout = await startFanout({ ...o, nc: c.link.nc, js: c.link.js, jsm: c.link.jsm, node: c.settings.nodeId, ownedHere: (p) => c.parks.owns(p) })
  const mirrored = (): Alarm[] => fanout.mirror.snapshot(undefined).alarms.filter((a) => !c.parks.owns(a.park))
  const mirroredIncidents = (): Incident[] => fanout.mirror.snapshot(undefined).incidents.filter((i) => !c.parks.owns(i.park))
  const reads: RemoteReads = {
    ask: (park, op, body, timeoutMs) => fanout.actions.request(park, op, body, 'system', timeoutMs),
    remoteParks: (park) => o.parks().filter((p) => (park === undefined || p === park) && !c.parks.owns(p)),
    mirroredAlarms: (park) => fanout.mirror.snapshot([park]).alarms,
    mirroredIncidents: (park) => fanout.mirror.snapshot([park]).incidents,
    clock: o.clock,
  }
  const remoteAlarms: RemoteAlarms = {
    list: (q) => mirrored().filter((a) => matches(a, q, o.clock())).sort(byNewest),
    get: (id) => mirrored().find((a) => a.id === id),
    page: (own, q, scope, paging) => alarmPageAcrossParks(reads, own, q, scope, paging),
    find: (id) => findRemoteAlarm(reads, id, mirrored().find((a) => a.id === id)),
    act: (name, alarm, actor, body) => fanout.actions.request<Alarm>(alarm.park, `${ALARM_OP}${name}`, { id: alarm.id, body }, actor),
  }
  const remoteIncidents: RemoteIncidents = {
    ownsHere: (park) => c.parks.owns(park),
    list: (q) => mirroredIncidents().filter((i) => (q.park === undefined || i.park === q.park) && (q.state === undefined || q.state === 'all' || i.state === q.state)),
    get: (id) => mirroredIncidents().find((i) => i.id === id),
    listAll: (q) => incidentsAcrossParks(reads, q),
    find: (id) => findRemoteIncident(reads, id, mirroredIncidents().find((i) => i.id === id)),
    act: (action, park, actor, args) => fanout.actions.request<Incident>(park, `${INCIDENT_OP}${action}`, args, actor),
  }
  return {
    fanout, remoteAlarms, remoteIncidents,
    snapshot: (parks) => fanout.snapshot(parks),
    risk: (own) => {
      const mirror = new Map(fanout.mirror.snapshot(undefined).risk.map((r) => [r.park, r]))
      // A park owned elsewhere whose risk has not reached this node yet keeps this node's reckoning of it.
      return own.map((r) => (c.parks.owns(r.park) ? r : mirror.get(r.park) ?? r))
    },
    serve: (park, handler) => fanout.servePark(park, handler),
    unserve: (park) => fanout.unservePark(park),
    close: () => fanout.close(),
  }
}
