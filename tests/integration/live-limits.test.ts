import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHmac } from 'node:crypto'
import { io } from 'socket.io-client'
import type { Snapshot } from '../../hub/src/model/live-events.js'
import { api, eventually, login, startTestHub, type TestHub } from '../support/hub-harness.js'
import { connectLive, type LiveClient } from '../support/live-client.js'

/**
 * socket.io within limits (docs/security.md, "Socket limits", "Tokens"): a `subscribe` flood is
 * refused past the rate and the socket dropped; a socket ends when its token expires (or lives
 * on with `refresh`); a token without expiry is refused; the user as it is now is what counts.
 */
const SECRET = 'a-live-limits-test-secret-of-at-least-48-characters'

function sign(payload: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`
  return `${head}.${createHmac('sha256', SECRET).update(head).digest('base64url')}`
}
const nowSec = () => Math.floor(Date.now() / 1000)

/** Resolves with the `session_end` reason (if any) once the hub disconnects the socket. */
function ended(socket: LiveClient): Promise<{ reason: string | undefined; disconnect: string }> {
  let reason: string | undefined
  socket.on('session_end', (e) => (reason = e.reason))
  return new Promise((resolve) => socket.once('disconnect', (d) => resolve({ reason, disconnect: d })))
}

describe('socket.io within limits', () => {
  let t: TestHub
  const sockets: LiveClient[] = []
  beforeAll(async () => {
    t = await startTestHub({ env: { HUB_JWT_SECRET: SECRET, HUB_LIVE_EVENT_RATE: '5', HUB_LIVE_EVENT_BURST: '20', HUB_LIVE_FLOOD_DISCONNECT: '50' } })
  })
  afterAll(async () => {
    for (const s of sockets) s.disconnect()
    await t.stop()
  })
  const open = async (token: string) => {
    const c = await connectLive(t.http, token)
    sockets.push(c.socket)
    return c
  }

  it('refuses a subscribe flood past the rate and drops the socket; the hub stays responsive', async () => {
    const { socket } = await open(await login(t.http, 'viewer', 'viewer-demo'))
    let snapshots = 0
    let refused = 0
    socket.on('snapshot', () => snapshots++)
    const end = ended(socket)
    for (let i = 0; i < 2000 && socket.connected; i++) socket.emit('subscribe', { parks: ['vtc', 'glc'] }, (r) => { if (r.error === 'rate_limited') refused++ })
    const result = await Promise.race([end, new Promise<undefined>((r) => setTimeout(() => r(undefined), 8000))])
    console.log(`2000 subscribes on one socket: ${snapshots} snapshots sent, ${refused} refused acks, ended: ${JSON.stringify(result)}, hub: ${JSON.stringify(t.hub.live.stats?.())}`)
    expect(result?.reason).toBe('flood')
    expect(await (await fetch(`${t.http}/metrics`)).text()).toContain('smartpark_live_sockets_dropped_total{reason="flood"} 1')
    expect(snapshots).toBeLessThanOrEqual(25)
    expect((await fetch(`${t.http}/api/v1/health`)).status).toBeLessThan(500)
    const other = await open(await login(t.http, 'safety', 'safety-demo'))
    expect(other.snapshot.alarms).toBeDefined()
  })

  it('sizes the first snapshot to the parks asked for in the handshake', async () => {
    const token = await login(t.http, 'viewer', 'viewer-demo')
    const whole = await open(token)
    const socket: LiveClient = io(t.http, { path: '/socket.io', auth: { token, parks: ['vtc'] }, transports: ['websocket'], reconnection: false })
    sockets.push(socket)
    const sized = await new Promise<Snapshot>((resolve, reject) => {
      socket.once('snapshot', resolve)
      socket.once('connect_error', reject)
    })
    console.log(`first snapshot: whole zone ${JSON.stringify(whole.snapshot).length} bytes (${whole.snapshot.risk.length} parks), with auth.parks ['vtc'] ${JSON.stringify(sized).length} bytes (${sized.risk.map((r) => r.park).join(',')})`)
    expect(sized.risk.map((r) => r.park)).toEqual(['vtc'])
    expect(whole.snapshot.risk.length).toBeGreaterThan(1)
  })

  it('drops a socket when its token expires, unless the client refreshes it', async () => {
    const short = sign({ sub: 'viewer', roles: ['viewer'], iat: nowSec(), exp: nowSec() + 2 })
    const a = await open(short)
    const b = await open(short)
    const endA = ended(a.socket)
    const refreshed = await b.socket.emitWithAck('refresh', { token: sign({ sub: 'viewer', roles: ['viewer'], iat: nowSec(), exp: nowSec() + 3600 }) })
    expect(refreshed.ok).toBe(true)
    const started = Date.now()
    const result = await Promise.race([endA, new Promise<undefined>((r) => setTimeout(() => r(undefined), 6000))])
    console.log(`token with a 2 s expiry: socket ended after ${Date.now() - started} ms with ${JSON.stringify(result)}; the refreshed one connected: ${b.socket.connected}`)
    expect(result?.reason).toBe('token_expired')
    expect(b.socket.connected).toBe(true)
    // A refresh must be a valid token of the same user.
    expect((await b.socket.emitWithAck('refresh', { token: sign({ sub: 'safety', roles: ['safety'], exp: nowSec() + 60 }) })).ok).toBe(false)
  })

  it('refuses a token without an expiry, on REST and on the socket', async () => {
    const forever = sign({ sub: 'admin', roles: ['admin'], iat: nowSec() })
    const res = await api(t, 'GET', '/api/v1/zone', undefined, forever)
    expect(res.status).toBe(401)
    await expect(connectLive(t.http, forever)).rejects.toThrow(/unauthorized/)
  })

  it('reads the user as it is now: a role taken away or a user removed reaches tokens and sockets already given', async () => {
    const zoneUsers = t.hub.zone.users
    const safetyToken = await login(t.http, 'safety', 'safety-demo')
    const viewerToken = await login(t.http, 'viewer', 'viewer-demo')
    const { socket } = await open(viewerToken)
    const end = ended(socket)
    t.hub.users.replaceZoneUsers(zoneUsers.filter((u) => u.name !== 'viewer').map((u) => (u.name === 'safety' ? { ...u, roles: ['viewer' as const] } : u)))
    try {
      const result = await Promise.race([end, new Promise<undefined>((r) => setTimeout(() => r(undefined), 3000))])
      const action = await api(t, 'POST', '/api/v1/alarms/none/ack', { note: 'x' }, safetyToken)
      const removed = await api(t, 'GET', '/api/v1/zone', undefined, viewerToken)
      console.log(`viewer removed: socket ${JSON.stringify(result)}, REST ${removed.status}; safety made a viewer: alarm action ${action.status}`)
      expect(result?.reason).toBe('user_removed')
      expect(removed.status).toBe(401)
      expect(action.status).toBe(403)
    } finally {
      t.hub.users.replaceZoneUsers(zoneUsers)
    }
    await eventually(async () => (await api(t, 'GET', '/api/v1/zone', undefined, viewerToken)).status === 200, 2000, 'viewer back')
  })
})
