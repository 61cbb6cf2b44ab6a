import type { FastifyPluginAsync } from 'fastify'
import { routePlugin } from '../route-plugin.js'
import { Type } from 'typebox'
import { CONFIRMING_ROLES, isIncidentError, type IncidentManager } from '../../response/index.js'
import { ErrorSchema, HttpError } from '../errors.js'
import { OPERATOR_ROLES } from '../auth.js'
import { assertSees, namedByIdInScope, visible } from '../scope.js'
import type { Incident } from '../../model/incident.js'
import type { User } from '../../config/users.js'
import { PAGE_SIZES, PagingQuery, pageOf } from '../paging.js'
import type { RemoteIncidents } from '../../cluster/cluster-view.js'

/** Emergency response (CONTRACT.md): incidents, their checklists, device commands, closing with a summary. */
export interface IncidentServices {
  incidents: IncidentManager
  incidentsDurable(): Promise<void>
  /** Where a device or an alarm named in a body is, so one beyond the user's scope reads as absent. */
  placeOf?: { device(id: string): { park: string; enterprise: string } | undefined; alarm(id: string): { park: string; enterprise: string } | undefined }
  /** Cluster mode: incidents of parks owned by other nodes, listed here and acted on through their owner (cluster/cluster-view.ts). */
  remote?: RemoteIncidents | undefined
}

const IdParams = Type.Object({ id: Type.String({ maxLength: 80 }) })
const OpenBody = Type.Object({
  park: Type.String({ maxLength: 64 }),
  area: Type.Optional(Type.String({ maxLength: 64 })),
  enterprise: Type.Optional(Type.String({ maxLength: 64 })),
  hazard: Type.String({ maxLength: 32 }),
  level: Type.Integer({ minimum: 1, maximum: 4 }),
  title: Type.Optional(Type.String({ maxLength: 200 })),
  titleEn: Type.Optional(Type.String({ maxLength: 200 })),
  alarms: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
}, { additionalProperties: false })
const StepBody = Type.Object({ done: Type.Optional(Type.Boolean()), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false })
const CommandBody = Type.Object({
  device: Type.String({ maxLength: 64 }),
  command: Type.String({ maxLength: 32 }),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
}, { additionalProperties: false })

export function incidentRoutes(s: IncidentServices): FastifyPluginAsync {
  return routePlugin('incidents', async (app) => {
    const sec = [{ bearer: [] }]
    // Users within their parks (scope.ts): another park's incident is absent, to read and to act on.
    app.addHook('preHandler', async (req) => {
      namedByIdInScope(req.user, req.params, (id) => s.incidents.get(id) ?? s.remote?.get(id), 'incident')
      const id = (req.params as { id?: string } | undefined)?.id
      const body = req.method === 'POST' && id === undefined ? (req.body as { park?: string; enterprise?: string } | null) : null
      if (body?.park !== undefined) assertSees(req.user, { park: body.park, enterprise: body.enterprise }, `park ${body.park} not found`)
      const named = req.method === 'POST' ? (req.body as { device?: unknown; alarm?: unknown; alarms?: unknown } | null) : null
      const device = typeof named?.device === 'string' ? s.placeOf?.device(named.device) : undefined
      if (device) assertSees(req.user, device, `device ${String(named?.device)} not found`)
      const alarmIds = [named?.alarm, ...(Array.isArray(named?.alarms) ? named.alarms : [])].filter((a): a is string => typeof a === 'string')
      for (const a of alarmIds) {
        const place = s.placeOf?.alarm(a)
        if (place) assertSees(req.user, place, `alarm ${a} not found`)
      }
    })
    const act = async (req: { user: { name: string } & Pick<User, 'scope'>; ip: string; log: { info(o: object, m: string): void }; params?: unknown; body?: unknown }, action: string, fn: () => Incident): Promise<Incident> => {
      // Cluster mode: an incident (or a new one's park) another node owns is acted on there, its answer returned.
      const id = (req.params as { id?: string } | undefined)?.id
      const remote = id === undefined || s.incidents.get(id) ? undefined : await s.remote?.find(id)
      if (remote) assertSees(req.user, remote, `incident ${id} not found`)
      const park = id === undefined ? (req.body as { park?: string } | undefined)?.park : remote?.park
      if (s.remote && park !== undefined && !s.remote.ownsHere(park)) {
        const done = await s.remote.act(action, park, req.user.name, { params: req.params, body: req.body ?? null })
        req.log.info({ audit: true, user: req.user.name, ip: req.ip, action: `incident.${action}`, incident: done.id, owner: 'remote' }, 'operator action')
        return done
      }
      try {
        const incident = fn()
        await s.incidentsDurable()
        req.log.info({ audit: true, user: req.user.name, ip: req.ip, action: `incident.${action}`, incident: incident.id }, 'operator action')
        return incident
      } catch (err) {
        if (isIncidentError(err)) throw new HttpError(err.statusCode, err.message)
        throw err
      }
    }

    app.get('/api/v1/incidents', {
      onRequest: app.signedIn,
      schema: { tags: ['incidents'], summary: `Incidents (default: open ones first, then the rest). Paged: limit ${PAGE_SIZES.incidents.default} by default, at most ${PAGE_SIZES.incidents.max}; next is the following page's cursor`, security: sec, querystring: Type.Object({ state: Type.Optional(Type.Enum(['open', 'closed', 'all'])), park: Type.Optional(Type.String({ maxLength: 64 })), ...PagingQuery }, { additionalProperties: false }) },
    }, async (req) => {
      const query = { state: req.query.state ?? 'all', park: req.query.park }
      const own = s.incidents.list(query)
      // Cluster mode: closed incidents of parks owned elsewhere are asked of their owners; `missing` names any that did not answer.
      const remote = s.remote ? await s.remote.listAll(query) : undefined
      const all = remote ? [...own, ...remote.incidents].sort((a, b) => b.openedAt - a.openedAt) : own
      const page = pageOf(visible(req.user, all), req.query, PAGE_SIZES.incidents)
      return { incidents: page.items, total: page.total, next: page.next, limit: page.limit, ...(remote?.missing.length ? { missing: remote.missing } : {}) }
    })

    app.get('/api/v1/incidents/:id', {
      onRequest: app.signedIn,
      schema: { tags: ['incidents'], summary: 'One incident with steps, commands and timeline', security: sec, params: IdParams, response: { 404: ErrorSchema } },
    }, async (req) => {
      const i = s.incidents.get(req.params.id) ?? (await s.remote?.find(req.params.id))
      if (!i) throw new HttpError(404, `incident ${req.params.id} not found`)
      assertSees(req.user, i, `incident ${req.params.id} not found`)
      return i
    })

    app.post('/api/v1/incidents', {
      onRequest: app.requireRole(...OPERATOR_ROLES),
      schema: { tags: ['incidents'], summary: 'Open an incident by hand', security: sec, body: OpenBody, response: { 400: ErrorSchema, 404: ErrorSchema } },
    }, async (req, reply) => {
      const opened = await act(req, 'open', () => s.incidents.open(req.user.name, req.body))
      reply.statusCode = 201
      return opened
    })

    app.post('/api/v1/incidents/:id/steps/:step', {
      onRequest: app.requireRole(...OPERATOR_ROLES),
      schema: { tags: ['incidents'], summary: 'Mark a checklist step done (or not done)', security: sec, params: Type.Object({ id: Type.String({ maxLength: 80 }), step: Type.String({ maxLength: 64 }) }), body: Type.Union([StepBody, Type.Null()]) },
    }, async (req) => act(req, 'step', () => s.incidents.completeStep(req.params.id, req.params.step, req.user.name, req.body ?? {})))

    app.post('/api/v1/incidents/:id/commands', {
      onRequest: app.requireRole(...OPERATOR_ROLES),
      schema: { tags: ['incidents'], summary: 'Send a command to a device (close_valve, open_valve, sound_siren, silence_siren)', security: sec, params: IdParams, body: CommandBody },
    }, async (req) => act(req, 'command', () => s.incidents.sendCommand(req.params.id, req.user.name, req.body)))

    // A proposed command: one click confirms it (then it is published) or dismisses it (a note says why).
    // Who and when are on the command and in the timeline; the request is in the audit log.
    const CommandParams = Type.Object({ id: Type.String({ maxLength: 80 }), command: Type.String({ maxLength: 100 }) })
    const DecisionBody = Type.Union([Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }), Type.Null()])
    const errors = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema }
    app.post('/api/v1/incidents/:id/commands/:command/confirm', {
      onRequest: app.requireRole(...CONFIRMING_ROLES),
      schema: { tags: ['incidents'], summary: 'Confirm a proposed command (responder, safety, admin): it is published with its expiry; refused after the proposal expired', security: sec, params: CommandParams, body: DecisionBody, response: errors },
    }, async (req) => act(req, 'command.confirm', () => s.incidents.confirmCommand(req.params.id, req.params.command, req.user.name, req.body ?? {})))

    app.post('/api/v1/incidents/:id/commands/:command/dismiss', {
      onRequest: app.requireRole(...CONFIRMING_ROLES),
      schema: { tags: ['incidents'], summary: 'Dismiss a proposed command with a note (responder, safety, admin): nothing is published', security: sec, params: CommandParams, body: DecisionBody, response: errors },
    }, async (req) => act(req, 'command.dismiss', () => s.incidents.dismissCommand(req.params.id, req.params.command, req.user.name, req.body ?? {})))

    app.post('/api/v1/incidents/:id/alarms', {
      onRequest: app.requireRole(...OPERATOR_ROLES),
      schema: { tags: ['incidents'], summary: 'Add an alarm to an incident', security: sec, params: IdParams, body: Type.Object({ alarm: Type.String({ maxLength: 64 }) }, { additionalProperties: false }) },
    }, async (req) => act(req, 'add_alarm', () => s.incidents.addAlarm(req.params.id, req.body.alarm, req.user.name)))

    app.post('/api/v1/incidents/:id/comment', {
      onRequest: app.requireRole(...OPERATOR_ROLES),
      schema: { tags: ['incidents'], summary: 'Add a note to the timeline', security: sec, params: IdParams, body: Type.Object({ note: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }) },
    }, async (req) => act(req, 'comment', () => s.incidents.comment(req.params.id, req.user.name, req.body.note)))

    app.post('/api/v1/incidents/:id/close', {
      onRequest: app.requireRole(...OPERATOR_ROLES),
      schema: { tags: ['incidents'], summary: 'Close with a summary (required)', security: sec, params: IdParams, body: Type.Object({ summary: Type.String({ maxLength: 4000 }) }, { additionalProperties: false }) },
    }, async (req) => act(req, 'close', () => s.incidents.close(req.params.id, req.user.name, req.body.summary)))
  })
}
