import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { MqttClient } from 'mqtt'
import { eventually } from '../support/hub-harness.js'
import { startTestNats, type TestNats } from '../support/cluster-harness.js'
import { connectDemoDevice, nodeApi, ownedParks, setpointAlarms, startHubNodes, type ClusterNode } from '../support/cluster-nodes.js'
import type { HealthReport } from '../../hub/src/api/services.js'

/**
 * A machine lost (three hub processes, three real nats-servers, each hub talking to its own
 * server first, as on three machines): the owner of park vtc and its NATS server are killed
 * together. A CO reading sent to a surviving node raises its alarm on another node, the gas
 * alarm active before the kill is the same alarm after it (one id), and the seconds it took are
 * printed. The takeover reads the park's state from the stream's leader, not through a consumer
 * that JetStream may place on the server just lost (fenced-park-log.ts, readLog).
 */
const PARK = 'vtc'
const topicOf = (d: string) => `parks/vtc/vtc-ti01/${d}/telemetry`

describe('cluster: a machine lost (a park owner and its NATS server killed at once)', () => {
  let nats: TestNats
  let dir: string
  let nodes: ClusterNode[] = []
  const clients: MqttClient[] = []

  beforeAll(async () => {
    nats = await startTestNats()
    dir = await mkdtemp(join(tmpdir(), 'smartpark-ml-'))
    nodes = await startHubNodes({ nats, prefix: 'ml', dir, influxUrl: inject('influxUrl'), db: `t_${randomBytes(6).toString('hex')}`, admin: 'machine-loss-admin-pw', ownServerFirst: true })
  }, 120_000)
  afterAll(async () => {
    for (const c of clients) c.end(true)
    for (const n of nodes) await n.hub.kill9()
    await nats?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('evaluates the park on another node, keeps its alarm once', async () => {
    const owner = await eventually(async () => {
      const all = (await Promise.all(nodes.map(async (n) => ((await ownedParks(n)).includes(PARK) ? n : undefined)))).filter((n) => n !== undefined)
      return all.length === 1 ? all[0] : undefined
    }, 30_000, `park ${PARK} owned by one node`)
    const others = nodes.filter((n) => n !== owner)
    const ownerServer = (await nodeApi<HealthReport>(owner, '/api/v1/health')).cluster?.connectedTo
    const server = nats.cluster.servers.find((s) => ownerServer?.endsWith(`:${new URL(s.url).port}`))
    expect(server).toBeDefined()
    const alarmDev = await connectDemoDevice(others[0]!.hub.mqttUrl, 'vtc-ti01-gas-010')
    clients.push(alarmDev)
    await alarmDev.publishAsync(topicOf('vtc-ti01-gas-010'), JSON.stringify({ values: { lel: 60 } }), { qos: 1 })
    const before = await eventually(async () => (await setpointAlarms(owner, 'vtc-ti01-gas-010'))[0], 10_000, 'the gas alarm on the owner')

    const killedAt = Date.now()
    await Promise.all([owner.hub.kill9(), server!.kill9()])
    const coDev = await connectDemoDevice(others[1]!.hub.mqttUrl, 'vtc-ti01-gas-012')
    clients.push(coDev)
    await coDev.publishAsync(topicOf('vtc-ti01-gas-012'), JSON.stringify({ values: { co: 300 } }), { qos: 1 })
    // Seen when asked: a node asked while the park has no owner answers after 2 s, so this is late by up to that.
    const raised = await eventually(async () => {
      for (const n of others) if ((await setpointAlarms(n, 'vtc-ti01-gas-012')).length > 0) return Date.now()
      return undefined
    }, 90_000, 'the CO alarm raised on another node')
    const failed = others.map((n) => n.hub.output().split('\n').filter((l) => l.includes('taking over failed')).length)
    console.log(`owner ${owner.id} and nats-server ${server!.name} killed: CO alarm raised on another node ${(raised - killedAt) / 1000} s after; takeovers failed and retried ${failed.join(' / ')}`)
    // The alarm raised before the kill came with the park: one id for its condition across the cluster.
    const ids = new Set((await Promise.all(others.map((n) => setpointAlarms(n, 'vtc-ti01-gas-010')))).flat().map((a) => a.id))
    expect([...ids]).toEqual([before.id])
  }, 180_000)
})
