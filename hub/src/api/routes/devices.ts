import { routePlugin } from '../route-plugin.js'
import { DeviceView, LatestResponse, SeriesReply } from '../schemas/devices.js'
import { Type, type Static } from 'typebox'
import { Device, Position } from '../../model/device.js'
import { isMetricOfKind } from '../../model/vocabulary.js'
import { deviceGasProblem, exceedanceLines } from '../../catalogue/device-gas-settings.js'
import { SETPOINT_EXCEEDS_STANDARD } from '../setpoint-audit.js'
import { RegistryError, type RegisteredDevice } from '../../registry/device-registry.js'
import { EVERY_PATTERN } from '../../store/queries.js'
import type { ApiServices } from '../services.js'
import { badRequest, CodedError, conflict, ErrorSchema, notFound, TOO_MANY_POINTS } from '../errors.js'
import { chooseEvery, planSeries, tooManyPointsMessage } from '../../store/series-bounds.js'
import { PAGE_SIZES, PagingQuery, pageOf } from '../paging.js'
import { parseTime } from '../time.js'
import { sees } from '../scope.js'

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) })
const ListQuery = Type.Object({
  park: Type.Optional(Type.String({ maxLength: 64 })),
  enterprise: Type.Optional(Type.String({ maxLength: 64 })),
  kind: Type.Optional(Type.String({ maxLength: 16 })),
  ...PagingQuery,
}, { additionalProperties: false })
const SeriesQuery = Type.Object({
  metric: Type.String({ maxLength: 32 }),
  from: Type.Optional(Type.String({ maxLength: 40 })),
  to: Type.Optional(Type.String({ maxLength: 40 })),
  every: Type.Optional(Type.String({ pattern: EVERY_PATTERN })),
}, { additionalProperties: false })

function view(r: RegisteredDevice): Record<string, unknown> {
  return { ...r.device, online: r.state.online, lastSeen: r.state.lastSeen }
}

export const deviceRoutes = routePlugin<{ services: ApiServices }>('devices', async (app, { services }) => {
  const { registry } = services
  const sec = [{ bearer: [] }]

  app.get('/api/v1/devices', {
    onRequest: app.signedIn,
    schema: {
      tags: ['devices'], summary: `Devices with kind, place, online and last seen; paged (limit ${PAGE_SIZES.devices.default} by default, at most ${PAGE_SIZES.devices.max}; next is the following page's cursor)`, security: sec, querystring: ListQuery,
      response: { 200: Type.Object({ devices: Type.Array(DeviceView), total: Type.Integer(), next: Type.Union([Type.String(), Type.Null()]), limit: Type.Integer() }) },
    },
  }, async (req) => {
    const { park, enterprise, kind } = req.query
    const matching: RegisteredDevice[] = []
    for (const r of registry.all()) {
      const d = r.device
      if (!sees(req.user, d.park, d.enterprise)) continue
      if ((park && d.park !== park) || (enterprise && d.enterprise !== enterprise) || (kind && d.kind !== kind)) continue
      matching.push(r)
    }
    const page = pageOf(matching, req.query, PAGE_SIZES.devices)
    return { devices: page.items.map(view), total: page.total, next: page.next, limit: page.limit }
  })

  app.post('/api/v1/devices', {
    onRequest: app.requireRole(),
    schema: {
      tags: ['devices'], summary: 'Provision a device; its secret is returned once', security: sec, body: Device,
      response: { 201: Type.Object({ device: Device, secret: Type.String() }), 400: ErrorSchema, 409: ErrorSchema },
    },
  }, async (req, reply) => {
    const d = req.body
    const park = services.zone.parks.find((p) => p.id === d.park)
    if (!park) throw badRequest(`unknown park ${d.park}`)
    if (!park.enterprises.some((e) => e.id === d.enterprise)) throw badRequest(`unknown enterprise ${d.enterprise} in park ${d.park}`)
    if (d.area !== undefined && !park.areas.some((a) => a.id === d.area)) throw badRequest(`unknown area ${d.area} in park ${d.park}`)
    const wrong = d.metrics.find((m) => !isMetricOfKind(d.kind, m))
    if (wrong) throw badRequest(`metric ${wrong} is not one of a ${d.kind} device's metrics`)
    // Units a gas detector declares; set points above GB/T 50493-2019 §5.5.2 only with exceedsStandard and a reason.
    const gasProblem = deviceGasProblem(d)
    if (gasProblem) throw badRequest(`${gasProblem.path}: ${gasProblem.problem}`)
    try {
      const created = await registry.provision(d)
      req.log.info({ device: d.id, by: req.user.name }, 'device provisioned')
      for (const line of exceedanceLines(d))
        services.audit.record({ ts: Date.now(), user: req.user.name, ip: req.ip, action: SETPOINT_EXCEEDS_STANDARD, target: d.id, ok: true, detail: line })
      return reply.status(201).send(created)
    } catch (err) {
      if (err instanceof RegistryError && err.code === 'exists') throw conflict(err.message)
      if (err instanceof RegistryError) throw badRequest(err.message)
      throw err
    }
  })

  app.delete('/api/v1/devices/:id', {
    onRequest: app.requireRole(),
    schema: { tags: ['devices'], summary: 'Retire a device (its history stays)', security: sec, params: IdParams, response: { 200: Type.Object({ retired: Device }), 404: ErrorSchema } },
  }, async (req) => {
    try {
      const d = await registry.retire(req.params.id)
      services.latest.delete(d.id)
      req.log.info({ device: d.id, by: req.user.name }, 'device retired')
      return { retired: d }
    } catch (err) {
      if (err instanceof RegistryError && err.code === 'not_found') throw notFound(err.message)
      throw err
    }
  })

  app.put('/api/v1/devices/:id/position', {
    onRequest: app.requireRole(),
    schema: {
      tags: ['devices'], summary: 'Place a device on its park\'s site plan (metres from the plan\'s top-left corner, inside the site); audited', security: sec, params: IdParams,
      body: Position, response: { 200: DeviceView, 400: ErrorSchema, 404: ErrorSchema },
    },
  }, async (req) => {
    const rec = registry.get(req.params.id)
    if (!rec || !sees(req.user, rec.device.park, rec.device.enterprise)) throw notFound(`device ${req.params.id} not found`)
    const site = services.zone.parks.find((p) => p.id === rec.device.park)!.site
    const { x, y } = req.body
    if (!(x >= 0 && x <= site.width && y >= 0 && y <= site.height)) throw badRequest(`(${x}, ${y}) m is outside the park's site (0–${site.width} × 0–${site.height} m)`)
    const before = rec.device.position
    const device = await registry.place(rec.device.id, { x, y })
    services.audit.record({ ts: Date.now(), user: req.user.name, ip: req.ip, action: 'device.position', target: device.id, ok: true, detail: `${before ? `(${before.x}, ${before.y})` : 'unplaced'} → (${x}, ${y}) m` })
    return view(registry.get(device.id)!)
  })

  app.post('/api/v1/devices/:id/secret', {
    onRequest: app.requireRole(),
    schema: {
      tags: ['devices'], summary: 'Replace a device\'s secret; the new one is returned once, the old one and its MQTT sessions end at once', security: sec, params: IdParams,
      response: { 200: Type.Object({ device: Device, secret: Type.String() }), 404: ErrorSchema },
    },
  }, async (req) => {
    try {
      const replaced = await registry.replaceSecret(req.params.id)
      req.log.info({ device: replaced.device.id, by: req.user.name }, 'device secret replaced')
      return replaced
    } catch (err) {
      if (err instanceof RegistryError && err.code === 'not_found') throw notFound(err.message)
      throw err
    }
  })

  app.get('/api/v1/devices/:id/latest', {
    onRequest: app.signedIn,
    schema: {
      tags: ['devices'], summary: 'Last value of each metric, with its time', security: sec, params: IdParams,
      response: { 200: LatestResponse, 404: ErrorSchema },
    },
  }, async (req) => {
    const r = registry.get(req.params.id)
    if (!r || !sees(req.user, r.device.park, r.device.enterprise)) throw notFound(`device ${req.params.id} not found`)
    const values = services.latest.get(r.device.id) ?? {}
    const quality = services.deviceQuality?.(r.device.id)
    const out: Static<typeof LatestResponse> = { device: r.device.id, online: r.state.online, lastSeen: r.state.lastSeen, values }
    // A fault or maintenance flag kept in the rules state outlives a restart's seeded values: the value shows it still.
    if (quality?.flags) out.values = Object.fromEntries(Object.entries(values).map(([m, v]) => [m, v.flag || !quality.flags?.[m] ? v : { ...v, flag: quality.flags[m] }]))
    if (quality?.late) out.late = quality.late
    return out
  })

  app.get('/api/v1/devices/:id/series', {
    onRequest: app.signedIn,
    schema: {
      tags: ['devices'], summary: 'Time series from InfluxDB; `every` (e.g. 1m, 1h) averages into buckets. At most HUB_MAX_POINTS_PER_RESPONSE points: without `every` the hub chooses one for a long range; a finer `every` past the cap is refused (400, code TOO_MANY_POINTS)', security: sec, params: IdParams, querystring: SeriesQuery,
      response: { 200: SeriesReply, 400: ErrorSchema, 404: ErrorSchema },
    },
  }, async (req) => {
    const r = registry.get(req.params.id)
    if (!r || !sees(req.user, r.device.park, r.device.enterprise)) throw notFound(`device ${req.params.id} not found`)
    const { metric, every } = req.query
    if (!r.device.metrics.includes(metric)) throw badRequest(`device ${r.device.id} has no metric ${metric}; it has ${r.device.metrics.join(', ') || 'none'}`)
    const now = Date.now()
    const to = req.query.to !== undefined ? parseTime(req.query.to, 'to') : now
    const from = req.query.from !== undefined ? parseTime(req.query.from, 'from') : to - 3600_000
    if (from > to) throw badRequest('from is after to')
    const cap = services.maxPointsPerResponse ?? 20_000
    const plan = planSeries({ from, to, every }, cap)
    if (!plan.ok) throw new CodedError(400, tooManyPointsMessage(`every=${every} over this range`, plan.points, cap, `use every=${plan.suggested} or a shorter range`), TOO_MANY_POINTS)
    const q = { measurement: r.device.kind, device: r.device.id, metric, from, to }
    let used = plan.every
    let points = await services.series({ ...q, every: used, limit: plan.rawLimit })
    // Raw points filled the cap (a device reporting faster than once a second): buckets of an every that fits, not a series cut short.
    if (used === undefined && points.length >= plan.rawLimit) {
      used = chooseEvery(from, to, cap)
      points = await services.series({ ...q, every: used, limit: cap })
    }
    return { device: r.device.id, metric, from, to, every: used ?? null, points }
  })
})
