import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import mqtt, { type MqttClient } from 'mqtt'
import { eventually, influxQuery, login } from '../support/hub-harness.js'
import { startHubProcess, type HubProcess } from '../support/hub-process.js'
import { startTestNats, type TestNats } from '../support/cluster-harness.js'
import { ACCOUNTS, notifySection, notifyZone, PEOPLE } from '../support/notify-zone.js'
import { FakePlatforms, type RecordedRequest } from '../../simulators/src/channels/fake-platforms.js'
import type { HealthReport } from '../../hub/src/api/services.js'
import type { Alarm } from '../../hub/src/model/alarm.js'
import { hashSecret } from '../../hub/src/config/credentials.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

/**
 * The registry, rosters and channel secrets shared by the nodes of a cluster (three hub
 * processes, three real nats-servers, the suite's influxd): a device provisioned through node A
 * connects to node B at once and its reading is stored; one id provisioned through two nodes at
 * once is created once (201 and 409); retired through node C, its session on B ends and every
 * node refuses it; a roster set through one node is read back through another and the park's
 * owner notifies the person on it, with the channel secret that only node A's data dir held at
 * start; a node started after all that knows the device and not the retired one; without a NATS
 * quorum provisioning answers 503 and the nodes agree afterwards. Cluster mode without
 * HUB_ADMIN_PASSWORD refuses to start.
 */
const ADMIN = 'shared-state-admin-pw'
const gasDevice = (id: string) => ({ id, kind: 'gas', type: 'toxic', park: 'vtc', enterprise: 'vtc-ti01', name: `氯气探测器 ${id}`, metrics: ['cl2'], position: { x: 1, y: 2 }, interval: 5 })
const FILE_SECRET = 'provisioned-on-a-single-hub'
const RETIRED_IN_FILE = 'vtc-ti01-gas-001'
const topicOf = (id: string) => `parks/vtc/vtc-ti01/${id}/telemetry`

interface Node { id: string; hub: HubProcess; token?: string }

async function call<T>(n: Node, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  n.token ??= await login(n.hub.http, 'admin', ADMIN)
  const r = await fetch(`${n.hub.http}${path}`, {
    method, headers: { authorization: `Bearer ${n.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : null,
  })
  const text = await r.text()
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T }
}

function connect(url: string, id: string, secret: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { username: id, password: secret, clientId: `${id}-${randomBytes(3).toString('hex')}`, reconnectPeriod: 0, connectTimeout: 5000 })
    c.once('connect', () => resolve(c))
    c.once('error', (err) => {
      c.end(true)
      reject(err)
    })
  })
}

/**
 * A node applies a change from its watcher a few milliseconds after the node that took it
 * answered: a CONNECT arriving before that is refused (or accepted) as before, and the device
 * retries. These poll until the node has applied it, and say how long that took.
 */
async function connectedSoon(url: string, id: string, secret: string, timeoutMs = 5000): Promise<{ client: MqttClient; attempts: number }> {
  let attempts = 0
  const client = await eventually(async () => {
    attempts++
    return await connect(url, id, secret)
  }, timeoutMs, `${id} connected to ${url}`)
  return { client, attempts }
}

async function refusedSoon(url: string, id: string, secret: string, timeoutMs = 5000): Promise<void> {
  await eventually(async () => {
    try {
      ;(await connect(url, id, secret)).end(true)
      return false
    } catch (err) {
      return /Not authorized|Bad username or password/i.test((err as Error).message)
    }
  }, timeoutMs, `${id} refused by ${url}`)
}

const smsTo = (phone: string) => (r: RecordedRequest): boolean => r.platform === 'sms' && (r.text ?? '').includes(phone)

describe('cluster: shared registry, rosters and channel secrets', () => {
  let nats: TestNats
  let fake: FakePlatforms
  let zoneFile: string
  let dir: string
  const nodes: Node[] = []
  const clients: MqttClient[] = []
  const db = `t_${randomBytes(6).toString('hex')}`
  const envOf = (i: number, dataDir: string): Record<string, string> => ({
    HUB_NATS_URL: nats.urls, HUB_NODE_ID: `shared-${i}`, HUB_DATA_DIR: dataDir, HUB_CONFIG: zoneFile,
    INFLUX_URL: inject('influxUrl'), INFLUX_DB: db, HUB_ADMIN_PASSWORD: ADMIN,
  })

  beforeAll(async () => {
    nats = await startTestNats()
    fake = await FakePlatforms.start({ accounts: ACCOUNTS })
    // Tiers 1 and 2 far off: only the duty officer is reached within the test.
    const z = await notifyZone(notifySection(fake, { tier1Min: 60, tier2Min: 120 }))
    zoneFile = z.zoneFile
    dir = await mkdtemp(join(tmpdir(), 'smartpark-shared-'))
    // Node 0 starts alone with the channels' secrets and a single hub's registry.json in its data
    // dir (a device provisioned, a zone device retired): it seeds the buckets with them.
    await writeFile(join(z.dataDir, 'registry.json'), JSON.stringify({ version: 1, devices: [{ device: gasDevice('sh-from-file'), secretHash: hashSecret(FILE_SECRET) }], retired: [RETIRED_IN_FILE] }), { mode: 0o600 })
    nodes.push({ id: 'shared-0', hub: await startHubProcess(envOf(0, z.dataDir)) })
    const rest = await Promise.all([1, 2].map((i) => startHubProcess(envOf(i, join(dir, `n${i}`)))))
    for (const [k, hub] of rest.entries()) nodes.push({ id: `shared-${k + 1}`, hub })
  }, 180_000)
  afterAll(async () => {
    for (const c of clients) c.end(true)
    await Promise.all(nodes.map((n) => n.hub.stop()))
    await nats?.stop()
    await fake?.close()
    if (zoneFile) await rm(dirname(zoneFile), { recursive: true, force: true })
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const [A, B, C] = [0, 1, 2]
  const secrets = new Map<string, string>()

  it('a device provisioned through node A connects to node B at once, and its reading is stored', async () => {
    const id = 'sh-cl2-001'
    const sent = Date.now()
    const made = await call<{ secret: string }>(nodes[A]!, 'POST', '/api/v1/devices', gasDevice(id))
    expect(made.status).toBe(201)
    const answered = Date.now()
    secrets.set(id, made.body.secret)
    // Tried at once after A's answer, again until B has applied it from the bucket.
    const { client: c, attempts } = await connectedSoon(nodes[B]!.hub.mqttUrl, id, made.body.secret)
    const connected = Date.now()
    clients.push(c)
    console.log(`provisioned on A in ${answered - sent} ms; connected to B ${connected - answered} ms after A's answer (${connected - sent} ms after the request), attempt ${attempts}`)
    await c.publishAsync(topicOf(id), JSON.stringify({ values: { cl2: 0.4 } }), { qos: 1 })
    const stored = await eventually(async () => (await influxQuery(inject('influxUrl'), db, `SELECT "cl2" FROM "gas" WHERE "device" = '${id}'`))[0]?.values, 30_000, 'the reading in InfluxDB')
    expect(stored.map((r) => r[1])).toContain(0.4)
    // Every node lists it.
    for (const n of nodes) expect((await call<{ devices: { id: string }[] }>(n, 'GET', '/api/v1/devices?park=vtc&limit=500')).body.devices.map((d) => d.id)).toContain(id)
  }, 60_000)

  it('a single hub\'s registry.json, on the first node, seeds the registry: its device connects to another node, its retired device is refused', async () => {
    ;(await connectedSoon(nodes[C]!.hub.mqttUrl, 'sh-from-file', FILE_SECRET)).client.end(true)
    await refusedSoon(nodes[B]!.hub.mqttUrl, RETIRED_IN_FILE, (credentials.devices as Record<string, string>)[RETIRED_IN_FILE]!)
  }, 60_000)

  it('one id provisioned through two nodes at once is created once: 201 and 409', async () => {
    const id = 'sh-cl2-race'
    const answers = await Promise.all([A, B].map((i) => call<{ secret?: string; code?: string }>(nodes[i]!, 'POST', '/api/v1/devices', gasDevice(id))))
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409])
    expect(answers.find((a) => a.status === 409)!.body.code).toBe('CONFLICT')
    const winner = answers.find((a) => a.status === 201)!.body.secret!
    secrets.set(id, winner)
    // The secret of the one created works on the third node.
    ;(await connectedSoon(nodes[C]!.hub.mqttUrl, id, winner)).client.end(true)
    // Placed through the third node: every node shows it there.
    expect((await call(nodes[C]!, 'PUT', `/api/v1/devices/${id}/position`, { x: 7, y: 8 })).status).toBe(200)
    for (const n of nodes) {
      await eventually(async () => (await call<{ devices: { id: string; position?: { x: number; y: number } }[] }>(n, 'GET', '/api/v1/devices?park=vtc&limit=500')).body.devices.find((d) => d.id === id)?.position?.x === 7 || undefined, 5000, `the position on ${n.id}`)
    }
  }, 60_000)

  it('retired through node C: its session on node B ends and every node refuses it', async () => {
    const id = 'sh-cl2-001'
    const c = clients[0]!
    expect(c.connected).toBe(true)
    const closed = new Promise<number>((r) => c.once('close', () => r(Date.now())))
    const sent = Date.now()
    const retired = await call(nodes[C]!, 'DELETE', `/api/v1/devices/${id}`)
    expect(retired.status).toBe(200)
    const at = await Promise.race([closed, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('session on B not ended in 10 s')), 10_000))])
    console.log(`retired on C: the session on B ended ${at - sent} ms after the request`)
    for (const n of nodes) await refusedSoon(n.hub.mqttUrl, id, secrets.get(id)!)
    // And retiring it again through another node: 404, as on a single node.
    expect((await call(nodes[A]!, 'DELETE', `/api/v1/devices/${id}`)).status).toBe(404)
  }, 60_000)

  it('a replaced secret through node B ends the old one on every node', async () => {
    const id = 'sh-cl2-race'
    const { client: c } = await connectedSoon(nodes[A]!.hub.mqttUrl, id, secrets.get(id)!)
    const closed = new Promise<void>((r) => c.once('close', () => r()))
    const replaced = await call<{ secret: string }>(nodes[B]!, 'POST', `/api/v1/devices/${id}/secret`)
    expect(replaced.status).toBe(200)
    await closed
    await refusedSoon(nodes[C]!.hub.mqttUrl, id, secrets.get(id)!)
    secrets.set(id, replaced.body.secret)
    ;(await connectedSoon(nodes[C]!.hub.mqttUrl, id, replaced.body.secret)).client.end(true)
  }, 60_000)

  it('a roster set through one node is read back through another, and the park\'s owner notifies the person on it', async () => {
    const vtcOwner = async (): Promise<number | undefined> => {
      const o = await Promise.all(nodes.map(async (n) => ((await call<HealthReport>(n, 'GET', '/api/v1/health')).body.cluster?.parks?.owned ?? []).includes('vtc')))
      return o.filter(Boolean).length === 1 ? o.indexOf(true) + 1 : undefined
    }
    const owner = (await eventually(vtcOwner, 30_000, 'park vtc owned by one node')) - 1
    const editor = nodes.findIndex((_n, i) => i !== owner)
    const reader = nodes.findIndex((_n, i) => i !== owner && i !== editor)
    const li = { id: 'li', name: '李工', role: 'duty_officer', phone: '13900000077' }
    const roster = { scope: 'vtc', people: [li, PEOPLE.sun], shifts: [{ id: 'all', name: '全天', start: '00:00', end: '00:00', people: ['li', 'sun'] }] }
    expect((await call(nodes[editor]!, 'PUT', '/api/v1/notify/rosters/vtc', roster)).status).toBe(200)
    const peopleOn = async (n: Node): Promise<string> => (await call<{ rosters: { scope: string; people: { id: string }[] }[] }>(n, 'GET', '/api/v1/notify/rosters')).body.rosters.find((r) => r.scope === 'vtc')!.people.map((p) => p.id).join()
    await eventually(async () => (await peopleOn(nodes[reader]!)) === 'li,sun', 5000, 'the roster read back through another node')
    await eventually(async () => (await peopleOn(nodes[owner]!)) === 'li,sun', 5000, 'the roster on the park\'s owner')
    // Node 1 and 2 started without secrets.json: the secrets came from node 0's through the bucket.
    for (const n of nodes) {
      const channels = (await call<{ channels: { id: string; hasSecret: boolean }[] }>(n, 'GET', '/api/v1/notify/channels')).body.channels
      expect(channels.find((c) => c.id === 'sms')?.hasSecret).toBe(true)
    }
    // An alarm of vtc sent to the editor's broker: the owner raises it and texts the duty officer of the edited roster.
    const device = 'vtc-ti01-gas-009'
    const c = await connect(nodes[editor]!.hub.mqttUrl, device, (credentials.devices as Record<string, string>)[device]!)
    clients.push(c)
    await c.publishAsync(topicOf(device), JSON.stringify({ values: { lel: 30 } }), { qos: 1 })
    const alarm = await eventually(async () => (await call<{ alarms: Alarm[] }>(nodes[owner]!, 'GET', `/api/v1/alarms?state=open&device=${device}`)).body.alarms[0], 15_000, 'the alarm on the owner')
    const sms = await eventually(() => fake.delivered().filter((r) => r.messageId?.startsWith(`alarm:${alarm.id}:`)).find(smsTo(li.phone)), 20_000, 'the SMS to the edited roster\'s duty officer')
    expect(sms).toBeDefined()
    expect(fake.delivered().filter((r) => r.messageId?.startsWith(`alarm:${alarm.id}:`)).some(smsTo(PEOPLE.wang.phone))).toBe(false)
  }, 90_000)

  it('a node started after the provisioning knows the device, and not the retired one', async () => {
    const hub = await startHubProcess(envOf(3, join(dir, 'n3')))
    nodes.push({ id: 'shared-3', hub })
    // Its first attempt, right after it is ready: it loaded the bucket before its broker listened.
    const c = await connect(hub.mqttUrl, 'sh-cl2-race', secrets.get('sh-cl2-race')!)
    c.end(true)
    await expect(connect(hub.mqttUrl, 'sh-cl2-001', secrets.get('sh-cl2-001')!)).rejects.toThrow(/Not authorized|Bad username or password/i)
  }, 90_000)

  it('without a NATS quorum provisioning answers 503, and the nodes agree on the device once it is back', async () => {
    const id = 'sh-cl2-noquorum'
    await Promise.all([nats.cluster.servers[1]!.kill9(), nats.cluster.servers[2]!.kill9()])
    const sent = Date.now()
    const r = await call<{ code: string }>(nodes[A]!, 'POST', '/api/v1/devices', gasDevice(id))
    console.log(`no quorum: POST answered ${r.status} ${r.body.code} in ${Date.now() - sent} ms`)
    expect(r.status).toBe(503)
    expect(r.body.code).toBe('UNAVAILABLE')
    // Nothing applied on the node that answered.
    const listed = async (n: Node): Promise<boolean> => (await call<{ devices: { id: string }[] }>(n, 'GET', '/api/v1/devices?park=vtc&limit=500')).body.devices.some((d) => d.id === id)
    expect(await listed(nodes[A]!)).toBe(false)
    await Promise.all([nats.cluster.servers[1]!.start(), nats.cluster.servers[2]!.start()])
    // A write JetStream took without answering in time would reach every node; what matters is that they agree.
    const ok = await eventually(async () => (await call(nodes[B]!, 'POST', '/api/v1/devices', gasDevice('sh-cl2-after'))).status === 201 || undefined, 60_000, 'provisioning once the quorum is back')
    expect(ok).toBe(true)
    await eventually(async () => (await Promise.all(nodes.map(listed))).every((v, _i, all) => v === all[0]) || undefined, 10_000, 'every node agreeing')
    // Every node's watcher came through the servers' loss: the device provisioned after it reaches them all.
    await eventually(async () => (await Promise.all(nodes.map((n) => call<{ devices: { id: string }[] }>(n, 'GET', '/api/v1/devices?park=vtc&limit=500')))).every((r) => r.body.devices.some((d) => d.id === 'sh-cl2-after')) || undefined, 10_000, 'sh-cl2-after on every node')
    console.log(`after the quorum came back: ${id} known on ${(await Promise.all(nodes.map(listed))).filter(Boolean).length} of ${nodes.length} nodes`)
  }, 120_000)
})

describe('cluster: the admin password', () => {
  it('cluster mode without HUB_ADMIN_PASSWORD refuses to start, naming it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'smartpark-noadmin-'))
    try {
      await expect(startHubProcess({ HUB_NATS_URL: 'nats://127.0.0.1:1', HUB_DATA_DIR: dataDir, HUB_ADMIN_PASSWORD: undefined, INFLUX_URL: inject('influxUrl') })).rejects.toThrow(/HUB_ADMIN_PASSWORD: cluster mode needs it set/)
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  }, 60_000)
})
