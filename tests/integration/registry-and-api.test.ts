import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFile } from 'node:fs/promises'
import { api, connectMqtt, login, startTestHub, type TestHub } from '../support/hub-harness.js'
import { connectedClients } from '../../hub/src/broker/aedes-internals.js'

const gasDevice = (id: string) => ({ id, kind: 'gas', type: 'toxic', park: 'vtc', enterprise: 'vtc-ti01', name: `氯气探测器 ${id}`, metrics: ['cl2'], position: { x: 1, y: 2 }, interval: 5 })

describe('device registry: run-time changes survive a restart', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'smartpark-reg-'))
  })
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('keeps a provisioned device and a retirement across a restart; the secret is shown once, stored only as a hash, and not kept in memory once checked', async () => {
    const db = `reg_${Date.now()}`
    let t = await startTestHub({ dataDir, db })
    const created = await api<{ secret: string }>(t, 'POST', '/api/v1/devices', gasDevice('rt-cl2-001'))
    expect(created.status).toBe(201)
    const secret = created.body.secret
    expect(secret).toMatch(/^[A-Za-z0-9_-]{22}$/)
    const retired = await api(t, 'DELETE', '/api/v1/devices/vtc-ti01-gas-009')
    expect(retired.status).toBe(200)
    const list = await api<{ devices: Record<string, unknown>[] }>(t, 'GET', '/api/v1/devices?park=vtc')
    const mine = list.body.devices.find((d) => d.id === 'rt-cl2-001')!
    expect(mine).toMatchObject({ id: 'rt-cl2-001', kind: 'gas', online: false, lastSeen: null })
    expect(JSON.stringify(list.body)).not.toContain('secret')
    const onDisk = await readFile(join(dataDir, 'registry.json'), 'utf8')
    expect(onDisk).not.toContain(secret)
    await t.stop({ keepData: true })

    t = await startTestHub({ dataDir, db })
    try {
      const again = await api<{ devices: { id: string }[] }>(t, 'GET', '/api/v1/devices?park=vtc')
      const ids = again.body.devices.map((d) => d.id)
      expect(ids).toContain('rt-cl2-001')
      expect(ids).not.toContain('vtc-ti01-gas-009')
      const c = await connectMqtt(t.mqttUrl, { username: 'rt-cl2-001', password: secret })
      // Nor in memory once checked: the CONNECT packet aedes's parser keeps holds no secret.
      const kept = Object.values(connectedClients(t.hub.broker.aedes)).map((cl) => (cl as unknown as { _parser: { settings: { username?: string; password?: Buffer } } })._parser.settings)
      const connect = kept.find((p) => p.username === 'rt-cl2-001')!
      expect(connect.password!.length).toBe(Buffer.byteLength(secret))
      expect(connect.password!.toString()).not.toContain(secret)
      expect([...connect.password!].every((b) => b === 0)).toBe(true)
      c.end(true)
      const dup = await api(t, 'POST', '/api/v1/devices', gasDevice('rt-cl2-001'))
      expect(dup.status).toBe(409)
    } finally {
      await t.stop({ keepData: true })
    }
  })
})

describe('REST: auth, roles and errors', () => {
  let t: TestHub
  beforeAll(async () => {
    t = await startTestHub()
  })
  afterAll(async () => t.stop())

  it('gives a token for a right password and 401 for a wrong one', async () => {
    expect(await login(t.http, 'viewer', 'viewer-demo')).toMatch(/^ey/)
    const r = await fetch(`${t.http}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'viewer', password: 'nope' }) })
    expect(r.status).toBe(401)
    expect(await r.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'wrong username or password', code: 'UNAUTHORIZED' })
  })

  it('answers 401 without a token, with a tampered token, and 403 for the wrong role', async () => {
    for (const path of ['/api/v1/zone', '/api/v1/devices', '/api/v1/devices/vtc-ti01-gas-009/latest']) {
      const none = await fetch(`${t.http}${path}`)
      expect(none.status, path).toBe(401)
      const tampered = await fetch(`${t.http}${path}`, { headers: { authorization: `Bearer ${t.adminToken.slice(0, -3)}abc` } })
      expect(tampered.status, path).toBe(401)
    }
    const viewer = await login(t.http, 'viewer', 'viewer-demo')
    const r = await api(t, 'POST', '/api/v1/devices', gasDevice('rt-x'), viewer)
    expect(r.status).toBe(403)
    const del = await api(t, 'DELETE', '/api/v1/devices/vtc-ti01-gas-009', undefined, viewer)
    expect(del.status).toBe(403)
  })

  it('answers 400 with a JSON error for schema-invalid input, never a stack trace', async () => {
    const bad = await api<{ statusCode: number; error: string; message: string }>(t, 'POST', '/api/v1/devices', { ...gasDevice('rt-y'), kind: 'toaster' })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toBe('Bad Request')
    expect(JSON.stringify(bad.body)).not.toMatch(/at .*\.ts:\d+/)
    const metric = await api(t, 'POST', '/api/v1/devices', { ...gasDevice('rt-z'), metrics: ['kwh'] })
    expect(metric.status).toBe(400)
    const park = await api(t, 'POST', '/api/v1/devices', { ...gasDevice('rt-w'), park: 'nowhere' })
    expect(park.status).toBe(400)
    const series = await api(t, 'GET', '/api/v1/devices/vtc-ti01-gas-009/series?metric=lel&every=forever')
    expect(series.status).toBe(400)
    const unknownMetric = await api(t, 'GET', '/api/v1/devices/vtc-ti01-gas-009/series?metric=co')
    expect(unknownMetric.status).toBe(400)
    const missing = await api(t, 'GET', '/api/v1/devices/none/latest')
    expect(missing.status).toBe(404)
    const notJson = await fetch(`${t.http}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' })
    expect(notJson.status).toBe(400)
  })

  it('describes the zone with parks, grades and enterprises, and serves OpenAPI at /docs', async () => {
    const z = await api<{ zone: { id: string }; parks: { id: string; kind: string; grade?: string; enterprises: unknown[] }[] }>(t, 'GET', '/api/v1/zone')
    expect(z.body.zone.id).toBe('pzh-vti')
    const chemical = z.body.parks.filter((p) => p.kind === 'chemical')
    expect(chemical.map((p) => p.grade)).toEqual(['C', 'C'])
    expect(z.body.parks.length).toBeGreaterThanOrEqual(4)
    const doc = await (await fetch(`${t.http}/docs/json`)).json() as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/health', '/api/v1/devices', '/api/v1/devices/{id}/series']))
  })
})
