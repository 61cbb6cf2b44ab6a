import { routePlugin } from '../route-plugin.js'
import type { ApiServices } from '../services.js'
import { parkView } from '../scope.js'
import { ZoneReply } from '../schemas/zone.js'

/** The zone and its parks (names zh/en, kind, static grade A–D, site plan, areas, enterprises). */
export const zoneRoutes = routePlugin<{ services: ApiServices }>('zone', async (app, { services }) => {
  const z = services.zone
  const body = {
    zone: { id: z.id, name: z.name, nameEn: z.nameEn, timezone: z.timezone, ...(z.map ? { map: z.map } : {}) },
    parks: z.parks.map(({ setpoints: _s, ...p }) => p),
  }
  app.get('/api/v1/zone', {
    onRequest: app.signedIn,
    schema: { tags: ['zone'], summary: 'Zone, parks, enterprises, areas and site plans', security: [{ bearer: [] }], response: { 200: ZoneReply } },
  }, async (req) => (req.user.scope ? { ...body, parks: body.parks.map((p) => parkView(req.user, p)).filter((p) => p !== undefined) } : body))
})
