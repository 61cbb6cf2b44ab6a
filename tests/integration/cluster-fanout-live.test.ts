import { connect, type NatsConnection } from '@nats-io/transport-node'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LiveRelay } from '../../hub/src/cluster/live-relay.js'
import { startNatsCluster, type NatsCluster } from '../../hub/src/cluster/nats-servers.js'
import { LiveServer } from '../../hub/src/live/live-server.js'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { TelemetryUpdate } from '../../hub/src/model/live-events.js'
import { eventually } from '../support/hub-harness.js'
import { connectLive, type LiveClient } from '../support/live-client.js'
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
const nodes: { nc: NatsConnection; http: HttpServer; live: LiveServer; relay: LiveRelay; url: string }[] = []
const sockets: LiveClient[] = []

async function startNode(name: string): Promise<(typeof nodes)[number]> {
  const nc = await connect({ servers: nats.urls.split(','), name })
  const http = createServer()
  const live = new LiveServer(http, {
    verifyToken: (t) => (t === 'token' ? { name: 'op', roles: ['admin'], expiresAt: Date.now() + 3_600_000 } : undefined),
    currentUser: () => ({ name: 'op', roles: ['admin'] }),
    snapshot: () => ({ alarms: [], risk: [], incidents: [], serverTime: Date.now() }),
    parkIds: () => PARKS,
    enterprisePark: () => undefined,
    deviceEnterprise: () => undefined,
  }, { limits: { eventRate: 1000, eventBurst: 1000 } })
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()))
  const relay = new LiveRelay({ nc, node: name, local: live, log: quiet })
  relay.start()
  const n = { nc, http, live, relay, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` }
  nodes.push(n)
  return n
}

async function client(url: string): Promise<LiveClient> {
  const { socket } = await connectLive(url, 'token')
  sockets.push(socket)
  return socket
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smartpark-fanout-live-'))
  nats = await startNatsCluster({ dir, size: 1 })
})

afterAll(async () => {
  for (const s of sockets) s.disconnect()
  for (const n of nodes) {
    await n.relay.stop()
    await n.live.close()
    await new Promise<void>((r) => n.http.close(() => r()))
    await n.nc.close()
  }
  await nats?.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('live relay', () => {
  it('an alarm, telemetry, risk and a device update pushed on node A reach a socket on node B; A\'s own socket gets each once', async () => {
    const a = await startNode('node-a')
    const b = await startNode('node-b')
    // Both subscriptions registered with the server before anything is published.
    await a.nc.flush()
    await b.nc.flush()
    const onB = await client(b.url)
    const onA = await client(a.url)
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
    const socket = await client(b!.url)
    for (const rate of [1000, 5000]) {
      const sentAt = new Map<string, number>()
      const lat: number[] = []
      const handler = (x: Alarm): void => {
        const t = sentAt.get(x.id)
        if (t !== undefined) lat.push(performance.now() - t)
      }
      socket.on('alarm', handler)
      const total = rate * 2
      const perTick = rate / 100
      let sent = 0
      const start = performance.now()
      while (sent < total) {
        // Paced in 10 ms steps against the clock, not by timer luck.
        const due = Math.min(total, Math.floor(((performance.now() - start) / 10 + 1) * perTick))
        for (; sent < due; sent++) {
          const id = `al-${rate}-${sent}`
          sentAt.set(id, performance.now())
          a!.relay.alarm(alarm({ id, park: PARKS[sent % 2]! }))
        }
        await new Promise((r) => setTimeout(r, 10))
      }
      await eventually(() => lat.length === total, 20_000, `${total} alarms delivered`)
      socket.off('alarm', handler)
      lat.sort((x, y) => x - y)
      console.log(`live relay at ${rate} alarms/s (${total} alarms, one nats-server, both nodes in one process): publish → socket.io on the other node p50 ${percentile(lat, 50).toFixed(1)} ms, p99 ${percentile(lat, 99).toFixed(1)} ms, max ${lat[lat.length - 1]!.toFixed(1)} ms`)
      // A figure, not a verdict: the machine is shared (docs/cluster.md quotes a quiet run); every alarm must arrive.
      expect(lat.length).toBe(total)
    }
  })
})
