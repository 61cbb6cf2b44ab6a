import { connect, type NatsConnection } from '@nats-io/transport-node'
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { LiveRelay, type LiveRelayOptions } from '../../hub/src/cluster/live-relay.js'
import { LiveServer } from '../../hub/src/live/live-server.js'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { Snapshot } from '../../hub/src/model/live-events.js'
import { alarm } from '../unit/risk/fixtures.js'
import { connectLive, type LiveClient } from './live-client.js'

/**
 * One hub node's live half for cluster tests and benches: a real LiveServer on its own HTTP port
 * (token `token`, an admin who sees every park) fed by a LiveRelay on its own NATS connection.
 */
export interface LiveRelayNode {
  nc: NatsConnection
  http: HttpServer
  live: LiveServer
  relay: LiveRelay
  url: string
  /** A real socket.io client of this node, resolved after its snapshot. */
  client(): Promise<LiveClient>
  close(): Promise<void>
}

export const LIVE_TOKEN = 'token'

export async function startLiveRelayNode(o: {
  name: string
  servers: string[]
  parks: string[]
  /** What a socket gets on connect (empty by default). */
  snapshot?: (parks: string[] | undefined) => Snapshot
  /** Other nodes' pushes are mirrored here too. */
  mirror?: LiveRelayOptions['mirror']
  telemetryMs?: number
}): Promise<LiveRelayNode> {
  const nc = await connect({ servers: o.servers, name: o.name, noRandomize: true })
  const http = createServer()
  const live = new LiveServer(http, {
    verifyToken: (t) => (t === LIVE_TOKEN ? { name: 'op', roles: ['admin'], expiresAt: Date.now() + 3_600_000 } : undefined),
    currentUser: () => ({ name: 'op', roles: ['admin'] }),
    snapshot: (parks) => o.snapshot?.(parks) ?? { alarms: [], risk: [], incidents: [], serverTime: Date.now() },
    parkIds: () => o.parks,
    enterprisePark: () => undefined,
    deviceEnterprise: () => undefined,
  }, { limits: { eventRate: 1000, eventBurst: 1000 } })
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()))
  const relay = new LiveRelay({ nc, node: o.name, local: live, mirror: o.mirror, log: { warn() {} }, ...(o.telemetryMs ? { telemetryMs: o.telemetryMs } : {}) })
  relay.start()
  // The subscription is registered with the server before anyone publishes.
  await nc.flush()
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  const sockets: LiveClient[] = []
  return {
    nc, http, live, relay, url,
    async client() {
      const { socket } = await connectLive(url, LIVE_TOKEN)
      sockets.push(socket)
      return socket
    },
    async close() {
      for (const s of sockets) s.disconnect()
      await relay.stop()
      await live.close()
      await new Promise<void>((r) => http.close(() => r()))
      await nc.close()
    },
  }
}

export interface RelayLatency {
  sent: number
  delivered: number
  p50: number
  p99: number
  max: number
}

/**
 * `total` alarms pushed on `from` at `rate` a second (paced in 10 ms steps against the clock),
 * each timed from the push to its arrival on `socket` (a client of another node); resolves when
 * all arrived or `timeoutMs` passed since the last push, with what arrived. With `telemetryRate`,
 * that many telemetry updates a second (1,000 devices over the parks) are pushed alongside.
 */
export async function relayLatency(from: LiveRelayNode, socket: LiveClient, o: { rate: number; total: number; parks: string[]; timeoutMs: number; telemetryRate?: number }): Promise<RelayLatency> {
  const sentAt = new Map<string, number>()
  const lat: number[] = []
  const tag = `al-${o.rate}-${Date.now()}-`
  const handler = (x: Alarm): void => {
    const t = sentAt.get(x.id)
    if (t !== undefined) lat.push(performance.now() - t)
  }
  socket.on('alarm', handler)
  const perTick = o.rate / 100
  let sent = 0
  let updates = 0
  const start = performance.now()
  while (sent < o.total) {
    const ticks = (performance.now() - start) / 10 + 1
    const due = Math.min(o.total, Math.floor(ticks * perTick))
    for (const dueUpdates = Math.floor((ticks * (o.telemetryRate ?? 0)) / 100); updates < dueUpdates; updates++) {
      const d = updates % 1000
      from.relay.telemetry({ device: `dev-${d}`, park: o.parks[d % o.parks.length]!, ts: Date.now(), values: { lel: updates % 100 } })
    }
    for (; sent < due; sent++) {
      const id = `${tag}${sent}`
      sentAt.set(id, performance.now())
      from.relay.alarm(alarm({ id, park: o.parks[sent % o.parks.length]! }))
    }
    await new Promise((r) => setTimeout(r, 10))
  }
  const until = Date.now() + o.timeoutMs
  while (lat.length < o.total && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
  socket.off('alarm', handler)
  lat.sort((x, y) => x - y)
  const at = (p: number): number => lat[Math.min(lat.length - 1, Math.max(0, Math.ceil((p / 100) * lat.length) - 1))] ?? Number.NaN
  return { sent, delivered: lat.length, p50: at(50), p99: at(99), max: lat[lat.length - 1] ?? Number.NaN }
}
