import { routePlugin } from '../route-plugin.js'
import type { ApiServices } from '../services.js'

export const healthRoutes = routePlugin<{ services: ApiServices }>('health', async (app, { services }) => {
  app.get('/api/v1/health', {
    schema: {
      tags: ['system'],
      summary: 'Up or degraded; with an admin\'s token also broker, InfluxDB, ingest, journal backlog, connections and uptime',
      response: { 200: { type: 'object', properties: { status: { type: 'string', enum: ['ok', 'degraded'] } }, required: ['status'], additionalProperties: true } },
    },
  }, async (req) => {
    const report = await services.health()
    // Without a signed-in admin only up or degraded: counters, ports, URLs, versions and
    // errors tell an attacker what to aim at (OWASP API Security Top 10 2023, API8).
    return isAdmin(req.headers.authorization) ? report : { status: report.status }
  })

  const isAdmin = (authorization: string | undefined): boolean => {
    const m = /^Bearer (\S+)$/i.exec(authorization ?? '')
    const holder = m ? app.verifyToken(m[1]!) : undefined
    return holder?.roles.includes('admin') ?? false
  }

  app.get('/metrics', {
    schema: { tags: ['system'], summary: 'Prometheus text format (loopback, or a bearer token)', hide: false },
  }, async (req, reply) => {
    // req.ip: the TCP peer, or behind a trusted proxy (HUB_TRUSTED_PROXIES) the client it forwards for.
    const ip = req.ip
    const loopback = ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1'
    if (!loopback) await app.signedIn(req, reply)
    void reply.type('text/plain; version=0.0.4')
    return services.metricsText()
  })
})
