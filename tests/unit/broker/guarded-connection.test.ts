import { afterEach, describe, expect, it } from 'vitest'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { Aedes } from 'aedes'
import mqtt from 'mqtt'
import { guardedConnection, inboundBacklog } from '../../../hub/src/broker/packet-size-guard.js'

/** A real aedes behind the guard on a real socket; `authorize` decides when each publish is done. */
async function broker(authorize: (done: () => void) => void): Promise<{ url: string; handled: string[]; close(): Promise<void> }> {
  const handled: string[] = []
  const aedes = await Aedes.createBroker({
    authorizePublish: (_client, packet, done) => {
      handled.push(String(packet.payload))
      authorize(() => done(null))
    },
  })
  const server: Server = createServer((socket) => aedes.handle(guardedConnection(socket, { maxPacketBytes: 1 << 20, sliceBytes: 16 * 1024, onTooLarge() {} })))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    handled,
    close: async () => {
      await new Promise<void>((r) => aedes.close(() => r()))
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('guarded connection in front of aedes', () => {
  let stop: (() => Promise<void>) | undefined
  afterEach(async () => {
    await stop?.()
    stop = undefined
  })

  it.each([
    ['at once', (done: () => void) => done()],
    ['later', (done: () => void) => void setTimeout(done, 1)],
  ])('hands every byte of a burst to the broker, in order, when publishes complete %s', async (_when, authorize) => {
    const b = await broker(authorize)
    stop = b.close
    const c = await mqtt.connectAsync(b.url, { reconnectPeriod: 0 })
    // 1,500 publishes (≈ 80 KB) in one go: several slices, and the socket paused meanwhile.
    for (let i = 0; i < 1500; i++) c.publish('parks/p/e/d/telemetry', `{"n":${i}}`, { qos: 0 })
    await until(() => b.handled.length >= 1500, `${b.handled.length} of 1500 handled`)
    expect(b.handled).toEqual(Array.from({ length: 1500 }, (_, i) => `{"n":${i}}`))
    await c.endAsync()
    await until(() => inboundBacklog().pausedConnections === 0 && inboundBacklog().waitingBytes === 0, 'backlog released')
  })

  it('acknowledges every QoS 1 publish', async () => {
    const b = await broker((done) => void setImmediate(done))
    stop = b.close
    const c = await mqtt.connectAsync(b.url, { reconnectPeriod: 0 })
    await Promise.all(Array.from({ length: 500 }, (_, i) => c.publishAsync('parks/p/e/d/telemetry', `{"n":${i}}`, { qos: 1 })))
    expect(b.handled).toHaveLength(500)
    await c.endAsync()
  })
})
