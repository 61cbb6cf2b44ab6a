import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import mqttPacket from 'mqtt-packet'
import { Aedes } from 'aedes'
import { guardedConnection, InboundBacklog, MQTT_SERVER_OPTIONS } from '../../hub/src/broker/guarded-connection.js'
import { ConnectionScheduler } from '../../hub/src/broker/loop-turns.js'
import { FastPathCounters, fastPublishFor } from '../../hub/src/broker/publish-fast-path.js'

export interface GuardedBroker {
  url: string
  /** Payloads of the publishes authorised, in the order the hook saw them. */
  handled: string[]
  /** Publishes taken past aedes's parser (with `fast`). */
  takenFast: number
  /** This broker's own scheduler and inbound backlog, as broker.ts gives each broker. */
  scheduler: ConnectionScheduler
  backlog: InboundBacklog
  close(): Promise<void>
}

/**
 * A real aedes behind the guard on a real socket, as broker.ts wires them; `authorize` decides
 * when each publish is done, and with what error. With `fast`, telemetry takes the fast path.
 */
export async function guardedBroker(authorize: (done: (err?: Error) => void, topic: string) => void, o: { fast?: boolean; onDisconnect?: () => void } = {}): Promise<GuardedBroker> {
  const aedes = await Aedes.createBroker({
    authorizePublish: (_client, packet, done) => {
      b.handled.push(String(packet.payload))
      authorize((err) => done(err ?? null), packet.topic)
    },
  })
  if (o.onDisconnect) aedes.on('clientDisconnect', o.onDisconnect)
  const server: Server = createServer(MQTT_SERVER_OPTIONS, (socket) => {
    const conn = guardedConnection(socket, { maxPacketBytes: 1 << 20, sliceBytes: 16 * 1024, onTooLarge() {}, scheduler: b.scheduler, backlog: b.backlog })
    const client = aedes.handle(conn)
    if (!o.fast) return
    const fast = fastPublishFor(aedes, client, (t) => t.endsWith('/telemetry'), 16, new FastPathCounters())
    conn.fast = {
      ready: () => fast.ready(),
      held: () => fast.held(),
      takes: (topic) => fast.takes(topic),
      take(p, idle) {
        b.takenFast++
        fast.take(p, idle)
      },
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const b: GuardedBroker = {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    handled: [],
    takenFast: 0,
    scheduler: new ConnectionScheduler(),
    backlog: new InboundBacklog(),
    close: async () => {
      await new Promise<void>((r) => aedes.close(() => r()))
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
  return b
}

/** Poll `cond` every 20 ms, for up to 10 s. */
export async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** A raw MQTT 3.1.1 client: CONNECT, then whatever bytes the test writes. */
export async function rawClient(url: string, keepalive = 0): Promise<{ socket: Socket; closed: Promise<void> }> {
  const u = new URL(url)
  const socket = connect(Number(u.port), u.hostname)
  socket.setNoDelay(true)
  const closed = new Promise<void>((r) => socket.once('close', () => r()))
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.once('data', (b) => (b[0] === 0x20 && b[3] === 0 ? resolve() : reject(new Error('connection refused'))))
    socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: `raw-${Math.random()}`, keepalive }))
  })
  return { socket, closed }
}

