import type { FastifyPluginAsync } from 'fastify'
import { routePlugin } from '../route-plugin.js'
import type { ParkRisk } from '../../model/risk.js'
import { riskView } from '../scope.js'

/** Live four-colour level per park and enterprise, with reasons, beside the static grade (docs/risk.md). */
export function riskRoutes(risk: () => ParkRisk[]): FastifyPluginAsync {
  return routePlugin('risk', async (app) => {
    app.get('/api/v1/risk', {
      onRequest: app.signedIn,
      schema: { tags: ['risk'], summary: 'Live four-colour level per park and enterprise, with reasons', security: [{ bearer: [] }] },
    }, async (req) => ({ parks: risk().map((r) => riskView(req.user, r)).filter((r) => r !== undefined) }))
  })
}
