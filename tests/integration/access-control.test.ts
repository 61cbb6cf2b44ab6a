import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHmac } from 'node:crypto'
import { io } from 'socket.io-client'
import { login, startTestHub, type TestHub } from '../support/hub-harness.js'

const SECRET = 'an-access-control-test-secret-of-48-characters!!'

function sign(payload: Record<string, unknown>, secret = SECRET): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`
}

describe('access control on every route and on the socket', () => {
  let t: TestHub
  let routes: { method: string; path: string; secured: boolean }[]
  beforeAll(async () => {
    t = await startTestHub({ env: { HUB_JWT_SECRET: SECRET } })
    const doc = (await (await fetch(`${t.http}/docs/json`)).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> }
    routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'x'), secured: (op.security?.length ?? 0) > 0 })),
    )
  })
  afterAll(async () => t.stop())

  const call = (r: { method: string; path: string }, token?: string, body?: unknown) =>
    fetch(`${t.http}${r.path}`, {
      method: r.method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(r.method !== 'GET' && r.method !== 'DELETE' ? { 'content-type': 'application/json' } : {}) },
      body: r.method !== 'GET' && r.method !== 'DELETE' ? JSON.stringify(body ?? {}) : null,
    })

  it('documents the secured routes in OpenAPI', () => {
    expect(routes.filter((r) => r.secured).length).toBeGreaterThan(20)
  })

  it('answers 401 with no token, a tampered token, a token signed with another key, and an expired token', async () => {
    const exp = Math.floor(Date.now() / 1000)
    const expired = sign({ sub: 'admin', roles: ['admin'], iat: exp - 7200, exp: exp - 3600 })
    const foreign = sign({ sub: 'admin', roles: ['admin'], iat: exp, exp: exp + 3600 }, 'x'.repeat(48))
    const valid = sign({ sub: 'admin', roles: ['admin'], iat: exp, exp: exp + 3600 })
    const tampered = `${valid.split('.')[0]}.${Buffer.from(JSON.stringify({ sub: 'admin', roles: ['admin'], exp: exp + 9999 })).toString('base64url')}.${valid.split('.')[2]}`
    for (const r of routes.filter((x) => x.secured)) {
      for (const [name, token] of [['none', undefined], ['tampered', tampered], ['foreign', foreign], ['expired', expired]] as const) {
        const res = await call(r, token)
        expect(res.status, `${r.method} ${r.path} with ${name} token`).toBe(401)
        const body = (await res.json()) as { statusCode: number; error: string }
        expect(body.statusCode).toBe(401)
      }
    }
    const ok = await call({ method: 'GET', path: '/api/v1/zone' }, valid)
    expect(ok.status).toBe(200)
  })

  it('answers 403 to a viewer on every state-changing route', async () => {
    const viewer = await login(t.http, 'viewer', 'viewer-demo')
    for (const r of routes.filter((x) => x.secured && x.method !== 'GET')) {
      const res = await call(r, viewer, {})
      expect(res.status, `${r.method} ${r.path} as viewer`).toBe(403)
    }
  })

  it('answers 400 to schema-invalid bodies', async () => {
    const admin = t.adminToken
    const bad = [
      [{ method: 'POST', path: '/api/v1/devices' }, { id: 'x' }],
      [{ method: 'POST', path: '/api/v1/incidents' }, { park: 'vtc', level: 9, hazard: 'gas' }],
      [{ method: 'POST', path: '/api/v1/alarms/x/ack' }, { note: { text: 'x' } }],
      [{ method: 'POST', path: '/api/v1/alarms/x/ack' }, { surprise: true }],
      [{ method: 'POST', path: '/api/v1/auth/login' }, { username: '' }],
    ] as const
    for (const [r, body] of bad) {
      const res = await call(r, admin, body)
      expect(res.status, `${r.method} ${r.path} ${JSON.stringify(body)}`).toBe(400)
    }
  })

  it('refuses the socket without a token, with an expired one, and with a forged one', async () => {
    const exp = Math.floor(Date.now() / 1000)
    for (const token of [undefined, sign({ sub: 'admin', roles: ['admin'], exp: exp - 10 }), sign({ sub: 'admin', roles: ['admin'], exp: exp + 60 }, 'y'.repeat(48))]) {
      const err = await new Promise<Error>((resolve, reject) => {
        const s = io(t.http, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false })
        s.once('connect', () => {
          s.close()
          reject(new Error('connected'))
        })
        s.once('connect_error', (e) => {
          s.close()
          resolve(e)
        })
      })
      expect(err.message).toMatch(/unauthorized/)
    }
  })

  it('limits failed sign-ins and keeps an audit log that admins can query', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await call({ method: 'POST', path: '/api/v1/auth/login' }, undefined, { username: 'energy', password: `guess-${i}` })
      expect(r.status).toBe(401)
    }
    const limited = await call({ method: 'POST', path: '/api/v1/auth/login' }, undefined, { username: 'energy', password: 'energy-demo' })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    const audit = await fetch(`${t.http}/api/v1/audit?action=auth.login&user=energy`, { headers: { authorization: `Bearer ${t.adminToken}` } })
    const entries = ((await audit.json()) as { entries: { ok: boolean; ip: string }[] }).entries
    expect(entries.filter((e) => !e.ok)).toHaveLength(10)
    expect(entries[0]!.ip).toBe('127.0.0.1')
    const viewer = await login(t.http, 'viewer', 'viewer-demo')
    expect((await fetch(`${t.http}/api/v1/audit`, { headers: { authorization: `Bearer ${viewer}` } })).status).toBe(403)
  })
})
