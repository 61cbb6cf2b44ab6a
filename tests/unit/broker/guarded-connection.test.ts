import { afterEach, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import mqttPacket from 'mqtt-packet'
import { guardedBroker, rawClient, until } from '../../support/guarded-broker.js'

/** A broker where each publish costs 50 µs: 20 connections × 1,000 publishes are a second of work. */
function busyBroker(fast: boolean): ReturnType<typeof guardedBroker> {
  return guardedBroker((done) => {
    const end = performance.now() + 0.05
    while (performance.now() < end);
    done()
  }, { fast })
}

/** 1,000 QoS 0 publishes from each client, sent at once. */
function sendBacklog(clients: mqtt.MqttClient[]): void {
  for (const [k, c] of clients.entries()) for (let i = 0; i < 1000; i++) c.publish('parks/p/e/d/telemetry', `{"c":${k},"n":${i}}`, { qos: 0 })
}

describe.each([
  ['through aedes', false],
  ['with the fast path for telemetry', true],
])('guarded connection in front of aedes, %s', (_how, fast) => {
  let stop: (() => Promise<void>) | undefined
  afterEach(async () => {
    await stop?.()
    stop = undefined
  })

  it.each([
    ['at once', (done: () => void) => done()],
    ['later', (done: () => void) => void setTimeout(done, 1)],
  ])('hands every byte of a burst to the broker, in order, when publishes complete %s', async (_when, authorize) => {
    const b = await guardedBroker(authorize, { fast })
    stop = b.close
    const c = await mqtt.connectAsync(b.url, { reconnectPeriod: 0 })
    // 1,500 publishes (≈ 80 KB) in one go: several slices, and the socket paused meanwhile.
    for (let i = 0; i < 1500; i++) c.publish('parks/p/e/d/telemetry', `{"n":${i}}`, { qos: 0 })
    await until(() => b.handled.length >= 1500, `${b.handled.length} of 1500 handled`)
    expect(b.handled).toEqual(Array.from({ length: 1500 }, (_, i) => `{"n":${i}}`))
    expect(b.takenFast > 0).toBe(fast)
    await c.endAsync()
    await until(() => b.backlog.pausedConnections === 0 && b.backlog.waitingBytes === 0, 'backlog released')
  })

  it('lets timers run while connections hand a backlog to a busy broker', async () => {
    const b = await busyBroker(fast)
    stop = b.close
    const clients = await Promise.all(Array.from({ length: 20 }, () => mqtt.connectAsync(b.url, { reconnectPeriod: 0 })))
    const handledAt: number[] = []
    let saturatedSeen = false
    const timer = setInterval(() => {
      handledAt.push(b.handled.length)
      saturatedSeen ||= b.scheduler.saturated()
    }, 5)
    sendBacklog(clients)
    await until(() => b.handled.length >= 20_000, `${b.handled.length} of 20000 handled`)
    clearInterval(timer)
    // The interval ran all along, not only once the backlog was gone.
    const during = handledAt.filter((n) => n > 0 && n < 20_000)
    expect(during.length).toBeGreaterThan(20)
    // A second of deliveries filling every pass counts as saturated, and stops counting once idle.
    expect(saturatedSeen).toBe(true)
    await until(() => !b.scheduler.saturated(), 'saturation over')
    await Promise.all(clients.map((c) => c.endAsync()))
  })

  it('serves a connection that had been quiet ahead of the busy ones: its publish waits for the pass, not for a round', async () => {
    // 20 connections with a second of work between them, each written in one go (≈ 40 KB,
    // ≈ 390 publishes a slice, each slice ≈ 20 ms of work); one more connection, quiet.
    const b = await busyBroker(fast)
    stop = b.close
    const busy = await Promise.all(Array.from({ length: 20 }, () => rawClient(b.url)))
    const late = await rawClient(b.url)
    await new Promise((r) => setTimeout(r, 150))
    for (const [k, c] of busy.entries()) {
      c.socket.write(Buffer.concat(Array.from({ length: 1000 }, (_, i) => mqttPacket.generate({ cmd: 'publish', topic: 'parks/p/e/d/telemetry', payload: `{"c":${k},"n":${i}}`, qos: 0, retain: false, dup: false }))))
    }
    // Once every busy connection has had a turn, each has more waiting and queues again.
    await until(() => b.handled.length >= 9000, 'a round of the backlog handled')
    const at = b.handled.length
    late.socket.write(mqttPacket.generate({ cmd: 'publish', topic: 'parks/p/e/d/telemetry', payload: '{"late":true}', qos: 0, retain: false, dup: false }))
    await until(() => b.handled.length >= 20_001, `${b.handled.length} of 20001 handled`)
    // Behind the busy connections in one queue, it would come after a round of their slices
    // (≈ 7,800 publishes). Quiet, it comes after what the pass under way still holds.
    expect(b.handled.indexOf('{"late":true}') - at).toBeLessThan(1000)
    for (const c of [...busy, late]) c.socket.destroy()
  })

  it('keeps busy connections in one queue: each gets its turn within a round', async () => {
    const b = await busyBroker(fast)
    stop = b.close
    const clients = await Promise.all(Array.from({ length: 20 }, () => mqtt.connectAsync(b.url, { reconnectPeriod: 0 })))
    sendBacklog(clients)
    await until(() => b.handled.length >= 20_000, `${b.handled.length} of 20000 handled`)
    // Every client's last publish comes within the last round (20 slices of ≈ 390), not one
    // client's whole backlog after another's.
    const lastOf = clients.map((_, k) => b.handled.lastIndexOf(`{"c":${k},"n":999}`))
    expect(Math.min(...lastOf)).toBeGreaterThan(20_000 - 2 * 20 * 400)
    await Promise.all(clients.map((c) => c.endAsync()))
  })

  it('hands over every publish a client sent before closing its side, then closes the connection', async () => {
    const b = await guardedBroker((done) => done(), { fast })
    stop = b.close
    const { socket, closed } = await rawClient(b.url)
    for (let i = 0; i < 200; i++) socket.write(mqttPacket.generate({ cmd: 'publish', topic: 'parks/p/e/d/telemetry', payload: `{"n":${i}}`, qos: 0, retain: false, dup: false }))
    socket.end()
    // The listener is half-open: only the guard's end closes it, once the broker has read everything.
    await closed
    expect(b.handled).toEqual(Array.from({ length: 200 }, (_, i) => `{"n":${i}}`))
  })

  it('ends connections closed at once in turns: a quiet connection\'s publish goes ahead of them', async () => {
    let disconnected = 0
    // Each end costs the broker 2 ms: 150 of them are 0.3 s of work, half a second or more in turns.
    const b = await guardedBroker((done) => done(), {
      fast,
      onDisconnect: () => {
        const end = performance.now() + 2
        while (performance.now() < end);
        disconnected++
      },
    })
    stop = b.close
    const quiet = await mqtt.connectAsync(b.url, { reconnectPeriod: 0 })
    const leaving = await Promise.all(Array.from({ length: 150 }, () => rawClient(b.url)))
    for (const c of leaving) c.socket.end()
    // The ends wait in the scheduler's queue instead of being worked through as the sockets report them.
    await until(() => b.scheduler.stats().waiting >= 50, `ends queued (${b.scheduler.stats().waiting} waiting, ${disconnected} ended)`)
    quiet.publish('parks/p/e/d/telemetry', '{"alarm":1}', { qos: 0 })
    await until(() => b.handled.includes('{"alarm":1}'), 'quiet publish handled')
    expect(disconnected).toBeLessThan(150)
    await Promise.all(leaving.map((c) => c.closed))
    expect(disconnected).toBe(150)
    await quiet.endAsync()
  })

  it('acknowledges every QoS 1 publish', async () => {
    const b = await guardedBroker((done) => void setImmediate(done), { fast })
    stop = b.close
    const c = await mqtt.connectAsync(b.url, { reconnectPeriod: 0 })
    await Promise.all(Array.from({ length: 500 }, (_, i) => c.publishAsync('parks/p/e/d/telemetry', `{"n":${i}}`, { qos: 1 })))
    expect(b.handled).toHaveLength(500)
    await c.endAsync()
  })
})
