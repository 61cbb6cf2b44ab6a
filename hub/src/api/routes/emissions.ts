import type { FastifyPluginAsync } from 'fastify'
import { routePlugin } from '../route-plugin.js'
import { Type } from 'typebox'
import type { Zone } from '../../model/zone.js'
import type { EmissionService } from '../../emissions/emission-service.js'
import type { StackInfo } from '../../emissions/hourly.js'
import { badRequest, ErrorSchema, notFound, storeUnavailable } from '../errors.js'
import { parseTime } from '../time.js'
import { CodedError, TOO_MANY_POINTS } from '../errors.js'
import { assertSees, seesWholePark } from '../scope.js'
import { DEFAULT_MAX_POINTS, pointsFor, tooManyPointsMessage } from '../../store/series-bounds.js'
import { EMISSION_METRICS } from '../../emissions/minutes.js'
import { ComplianceReply, HourlyReply, LinkReply, OutletHourlyReply } from '../schemas/emissions.js'
import type { OutletService } from '../../emissions/outlet-hourly.js'
import type { OutletInfo } from '../../emissions/wastewater.js'
import type { Device } from '../../model/device.js'
import { hourlyAuthorityOf } from '../../emissions/hourly-authority.js'

/**
 * Stack emissions (docs/emissions.md, HJ 75-2017 / HJ 212-2017): hourly values of a CEMS
 * stack and a park's daily compliance report. Any signed-in role reads.
 */
export interface EmissionRouteServices {
  zone: Zone
  stack(id: string): StackInfo | undefined
  emissions: EmissionService
  /** Local `YYYY-MM-DD` of yesterday, the default report day. */
  yesterday(): string
  now(): number
  /** HUB_MAX_POINTS_PER_RESPONSE: hours × metrics of one hourly reply. */
  maxPointsPerResponse?: number | undefined
  /** A wastewater outlet by id, and its hourly values. */
  outlet(id: string): OutletInfo | undefined
  outlets: OutletService
  /** A device by id (any kind), for its link. */
  device(id: string): Device | undefined
  /** An HJ 212 logger's counters by MN since the hub started (hj212/counters.ts), or undefined: not heard from, or no listener. */
  loggerByMn?(mn: string): { lastPacket: number; packets: number; rejects: number } | undefined
}

/** Kinds whose monitors may speak HJ 212-2017 through a data logger. */
const LOGGER_KINDS: ReadonlySet<string> = new Set(['emission', 'wastewater'])

const DAY = 86_400_000
const MAX_RANGE = 366 * DAY

export function emissionRoutes(s: EmissionRouteServices): FastifyPluginAsync {
  return routePlugin('emissions', async (app) => {
    const sec = [{ bearer: [] }]
    // Users within their parks (scope.ts): another park's stacks and compliance are absent.
    app.addHook('preHandler', async (req) => {
      const q = req.query as { device?: string; park?: string }
      const stack = q.device === undefined ? undefined : s.stack(q.device)
      if (stack) assertSees(req.user, stack, `CEMS stack ${q.device} not found`)
      if (q.park !== undefined && !seesWholePark(req.user, q.park)) throw notFound(`park ${q.park} not found`)
    })

    app.get('/api/v1/emissions/hourly', {
      onRequest: app.signedIn,
      schema: {
        tags: ['emissions'], security: sec,
        summary: 'Hourly values of a CEMS stack per metric, standard-state dry: measured mean, O2-corrected mean, valid minutes, valid (≥ 45 min), minutes per reason, over-range minutes, limit, exceeded (HJ 75)',
        querystring: Type.Object({ device: Type.String({ maxLength: 64 }), from: Type.Optional(Type.String({ maxLength: 40 })), to: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false }),
        response: { 200: HourlyReply, 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    }, async (req) => {
      const stack = s.stack(req.query.device)
      if (!stack) throw notFound(`CEMS stack ${req.query.device} not found`)
      const now = s.now()
      const to = req.query.to !== undefined ? parseTime(req.query.to, 'to') : now
      const from = req.query.from !== undefined ? parseTime(req.query.from, 'from') : to - DAY
      if (from >= to) throw badRequest('from must be before to')
      if (to - from > MAX_RANGE) throw badRequest('the range may span at most 366 days')
      // Each hour holds every metric: hours × metrics against the points cap.
      const cap = s.maxPointsPerResponse ?? DEFAULT_MAX_POINTS
      const points = pointsFor(from, to, 3_600_000, EMISSION_METRICS.length)
      if (points > cap) throw new CodedError(400, tooManyPointsMessage(`${Math.ceil((to - from) / 3_600_000)} hours of ${EMISSION_METRICS.length} metrics`, points, cap, `ask for at most ${Math.floor(cap / EMISSION_METRICS.length / 24)} days`), TOO_MANY_POINTS)
      return s.emissions.hourly(stack, from, to, now).catch(storeUnavailable)
    })

    app.get('/api/v1/emissions/outlet-hourly', {
      onRequest: app.signedIn,
      schema: {
        tags: ['emissions'], security: sec,
        summary: 'Hourly values of a wastewater outlet per metric: mean of the valid samples, or its logger’s 2061 -Avg (the hourly authority), the other beside it, differing hours flagged; limits from the discharge permit, pH 6–9',
        querystring: Type.Object({ device: Type.String({ maxLength: 64 }), from: Type.Optional(Type.String({ maxLength: 40 })), to: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false }),
        response: { 200: OutletHourlyReply, 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    }, async (req) => {
      const outlet = s.outlet(req.query.device)
      if (!outlet) throw notFound(`wastewater outlet ${req.query.device} not found`)
      assertSees(req.user, outlet, `wastewater outlet ${req.query.device} not found`)
      const now = s.now()
      const to = req.query.to !== undefined ? parseTime(req.query.to, 'to') : now
      const from = req.query.from !== undefined ? parseTime(req.query.from, 'from') : to - DAY
      if (from >= to) throw badRequest('from must be before to')
      if (to - from > 31 * DAY) throw badRequest('the range may span at most 31 days')
      return s.outlets.hourly(outlet, from, to, now).catch(storeUnavailable)
    })

    app.get('/api/v1/emissions/link', {
      onRequest: app.signedIn,
      schema: {
        tags: ['emissions'], security: sec,
        summary: 'How a CEMS stack or wastewater outlet reaches the hub: MQTT, or HJ 212-2017 through its data logger (MN, last packet, packets, rejects since start, hourly authority)',
        querystring: Type.Object({ device: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: LinkReply, 404: ErrorSchema },
      },
    }, async (req) => {
      const d = s.device(req.query.device)
      if (!d || !LOGGER_KINDS.has(d.kind)) throw notFound(`CEMS stack or wastewater outlet ${req.query.device} not found`)
      assertSees(req.user, d, `CEMS stack or wastewater outlet ${req.query.device} not found`)
      const mn = d.hj212?.mn
      const heard = mn === undefined ? undefined : s.loggerByMn?.(mn)
      return {
        device: d.id, protocol: mn === undefined ? 'mqtt' : 'hj212', mn: mn ?? null,
        lastPacket: heard?.lastPacket ?? null, packets: heard?.packets ?? null, rejects: heard?.rejects ?? null,
        hourlyAuthority: mn === undefined ? null : hourlyAuthorityOf(d, s.zone.hj212),
      } satisfies LinkReply
    })

    app.get('/api/v1/emissions/compliance', {
      onRequest: app.signedIn,
      schema: {
        tags: ['emissions'], security: sec,
        summary: 'Daily compliance of a park’s stacks (local day): valid and exceeded hours, daily mean, day valid with ≥ 20 valid hours (HJ 75)',
        querystring: Type.Object({ park: Type.String({ maxLength: 64 }), day: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })) }, { additionalProperties: false }),
        response: { 200: ComplianceReply, 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    }, async (req) => {
      if (!s.zone.parks.some((p) => p.id === req.query.park)) throw notFound(`park ${req.query.park} not found`)
      const day = req.query.day ?? s.yesterday()
      const report = await s.emissions.compliance(req.query.park, day).catch(storeUnavailable)
      if (!report) throw badRequest(`day must be a date YYYY-MM-DD, got ${day}`)
      return report
    })
  })
}
