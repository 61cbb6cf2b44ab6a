import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import YAML from 'yaml'
import { login } from '../support/hub-harness.js'
import { startHubProcess, type HubProcess } from '../support/hub-process.js'
import { startTestNats, type TestNats } from '../support/cluster-harness.js'

/**
 * What a cluster's nodes share besides the registry and the notification settings (three hub
 * processes, three real nats-servers, the suite's influxd; docs/cluster.md, "Shared registry
 * and settings"): with no HUB_JWT_SECRET on any node, each node's own jwt-secret differs, yet a
 * token from signing in on one node is accepted by the others (one signing key, the
 * hub_settings bucket's), and by a node started again.
 */
const ADMIN = 'shared-keys-admin-pw'

interface Node { id: string; hub: HubProcess; dataDir: string }

async function get(n: Node, path: string, token: string): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`${n.hub.http}${path}`, { headers: { authorization: `Bearer ${token}` } })
  const text = await r.text()
  return { status: r.status, body: text ? JSON.parse(text) : undefined }
}

describe('cluster: one signing key', () => {
  let nats: TestNats
  let dir: string
  let zoneFile: string
  const nodes: Node[] = []
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
    dir = await mkdtemp(join(tmpdir(), 'smartpark-keys-'))
    const zone = YAML.parse(await readFile(new URL('../../hub/zones/demo-zone.yaml', import.meta.url), 'utf8')) as Record<string, unknown>
    zoneFile = join(dir, 'zone.yaml')
    await writeFile(zoneFile, YAML.stringify(zone))
    nodes.push(...(await Promise.all([0, 1, 2].map(start))))
  }, 180_000)
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.hub.stop()))
    await nats?.stop()
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
})
