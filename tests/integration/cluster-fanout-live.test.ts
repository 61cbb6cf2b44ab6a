import { connect } from '@nats-io/transport-node'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ActionBridge } from '../../hub/src/cluster/action-bridge.js'
import { LiveMirror, SNAPSHOT_OP, withMirror } from '../../hub/src/cluster/live-mirror.js'
import { startNatsCluster, type NatsCluster } from '../../hub/src/cluster/nats-servers.js'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { TelemetryUpdate } from '../../hub/src/model/live-events.js'
import { eventually } from '../support/hub-harness.js'
import { connectLive } from '../support/live-client.js'
import { LIVE_TOKEN, relayLatency, startLiveRelayNode, type LiveRelayNode } from '../support/live-relay-node.js'
import { alarm } from '../unit/risk/fixtures.js'

/**
 * The live relay against a real nats-server: two nodes, each with its own real LiveServer on its
 * own HTTP port and a real socket.io client; what one node's safety loop pushes reaches the other
 * node's sockets (and its own sockets once, not twice).
 */
const quiet = { warn() {} }
const PARKS = ['vtc', 'park.two']
let dir: string
let nats: NatsCluster
const nodes: LiveRelayNode[] = []

async function startNode(name: string): Promise<LiveRelayNode> {
  const n = await startLiveRelayNode({ name, servers: nats.urls.split(','), parks: PARKS })
  nodes.push(n)
  return n
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smartpark-fanout-live-'))
  nats = await startNatsCluster({ dir, size: 1 })
})

afterAll(async () => {
  for (const n of nodes) await n.close()
  await nats?.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('live relay', () => {
  it('an alarm, telemetry, risk and a device update pushed on node A reach a socket on node B; A\'s own socket gets each once', async () => {
    const a = await startNode('node-a')
    const b = await startNode('node-b')
    const onB = await b.client()
    const onA = await a.client()
    const got = { alarmsB: [] as Alarm[], alarmsA: [] as Alarm[], telemetryB: [] as TelemetryUpdate[], riskB: 0, deviceB: 0 }
    onB.on('alarm', (x) => got.alarmsB.push(x))
    onA.on('alarm', (x) => got.alarmsA.push(x))
    onB.on('telemetry', (batch) => got.telemetryB.push(...batch))
    onB.on('risk', () => got.riskB++)
    onB.on('device', () => got.deviceB++)

    a.relay.alarm(alarm({ id: 'al-relay-1', park: 'park.two' }))
    a.relay.telemetry({ device: 'd1', park: 'vtc', ts: 1, values: { lel: 3 } })
    a.relay.telemetry({ device: 'd2', park: 'vtc', ts: 1, values: { lel: 4 } })
    a.relay.risk({ park: 'vtc', level: 'blue' } as never)
    a.relay.device({ device: 'd1', park: 'vtc', online: false, ts: 2 })
    await eventually(() => got.alarmsB.length === 1 && got.telemetryB.length === 2 && got.riskB === 1 && got.deviceB === 1, 5000, 'node B sockets fed')
    expect(got.alarmsB[0]!.id).toBe('al-relay-1')
    expect(got.alarmsB[0]!.park).toBe('park.two')
    expect(got.telemetryB.map((u) => u.device).sort()).toEqual(['d1', 'd2'])
    // The same push, heard back from NATS on A, is not delivered a second time to A's socket.
    await eventually(() => got.alarmsA.length >= 1, 5000, 'node A socket fed')
    await a.nc.flush()
    await new Promise((r) => setTimeout(r, 200))
    expect(got.alarmsA.length).toBe(1)
    expect(a.relay.stats().relayed).toBe(0)
    expect(b.relay.stats().relayed).toBe(4)
    // One telemetry message for the park's two updates of one turn.
    expect(a.relay.stats().published).toBe(4)

    // A message whose payload names another park than its subject, or is not JSON, is dropped and counted.
    const enc = new TextEncoder()
    a.nc.publish('live.vtc.alarm', enc.encode(JSON.stringify({ n: 'node-x', t: Date.now(), d: alarm({ id: 'al-wrong-park', park: 'park.two' }) })))
    a.nc.publish('live.vtc.alarm', enc.encode('not json'))
    a.nc.publish('live.vtc.unknown', enc.encode('{}'))
    // One that begins as node A's own messages do: A skips it undecoded, B counts it.
    a.nc.publish('live.vtc.alarm', enc.encode('{"n":"node-a",not json'))
    await eventually(() => b.relay.stats().malformed === 4, 5000, 'four malformed messages counted')
    expect(got.alarmsB.map((x) => x.id)).not.toContain('al-wrong-park')
    await eventually(() => a.relay.stats().malformed === 3, 5000, 'node A: the three of others counted')
    await a.nc.flush()
    await new Promise((r) => setTimeout(r, 200))
    expect(a.relay.stats().malformed).toBe(3)
  })

  it('telemetry goes out paced: a device\'s updates between two flushes are one message with its latest values', async () => {
    // A pace no test waits for: everything pushed goes out once, when the relay stops.
    const a = await startLiveRelayNode({ name: 'node-pace-a', servers: nats.urls.split(','), parks: PARKS, telemetryMs: 3_600_000 })
    const b = await startNode('node-pace-b')
    const onB = await b.client()
    const got: TelemetryUpdate[] = []
    onB.on('telemetry', (batch) => got.push(...batch))
    for (let i = 1; i <= 20; i++) {
      a.relay.telemetry({ device: 'd1', park: 'vtc', ts: i, values: { lel: i } })
      if (i === 5) a.relay.telemetry({ device: 'd1', park: 'vtc', ts: i, values: { co: 7 } })
      await new Promise((r) => setImmediate(r))
    }
    a.relay.telemetry({ device: 'd9', park: 'park.two', ts: 1, values: { lel: 1 } })
    expect(a.relay.stats().published).toBe(0)
    await a.close()
    await eventually(() => got.length === 2, 5000, 'both parks\' telemetry on node B')
    expect(b.relay.stats().relayed).toBe(2)
    expect(got.find((u) => u.device === 'd1')).toMatchObject({ ts: 20, values: { lel: 20, co: 7 } })
  })

  it('publish on node A → socket.io delivery on node B at 1,000 and 5,000 alarms/s: every alarm arrives (latency printed)', async () => {
    const [a, b] = nodes
    const socket = await b!.client()
    for (const rate of [1000, 5000]) {
      const total = rate * 2
      const r = await relayLatency(a!, socket, { rate, total, parks: PARKS, timeoutMs: 20_000 })
      console.log(`live relay at ${rate} alarms/s (${total} alarms, one nats-server, both nodes in one process): publish → socket.io on the other node p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms`)
      // A figure, not a verdict: the machine is shared (docs/cluster.md quotes a quiet run); every alarm must arrive.
      expect(r.delivered).toBe(total)
    }
  })

  it('a dashboard connecting to node B gets node A\'s open alarms in its snapshot: seeded from the owner, kept by the pushes', async () => {
    const a = await startNode('node-m-a')
    // Node A's open alarms, as its safety loop would list them; it answers the snapshot op for its park.
    const open = new Map<string, Alarm>()
    const ownerBridge = new ActionBridge({ nc: a.nc, node: 'node-m-a', log: quiet })
    ownerBridge.serve('park.two', (req) => (req.op === SNAPSHOT_OP ? { alarms: [...open.values()], risk: [], incidents: [], serverTime: Date.now() } : null))
    const push = (x: Alarm): void => {
      if (x.workflow === 'closed') open.delete(x.id)
      else open.set(x.id, x)
      a.relay.alarm(x)
    }
    push(alarm({ id: 'al-before', park: 'park.two', raisedAt: 1 }))
    await a.nc.flush()

    // Node B starts after that alarm was pushed: only the seed can tell it.
    const ncB = await connect({ servers: nats.urls.split(',') })
    const bridgeB = new ActionBridge({ nc: ncB, node: 'node-m-b', log: quiet })
    const mirror = new LiveMirror({ bridge: bridgeB, log: quiet })
    const b = await startLiveRelayNode({ name: 'node-m-b', servers: nats.urls.split(','), parks: PARKS, mirror, snapshot: (parks) => withMirror({ alarms: [], risk: [], incidents: [], serverTime: Date.now() }, mirror.snapshot(parks)) })
    nodes.push(b)
    mirror.follow(() => ['park.two'])
    await eventually(() => mirror.stats.seeded >= 1, 10_000, 'mirror seeded from the owner')
    const first = await connectLive(b.url, LIVE_TOKEN)
    expect(first.snapshot.alarms.map((x) => x.id)).toEqual(['al-before'])

    const got: string[] = []
    first.socket.on('alarm', (x) => got.push(x.id))
    push(alarm({ id: 'al-after', park: 'park.two', raisedAt: 2 }))
    await eventually(() => got.includes('al-after'), 5000, 'the new alarm pushed to B\'s socket')
    const second = await connectLive(b.url, LIVE_TOKEN)
    expect(second.snapshot.alarms.map((x) => x.id)).toEqual(['al-after', 'al-before'])

    push(alarm({ id: 'al-before', park: 'park.two', raisedAt: 1, workflow: 'closed' }))
    await eventually(() => got.filter((x) => x === 'al-before').length === 1, 5000, 'the closing pushed')
    const third = await connectLive(b.url, LIVE_TOKEN)
    expect(third.snapshot.alarms.map((x) => x.id)).toEqual(['al-after'])
    for (const s of [first, second, third]) s.socket.disconnect()
    mirror.stop()
    ownerBridge.stop()
    await ncB.close()
  })

  it('a push that arrives while a park\'s snapshot is on its way is not hidden by that older snapshot', async () => {
    const nc = await connect({ servers: nats.urls.split(',') })
    const owner = new ActionBridge({ nc, node: 'node-r-a', log: quiet })
    let answer: (() => void) | undefined
    // The owner answers late, with a snapshot taken before the push below.
    owner.serve('vtc', async () => {
      const taken = { alarms: [alarm({ id: 'al-old', park: 'vtc', raisedAt: 1 })], risk: [], incidents: [], serverTime: Date.now() }
      await new Promise<void>((r) => (answer = r))
      return taken
    })
    await nc.flush()
    const mirror = new LiveMirror({ bridge: new ActionBridge({ nc, node: 'node-r-b', log: quiet }), log: quiet })
    const seeded = mirror.seed('vtc')
    await eventually(() => answer !== undefined, 5000, 'the owner asked')
    mirror.alarm(alarm({ id: 'al-new', park: 'vtc', raisedAt: 2 }))
    mirror.alarm(alarm({ id: 'al-old', park: 'vtc', raisedAt: 1, workflow: 'closed' }))
    answer!()
    expect(await seeded).toBe(true)
    expect(mirror.snapshot(['vtc']).alarms.map((x) => x.id)).toEqual(['al-new'])
    owner.stop()
    await nc.close()
  })

  it('a park that left this node is asked of its next owner until one answers (seedSoon)', async () => {
    const nc = await connect({ servers: nats.urls.split(',') })
    const mirror = new LiveMirror({ bridge: new ActionBridge({ nc, node: 'node-s-b', log: quiet }), log: quiet })
    const asked = mirror.seedSoon('park.two', 15_000)
    // The next owner takes the park a little later (a failover in progress).
    const owner = new ActionBridge({ nc, node: 'node-s-c', log: quiet })
    setTimeout(() => owner.serve('park.two', () => ({ alarms: [alarm({ id: 'al-next-owner', park: 'park.two' })], risk: [], incidents: [], serverTime: Date.now() })), 2500)
    expect(await asked).toBe(true)
    expect(mirror.stats.seedFailures).toBeGreaterThan(0)
    expect(mirror.snapshot(['park.two']).alarms.map((x) => x.id)).toEqual(['al-next-owner'])
    owner.stop()
    mirror.stop()
    await nc.close()
  })
})

