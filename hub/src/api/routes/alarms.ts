import type { FastifyPluginAsync } from 'fastify'
import { routePlugin } from '../route-plugin.js'
import { Type } from 'typebox'
import { ALARM_LIST_STATES, computeKpis, isAlarmActionError, type AlarmBook, type AlarmListState } from '../../alarms/index.js'
import type { Alarm } from '../../model/alarm.js'
import { ALARM_CLASSES, type AlarmClass } from '../../model/alarm-class.js'
import { ErrorSchema, HttpError } from '../errors.js'
import { parseTime } from '../time.js'
import type { KpiReply } from '../replies.js'
import { OPERATOR_ROLES } from '../auth.js'
import { assertSees, namedByIdInScope, scopeOf, visible } from '../scope.js'
import { PAGE_SIZES, PagingQuery, nextCursor, pageOf, pageWindow } from '../paging.js'
import type { RemoteAlarms } from '../../cluster/cluster-view.js'
import { mirrorCovers } from '../../cluster/remote-history.js'
import { byNewest } from '../../alarms/query.js'

/** Alarms (CONTRACT.md): list, one with its history, the closed-loop actions, and EEMUA 191 KPIs. */
export interface AlarmServices {
  alarms: AlarmBook
  /** Resolves when the alarm state is durable (answer an operator only then). */
  alarmsDurable(): Promise<void>
  /** Cluster mode: alarms of parks owned by other nodes, listed here and acted on through their owner (cluster/cluster-view.ts). */
  remote?: RemoteAlarms | undefined
}

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) })
const ListQuery = Type.Object({
  state: Type.Optional(Type.Enum([...ALARM_LIST_STATES])),
  park: Type.Optional(Type.String({ maxLength: 64 })),
  enterprise: Type.Optional(Type.String({ maxLength: 64 })),
  device: Type.Optional(Type.String({ maxLength: 64 })),
  class: Type.Optional(Type.Enum([...ALARM_CLASSES])),
  from: Type.Optional(Type.String({ maxLength: 40 })),
  to: Type.Optional(Type.String({ maxLength: 40 })),
  ...PagingQuery,
}, { additionalProperties: false })
const ActionBody = Type.Object({
  note: Type.Optional(Type.String({ maxLength: 2000 })),
  assignee: Type.Optional(Type.String({ maxLength: 200 })),
  minutes: Type.Optional(Type.Number()),
  cause: Type.Optional(Type.String({ maxLength: 2000 })),
  action: Type.Optional(Type.String({ maxLength: 2000 })),
  /** ack: where it was acknowledged; without it, a browser's request (Fetch Metadata with a browser's user agent) is the dashboard, any other the API. */
  channel: Type.Optional(Type.Enum(['dashboard', 'api'])),
}, { additionalProperties: false })
type Body = { note?: string; assignee?: string; minutes?: number; cause?: string; action?: string; channel?: 'dashboard' | 'api' }

/**
 * Every action takes the operator roles (safety officer, responder), as ack and resolve do:
 * `reset` of a latched alarm is an on-site check of the same people who acknowledge and
 * resolve it (docs/alarms.md).
 */
export const ACTIONS = ['ack', 'shelve', 'unshelve', 'dispatch', 'resolve', 'close', 'reset', 'suppress', 'unsuppress', 'out_of_service', 'in_service', 'comment'] as const
export type ActionName = (typeof ACTIONS)[number]

export function perform(book: AlarmBook, name: ActionName, id: string, actor: string, b: Body): Alarm {
  switch (name) {
    case 'ack': return book.ack(id, actor, b)
    case 'shelve': return book.shelve(id, actor, b)
    case 'unshelve': return book.unshelve(id, actor, b)
    case 'dispatch': return book.dispatch(id, actor, b)
    case 'resolve': return book.resolve(id, actor, b)
    case 'close': return book.close(id, actor, { note: b.note ?? '' })
    case 'reset': return book.reset(id, actor, { note: b.note ?? '' })
    case 'suppress': return book.suppress(id, actor, { note: b.note ?? '' })
    case 'unsuppress': return book.unsuppress(id, actor, b)
    case 'out_of_service': return book.outOfService(id, actor, { note: b.note ?? '' })
    case 'in_service': return book.inService(id, actor, b)
    case 'comment': return book.comment(id, actor, { note: b.note ?? '' })
  }
}

/** A browser's request (the dashboard): Fetch Metadata (`Sec-Fetch-Mode`) from a browser's user agent; Node's fetch sends the header too, with its own agent. */
function fromBrowser(h: Record<string, string | string[] | undefined>): boolean {
  return h['sec-fetch-mode'] !== undefined && /Mozilla\//.test(String(h['user-agent'] ?? ''))
}

export function alarmRoutes(services: AlarmServices): FastifyPluginAsync {
  return routePlugin('alarms', async (app) => {
    const sec = [{ bearer: [] }]
    // Users within their parks (scope.ts): another park's alarm is absent, to read and to act on.
    app.addHook('preHandler', async (req) => namedByIdInScope(req.user, req.params, (id) => services.alarms.get(id) ?? services.remote?.get(id), 'alarm'))
    app.get('/api/v1/alarms', {
      onRequest: app.signedIn,
      schema: { tags: ['alarms'], summary: `Alarms, newest first; state: active, unacked, cleared, latched, open, closed, shelved, suppressed, all (default open); class: life-safety, device-health, environmental, energy. Paged: limit ${PAGE_SIZES.alarms.default} by default, at most ${PAGE_SIZES.alarms.max}; next is the following page's cursor, total the matching alarms`, security: sec, querystring: ListQuery },
    }, async (req) => {
      const q = req.query
      const query = {
        state: q.state ?? 'open', park: q.park, enterprise: q.enterprise, device: q.device, class: q.class,
        from: q.from !== undefined ? parseTime(q.from, 'from') : undefined,
        to: q.to !== undefined ? parseTime(q.to, 'to') : undefined,
      }
      const own = services.alarms.list(query)
      // Cluster mode: closed alarms of parks owned elsewhere are asked of their owners; `missing` names any that did not answer.
      if (services.remote && !mirrorCovers(query.state)) {
        const w = pageWindow(q, PAGE_SIZES.alarms)
        const r = await services.remote.page(visible(req.user, own), query, scopeOf(req.user), w)
        return { alarms: r.alarms, total: r.total, next: nextCursor(w.start, w.limit, r.total), limit: w.limit, ...(r.missing.length ? { missing: r.missing } : {}) }
      }
      const alarms = services.remote ? [...own, ...services.remote.list(query)].sort(byNewest) : own
      const page = pageOf(visible(req.user, alarms), q, PAGE_SIZES.alarms)
      return { alarms: page.items, total: page.total, next: page.next, limit: page.limit }
    })

    app.get('/api/v1/alarms/kpi', {
      onRequest: app.signedIn,
      schema: { tags: ['alarms'], summary: 'ISA-18.2 / EEMUA 191 alarm performance over a window (e.g. 24h, 7d)', security: sec, querystring: Type.Object({ window: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}(h|d)$' })) }) },
    }, async (req): Promise<KpiReply> => {
      const w = req.query.window ?? '24h'
      const ms = Number(w.slice(0, -1)) * (w.endsWith('d') ? 86_400_000 : 3_600_000)
      const now = Date.now()
      // Every alarm the window can count: open ones, and closed ones closed within it.
      const query = { state: 'all' as const, from: now - ms }
      const own = visible(req.user, services.alarms.list(query))
      if (!services.remote) return { windowName: w, ...computeKpis(own, now, ms) }
      // Cluster mode: the other parks' alarms of the window asked of their owners.
      const r = await services.remote.page(own, query, scopeOf(req.user), { start: 0, limit: Number.MAX_SAFE_INTEGER })
      return { windowName: w, ...computeKpis(r.alarms, now, ms), ...(r.missing.length ? { missing: r.missing } : {}) }
    })

    app.get('/api/v1/alarms/:id', {
      onRequest: app.signedIn,
      schema: { tags: ['alarms'], summary: 'One alarm with its full history', security: sec, params: IdParams, response: { 404: ErrorSchema } },
    }, async (req) => {
      const a = services.alarms.get(req.params.id) ?? (await services.remote?.find(req.params.id))
      if (!a) throw new HttpError(404, `alarm ${req.params.id} not found`)
      assertSees(req.user, a, `alarm ${req.params.id} not found`)
      return a
    })

    for (const name of ACTIONS) {
      const path = name.replace(/_/g, '-')
      app.post(`/api/v1/alarms/:id/${path}`, {
        onRequest: app.requireRole(...OPERATOR_ROLES),
        schema: {
          tags: ['alarms'], summary: `Alarm action: ${name}`, security: sec, params: IdParams, body: Type.Union([ActionBody, Type.Null()]),
          response: { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
        },
      }, async (req) => {
        try {
          const body: Body = req.body ?? {}
          if (name === 'ack' && body.channel === undefined) body.channel = fromBrowser(req.headers) ? 'dashboard' : 'api'
          // Cluster mode: an alarm of a park another node owns is acted on there (its answer, or 503 without an owner).
          const remote = services.alarms.get(req.params.id) ? undefined : await services.remote?.find(req.params.id)
          if (remote) {
            assertSees(req.user, remote, `alarm ${req.params.id} not found`)
            const done = await services.remote!.act(name, remote, req.user.name, body)
            req.log.info({ audit: true, user: req.user.name, ip: req.ip, action: `alarm.${name}`, alarm: done.id, owner: 'remote' }, 'operator action')
            return done
          }
          const alarm = perform(services.alarms, name, req.params.id, req.user.name, body)
          await services.alarmsDurable()
          req.log.info({ audit: true, user: req.user.name, ip: req.ip, action: `alarm.${name}`, alarm: alarm.id }, 'operator action')
          return alarm
        } catch (err) {
          if (isAlarmActionError(err)) throw new HttpError(err.statusCode, err.message)
          throw err
        }
      })
    }
  })
}
