import type { FastifyPluginAsync } from 'fastify'
import { randomUUID } from 'node:crypto'
import { Type } from 'typebox'
import { routePlugin } from '../route-plugin.js'
import { ErrorSchema, HttpError, badRequest, conflict, notFound, tooManyRequests } from '../errors.js'
import { namedByIdInScope, seesPark } from '../scope.js'
import type { AuditLog } from '../audit.js'
import type { LoginLimiter } from '../login-limiter.js'
import type { Alarm } from '../../model/alarm.js'
import type { Roster, RosterPerson } from '../../model/notify.js'
import { isAlarmActionError } from '../../alarms/index.js'
import { onDuty, whoToReach, ZONE_SCOPE } from '../../notify/roster.js'
import { maskPhone, testText } from '../../notify/message-text.js'
import { isLive, nextStep } from '../../notify/escalation.js'
import { NotifyEditError } from '../../notify/overrides.js'
import { SecretInputError } from '../../notify/channel-secrets.js'
import { DIRECT_TYPES } from '../../notify/compose.js'
import type { NotifyService } from '../../notify/service.js'
import type { OutboundMessage } from '../../notify/types.js'
import {
  AckConfirmBody, AckConfirmReply, AckReply, ChannelsReply, DutyQuery, DutyReply, EscalationReply, LogQuery, LogReply, PoliciesBody, PoliciesReply,
  RosterReply, RostersReply, SecretBody, TestReply, TokenParams, type AckAlarm, type ChannelView, type EscalationReply as Escalation,
} from '../schemas/notify.js'

/**
 * Notifications (docs/notifications.md): who is on duty, rosters and policies (admins edit
 * them: validated like the zone file, audited, kept in the data dir), channels (secrets set,
 * never shown), the notification log, an alarm's escalation, and the personal
 * acknowledgement link (no sign-in: the token is the credential; GET shows, only POST
 * `{confirm: true}` acknowledges, so a chat's link preview acknowledges nothing). Without a
 * `notify` section the lists are empty and edits are refused (409).
 */
export interface NotifyRouteServices {
  notify: NotifyService | undefined
  alarms: { get(id: string): Alarm | undefined }
  alarmsDurable(): Promise<void>
  audit: AuditLog
  /** Token guessing at the acknowledgement link is limited as sign-ins are (per address). */
  limiter: LoginLimiter | undefined
}

const sec = [{ bearer: [] }]
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 429: ErrorSchema }
const ScopeParams = Type.Object({ scope: Type.String({ maxLength: 64 }) })
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) })

function masked(p: RosterPerson): RosterPerson {
  return p.phone === undefined ? p : { ...p, phone: maskPhone(p.phone)! }
}

function rosterView(r: Roster, admin: boolean): Roster {
  return admin ? r : { ...r, people: r.people.map(masked) }
}

function ackAlarm(a: Alarm): AckAlarm {
  return { id: a.id, park: a.park, device: a.device, type: a.type, level: a.level, value: a.value ?? null, threshold: a.threshold ?? null, raisedAt: a.raisedAt, ack: a.ack }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return ''
  }
}

export function notifyRoutes(s: NotifyRouteServices): FastifyPluginAsync {
  return routePlugin('notify', async (app) => {
    const configured = (): NotifyService => {
      if (!s.notify) throw conflict('notifications are not configured: the zone file has no notify section')
      return s.notify
    }
    const isAdmin = (roles: readonly string[]): boolean => roles.includes('admin')

    app.get('/api/v1/notify/duty', {
      onRequest: app.signedIn,
      schema: { tags: ['notify'], summary: 'Who is on duty now, per park roster (and the zone roster), phones masked', security: sec, querystring: DutyQuery, response: { 200: DutyReply } },
    }, async (req) => {
      const n = s.notify
      const at = Date.now()
      if (!n) return { at, entries: [] }
      const now = n.clock()
      const rosters = n.overrides.rosters().filter((r) => (r.scope === ZONE_SCOPE || seesPark(req.user, r.scope)) && (req.query.park === undefined || r.scope === req.query.park || r.scope === ZONE_SCOPE))
      const roles = (r: Roster): string[] => [...new Set(r.people.map((p) => p.role))]
      const entries = rosters.map((r) => {
        const d = onDuty(r, now, n.timezone)
        const fallback = r.scope === ZONE_SCOPE ? [] : whoToReach(n.overrides.rosters(), r.scope, roles(r), now, n.timezone).fallback
        return { scope: r.scope, shift: d.shift, people: d.people.map((p) => ({ id: p.id, name: p.name, role: p.role, ...(p.phone ? { phone: maskPhone(p.phone)! } : {}), ...(p.lang ? { lang: p.lang } : {}) })), fallback }
      })
      return { at: now, entries }
    })

    app.get('/api/v1/notify/rosters', {
      onRequest: app.signedIn,
      schema: { tags: ['notify'], summary: 'Duty rosters in force (zone file with admins\' edits); phones masked unless admin', security: sec, response: { 200: RostersReply } },
    }, async (req) => {
      const rosters = s.notify?.overrides.rosters() ?? []
      return { rosters: rosters.filter((r) => r.scope === ZONE_SCOPE || seesPark(req.user, r.scope)).map((r) => rosterView(r, isAdmin(req.user.roles))) }
    })

    app.put('/api/v1/notify/rosters/:scope', {
      onRequest: app.requireRole(),
      schema: { tags: ['notify'], summary: 'Replace the roster of a park (or `zone`): checked like the zone file, audited, kept across restarts', security: sec, params: ScopeParams, body: Type.Unknown(), response: { 200: RosterReply, ...errors } },
    }, async (req) => {
      const n = configured()
      try {
        const roster = await n.overrides.editRoster(req.params.scope, req.body)
        s.audit.record({ ts: Date.now(), user: req.user.name, ip: req.ip, action: 'notify.roster', target: roster.scope, ok: true, detail: `${roster.people.length} people, ${roster.shifts.length} shifts${roster.rotation ? ', rotation' : ''}` })
        return { roster }
      } catch (err) {
        if (err instanceof NotifyEditError) throw badRequest(`roster: ${err.message}`)
        throw err
      }
    })

    app.get('/api/v1/notify/policies', {
      onRequest: app.signedIn,
      schema: { tags: ['notify'], summary: 'Routing and escalation policies in force (first match wins)', security: sec, response: { 200: PoliciesReply } },
    }, async () => ({ policies: s.notify?.overrides.policies() ?? [] }))

    app.put('/api/v1/notify/policies', {
      onRequest: app.requireRole(),
      schema: { tags: ['notify'], summary: 'Replace the policies (the whole ordered list): checked like the zone file, audited, kept across restarts', security: sec, body: PoliciesBody, response: { 200: PoliciesReply, ...errors } },
    }, async (req) => {
      const n = configured()
      try {
        const policies = await n.overrides.editPolicies(req.body.policies)
        s.audit.record({ ts: Date.now(), user: req.user.name, ip: req.ip, action: 'notify.policies', target: 'policies', ok: true, detail: `${policies.length} policies` })
        return { policies }
      } catch (err) {
        if (err instanceof NotifyEditError) throw badRequest(`policies: ${err.message}`)
        throw err
      }
    })

    app.get('/api/v1/notify/channels', {
      onRequest: app.signedIn,
      schema: { tags: ['notify'], summary: 'Channels with their health and delivery counters (host only; never a key or secret)', security: sec, response: { 200: ChannelsReply } },
    }, async (req) => {
      const n = s.notify
      if (!n) return { channels: [] }
      const stats = new Map(n.delivery.stats().map((x) => [x.id, x]))
      const channels: ChannelView[] = n.channels.filter((c) => c.park === undefined || seesPark(req.user, c.park)).map((c) => {
        const st = stats.get(c.id)
        return {
          id: c.id, type: c.type, park: c.park ?? null, url: hostOf(c.url), healthy: st?.healthy ?? true,
          sent: st?.sent ?? 0, failed: st?.failed ?? 0, retried: st?.retried ?? 0, rateLimited: st?.rateLimited ?? 0, backlog: st?.backlog ?? 0,
          lastError: st?.lastError ?? null, lastSentAt: st?.lastSentAt ?? null, hasSecret: n.secrets.has(c.id), usable: n.usable(c.id),
          resent: st?.resent ?? 0, latencyP50: st?.latencyP50 ?? null, latencyP99: st?.latencyP99 ?? null,
        }
      })
      return { channels }
    })

    app.put('/api/v1/notify/channels/:id/secret', {
      onRequest: app.requireRole(),
      schema: { tags: ['notify'], summary: 'Set a channel\'s key and/or secret (kept 0600 in the data dir; never shown again, never logged)', security: sec, params: IdParams, body: SecretBody, response: { 204: Type.Null(), ...errors } },
    }, async (req, reply) => {
      const n = configured()
      if (!n.channels.some((c) => c.id === req.params.id)) throw notFound(`channel ${req.params.id} not found`)
      if (req.body.key === undefined && req.body.secret === undefined) throw badRequest('give key, secret or both')
      try {
        await n.secrets.set(req.params.id, req.body)
      } catch (err) {
        // The message names the field and what is wrong with it, never its value.
        if (err instanceof SecretInputError) throw badRequest(err.message)
        throw err
      }
      s.audit.record({ ts: Date.now(), user: req.user.name, ip: req.ip, action: 'notify.secret', target: req.params.id, ok: true, detail: ['key', 'secret'].filter((f) => (req.body as Record<string, unknown>)[f] !== undefined).join(', ') })
      return reply.status(204).send()
    })

    app.post('/api/v1/notify/channels/:id/test', {
      onRequest: app.requireRole('safety'),
      schema: { tags: ['notify'], summary: 'Send a test message on a channel (SMS and voice: to the first person on duty with a phone)', security: sec, params: IdParams, body: Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]), response: { 200: TestReply, ...errors } },
    }, async (req) => {
      const n = configured()
      const c = n.channels.find((x) => x.id === req.params.id)
      if (!c || (c.park !== undefined && !seesPark(req.user, c.park))) throw notFound(`channel ${req.params.id} not found`)
      const now = n.clock()
      const people = n.overrides.rosters().filter((r) => r.scope === (c.park ?? ZONE_SCOPE) || r.scope === ZONE_SCOPE).flatMap((r) => onDuty(r, now, n.timezone).people)
      const person = people.find((p) => p.phone)
      if (DIRECT_TYPES.has(c.type) && !person) throw conflict(`nobody on duty with a phone for ${c.id}`)
      const w = testText(c.id, 'zh-CN')
      const to = DIRECT_TYPES.has(c.type) && person ? [{ person: person.id, name: person.name, phone: person.phone, lang: person.lang ?? 'zh-CN' as const }] : []
      const m: OutboundMessage = { id: `test:${c.id}:${now}:${randomUUID().slice(0, 8)}`, channel: c.id, kind: 'test', park: c.park, alarm: undefined, incident: undefined, tier: 0, to, title: w.title, text: w.text, markdown: w.markdown, params: w.params, link: undefined, decidedAt: now }
      await n.outbox.add(m)
      return { message: m.id }
    })

    app.get('/api/v1/notify/log', {
      onRequest: app.signedIn,
      schema: { tags: ['notify'], summary: 'The notification log, newest first: what was decided, to whom (phones masked), its delivery state', security: sec, querystring: LogQuery, response: { 200: LogReply } },
    }, async (req) => {
      const n = s.notify
      if (!n) return { entries: [] }
      const q = req.query
      if (q.park !== undefined && !seesPark(req.user, q.park)) return { entries: [] }
      const rows = n.outbox.log({ alarm: q.alarm, park: q.park, limit: Math.min(1000, (q.limit ?? 100) * (req.user.scope ? 4 : 1)) })
      const entries = rows
        .filter((e) => (e.park === undefined ? !req.user.scope : seesPark(req.user, e.park)))
        .slice(0, q.limit ?? 100)
        .map((e) => ({
          id: e.id, ts: e.ts, kind: e.kind, channel: e.channel, park: e.park ?? null, alarm: e.alarm ?? null, incident: e.incident ?? null, tier: e.tier, title: e.title,
          to: e.to.map((t) => ({ person: t.person, name: t.name, phone: t.phone ?? null })), state: e.state, attempts: e.attempts, resent: e.resent, latencyMs: e.latencyMs ?? null, error: e.error ?? null,
        }))
      return { entries }
    })

    app.get('/api/v1/alarms/:id/escalation', {
      onRequest: app.signedIn,
      preHandler: async (req) => namedByIdInScope(req.user, req.params, (id) => s.alarms.get(id), 'alarm'),
      schema: { tags: ['notify'], summary: 'An alarm\'s escalation: state, tier reached, next step (tier, when, roles, channels), who stopped it through which channel', security: sec, params: IdParams, response: { 200: EscalationReply, 404: ErrorSchema } },
    }, async (req): Promise<Escalation> => {
      if (!s.alarms.get(req.params.id)) throw notFound(`alarm ${req.params.id} not found`)
      const e = s.notify?.notifier.escalationOf(req.params.id)
      if (!e) return { alarm: req.params.id, state: 'none', tier: null, next: null, stoppedBy: null, via: null }
      const waitingFor: ('acknowledgement' | 'dispatch')[] = []
      if (isLive(e) && !e.acked) waitingFor.push('acknowledgement')
      if (isLive(e) && e.plan.needsDispatch && !e.dispatched) waitingFor.push('dispatch')
      return {
        alarm: req.params.id, state: e.phase, tier: e.tier >= 0 ? e.tier : null, next: isLive(e) ? nextStep(e) : null,
        stoppedBy: e.stoppedBy ?? null, via: e.subject === 'incident' ? e.key : null, waitingFor,
      }
    })

    // ── the personal acknowledgement link: no sign-in, the token is the credential ──
    const claimOf = async (req: { ip: string; params: { '*': string } }): Promise<{ n: NotifyService; alarm: Alarm; person: RosterPerson; expiresAt: number }> => {
      const n = configured()
      const now = n.clock()
      const admission = s.limiter?.begin('notify-ack-link', req.ip, Date.now())
      if (admission && !admission.allowed) throw tooManyRequests(`too many wrong links; try again in ${Math.ceil(admission.retryAfterMs / 1000)} s`)
      const check = n.ackLinks.check(req.params['*'], now)
      if (!check.ok) {
        if (admission?.allowed) s.limiter?.fail(admission.attempt)
        throw notFound(check.reason === 'expired' ? 'this link has expired' : 'no such link')
      }
      if (admission?.allowed) s.limiter?.succeed(admission.attempt, Date.now())
      const alarm = n.alarms.get(check.claim.alarm)
      if (!alarm) throw notFound(`alarm ${check.claim.alarm} not found`)
      const person = n.overrides.rosters().flatMap((r) => r.people).find((p) => p.id === check.claim.person)
      if (!person) throw new HttpError(403, 'this link\'s person is no longer on a duty roster')
      return { n, alarm, person, expiresAt: check.claim.expiresAt }
    }

    // A wildcard, not `:token`: a token is longer than the router's limit on a parameter (100).
    app.get('/api/v1/ack/*', {
      schema: { tags: ['notify'], summary: 'Open a personal acknowledgement link: shows the alarm and whose link it is; acknowledges nothing', params: TokenParams, response: { 200: AckReply, ...errors } },
    }, async (req) => {
      const { alarm, person, expiresAt } = await claimOf(req)
      return { alarm: ackAlarm(alarm), person: { id: person.id, name: person.name }, expiresAt }
    })

    app.post('/api/v1/ack/*', {
      schema: { tags: ['notify'], summary: 'Confirm a personal acknowledgement link ({confirm: true}): acknowledges the alarm as that person, channel `link`', params: TokenParams, body: AckConfirmBody, response: { 200: AckConfirmReply, ...errors } },
    }, async (req) => {
      const { n, alarm, person } = await claimOf(req)
      if (alarm.ack === 'acked') throw conflict(`alarm ${alarm.id} is already acknowledged`)
      const actor = `${person.name} (${person.id})`
      try {
        const acked = n.alarms.ack(alarm.id, actor, { channel: 'link', note: req.body.note })
        await s.alarmsDurable()
        s.audit.record({ ts: Date.now(), user: actor, ip: req.ip, action: 'alarm.ack.link', target: alarm.id, ok: true })
        return { alarm: ackAlarm(acked) }
      } catch (err) {
        if (isAlarmActionError(err)) throw new HttpError(err.statusCode, err.message)
        throw err
      }
    })
  })
}
