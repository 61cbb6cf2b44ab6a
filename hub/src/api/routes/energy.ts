import type { FastifyPluginAsync } from 'fastify'
import { routePlugin } from '../route-plugin.js'
import { ConsumptionReply, IntensityReply, SuggestionsReply } from '../schemas/energy.js'
import { Type } from 'typebox'
import type { Zone } from '../../model/zone.js'
import type { EnergyService, Scope } from '../../energy/energy-service.js'
import type { Every, MeterMeta } from '../../energy/consumption.js'
import type { Coefficients, ElectricityBasis } from '../../energy/coefficients.js'
import { badRequest, ErrorSchema, notFound, storeUnavailable } from '../errors.js'
import { parseTime } from '../time.js'
import { Readable } from 'node:stream'
import { CodedError, TOO_MANY_POINTS } from '../errors.js'
import { narrowQuery } from '../scope.js'
import { DEFAULT_MAX_POINTS, tooManyPointsMessage } from '../../store/series-bounds.js'

/**
 * Energy (docs/energy.md): consumption from meter counters in native units and standard coal
 * (GB/T 2589-2020), intensity and budget use, suggestions, and a CSV report. Any signed-in
 * role reads.
 */
export interface EnergyRouteServices {
  zone: Zone
  meter(id: string): MeterMeta | undefined
  energy: EnergyService
  coefficients: Coefficients
  basis: ElectricityBasis
  timezone: string
  now(): number
  /** HUB_MAX_POINTS_PER_RESPONSE: periods × enterprises of one CSV report. */
  maxPointsPerResponse?: number | undefined
}

const DAY = 86_400_000
const EVERY = ['1h', '1d', '1mo'] as const
/** Longest range per `every` (whole periods). */
const MAX_RANGE: Record<Every, number> = { '1h': 31 * DAY, '1d': 731 * DAY, '1mo': 1830 * DAY }
/** A period's shortest length, to count a report's rows from above. */
const PERIOD_MS: Record<Every, number> = { '1h': 3_600_000, '1d': 23 * 3_600_000, '1mo': 28 * DAY }
const DEFAULT_RANGE: Record<Every, number> = { '1h': DAY, '1d': 30 * DAY, '1mo': 365 * DAY }

const Id = Type.String({ maxLength: 64 })
const Time = Type.String({ maxLength: 40 })
const ConsumptionQuery = Type.Object({
  park: Type.Optional(Id), enterprise: Type.Optional(Id), meter: Type.Optional(Id),
  from: Type.Optional(Time), to: Type.Optional(Time), every: Type.Optional(Type.Enum([...EVERY])),
}, { additionalProperties: false })
type ConsumptionQ = { park?: string; enterprise?: string; meter?: string; from?: string; to?: string; every?: Every }

export function energyRoutes(s: EnergyRouteServices): FastifyPluginAsync {
  const parkOf = (id: string) => s.zone.parks.find((p) => p.id === id)
  const enterprisePark = (id: string): string | undefined => s.zone.parks.find((p) => p.enterprises.some((e) => e.id === id))?.id

  function checkScope(q: { park?: string | undefined; enterprise?: string | undefined; meter?: string | undefined }): Scope {
    if (q.park !== undefined && !parkOf(q.park)) throw notFound(`park ${q.park} not found`)
    if (q.enterprise !== undefined) {
      const p = enterprisePark(q.enterprise)
      if (!p) throw notFound(`enterprise ${q.enterprise} not found`)
      if (q.park !== undefined && p !== q.park) throw badRequest(`enterprise ${q.enterprise} is not in park ${q.park}`)
    }
    if (q.meter !== undefined) {
      const m = s.meter(q.meter)
      if (!m) throw notFound(`energy meter ${q.meter} not found`)
      if ((q.park !== undefined && m.park !== q.park) || (q.enterprise !== undefined && m.enterprise !== q.enterprise)) throw badRequest(`meter ${q.meter} is not in that park or enterprise`)
    }
    return { park: q.park, enterprise: q.enterprise, meter: q.meter }
  }

  function range(q: { from?: string | undefined; to?: string | undefined }, every: Every, defaultMs: number): { from: number; to: number } {
    const to = q.to !== undefined ? parseTime(q.to, 'to') : s.now()
    const from = q.from !== undefined ? parseTime(q.from, 'from') : to - defaultMs
    if (from >= to) throw badRequest('from must be before to')
    if (to - from > MAX_RANGE[every]) throw badRequest(`a range with every=${every} may span at most ${MAX_RANGE[every] / DAY} days`)
    return { from, to }
  }

  return routePlugin('energy', async (app) => {
    const sec = [{ bearer: [] }]
    // Users within their parks (scope.ts): places out of scope are absent; zone-wide totals need a zone-wide user.
    app.addHook('preHandler', async (req) => {
      const props = (req.routeOptions.schema?.querystring as { properties?: Record<string, unknown> } | undefined)?.properties
      narrowQuery(req.user, req.query as { park?: string; enterprise?: string; meter?: string }, { acceptsEnterprise: props?.enterprise !== undefined, enterprisePark, meter: (id) => s.meter(id) })
    })

    app.get('/api/v1/energy/consumption', {
      onRequest: app.signedIn,
      schema: {
        tags: ['energy'], security: sec, querystring: ConsumptionQuery,
        summary: 'Consumption per local hour, day or month (every=1h|1d|1mo) of a meter, enterprise, park or the zone: native units, kgce per carrier, tce in total',
        response: { 200: ConsumptionReply, 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    }, async (req) => {
      const every = req.query.every ?? '1d'
      const scope = checkScope(req.query)
      const r = range(req.query, every, DEFAULT_RANGE[every])
      const t = await s.energy.table(scope, r.from, r.to, every, s.now()).catch(storeUnavailable)
      const names = new Map(s.zone.parks.flatMap((p) => p.enterprises.map((e) => [e.id, e] as const)))
      return {
        scope: { park: scope.park ?? null, enterprise: scope.enterprise ?? null, meter: scope.meter ?? null },
        from: t.from, to: t.to, every, timezone: s.timezone, basis: s.basis, coefficients: s.coefficients,
        sources: t.sources, rows: t.rows, total: t.total,
        enterprises: t.enterprises.map((e) => ({ enterprise: e.enterprise, park: e.park, name: names.get(e.enterprise)?.name ?? e.enterprise, nameEn: names.get(e.enterprise)?.nameEn ?? e.enterprise, total: e.total })),
        meters: t.meters, excluded: t.excluded,
      }
    })

    app.get('/api/v1/energy/intensity', {
      onRequest: app.signedIn,
      schema: {
        tags: ['energy'], security: sec,
        summary: 'Energy intensity over whole local days: tce, tce per 万元 of output value (pro-rated), per mu, ranking of enterprises, budget use',
        querystring: Type.Object({ park: Type.Optional(Id), from: Type.Optional(Time), to: Type.Optional(Time) }, { additionalProperties: false }),
        response: { 200: IntensityReply, 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    }, async (req) => {
      checkScope({ park: req.query.park })
      const now = s.now()
      const q = { ...req.query }
      if (q.from === undefined && q.to === undefined) q.from = String(s.energy.align(now, now + 1, '1mo').from)
      const r = range(q, '1d', 30 * DAY)
      const rep = await s.energy.intensity(req.query.park, r.from, r.to, now).catch(storeUnavailable)
      return { ...rep, timezone: s.timezone }
    })

    app.get('/api/v1/energy/suggestions', {
      onRequest: app.signedIn,
      schema: {
        tags: ['energy'], security: sec,
        summary: 'Energy-saving suggestions with the figures behind them (base load, peak tariff share, demand, unusual days), from the last 35 days',
        querystring: Type.Object({ park: Type.Optional(Id), enterprise: Type.Optional(Id) }, { additionalProperties: false }),
        response: { 200: SuggestionsReply, 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    }, async (req) => {
      const scope = checkScope(req.query)
      return s.energy.suggestions(scope, s.now()).catch(storeUnavailable)
    })

    app.get('/api/v1/energy/report.csv', {
      onRequest: app.signedIn,
      schema: {
        tags: ['energy'], security: sec,
        summary: 'Consumption report as CSV (UTF-8 with BOM for Excel; header in Chinese and English): each period × enterprise, totals',
        querystring: Type.Object({ park: Type.Optional(Id), from: Type.Optional(Time), to: Type.Optional(Time), every: Type.Optional(Type.Enum([...EVERY])) }, { additionalProperties: false }),
        produces: ['text/csv'],
        response: { 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    }, async (req, reply) => {
      const every = req.query.every ?? '1d'
      checkScope({ park: req.query.park })
      const r = range(req.query, every, DEFAULT_RANGE[every])
      // A row per period and enterprise: refused before anything is read when that passes the points cap.
      const cap = s.maxPointsPerResponse ?? DEFAULT_MAX_POINTS
      const enterprises = s.zone.parks.filter((p) => req.query.park === undefined || p.id === req.query.park).reduce((n, p) => n + p.enterprises.length, 0)
      const periods = Math.ceil((r.to - r.from) / PERIOD_MS[every]) + 1
      if (periods * enterprises > cap) throw new CodedError(400, tooManyPointsMessage(`a report of ${periods} periods (every=${every}) × ${enterprises} enterprises`, periods * enterprises, cap, 'ask for a coarser every, a shorter range or one park'), TOO_MANY_POINTS)
      const { table, lines } = await s.energy.csv(req.query.park, r.from, r.to, every, s.now()).catch(storeUnavailable)
      const day = (t: number): string => s.energy.dayKey(t)
      const name = `energy-${req.query.park ?? 'zone'}-${day(table.from)}-${day(table.to - 1)}-${every}.csv`
      // Streamed row by row: the reply is never one string of the whole report.
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(Readable.from(lines, { objectMode: false }))
    })
  })
}
