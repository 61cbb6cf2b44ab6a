import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { routePlugin } from '../route-plugin.js'
import { ErrorSchema, notFound } from '../errors.js'
import { seesWholePark } from '../scope.js'
import { FOOTPRINT_CAVEATS, NO_FOOTPRINT_REASONS, STABILITY_CLASSES, type ParkFootprint } from '../../model/footprint.js'

/**
 * A park's estimated gas hazard footprint (docs/hazard.md): the plume of each gas in alarm drawn
 * to its emergency levels under the park's weather station's wind, what lies inside, the
 * assembly points. Whole-park readers only: it covers the park, not one enterprise.
 */
const Pt = Type.Object({ x: Type.Number(), y: Type.Number() })
const Polygon = Type.Array(Type.Tuple([Type.Number(), Type.Number()]))
const Level = Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)])

export const ParkFootprintSchema = Type.Object({
  park: Type.String(),
  computedAt: Type.Number(),
  state: Type.Enum(['estimate', 'none']),
  reason: Type.Optional(Type.Enum([...NO_FOOTPRINT_REASONS])),
  gases: Type.Optional(Type.Array(Type.String())),
  wind: Type.Optional(Type.Object({
    station: Type.String(), speed: Type.Number(), fromDeg: Type.Number(), spreadDeg: Type.Number(),
    stability: Type.Enum([...STABILITY_CLASSES]), stabilitySource: Type.Enum(['station', 'default']), airTemp: Type.Optional(Type.Number()), ts: Type.Number(),
  })),
  terrain: Type.Optional(Type.Enum(['rural', 'urban'])),
  plumes: Type.Array(Type.Object({
    gas: Type.String(), unit: Type.String(), scheme: Type.String(), source: Pt,
    rate: Type.Number(), rateLow: Type.Number(), rateHigh: Type.Number(),
    detectors: Type.Array(Type.Object({ device: Type.String(), value: Type.Number(), fitted: Type.Number(), alarming: Type.Boolean() })),
    contours: Type.Array(Type.Object({ level: Level, label: Type.String(), threshold: Type.Number(), polygon: Polygon, band: Polygon, reachM: Type.Number() })),
    places: Type.Array(Type.Object({
      kind: Type.Enum(['building', 'tank', 'stack', 'unit', 'gate', 'area', 'enterprise']), id: Type.String(), name: Type.String(), nameEn: Type.Optional(Type.String()), level: Level, bandOnly: Type.Boolean(),
    })),
    caveats: Type.Array(Type.Enum([...FOOTPRINT_CAVEATS])),
  })),
  muster: Type.Array(Type.Object({
    id: Type.String(), name: Type.String(), nameEn: Type.Optional(Type.String()), position: Pt, distanceM: Type.Number(), upwind: Type.Boolean(), inside: Type.Boolean(),
  })),
})

export function hazardRoutes(footprint: (park: string) => ParkFootprint | undefined): FastifyPluginAsync {
  return routePlugin('hazard', async (app) => {
    app.get('/api/v1/parks/:park/footprint', {
      onRequest: app.signedIn,
      schema: {
        tags: ['hazard'],
        summary: 'Estimated gas hazard footprint of a park: a Gaussian plume fitted to the alarming detectors under the weather station\'s wind, drawn to the gases\' emergency levels (AEGL/ERPG), with its uncertainty band, the places inside and the upwind assembly points; `none` with a reason when it cannot be drawn',
        security: [{ bearer: [] }],
        params: Type.Object({ park: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: ParkFootprintSchema, 401: ErrorSchema, 404: ErrorSchema },
      },
    }, async (req) => {
      const { park } = req.params
      const f = seesWholePark(req.user, park) ? footprint(park) : undefined
      if (!f) throw notFound(`park ${park} not found`)
      return f
    })
  })
}
