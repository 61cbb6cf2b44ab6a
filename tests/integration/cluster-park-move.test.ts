import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { MqttClient } from 'mqtt'
import { connectMqtt, eventually, login, startTestHub, type TestHub } from '../support/hub-harness.js'
import { startHubProcess, type HubProcess } from '../support/hub-process.js'
import { startTestNats, type TestNats } from '../support/cluster-harness.js'
import type { HealthReport } from '../../hub/src/api/services.js'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { ClusterReply, MoveReply } from '../../hub/src/api/routes/cluster.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

/**
 * An operator's park move through the API (docs/cluster.md): three hub processes on three real
 * nats-servers; GET /api/v1/cluster lists the nodes, the parks each runs and their leases; a
 * park is moved from its owner to another node through a third node's API; it pauses briefly
 * (measured), its open alarm keeps its id on the new owner, which continues its condition.
 * Bad moves are refused with their reason; a single-node hub says it is not clustered.
 */
const secrets = credentials.devices as Record<string, string>
const ADMIN = 'move-admin-pw'
const PARK = 'vtc'
const ALARM_DEVICE = 'vtc-ti01-gas-010'
const topicOf = (d: string) => `parks/vtc/vtc-ti01/${d}/telemetry`

interface Node { id: string; hub: HubProcess; token?: string }

async function call<T>(n: Node, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  n.token ??= await login(n.hub.http, 'admin', ADMIN)
  const r = await fetch(`${n.hub.http}${path}`, {
    method, headers: { authorization: `Bearer ${token ?? n.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: r.status, body: (await r.json()) as T }
}
const owned = async (n: Node): Promise<string[]> => (await call<HealthReport>(n, 'GET', '/api/v1/health')).body.cluster?.parks?.owned ?? []

const connect = (url: string, id: string): Promise<MqttClient> => connectMqtt(url, { username: id, password: secrets[id]!, clientId: `${id}-mv-${randomBytes(3).toString('hex')}` })

describe('cluster park move through the API', () => {
  let nats: TestNats
  let dir: string
  const nodes: Node[] = []
  const clients: MqttClient[] = []
  const db = `t_${randomBytes(6).toString('hex')}`

  beforeAll(async () => {
    nats = await startTestNats()
    dir = await mkdtemp(join(tmpdir(), 'smartpark-move-'))
    const hubs = await Promise.all([0, 1, 2].map((i) => startHubProcess({
      HUB_NATS_URL: nats.urls, HUB_NODE_ID: `mv-${i}`, HUB_DATA_DIR: join(dir, `n${i}`), INFLUX_URL: inject('influxUrl'), INFLUX_DB: db, HUB_ADMIN_PASSWORD: ADMIN,
    })))
    for (const [i, hub] of hubs.entries()) nodes.push({ id: `mv-${i}`, hub })
  }, 120_000)
  afterAll(async () => {
    for (const c of clients) c.end(true)
    for (const n of nodes) await n.hub.kill9()
    await nats?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('moves a park from its owner to another node through a third node: a short pause, the same alarm id', async () => {
    // Every park owned once, as GET /api/v1/cluster says on any node.
    const before = await eventually(async () => {
      const r = await call<ClusterReply>(nodes[0]!, 'GET', '/api/v1/cluster')
      return r.status === 200 && r.body.parks.length > 0 && r.body.parks.every((p) => p.owner !== null) && r.body.nodes.filter((n) => n.alive).length === 3 ? r.body : undefined
    }, 40_000, 'every park owned, three nodes alive')
    const lease = before.parks.find((p) => p.park === PARK)!
    expect(lease.token).toBeGreaterThan(0)
    expect(Date.parse(lease.since!)).toBeLessThanOrEqual(Date.now())
    expect(before.nodes.flatMap((n) => n.parks).sort()).toEqual(before.parks.map((p) => p.park).sort())
    const owner = nodes.find((n) => n.id === lease.owner)!
    const [target, third] = nodes.filter((n) => n !== owner) as [Node, Node]
    console.log(`parks per node: ${before.nodes.map((n) => `${n.id} ${n.parks.length}`).join(', ')}; ${PARK} on ${owner.id} (token ${lease.token}, since ${lease.since})`)

    // An open alarm of the park, raised on its owner.
    const dev = await connect(third.hub.mqttUrl, ALARM_DEVICE)
    clients.push(dev)
    await dev.publishAsync(topicOf(ALARM_DEVICE), JSON.stringify({ values: { lel: 60 } }), { qos: 1 })
    const alarm = await eventually(async () => (await call<{ alarms: Alarm[] }>(owner, 'GET', `/api/v1/alarms?device=${ALARM_DEVICE}`)).body.alarms.find((a) => a.rule === 'setpoint'), 10_000, 'the alarm on the owner')

    // Refused moves, each with its reason.
    const move = (to: unknown, park = PARK, token?: string) => call<MoveReply & { message: string; code: string }>(third, 'POST', `/api/v1/cluster/parks/${park}/move`, { to }, token)
    const unknownPark = await move(target.id, 'no-such-park')
    expect([unknownPark.status, unknownPark.body.message]).toEqual([404, 'no park no-such-park'])
    const dead = await move('mv-9')
    expect(dead.status).toBe(409)
    expect(dead.body.message).toMatch(/node mv-9 is not alive in the cluster \(alive: mv-0, mv-1, mv-2\)/)
    const same = await move(owner.id)
    expect([same.status, same.body.message]).toEqual([409, `park ${PARK} is already on ${owner.id}`])
    expect((await move('bad id!')).status).toBe(400)
    expect((await move(target.id, PARK, await login(third.hub.http, 'viewer', 'viewer-demo'))).status).toBe(403)
    expect(await owned(owner)).toContain(PARK)

    // The move, through the third node.
    const sent = performance.now()
    const moved = await move(target.id)
    expect(moved.status).toBe(200)
    expect(moved.body).toMatchObject({ park: PARK, from: owner.id, to: target.id, done: true })
    await eventually(async () => (await owned(target)).includes(PARK), 10_000, `${PARK} running on ${target.id}`)
    const running = Math.round(performance.now() - sent)
    // Evaluated there: a reading past another detector's set point raises its alarm on the new owner.
    const probe = await connect(third.hub.mqttUrl, 'vtc-ti01-gas-011')
    clients.push(probe)
    const probeSent = performance.now()
    await probe.publishAsync(topicOf('vtc-ti01-gas-011'), JSON.stringify({ values: { lel: 60 } }), { qos: 1 })
    await eventually(async () => (await call<{ alarms: Alarm[] }>(target, 'GET', '/api/v1/alarms?device=vtc-ti01-gas-011')).body.alarms.some((a) => a.rule === 'setpoint') || undefined, 10_000, 'a new alarm raised on the new owner')
    console.log(`park ${PARK} moved ${owner.id} → ${target.id} through ${third.id}: lease on the target ${moved.body.ms} ms after the request, running there (health) after ${running} ms; an alarm raised there ${Math.round(performance.now() - probeSent)} ms after its reading`)
    expect(moved.body.ms).toBeLessThan(5000)
    expect(await owned(owner)).not.toContain(PARK)

    // The same alarm on the new owner; the condition continued there: back to normal clears it.
    const adopted = (await call<{ alarms: Alarm[] }>(target, 'GET', `/api/v1/alarms?device=${ALARM_DEVICE}&state=all`)).body.alarms.filter((a) => a.rule === 'setpoint')
    expect(adopted.map((a) => a.id)).toEqual([alarm.id])
    await dev.publishAsync(topicOf(ALARM_DEVICE), JSON.stringify({ values: { lel: 0 } }), { qos: 1 })
    await eventually(async () => (await call<{ alarms: Alarm[] }>(target, 'GET', `/api/v1/alarms?device=${ALARM_DEVICE}&state=all`)).body.alarms.find((a) => a.id === alarm.id && a.currentLevel === undefined), 10_000, 'the adopted alarm cleared on the new owner')

    // The cluster's view after the move: a newer lease on the target, no move pending; the move audited.
    const after = (await call<ClusterReply>(third, 'GET', '/api/v1/cluster')).body.parks.find((p) => p.park === PARK)!
    expect(after).toMatchObject({ owner: target.id, movingTo: null })
    expect(after.token!).toBeGreaterThan(lease.token!)
    const audit = (await call<{ entries: { action: string; target?: string; ok: boolean; detail?: string }[] }>(third, 'GET', '/api/v1/audit?action=cluster.park.move')).body
    expect(audit.entries.filter((e) => e.action === 'cluster.park.move').map((e) => [e.ok, e.detail])).toContainEqual([true, `${owner.id} → ${target.id}`])
  }, 120_000)
})

describe('park move on a single-node hub', () => {
  let t: TestHub
  beforeAll(async () => {
    t = await startTestHub()
  }, 60_000)
  afterAll(async () => {
    await t?.stop()
  })

  it('answers 404 saying the hub is not clustered', async () => {
    for (const [method, path, body] of [['GET', '/api/v1/cluster', undefined], ['POST', '/api/v1/cluster/parks/vtc/move', { to: 'n2' }]] as const) {
      const r = await fetch(`${t.http}${path}`, { method, headers: { authorization: `Bearer ${t.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) })
      expect(r.status).toBe(404)
      expect(((await r.json()) as { message: string }).message).toMatch(/this hub is not clustered/)
    }
  })
})
