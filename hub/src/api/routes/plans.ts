import { Type } from 'typebox'
import { routePlugin } from '../route-plugin.js'
import { ErrorSchema, badRequest, notFound } from '../errors.js'
import { seesPark } from '../scope.js'
import type { AuditLog } from '../audit.js'
import { PlacementBody, PlanInfo } from '../../model/plan.js'
import { checkPlanImage, MAX_PLAN_BYTES, PlanImageError } from '../../plans/image-check.js'
import { PlacementError, placementFrom } from '../../plans/placement.js'
import type { PlanStore } from '../../plans/plan-store.js'

/**
 * Site-plan drawings (docs/site-plans.md): an admin uploads a park's drawing (PNG, JPEG, or SVG
 * rasterised to PNG; at most 10 MiB and 40 megapixels) and says where it lies (a scale and
 * origin, or two reference points); everyone who sees the park gets the drawing and its
 * placement. Uploads, placements and removals are audited.
 */
const sec = [{ bearer: [] }]
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema }
const ParkParams = Type.Object({ park: Type.String({ maxLength: 64 }) })
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/svg+xml']

export const planRoutes = (o: { plans: PlanStore; audit: AuditLog }) => routePlugin('plans', async (app) => {
  const { plans, audit } = o
  // The drawing comes as the request's body, as it is: no multipart, one image a request.
  app.addContentTypeParser(IMAGE_TYPES, { parseAs: 'buffer', bodyLimit: MAX_PLAN_BYTES }, (_req, body, done) => done(null, body))

  const park = (id: string, user: Parameters<typeof seesPark>[0]): string => {
    if (!plans.has(id) || !seesPark(user, id)) throw notFound(`no park ${id}`)
    return id
  }

  app.get('/api/v1/parks/:park/plan', {
    onRequest: app.signedIn,
    schema: { tags: ['plans'], summary: 'A park\'s site-plan drawing: what it is and where it lies', security: sec, params: ParkParams, response: { 200: PlanInfo, ...errors } },
  }, async (req) => plans.info(park(req.params.park, req.user)))

  app.get('/api/v1/parks/:park/plan/image', {
    onRequest: app.signedIn,
    schema: { tags: ['plans'], summary: 'The drawing itself (PNG or JPEG)', security: sec, params: ParkParams, response: { ...errors } },
  }, async (req, reply) => {
    const img = plans.image(park(req.params.park, req.user))
    if (!img) throw notFound(`park ${req.params.park} has no drawing`)
    return reply
      .header('content-type', img.format === 'png' ? 'image/png' : 'image/jpeg')
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('etag', `"${img.version}"`)
      .send(img.data)
  })

  app.put('/api/v1/parks/:park/plan/image', {
    onRequest: app.requireRole(),
    schema: {
      tags: ['plans'], summary: 'Upload a park\'s drawing (body: the PNG, JPEG or SVG as sent; an SVG is rasterised to PNG)', security: sec, params: ParkParams,
      response: { 200: PlanInfo, ...errors, 413: ErrorSchema, 415: ErrorSchema },
    },
  }, async (req) => {
    const id = park(req.params.park, req.user)
    if (!Buffer.isBuffer(req.body)) throw badRequest('send the image as the body, with content-type image/png, image/jpeg or image/svg+xml')
    let checked
    try {
      checked = await checkPlanImage(req.body)
    } catch (err) {
      if (!(err instanceof PlanImageError)) throw err
      audit.record({ ts: Date.now(), user: req.user.name, ip: req.ip, action: 'plan.image', target: id, ok: false, detail: err.message })
      throw badRequest(err.message)
    }
    const info = plans.saveImage(id, checked, req.user.name, Date.now())
    audit.record({ ts: Date.now(), user: req.user.name, ip: req.ip, action: 'plan.image', target: id, ok: true, detail: `${checked.uploaded} → ${checked.format} ${checked.width}×${checked.height} px, ${checked.data.length} bytes` })
    return info
  })

  app.delete('/api/v1/parks/:park/plan/image', {
    onRequest: app.requireRole(),
    schema: { tags: ['plans'], summary: 'Remove a park\'s drawing', security: sec, params: ParkParams, response: { 200: PlanInfo, ...errors } },
  }, async (req) => {
    const id = park(req.params.park, req.user)
    const info = plans.removeImage(id)
    audit.record({ ts: Date.now(), user: req.user.name, ip: req.ip, action: 'plan.image.remove', target: id, ok: true })
    return info
  })

  app.put('/api/v1/parks/:park/plan/placement', {
    onRequest: app.requireRole(),
    schema: {
      tags: ['plans'], summary: 'Where the drawing lies on the site: { metresPerPixel, origin } or { points: [{px, m}, {px, m}] }', security: sec, params: ParkParams, body: PlacementBody,
      response: { 200: PlanInfo, ...errors },
    },
  }, async (req) => {
    const id = park(req.params.park, req.user)
    let placement
    try {
      placement = placementFrom(req.body)
    } catch (err) {
      if (!(err instanceof PlacementError)) throw err
      throw badRequest(err.message)
    }
    const info = plans.savePlacement(id, placement)
    audit.record({ ts: Date.now(), user: req.user.name, ip: req.ip, action: 'plan.placement', target: id, ok: true, detail: `${placement.metresPerPixel.toPrecision(4)} m/px, origin ${placement.origin.x.toFixed(1)}, ${placement.origin.y.toFixed(1)} m` })
    return info
  })
})
