import { routePlugin } from '../route-plugin.js'
import { Type } from 'typebox'
import type { ApiServices } from '../services.js'
import { ErrorSchema, HttpError, unauthorized } from '../errors.js'
import { LoginLimiter } from '../login-limiter.js'
import { clampLimit, PAGE_SIZES, PagingQuery } from '../paging.js'
import { LoginReply } from '../schemas/auth.js'

const LoginBody = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false })
export const authRoutes = routePlugin<{ services: ApiServices }>('auth-routes', async (app, { services }) => {
  const limiter = services.loginLimiter ?? new LoginLimiter()
  app.post('/api/v1/auth/login', {
    schema: { tags: ['auth'], summary: 'Sign in: a bearer token for the API and socket.io', body: LoginBody, response: { 200: LoginReply, 401: ErrorSchema, 429: ErrorSchema } },
  }, async (req, reply) => {
    const now = Date.now()
    // Counted before the password check (login-limiter.ts): parallel guesses see each other.
    const admission = limiter.begin(req.body.username, req.ip, now)
    if (!admission.allowed) {
      const sec = Math.max(1, Math.ceil(admission.retryAfterMs / 1000))
      void reply.header('retry-after', sec)
      throw new HttpError(429, `too many sign-in attempts; try again in ${sec} s`)
    }
    const user = await services.users.verify(req.body.username, req.body.password)
    if (!user) {
      limiter.fail(admission.attempt)
      services.audit.record({ ts: now, user: req.body.username.slice(0, 64), ip: req.ip, action: 'auth.login', ok: false })
      req.log.warn({ username: req.body.username.slice(0, 64), ip: req.ip }, 'sign-in refused')
      throw unauthorized('wrong username or password')
    }
    limiter.succeed(admission.attempt, Date.now())
    services.audit.record({ ts: now, user: user.name, ip: req.ip, action: 'auth.login', ok: true })
    const token = app.jwt.sign({ sub: user.name, roles: user.roles })
    req.log.info({ user: user.name, ip: req.ip }, 'signed in')
    return { token, expiresAt: app.verifyToken(token)?.expiresAt ?? 0, user }
  })
})

export const auditRoutes = routePlugin<{ services: ApiServices }>('audit', async (app, { services }) => {
  app.get('/api/v1/audit', {
    onRequest: app.requireRole(),
    schema: {
      tags: ['auth'], summary: `Audit log of operator actions and sign-ins, newest first (admin). Paged: limit ${PAGE_SIZES.audit.default} by default, at most ${PAGE_SIZES.audit.max}; next is the following page's cursor`, security: [{ bearer: [] }],
      querystring: Type.Object({ user: Type.Optional(Type.String({ maxLength: 64 })), action: Type.Optional(Type.String({ maxLength: 64 })), from: Type.Optional(Type.Integer()), to: Type.Optional(Type.Integer()), ...PagingQuery }, { additionalProperties: false }),
    },
  }, async (req) => {
    // Paged over the log's newest entries in memory (at most 20,000): one past the page tells whether there is a next.
    const limit = clampLimit(req.query.limit, PAGE_SIZES.audit)
    const offset = req.query.cursor !== undefined ? Number(req.query.cursor) : 0
    const found = services.audit.query({ ...req.query, limit: offset + limit + 1 })
    return { entries: found.slice(offset, offset + limit), next: found.length > offset + limit ? String(offset + limit) : null, limit }
  })
})
