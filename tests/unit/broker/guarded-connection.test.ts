import { afterEach, describe, expect, it } from 'vitest'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { Aedes } from 'aedes'
import mqtt from 'mqtt'
import { guardedConnection, inboundBacklog } from '../../../hub/src/broker/packet-size-guard.js'
import { connectionsSaturated } from '../../../hub/src/broker/loop-turns.js'

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

  it('lets timers run while connections hand a backlog to a busy broker', async () => {
    // Each publish costs the broker 50 µs: 20 connections × 1,000 publishes are a second of work.
    const spin = (): void => {
      const until = performance.now() + 0.05
      while (performance.now() < until);
    }
    const b = await broker((done) => (spin(), done()))
    stop = b.close
    const clients = await Promise.all(Array.from({ length: 20 }, () => mqtt.connectAsync(b.url, { reconnectPeriod: 0 })))
    const handledAt: number[] = []
    let saturatedSeen = false
    const timer = setInterval(() => {
      handledAt.push(b.handled.length)
      saturatedSeen ||= connectionsSaturated()
    }, 5)
    for (const [k, c] of clients.entries()) for (let i = 0; i < 1000; i++) c.publish('parks/p/e/d/telemetry', `{"c":${k},"n":${i}}`, { qos: 0 })
    await until(() => b.handled.length >= 20_000, `${b.handled.length} of 20000 handled`)
    clearInterval(timer)
    // The interval ran all along, not only once the backlog was gone.
    const during = handledAt.filter((n) => n > 0 && n < 20_000)
    expect(during.length).toBeGreaterThan(20)
    // A second of deliveries filling every pass counts as saturated, and stops counting once idle.
    expect(saturatedSeen).toBe(true)
    await until(() => !connectionsSaturated(), 'saturation over')
    await Promise.all(clients.map((c) => c.endAsync()))
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
