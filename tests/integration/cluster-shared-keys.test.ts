import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import YAML from 'yaml'
import type { MqttClient } from 'mqtt'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }
import { connectMqtt, eventually, login } from '../support/hub-harness.js'
import { startHubProcess, type HubProcess } from '../support/hub-process.js'
import { connectNats, startTestNats, type TestNats } from '../support/cluster-harness.js'
import { Kvm } from '@nats-io/kv'
import { AckLinks } from '../../hub/src/notify/ack-links.js'
import { FakeHj212Platform } from '../support/fake-hj212-platform.js'
import type { HealthReport } from '../../hub/src/api/services.js'
import type { SharedBucketStats } from '../../hub/src/cluster/shared-bucket.js'

/**
 * What a cluster's nodes share besides the registry and the notification settings (three hub
 * processes, three real nats-servers, the suite's influxd; docs/cluster.md, "Shared registry
 * and settings"): with no HUB_JWT_SECRET on any node, each node's own jwt-secret differs, yet a
 * token from signing in on one node is accepted by the others (one signing key, the
 * hub_settings bucket's), and by a node started again; so is a notification's ack link. An HJ 212 upstream's PW set through one
 * node is what another node sends to a real upstream listener; the PW only the first node's
 * data dir held at start reaches every node; without a NATS quorum setting one answers 503.
 * Health shows each shared bucket's figures on each node, moving as changes are applied.
 */
const ADMIN = 'shared-keys-admin-pw'
/** A stack reporting over MQTT (no logger): its readings go up as 2011 packets under the upstream's PW. */
const STACK = 'vtc-ti01-cems-001'
const PW = 'cluster-up-pw-7'
const FILE_PW = 'pw-in-node-0-file'

interface Node { id: string; hub: HubProcess; dataDir: string }
type Upstream = { id: string; pwSet: boolean; backlog: number; missingPw: string | null }

async function call(n: Node, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`${n.hub.http}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : null,
  })
  const text = await r.text()
  return { status: r.status, body: text ? JSON.parse(text) : undefined }
}
const get = (n: Node, path: string, token: string): Promise<{ status: number; body: unknown }> => call(n, 'GET', path, token)

describe('cluster: one signing key, shared HJ 212 upstream PWs', () => {
  let nats: TestNats
  let dir: string
  let zoneFile: string
  let mqtt: MqttClient | undefined
  const nodes: Node[] = []
  const platform = new FakeHj212Platform()
  const city = new FakeHj212Platform()
  const db = `t_${randomBytes(6).toString('hex')}`
  const envOf = (i: number, dataDir: string): Record<string, string | undefined> => ({
    HUB_NATS_URL: nats.urls, HUB_NODE_ID: `keys-${i}`, HUB_DATA_DIR: dataDir, HUB_CONFIG: zoneFile,
    INFLUX_URL: inject('influxUrl'), INFLUX_DB: db, HUB_ADMIN_PASSWORD: ADMIN,
    // Each node would otherwise sign with a key of its own: the cluster's key is what is tested.
    HUB_JWT_SECRET: undefined,
  })
  const start = async (i: number): Promise<Node> => {
    const dataDir = join(dir, `n${i}`)
    await mkdir(dataDir, { recursive: true })
    return { id: `keys-${i}`, hub: await startHubProcess(envOf(i, dataDir)), dataDir }
  }

  beforeAll(async () => {
    nats = await startTestNats()
    await platform.start()
    await city.start()
    dir = await mkdtemp(join(tmpdir(), 'smartpark-keys-'))
    const zone = YAML.parse(await readFile(new URL('../../hub/zones/demo-zone.yaml', import.meta.url), 'utf8')) as { devices: { id: string; hj212?: unknown }[]; hj212?: object }
    delete zone.devices.find((d) => d.id === STACK)!.hj212
    zone.hj212 = {
      ...zone.hj212,
      upstreams: [
        { id: 'sepb', host: '127.0.0.1', port: platform.port, mn: 'PARK0000000001', devices: [STACK], answerTimeoutSec: 1, retries: 1 },
        { id: 'city', host: '127.0.0.1', port: city.port, mn: 'PARK0000000002', devices: [STACK], commands: ['2061'], answerTimeoutSec: 1 },
      ],
    }
    zoneFile = join(dir, 'zone.yaml')
    await writeFile(zoneFile, YAML.stringify(zone))
    // Node 0 starts alone with a PW a single hub had set: it seeds the never-seeded bucket with it.
    await mkdir(join(dir, 'n0', 'hj212'), { recursive: true })
    await writeFile(join(dir, 'n0', 'hj212', 'upstream-secrets.json'), JSON.stringify({ city: FILE_PW }), { mode: 0o600 })
    nodes.push(await start(0))
    nodes.push(...(await Promise.all([1, 2].map(start))))
  }, 180_000)
  afterAll(async () => {
    await mqtt?.endAsync()
    await Promise.all(nodes.map((n) => n.hub.stop()))
    await nats?.stop()
    await platform.stop()
    await city.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('a token from signing in on one node is accepted by every other node, though each node made a key of its own', async () => {
    const own = await Promise.all(nodes.map(async (n) => (await readFile(join(n.dataDir, 'jwt-secret'), 'utf8')).trim()))
    expect(new Set(own).size).toBe(3)
    for (const from of nodes) {
      const token = await login(from.hub.http, 'admin', ADMIN)
      for (const to of nodes) expect((await get(to, '/api/v1/devices?park=vtc&limit=1', token)).status, `token from ${from.id} on ${to.id}`).toBe(200)
    }
    // A token signed with another key is still refused.
    const forged = await login(nodes[0]!.hub.http, 'admin', ADMIN)
    const [head, body] = forged.split('.')
    expect((await get(nodes[1]!, '/api/v1/devices?park=vtc&limit=1', `${head}.${body}.${randomBytes(32).toString('base64url')}`)).status).toBe(401)
  }, 60_000)

  it('a node started again signs with the cluster\'s key still: a token issued before is accepted there', async () => {
    const token = await login(nodes[0]!.hub.http, 'admin', ADMIN)
    await nodes[1]!.hub.stop()
    nodes[1] = await start(1)
    expect((await get(nodes[1], '/api/v1/devices?park=vtc&limit=1', token)).status).toBe(200)
    expect((await get(nodes[0]!, '/api/v1/devices?park=vtc&limit=1', await login(nodes[1].hub.http, 'admin', ADMIN))).status).toBe(200)
  }, 90_000)

  it('a notification\'s ack link signed with the cluster\'s key is taken by every node; one signed with a node\'s own key is not', async () => {
    // The key as the bucket holds it: node 0 started first, so it is node 0's own.
    const nc = await connectNats(nats.urls)
    const held = await (await new Kvm(nc).open('hub_settings')).get('meta.signing-key')
    await nc.close()
    const key = (JSON.parse(new TextDecoder().decode(held!.value)) as { key: string }).key
    expect(key).toBe((await readFile(join(nodes[0]!.dataDir, 'jwt-secret'), 'utf8')).trim())
    const open = async (n: Node, token: string): Promise<string> => ((await (await fetch(`${n.hub.http}/api/v1/ack/${token}`)).json()) as { message: string }).message
    const link = new AckLinks(key).token('wang', 'no-such-alarm', Date.now())
    // Signature taken: what is missing is the alarm, not the link.
    for (const n of nodes) expect(await open(n, link), n.id).toMatch(/alarm no-such-alarm not found/)
    const own = (await readFile(join(nodes[1]!.dataDir, 'jwt-secret'), 'utf8')).trim()
    expect(await open(nodes[1]!, new AckLinks(own).token('wang', 'no-such-alarm', Date.now()))).toMatch(/no such link/)
  }, 30_000)

  const upstream = async (n: Node, token: string, id: string): Promise<Upstream> => ((await get(n, '/api/v1/hj212/upstreams', token)).body as { upstreams: Upstream[] }).upstreams.find((u) => u.id === id)!

  it('an upstream PW set through node A is the one node B sends to the upstream platform', async () => {
    const [A, B] = [nodes[0]!, nodes[1]!]
    const token = await login(A.hub.http, 'admin', ADMIN)
    // B holds its stack's readings: no PW for sepb anywhere yet.
    expect((await upstream(B, token, 'sepb')).pwSet).toBe(false)
    mqtt = await connectMqtt(B.hub.mqttUrl, { username: STACK, password: (credentials.devices as Record<string, string>)[STACK]!, clientId: STACK })
    for (let i = 0; i < 3; i++) await mqtt.publishAsync(`parks/vtc/vtc-ti01/${STACK}/telemetry`, JSON.stringify({ ts: Date.now() - (10 - i) * 60_000, values: { so2: 12.5 + i } }), { qos: 1 })
    await eventually(async () => (await upstream(B, token, 'sepb')).backlog === 3 || undefined, 10_000, 'three packets held on B')
    expect(platform.packets).toHaveLength(0)
    // Refused before anything is written: B still has none.
    expect((await call(A, 'PUT', '/api/v1/hj212/upstreams/sepb/pw', token, { pw: 'bad;pw' })).status).toBe(400)
    const sent = Date.now()
    expect((await call(A, 'PUT', '/api/v1/hj212/upstreams/sepb/pw', token, { pw: PW })).status).toBe(204)
    // A answered once it used the PW and kept its copy (0600).
    expect((await upstream(A, token, 'sepb')).pwSet).toBe(true)
    expect(JSON.parse(await readFile(join(A.dataDir, 'hj212', 'upstream-secrets.json'), 'utf8')).sepb).toBe(PW)
    await eventually(() => platform.packets.filter((p) => p.cn === '2011').length >= 3 || undefined, 20_000, 'B\'s three packets at the platform')
    console.log(`PW set through A: B's three packets at the platform ${Date.now() - sent} ms after the request`)
    expect(platform.packets.filter((p) => p.cn === '2011').map((p) => [p.mn, p.pw])).toEqual([['PARK0000000001', PW], ['PARK0000000001', PW], ['PARK0000000001', PW]])
    await eventually(async () => (await upstream(B, token, 'sepb')).backlog === 0 || undefined, 10_000, 'B\'s backlog empty')
    // B keeps its own copy, private.
    const file = join(B.dataDir, 'hj212', 'upstream-secrets.json')
    expect(JSON.parse(await readFile(file, 'utf8')).sepb).toBe(PW)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
  }, 60_000)

  it('the PW only node 0\'s data dir held at start is every node\'s', async () => {
    const token = await login(nodes[0]!.hub.http, 'admin', ADMIN)
    for (const n of nodes) expect((await upstream(n, token, 'city')).pwSet, n.id).toBe(true)
    expect(JSON.parse(await readFile(join(nodes[2]!.dataDir, 'hj212', 'upstream-secrets.json'), 'utf8')).city).toBe(FILE_PW)
  }, 30_000)

  it('health shows each shared bucket as this node applied it: a provisioning through A moves B\'s hub_registry figures', async () => {
    const [A, B] = [nodes[0]!, nodes[1]!]
    const token = await login(A.hub.http, 'admin', ADMIN)
    const shared = async (n: Node): Promise<Record<string, SharedBucketStats>> => ((await get(n, '/api/v1/health', token)).body as HealthReport).cluster!.shared!
    const before = await shared(B)
    expect(Object.keys(before).sort()).toEqual(['hub_registry', 'hub_settings'])
    // hub_settings: the signing key, meta.seeded and both upstreams' PWs at least, loaded at start or applied since.
    expect(before.hub_settings!.applied).toBeGreaterThanOrEqual(4)
    expect(before.hub_settings!.revision).toBeGreaterThanOrEqual(4)
    expect(before.hub_settings!.lastAppliedMsAgo).not.toBeNull()
    const device = { id: 'keys-cl2-001', kind: 'gas', type: 'toxic', park: 'vtc', enterprise: 'vtc-ti01', name: '氯气探测器', metrics: ['cl2'], position: { x: 1, y: 2 }, interval: 5 }
    expect((await call(A, 'POST', '/api/v1/devices', token, device)).status).toBe(201)
    const after = await eventually(async () => {
      const s = await shared(B)
      return s.hub_registry!.revision > before.hub_registry!.revision ? s : undefined
    }, 5000, 'B\'s hub_registry revision moved')
    console.log(`B's hub_registry before ${JSON.stringify(before.hub_registry)}, after ${JSON.stringify(after.hub_registry)}`)
    expect(after.hub_registry!.applied).toBe(before.hub_registry!.applied + 1)
    expect(after.hub_registry!.lastAppliedMsAgo).toBeLessThan(5000)
    expect(after.hub_registry!.watcherRestarts).toBe(0)
    // The node that wrote it applied it too, at the same revision.
    expect((await shared(A)).hub_registry!.revision).toBe(after.hub_registry!.revision)
    const metrics = await (await fetch(`${B.hub.http}/metrics`)).text()
    expect(metrics).toContain(`smartpark_cluster_shared_revision{node="keys-1",bucket="hub_registry"} ${after.hub_registry!.revision}`)
  }, 30_000)

  it('without a NATS quorum setting an upstream PW answers 503 and changes nothing on the node', async () => {
    const C = nodes[2]!
    const token = await login(C.hub.http, 'admin', ADMIN)
    await Promise.all([nats.cluster.servers[1]!.kill9(), nats.cluster.servers[2]!.kill9()])
    const r = await call(C, 'PUT', '/api/v1/hj212/upstreams/sepb/pw', token, { pw: 'not-stored-pw' })
    expect(r.status).toBe(503)
    expect((r.body as { code: string }).code).toBe('UNAVAILABLE')
    expect(JSON.parse(await readFile(join(C.dataDir, 'hj212', 'upstream-secrets.json'), 'utf8')).sepb).toBe(PW)
    expect((await upstream(C, token, 'sepb')).pwSet).toBe(true)
    // Back, so the nodes stop as they would.
    await Promise.all([nats.cluster.servers[1]!.start(), nats.cluster.servers[2]!.start()])
  }, 60_000)
})
