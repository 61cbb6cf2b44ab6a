import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { routePlugin } from '../route-plugin.js'
import { ErrorSchema, HttpError, badRequest, notFound } from '../errors.js'
import { seesWholePark } from '../scope.js'
import { parseTime } from '../time.js'
import { PagingQuery, pageOf } from '../paging.js'
import type { AuditLog } from '../audit.js'
import { NOTE_MAX, REPORT_STATES, ReportSummary, ShiftReport, ShiftWindow } from '../../model/report.js'
import { ReportError } from '../../reports/report-book.js'
import type { ReportService } from '../../reports/report-service.js'

/**
 * Shift handover reports (交接班报告, docs/reports.md): the shift of a park now and before,
 * drafting a report (its figures frozen then, again on request while a draft), the outgoing officer's text, the incoming
 * officer's sign-off (another user; the report never changes after), the list and one
 * report. Safety officers draft and sign (admin too); every signed-in role reads. A report
 * covers a whole park: a user who sees only some of its enterprises does not see it.
 */
export interface ReportRouteServices {
  reports: ReportService
  audit: AuditLog
}

const sec = [{ bearer: [] }]
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema }
const IdParams = Type.Object({ id: Type.String({ maxLength: 200 }) })
const Park = Type.String({ maxLength: 64 })
const REPORT_PAGE = { default: 50, max: 500 }

export const ShiftsReply = Type.Object({
  park: Type.String(), current: ShiftWindow, previous: ShiftWindow,
  /** The park's shifts (its roster's, the zone's or the defaults: `current.source`). */
  shifts: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), start: Type.String(), end: Type.String() })),
})
export const ReportListReply = Type.Object({ reports: Type.Array(ReportSummary), total: Type.Integer(), next: Type.Union([Type.String(), Type.Null()]), limit: Type.Integer() })
const DraftBody = Type.Object({
  park: Park,
  /** An instant inside the shift (epoch ms or ISO-8601); default now: the current shift. */
  at: Type.Optional(Type.String({ maxLength: 40 })),
  /** `previous`: the shift before the one at `at`. */
  shift: Type.Optional(Type.Union([Type.Literal('current'), Type.Literal('previous')])),
  /** Or a shift by its local start date and id (both, instead of `at` / `shift`). */
  day: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' })),
  shiftId: Type.Optional(Type.String({ maxLength: 64 })),
}, { additionalProperties: false })
const NoteBody = Type.Object({ note: Type.String({ maxLength: NOTE_MAX }) }, { additionalProperties: false })
const SignBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false })

function asHttp(err: unknown): never {
  if (err instanceof ReportError) throw new HttpError(err.statusCode, err.message)
  throw err
}

export function reportRoutes(s: ReportRouteServices): FastifyPluginAsync {
  return routePlugin('reports', async (app) => {
    const r = s.reports
    const checkPark = (user: Parameters<typeof seesWholePark>[0], park: string): void => {
      if (!r.park(park) || !seesWholePark(user, park)) throw notFound(`park ${park} not found`)
    }
    // A report of a park the user does not wholly see reads as absent, to read and to act on (scope.ts).
    app.addHook('preHandler', async (req) => {
      const id = (req.params as { id?: string } | undefined)?.id
      const sum = id === undefined ? undefined : r.book.summary(id)
      if (sum && !seesWholePark(req.user, sum.park)) throw notFound(`report ${id} not found`)
    })

    app.get('/api/v1/reports/shifts', {
      onRequest: app.signedIn,
      schema: { tags: ['reports'], summary: 'The shift of a park running at `at` (default now) and the one before: the park roster\'s shifts, else the zone roster\'s, else 08:00–20:00 / 20:00–08:00 in the zone\'s time zone', security: sec, querystring: Type.Object({ park: Park, at: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false }), response: { 200: ShiftsReply, ...errors } },
    }, async (req) => {
      checkPark(req.user, req.query.park)
      const at = req.query.at === undefined ? undefined : parseTime(req.query.at, 'at')
      return { park: req.query.park, ...r.shifts(req.query.park, at) }
    })

    app.get('/api/v1/reports', {
      onRequest: app.signedIn,
      schema: { tags: ['reports'], summary: `Handover reports, newest shift first (park, state filters). Paged: limit ${REPORT_PAGE.default} by default, at most ${REPORT_PAGE.max}`, security: sec, querystring: Type.Object({ park: Type.Optional(Park), state: Type.Optional(Type.Enum([...REPORT_STATES])), ...PagingQuery }, { additionalProperties: false }), response: { 200: ReportListReply, ...errors } },
    }, async (req) => {
      const q = req.query
      const list = r.book.list((x) => seesWholePark(req.user, x.park) && (q.park === undefined || x.park === q.park) && (q.state === undefined || x.state === q.state))
      const page = pageOf(list, q, REPORT_PAGE)
      return { reports: page.items, total: page.total, next: page.next, limit: page.limit }
    })

    app.post('/api/v1/reports', {
      onRequest: app.requireRole('safety'),
      schema: { tags: ['reports'], summary: 'Draft the handover report of a park\'s shift — the current one, the previous one, the one at `at`, or one by `day` and `shiftId` — its figures frozen now; one report per park and shift', security: sec, body: DraftBody, response: { 201: ShiftReport, ...errors } },
    }, async (req, reply) => {
      const b = req.body
      checkPark(req.user, b.park)
      let shift
      if (b.day !== undefined || b.shiftId !== undefined) {
        if (b.day === undefined || b.shiftId === undefined || b.at !== undefined || b.shift !== undefined) throw badRequest('name a shift by day and shiftId together, or by at / shift, not both')
        shift = r.shiftOn(b.park, b.day, b.shiftId)
        if (!shift) throw badRequest(`park ${b.park} has no shift ${b.shiftId} on ${b.day}: its shifts are ${r.shifts(b.park).shifts.map((x) => x.id).join(', ')}`)
      } else {
        const at = b.at === undefined ? Date.now() : parseTime(b.at, 'at')
        shift = b.shift === 'previous' ? r.shifts(b.park, at).previous : r.shiftAt(b.park, at)
      }
      const report = await r.draft(b.park, shift, req.user.name).catch(asHttp)
      s.audit.record({ ts: Date.now(), user: req.user.name, ip: req.ip, action: 'report.draft', target: report.id, ok: true, detail: `${report.park} ${report.shift.day} ${report.shift.id}` })
      return reply.status(201).send(report)
    })

    app.get('/api/v1/reports/:id', {
      onRequest: app.signedIn,
      schema: { tags: ['reports'], summary: 'One handover report with its figures, text and sign-off', security: sec, params: IdParams, response: { 200: ShiftReport, ...errors } },
    }, async (req) => {
      const report = await r.book.get(req.params.id)
      if (!report) throw notFound(`report ${req.params.id} not found`)
      return report
    })

    app.post('/api/v1/reports/:id/note', {
      onRequest: app.requireRole('safety'),
      schema: { tags: ['reports'], summary: 'The outgoing officer\'s handover text (only who drafted it, only while a draft)', security: sec, params: IdParams, body: NoteBody, response: { 200: ShiftReport, ...errors } },
    }, async (req) => {
      const report = await r.note(req.params.id, req.user.name, req.body.note).catch(asHttp)
      s.audit.record({ ts: Date.now(), user: req.user.name, ip: req.ip, action: 'report.note', target: report.id, ok: true, detail: `${req.body.note.length} characters` })
      return report
    })

    app.post('/api/v1/reports/:id/refresh', {
      onRequest: app.requireRole('safety'),
      schema: { tags: ['reports'], summary: 'Freeze a draft\'s figures again now, e.g. at the handover (only who drafted it, only while a draft)', security: sec, params: IdParams, body: Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]), response: { 200: ShiftReport, ...errors } },
    }, async (req) => {
      const report = await r.refresh(req.params.id, req.user.name).catch(asHttp)
      s.audit.record({ ts: Date.now(), user: req.user.name, ip: req.ip, action: 'report.refresh', target: report.id, ok: true })
      return report
    })

    app.post('/api/v1/reports/:id/sign', {
      onRequest: app.requireRole('safety'),
      schema: { tags: ['reports'], summary: 'The incoming officer\'s sign-off (another user than who drafted it): closes the report, which never changes after', security: sec, params: IdParams, body: Type.Union([SignBody, Type.Null()]), response: { 200: ShiftReport, ...errors } },
    }, async (req) => {
      const report = await r.sign(req.params.id, req.user.name, req.body?.note).catch(asHttp)
      s.audit.record({ ts: Date.now(), user: req.user.name, ip: req.ip, action: 'report.sign', target: report.id, ok: true, detail: `handed over by ${report.createdBy}` })
      return report
    })
  })
}
