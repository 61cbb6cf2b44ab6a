import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { routePlugin } from '../route-plugin.js'
import { ErrorSchema, badRequest, notFound } from '../errors.js'
import { UpstreamPwBody, UpstreamsReply, type UpstreamStatusView } from '../schemas/hj212-upstreams.js'
import type { UpstreamStatus } from '../../hj212/upstream-client.js'
import type { AuditEntry } from '../audit.js'

/** What the routes need of the forwarder (hj212/forwarder.ts). */
export interface UpstreamService {
  status(): (UpstreamStatus & { pwSet: boolean })[]
  skipped(): Record<string, number>
  has(id: string): boolean
  setPw(id: string, pw: string): Promise<boolean>
  /** The audit log (api/audit.ts): who set which upstream's PW, never the PW. */
  audit?: (e: AuditEntry) => void
}

const view = (s: UpstreamStatus & { pwSet: boolean }): UpstreamStatusView => ({
  ...s,
  name: s.name ?? undefined,
  since: s.since ?? null,
  lastAnswer: s.lastAnswer ? { at: s.lastAnswer.at, cn: s.lastAnswer.cn, qn: s.lastAnswer.qn ?? null } : null,
  lastError: s.lastError ?? null,
  missingPw: s.missingPw ?? null,
})

/**
 * HJ 212 forwarding to upstream platforms (docs/hj212.md): each upstream's link and backlog,
 * for the admin and the safety officer; its PW set by the admin only, and never read back.
 */
export function hj212Routes(upstreams: UpstreamService): FastifyPluginAsync {
  return routePlugin('hj212', async (app) => {
    const security = [{ bearer: [] }]
    app.get('/api/v1/hj212/upstreams', {
      onRequest: app.requireRole('safety'),
      schema: { tags: ['hj212'], summary: 'Upstream platforms: connected, last answer, backlog', security, response: { 200: UpstreamsReply } },
    }, async () => ({ upstreams: upstreams.status().map(view), skipped: upstreams.skipped() }))

    app.put('/api/v1/hj212/upstreams/:id/pw', {
      onRequest: app.requireRole(),
      schema: {
        tags: ['hj212'], summary: 'Set an upstream platform\'s PW (kept in the data dir, 0600; never returned). Cluster mode: every node\'s, 503 without a NATS quorum', security,
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }), body: UpstreamPwBody,
        response: { 204: Type.Null(), 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    }, async (req, reply) => {
      if (!upstreams.has(req.params.id)) throw notFound(`upstream ${req.params.id} not found`)
      if (!(await upstreams.setPw(req.params.id, req.body.pw))) throw badRequest('the PW must be 1–32 characters without ; , = & or spaces')
      upstreams.audit?.({ ts: Date.now(), user: req.user.name, ip: req.ip, action: 'hj212.upstream_pw', target: req.params.id, ok: true })
      return reply.code(204).send()
    })
  })
}
