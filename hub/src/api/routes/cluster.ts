import type { FastifyPluginAsync } from 'fastify'
import { Type, type Static } from 'typebox'
import { routePlugin } from '../route-plugin.js'
import { ErrorSchema, conflict, notFound, unavailable } from '../errors.js'
import type { AuditLog } from '../audit.js'
import type { ParkLeaseView } from '../../cluster/park-ownership.js'

/**
 * Cluster mode's parks (docs/cluster.md): which node runs which park, and an operator's move of
 * a park to another live node — moving parks back onto a node that returned is the operator's
 * call (nodes never take a live owner's park by themselves). Admin only; moves are audited.
 * Only types come from the cluster's modules: a single-node hub loads no NATS client for these
 * routes, and answers them 404 saying it is not clustered.
 */

/** What the routes need of the cluster (cluster/park-runner.ts ParkRunner); undefined on a single-node hub. */
export interface ClusterControl {
  /** Park ownership has started (after the safety loop). */
  readonly started: boolean
  readonly leaseMs: number
  view(): Promise<{ node: string; alive: string[]; parks: ParkLeaseView[] }>
  /** The park's owner as the lease bucket says now (undefined: free). */
  leaseHolder(park: string): Promise<string | undefined>
  move(park: string, to: string): Promise<void>
}

const NODE_ID = '^[A-Za-z0-9_-]{1,64}$'
const StrOrNull = Type.Union([Type.String(), Type.Null()])

export const ClusterReply = Type.Object({
  node: Type.String({ description: 'the node that answered' }),
  nodes: Type.Array(Type.Object({
    id: Type.String(),
    alive: Type.Boolean({ description: 'heartbeating in hub_nodes; false for an owner whose lease has not expired yet' }),
    parks: Type.Array(Type.String()),
  })),
  parks: Type.Array(Type.Object({
    park: Type.String(),
    owner: StrOrNull,
    token: Type.Union([Type.Integer(), Type.Null()], { description: 'the lease revision that acquired it (fencing token)' }),
    since: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'when the owner acquired the lease (its clock)' }),
    movingTo: StrOrNull,
  })),
})
export type ClusterReply = Static<typeof ClusterReply>

export const MoveBody = Type.Object({ to: Type.String({ pattern: NODE_ID, description: 'the node to run the park (HUB_NODE_ID)' }) }, { additionalProperties: false })
export const MoveReply = Type.Object({
  park: Type.String(),
  from: StrOrNull,
  to: Type.String(),
  done: Type.Boolean({ description: 'the target holds the park; false if it had not within four lease times (the move stays pending for 12)' }),
  ms: Type.Integer({ description: 'from the request to the target holding the park' }),
})
export type MoveReply = Static<typeof MoveReply>

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 503: ErrorSchema }
const ParkParams = Type.Object({ park: Type.String({ maxLength: 64 }) })
/** How often the move's completion is read while the request waits (the owner hands over at its next check, lease/5). */
const POLL_MS = 100

export function clusterRoutes(o: { control: ClusterControl | undefined; parks: () => readonly string[]; audit: AuditLog }): FastifyPluginAsync {
  return routePlugin('cluster', async (app) => {
    const sec = [{ bearer: [] }]
    const control = (): ClusterControl => {
      if (!o.control) throw notFound('this hub is not clustered (HUB_NATS_URL is not set): it runs every park itself')
      if (!o.control.started) throw unavailable('park ownership has not started yet on this node; try again shortly')
      return o.control
    }

    app.get('/api/v1/cluster', {
      onRequest: app.requireRole(),
      schema: { tags: ['cluster'], summary: 'Nodes, the parks each runs, their leases (fencing token, since when) and pending moves', security: sec, response: { 200: ClusterReply, ...errors } },
    }, async (): Promise<ClusterReply> => {
      const v = await control().view()
      const ids = new Set(v.alive)
      for (const p of v.parks) if (p.owner) ids.add(p.owner)
      return {
        node: v.node,
        nodes: [...ids].sort().map((id) => ({ id, alive: v.alive.includes(id), parks: v.parks.filter((p) => p.owner === id).map((p) => p.park) })),
        parks: v.parks.map((p) => ({ park: p.park, owner: p.owner ?? null, token: p.token ?? null, since: p.since === undefined ? null : new Date(p.since).toISOString(), movingTo: p.movingTo ?? null })),
      }
    })

    app.post('/api/v1/cluster/parks/:park/move', {
      onRequest: app.requireRole(),
      schema: {
        tags: ['cluster'], summary: 'Move a park to another live node: its owner hands it over (state written, lease released), the target takes it over; answers once the target holds it', security: sec,
        params: ParkParams, body: MoveBody, response: { 200: MoveReply, 202: MoveReply, ...errors },
      },
    }, async (req, reply): Promise<MoveReply> => {
      const c = control()
      const { park } = req.params
      const { to } = req.body
      if (!o.parks().includes(park)) throw notFound(`no park ${park}`)
      const started = performance.now()
      const refuse = (message: string): never => {
        o.audit.record({ ts: Date.now(), user: req.user.name, ip: req.ip, action: 'cluster.park.move', target: park, ok: false, detail: message })
        throw conflict(message)
      }
      const v = await c.view()
      const from = v.parks.find((p) => p.park === park)?.owner
      if (!v.alive.includes(to)) refuse(`node ${to} is not alive in the cluster (alive: ${v.alive.join(', ') || 'none'})`)
      if (from === to) refuse(`park ${park} is already on ${to}`)
      try {
        await c.move(park, to)
      } catch (err) {
        // park-ownership.ts MoveRefused (checked by name: the route loads no cluster module)
        if ((err as Error).name === 'MoveRefused') refuse((err as Error).message)
        throw err
      }
      o.audit.record({ ts: Date.now(), user: req.user.name, ip: req.ip, action: 'cluster.park.move', target: park, ok: true, detail: `${from ?? 'free'} → ${to}` })
      const until = started + 4 * c.leaseMs
      let done = false
      while (!(done = (await c.leaseHolder(park).catch(() => undefined)) === to) && performance.now() < until) await new Promise((r) => setTimeout(r, POLL_MS))
      const ms = Math.round(performance.now() - started)
      req.log.info({ park, from, to, done, ms }, 'park moved by an operator')
      void reply.status(done ? 200 : 202)
      return { park, from: from ?? null, to, done, ms }
    })
  })
}
