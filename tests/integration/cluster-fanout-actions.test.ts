import { connect, type NatsConnection } from '@nats-io/transport-node'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ActionBridge, ActionError, type ActionRequest } from '../../hub/src/cluster/action-bridge.js'
import { brokerHolds, CommandRelay } from '../../hub/src/cluster/command-relay.js'
import { startNatsCluster, type NatsCluster } from '../../hub/src/cluster/nats-servers.js'
import { HttpError } from '../../hub/src/api/errors.js'
import { api, connectMqtt, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'

/**
 * Operator actions and device commands across nodes, on a real three-server NATS cluster (each
 * node connected to a different server): an action reaches the park's owner from any node and
 * answers with its result or its error; a command published by the owner reaches the device
 * through the node holding its MQTT connection (two real hubs' brokers, a real mqtt.js device).
 */
const quiet = { warn() {} }
/** The demo zone's gateway secret (simulators/credentials/demo-zone.json), as the test hub provisions it from the zone file. */
const GATEWAY_SECRET = (JSON.parse(readFileSync(new URL('../../simulators/credentials/demo-zone.json', import.meta.url), 'utf8')) as { gateways: Record<string, string> }).gateways['vtc-v02-gw1']!
let dir: string
let nats: NatsCluster
const conns: NatsConnection[] = []
const hubs: TestHub[] = []
const mqttClients: MqttClient[] = []

async function nodeConn(i: number): Promise<NatsConnection> {
  // Each node first connects to its own server, so requests cross the cluster's routes.
  const urls = nats.urls.split(',')
  const nc = await connect({ servers: [urls[i % urls.length]!, ...urls.filter((_, k) => k !== i % urls.length)], noRandomize: true })
  conns.push(nc)
  return nc
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smartpark-fanout-actions-'))
  nats = await startNatsCluster({ dir, size: 3 })
})

afterAll(async () => {
  for (const c of mqttClients) c.end(true)
  for (const h of hubs) await h.stop().catch(() => undefined)
  for (const nc of conns) await nc.close().catch(() => undefined)
  await nats?.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('action bridge', () => {
  it('an action sent through a node that does not own the park is answered by its owner; errors keep their status and code', async () => {
    const owner = new ActionBridge({ nc: await nodeConn(0), node: 'node-a', log: quiet })
    const other = new ActionBridge({ nc: await nodeConn(1), node: 'node-b', log: quiet, timeoutMs: 3000 })
    const seen: ActionRequest[] = []
    owner.serve('park.one', (a) => {
      seen.push(a)
      if (a.op === 'reset') throw new HttpError(409, 'alarm al-9 is not latched', 'CONFLICT')
      return { acked: (a.body as { alarm: string }).alarm, by: (a.user as { name: string }).name, on: 'node-a' }
    })
    await conns[0]!.flush()
    const r = await other.request<{ acked: string; by: string; on: string }>('park.one', 'ack', { alarm: 'al-7' }, { name: 'op1', roles: ['operator'] })
    expect(r).toEqual({ acked: 'al-7', by: 'op1', on: 'node-a' })
    expect(seen[0]).toMatchObject({ op: 'ack', from: 'node-b' })
    const err = await other.request('park.one', 'reset', { alarm: 'al-9' }, { name: 'op1' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HttpError)
    expect(err).toMatchObject({ statusCode: 409, code: 'CONFLICT', message: 'alarm al-9 is not latched' })

    // Round trip through the cluster, measured.
    const lat: number[] = []
    for (let i = 0; i < 500; i++) {
      const t = performance.now()
      await other.request('park.one', 'ack', { alarm: `al-${i}` }, { name: 'op1' })
      lat.push(performance.now() - t)
    }
    lat.sort((x, y) => x - y)
    console.log(`action bridge round trip (node B → owner A, across two NATS servers): p50 ${lat[249]!.toFixed(2)} ms, p99 ${lat[494]!.toFixed(2)} ms`)
    owner.stop()
  })

  it('no owner: a 503 after the deadline; an owner appearing within it answers (a move or a failover in progress)', async () => {
    const asking = new ActionBridge({ nc: await nodeConn(2), node: 'node-c', log: quiet })
    const t0 = Date.now()
    const err = await asking.request('park.none', 'ack', {}, { name: 'op' }, 800).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ActionError)
    expect(err).toMatchObject({ statusCode: 503, code: 'UNAVAILABLE', reason: 'no_owner' })
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700)

    const late = new ActionBridge({ nc: await nodeConn(0), node: 'node-a', log: quiet })
    const pending = asking.request('park.late', 'ack', {}, { name: 'op' }, 5000)
    setTimeout(() => late.serve('park.late', () => 'answered by the new owner'), 600)
    expect(await pending).toBe('answered by the new owner')

    // The old owner lets go, the new one takes the park: requests follow.
    late.unserve('park.late')
    const next = new ActionBridge({ nc: await nodeConn(1), node: 'node-b', log: quiet })
    next.serve('park.late', () => 'node-b')
    await conns.at(-1)!.flush()
    expect(await asking.request('park.late', 'ack', {}, { name: 'op' })).toBe('node-b')
    next.stop()
    late.stop()
  })
})

describe('command relay', () => {
  it('the owner on node A publishes a command; node B, holding the device\'s connection, delivers it; a device connected nowhere is refused', async () => {
    const hubA = await startTestHub()
    hubs.push(hubA)
    const hubB = await startTestHub()
    hubs.push(hubB)
    const device = { id: 'cr-valve-1', kind: 'gas', type: 'toxic', park: 'vtc', enterprise: 'vtc-ti01', name: '切断阀 cr-valve-1', metrics: ['cl2'], position: { x: 1, y: 2 }, interval: 5 }
    const created = await api<{ secret: string }>(hubB, 'POST', '/api/v1/devices', device)
    expect(created.status).toBe(201)
    const relays = [hubA, hubB].map((h, i) => new CommandRelay({
      nc: conns[i]!, node: `node-${i}`, log: quiet, timeoutMs: 1500,
      holds: brokerHolds(h.hub.broker.aedes, h.hub.registry),
      deliver: (topic, payload) => h.hub.broker.publish(topic, payload, 1, false),
    }))
    for (const r of relays) r.start()
    await Promise.all(conns.slice(0, 2).map((nc) => nc.flush()))

    const topic = `parks/vtc/vtc-ti01/${device.id}/cmd`
    const dev = await connectMqtt(hubB.mqttUrl, { username: device.id, password: created.body.secret, clientId: device.id })
    mqttClients.push(dev)
    const got: string[] = []
    dev.on('message', (t, p) => t === topic && got.push(p.toString()))
    await dev.subscribeAsync(topic, { qos: 1 })

    const payload = JSON.stringify({ id: 'cmd-1', command: 'close', params: {}, expiresAt: Date.now() + 60_000 })
    const by = await relays[0]!.send(device.id, topic, payload)
    expect(by).toBe('node-1')
    await eventually(() => got.length === 1, 5000, 'command delivered to the device')
    expect(JSON.parse(got[0]!)).toMatchObject({ id: 'cmd-1', command: 'close' })
    expect(relays[1]!.stats.delivered).toBe(1)
    expect(relays[0]!.stats.delivered).toBe(0)

    // A device behind a gateway (the demo zone's vtc-v02-gw1): the node holding the gateway's connection delivers.
    const gwTopic = 'parks/vtc/vtc-v02/vtc-v02-meter-001/cmd'
    const gw = await connectMqtt(hubB.mqttUrl, { username: 'vtc-v02-gw1', password: GATEWAY_SECRET, clientId: 'vtc-v02-gw1' })
    mqttClients.push(gw)
    const viaGw: string[] = []
    gw.on('message', (t, p) => t === gwTopic && viaGw.push(p.toString()))
    await gw.subscribeAsync(gwTopic, { qos: 1 })
    expect(await relays[0]!.send('vtc-v02-meter-001', gwTopic, payload)).toBe('node-1')
    await eventually(() => viaGw.length === 1, 5000, 'command delivered through the gateway')
    gw.end(true)

    // Gone from every node: the owner is told, not left believing it was sent.
    dev.end(true)
    await eventually(() => !brokerHolds(hubB.hub.broker.aedes, hubB.hub.registry)(device.id), 5000, 'connection gone')
    const refused = await relays[0]!.send(device.id, topic, payload).catch((e: Error) => e)
    expect(refused).toBeInstanceOf(Error)
    expect((refused as Error).message).toContain('connected to no hub node')
    for (const r of relays) r.stop()
  })
})
