import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import http from 'node:http'
import { UserDirectory } from '../../hub/src/config/users.js'
import { ADMIN_PASSWORD, startTestHub, type TestHub } from '../support/hub-harness.js'

/**
 * Sign-in limiting under concurrency (docs/security.md, "Sign-in limiting"): 400 guesses sent
 * at once reach the password check at most the limit's number of times, a stranger cannot lock
 * the admin out, and X-Forwarded-For counts only from a trusted proxy.
 */
describe('sign-in limits under concurrency', () => {
  let t: TestHub
  let checks = 0
  const original = UserDirectory.prototype.verify
  const agent = new http.Agent({ keepAlive: true, maxSockets: 40 })

  beforeAll(async () => {
    // The test's own loopback address 127.0.0.1 is the trusted proxy; 127.0.0.2 is not.
    t = await startTestHub({ env: { HUB_TRUSTED_PROXIES: '127.0.0.1/32', HUB_LOGIN_MAX_PER_ACCOUNT_ADDRESS: '10', HUB_LOGIN_MAX_PER_ADDRESS: '50' } })
    UserDirectory.prototype.verify = async function (this: UserDirectory, name: string, password: string) {
      checks++
      return original.call(this, name, password)
    }
  })
  afterAll(async () => {
    UserDirectory.prototype.verify = original
    agent.destroy()
    await t.stop()
  })

  const signIn = (username: string, password: string, o: { forwardedFor?: string; localAddress?: string } = {}): Promise<number> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ username, password })
      const url = new URL(`${t.http}/api/v1/auth/login`)
      const req = http.request({
        host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent: o.localAddress ? undefined : agent, localAddress: o.localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(o.forwardedFor ? { 'x-forwarded-for': o.forwardedFor } : {}) },
      }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      req.on('error', reject)
      req.end(body)
    })

  it('lets at most the per-(account, address) limit of 400 parallel wrong passwords reach the password check', async () => {
    checks = 0
    const statuses = await Promise.all(Array.from({ length: 400 }, () => signIn('admin', 'wrong-guess', { forwardedFor: '127.0.0.77' })))
    const count = (s: number) => statuses.filter((x) => x === s).length
    console.log(`400 parallel wrong passwords: ${checks} password checks, ${count(401)} × 401, ${count(429)} × 429`)
    expect(checks).toBeLessThanOrEqual(10)
    expect(count(401)).toBeLessThanOrEqual(10)
    expect(count(401) + count(429)).toBe(400)
    const metrics = await (await fetch(`${t.http}/metrics`)).text()
    const refused = Number(/smartpark_login_attempts_total\{outcome="refused"\} (\d+)/.exec(metrics)?.[1])
    expect(refused).toBeGreaterThanOrEqual(390)
  })

  it('still lets the admin sign in from another address', async () => {
    expect(await signIn('admin', ADMIN_PASSWORD, { forwardedFor: '127.0.0.78' })).toBe(200)
    // The attacker's address stays refused, even with the right password.
    expect(await signIn('admin', ADMIN_PASSWORD, { forwardedFor: '127.0.0.77' })).toBe(429)
  })

  it('takes the client behind a trusted proxy as the client: /metrics is not loopback-only for it', async () => {
    const status = (forwardedFor?: string) => new Promise<number>((resolve, reject) => {
      const url = new URL(`${t.http}/metrics`)
      http.get({ host: url.hostname, port: url.port, path: url.pathname, agent, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      }).on('error', reject)
    })
    const direct = await status()
    const forwarded = await status('127.0.0.77')
    console.log(`/metrics from the trusted proxy itself: ${direct}; for a client behind it: ${forwarded}`)
    expect([direct, forwarded]).toEqual([200, 401])
  })

  it('caps one address over all accounts, and ignores X-Forwarded-For from an untrusted peer', async () => {
    checks = 0
    // 127.0.0.2 is not a trusted proxy: its forwarded addresses are ignored, all count as 127.0.0.2.
    const statuses = await Promise.all(Array.from({ length: 120 }, (_, i) => signIn(`user-${i % 30}`, 'nope', { localAddress: '127.0.0.2', forwardedFor: `127.0.1.${i}` })))
    const refused = statuses.filter((s) => s === 429).length
    console.log(`120 sign-ins from an untrusted peer with forged X-Forwarded-For: ${checks} password checks, ${refused} × 429`)
    expect(checks).toBeLessThanOrEqual(50)
    expect(refused).toBeGreaterThanOrEqual(70)
    // Another peer is not affected.
    expect(await signIn('viewer', 'viewer-demo', { localAddress: '127.0.0.3' })).toBe(200)
  })
})
