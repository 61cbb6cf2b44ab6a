import type { FastifyPluginAsync } from 'fastify'
import { routePlugin } from '../route-plugin.js'
import { Type } from 'typebox'
import type { Device } from '../../model/device.js'
import type { ResolvedSetpoints } from '../../rules/index.js'
import { ErrorSchema, notFound } from '../errors.js'
import { sees } from '../scope.js'

/**
 * The effective set points of a device (GB/T 50493 defaults with zone/park/area/device
 * overrides), for drawing on trends. Each stage carries its `source`: the standard's clause,
 * or the override's layer with the standard's ceiling and, when let above it,
 * `exceedsStandard` and the `reason`. `declaredUnit`: the unit the device reports in when it
 * is not the metric's own `unit` (converted before the set points apply).
 */
export function setpointRoutes(effective: (id: string) => ReadonlyMap<string, ResolvedSetpoints> | undefined, device: (id: string) => Device | undefined): FastifyPluginAsync {
  return routePlugin('setpoints', async (app) => {
    app.get('/api/v1/devices/:id/setpoints', {
      onRequest: app.signedIn,
      schema: { tags: ['devices'], summary: 'Effective set points per metric', security: [{ bearer: [] }], params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 404: ErrorSchema } },
    }, async (req) => {
      const d = device(req.params.id)
      if (!d || !sees(req.user, d.park, d.enterprise)) throw notFound(`device ${req.params.id} not found`)
      const units = device(req.params.id)?.units
      const metrics: Record<string, ResolvedSetpoints & { declaredUnit?: string | undefined }> = {}
      for (const [m, sp] of effective(req.params.id) ?? []) metrics[m] = units?.[m] === undefined ? sp : { ...sp, declaredUnit: units[m] }
      return { device: req.params.id, metrics }
    })
  })
}
