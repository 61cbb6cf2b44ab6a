import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNatsCluster, type NatsCluster } from '../../hub/src/cluster/nats-servers.js'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { TelemetryUpdate } from '../../hub/src/model/live-events.js'
import { eventually } from '../support/hub-harness.js'
import { relayLatency, startLiveRelayNode, type LiveRelayNode } from '../support/live-relay-node.js'
import { alarm } from '../unit/risk/fixtures.js'

/**
 * The live relay against a real nats-server: two nodes, each with its own real LiveServer on its
 * own HTTP port and a real socket.io client; what one node's safety loop pushes reaches the other
 * node's sockets (and its own sockets once, not twice).
 */
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
})
