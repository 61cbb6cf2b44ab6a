import { createServer, type AddressInfo, type Server } from 'node:net'
import { Aedes } from 'aedes'
import { guardedConnection } from '../../hub/src/broker/packet-size-guard.js'
import { fastPublishFor } from '../../hub/src/broker/publish-fast-path.js'

export interface GuardedBroker {
  url: string
  /** Payloads of the publishes authorised, in the order the hook saw them. */
  handled: string[]
  /** Publishes taken past aedes's parser (with `fast`). */
  takenFast: number
  close(): Promise<void>
}

/**
 * A real aedes behind the guard on a real socket, as broker.ts wires them; `authorize` decides
 * when each publish is done, and with what error. With `fast`, telemetry takes the fast path.
 */
export async function guardedBroker(authorize: (done: (err?: Error) => void, topic: string) => void, o: { fast?: boolean } = {}): Promise<GuardedBroker> {
  const aedes = await Aedes.createBroker({
    authorizePublish: (_client, packet, done) => {
      b.handled.push(String(packet.payload))
      authorize((err) => done(err ?? null), packet.topic)
    },
  })
  const server: Server = createServer((socket) => {
    const conn = guardedConnection(socket, { maxPacketBytes: 1 << 20, sliceBytes: 16 * 1024, onTooLarge() {} })
    const client = aedes.handle(conn)
    if (!o.fast) return
    const fast = fastPublishFor(aedes, client, (t) => t.endsWith('/telemetry'), 16)
    conn.fast = {
      ...fast,
      take(topic, payload, retain) {
        b.takenFast++
        fast.take(topic, payload, retain)
      },
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const b: GuardedBroker = {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    handled: [],
    takenFast: 0,
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
