import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify'
import { pino } from 'pino'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fastifyStatic from '@fastify/static'
import { existsSync } from 'node:fs'
import auth, { type AuthOptions } from './auth.js'
import { installErrorHandler } from './errors.js'
import { installSecurityHeaders } from './security-headers.js'
import type { ApiServices } from './services.js'
import { healthRoutes } from './routes/health.js'
import { auditRoutes, authRoutes } from './routes/auth.js'
import { zoneRoutes } from './routes/zone.js'
import { deviceRoutes } from './routes/devices.js'

/** The HTTP shell: built first with the hub's logger, before any service exists, and without routes. */
export interface HttpOptions {
  /** The hub's one logger (created first: app.ts `createLogger`). */
  log: FastifyBaseLogger
  /** HUB_TRUSTED_PROXIES: X-Forwarded-For is believed only from these peers (never otherwise). */
  trustedProxies?: string[]
  /** HTTP timeouts (ms): whole request, headers, idle keep-alive, any idle socket. */
  timeouts: { requestMs: number; headersMs: number; keepAliveMs: number; idleMs: number }
}

/** What the routes are handed, once every service they need exists. */
export interface ApiOptions {
  services: ApiServices
  auth: AuthOptions
  /** Built dashboard to serve at `/` when present. */
  dashboardDir: string | undefined
  /** Further route plugins (alarms, risk, incidents…), each handed its services at construction. */
  plugins?: FastifyPluginAsync[]
}

/** The hub's logger: secrets in requests and bodies are redacted. */
export function createLogger(level: string): FastifyBaseLogger {
  return pino({ level, redact: { paths: ['req.headers.authorization', 'password', 'secret', 'body.password'], censor: '[redacted]' } })
}

export function createHttp(o: HttpOptions): FastifyInstance {
  return Fastify({
    loggerInstance: o.log,
    bodyLimit: 1024 * 1024,
    // A stop ends every connection, not only idle keep-alive ones: one that never sent a request would hold it.
    forceCloseConnections: true,
    // Slow headers, slow bodies and idle sockets are cut (Node's http server; fastify passes `http` to it).
    requestTimeout: o.timeouts.requestMs,
    keepAliveTimeout: o.timeouts.keepAliveMs,
    connectionTimeout: o.timeouts.idleMs,
    http: { headersTimeout: o.timeouts.headersMs, requestTimeout: o.timeouts.requestMs, connectionsCheckingInterval: Math.min(1000, o.timeouts.headersMs / 2) },
    trustProxy: o.trustedProxies && o.trustedProxies.length > 0 ? o.trustedProxies : false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }) as unknown as FastifyInstance
}

/** Registers the API on the shell: error handling, audit, headers, docs, auth, then the routes. */
export async function registerApi(app: FastifyInstance, o: ApiOptions): Promise<void> {
  installErrorHandler(app)
  // Every state-changing request by a signed-in person goes to the audit log, refused ones too.
  app.addHook('onResponse', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.url.startsWith('/api/v1/auth/')) return
    const user = (req as { user?: { name?: string } }).user?.name
    if (!user) return
    o.services.audit.record({ ts: Date.now(), user, ip: req.ip, action: `${req.method} ${req.routeOptions.url ?? req.url}`, target: req.url.split('?')[0], ok: reply.statusCode < 400, detail: String(reply.statusCode) })
  })
  installSecurityHeaders(app)
  await app.register(swagger, {
    openapi: {
      info: { title: 'Smart-park hub API', version: '1', description: 'REST API of the smart-park data hub (CONTRACT.md). Sign in at /api/v1/auth/login and send `Authorization: Bearer <token>`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  await app.register(auth, o.auth)
  const s = { services: o.services }
  await app.register(healthRoutes, s)
  await app.register(authRoutes, s)
  await app.register(auditRoutes, s)
  await app.register(zoneRoutes, s)
  await app.register(deviceRoutes, s)
  for (const p of o.plugins ?? []) await app.register(p)
  if (o.dashboardDir && existsSync(o.dashboardDir)) {
    await app.register(fastifyStatic, { root: o.dashboardDir, prefix: '/', wildcard: false, index: ['index.html'] })
  } else {
    app.get('/', async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send('<!doctype html><meta charset="utf-8"><title>Smart-park hub</title><p>The dashboard is not built yet: run <code>npm run build</code>. API description at <a href="/docs">/docs</a>.</p>'),
    )
  }
}
