import type { FastifyPluginAsync } from 'fastify'
import type { ApiServices } from '../services.js'

export const healthRoutes: FastifyPluginAsync<{ services: ApiServices }> = async (app, { services }) => {
  app.get('/api/v1/health', {
    schema: {
      tags: ['system'],
      summary: 'Broker, InfluxDB, ingest, journal backlog and uptime',
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async () => services.health())

  app.get('/metrics', {
    schema: { tags: ['system'], summary: 'Prometheus text format (loopback, or a bearer token)', hide: false },
  }, async (req, reply) => {
    const ip = req.socket.remoteAddress ?? ''
    const loopback = ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1'
    if (!loopback) await app.signedIn(req, reply)
    void reply.type('text/plain; version=0.0.4')
    return services.metricsText()
  })
}
