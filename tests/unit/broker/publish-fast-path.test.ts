import { afterEach, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import mqttPacket from 'mqtt-packet'
import { publishAt } from '../../../hub/src/broker/publish-fast-path.js'
import { guardedBroker, rawClient, until } from '../../support/guarded-broker.js'

const publish = (topic: string, payload: string, o: { qos?: 0 | 1; retain?: boolean; dup?: boolean; messageId?: number } = {}): Buffer =>
  mqttPacket.generate({ cmd: 'publish', topic, payload, qos: o.qos ?? 0, retain: o.retain ?? false, dup: o.dup ?? false, ...(o.messageId ? { messageId: o.messageId } : {}) })

describe('publishAt', () => {
  it('reads the topic, payload, QoS, packet identifier and end of each PUBLISH in a buffer', () => {
    const long = 'x'.repeat(300) // a two-byte remaining length
    const buf = Buffer.concat([publish('parks/p/e/d/telemetry', '{"a":1}'), publish('parks/p/e/d/event', long, { retain: true }), publish('parks/p/e/d/telemetry', 'q1', { qos: 1, messageId: 513, dup: true })])
    const first = publishAt(buf, 0)!
    expect([first.topic, String(first.payload), first.qos, first.retain]).toEqual(['parks/p/e/d/telemetry', '{"a":1}', 0, false])
    const second = publishAt(buf, first.end)!
    expect([second.topic, String(second.payload), second.retain]).toEqual(['parks/p/e/d/event', long, true])
    const third = publishAt(buf, second.end)!
    expect([third.topic, String(third.payload), third.qos, third.messageId, third.dup, third.end]).toEqual(['parks/p/e/d/telemetry', 'q1', 1, 513, true, buf.length])
  })

  it('leaves everything else to the broker: QoS 2, DUP on QoS 0, packet identifier 0, other packets, a packet not yet whole', () => {
    expect(publishAt(publish('t', 'x', { qos: 2 as 1, messageId: 7 }), 0)).toBeUndefined()
    expect(publishAt(publish('t', 'x', { dup: true }), 0)).toBeUndefined()
    expect(publishAt(Buffer.from([0x32, 5, 0, 1, 0x74, 0, 0]), 0)).toBeUndefined()
    expect(publishAt(mqttPacket.generate({ cmd: 'pingreq' }), 0)).toBeUndefined()
    for (const whole of [publish('parks/p/e/d/telemetry', '{"a":1}'), publish('parks/p/e/d/telemetry', '{"a":1}', { qos: 1, messageId: 9 })]) {
      for (let cut = 0; cut < whole.length; cut++) expect(publishAt(whole.subarray(0, cut), 0)).toBeUndefined()
    }
    // A topic length running past the packet.
    const bad = Buffer.from([0x30, 3, 0, 9, 0x61])
    expect(publishAt(bad, 0)).toBeUndefined()
  })
})

describe('fast path for QoS 0 telemetry', () => {
  let stop: (() => Promise<void>) | undefined
  afterEach(async () => {
    await stop?.()
    stop = undefined
  })

  it('keeps the order of a connection’s packets when QoS 1 publishes wait in between', async () => {
    // Each QoS 1 publish is held 20 ms (as for the journal's fsync). Two are sent 2 ms apart:
    // the second waits unread in aedes, and the QoS 0 ones after it must wait behind it; the
    // later ones take the fast path again.
    const held = await guardedBroker((done, topic) => (topic.endsWith('/event') ? void setTimeout(done, 20) : done()), { fast: true })
    stop = held.close
    const c = await mqtt.connectAsync(held.url, { reconnectPeriod: 0 })
    const sent: string[] = []
    for (let i = 0; i < 60; i++) {
      const qos1 = i % 20 === 5 || i % 20 === 6
      sent.push(`{"n":${i}}`)
      c.publish(qos1 ? 'parks/p/e/d/event' : 'parks/p/e/d/telemetry', `{"n":${i}}`, { qos: qos1 ? 1 : 0 })
      await new Promise((r) => setTimeout(r, 2))
    }
    await until(() => held.handled.length >= 60, `${held.handled.length} of 60 handled`)
    expect(held.handled).toEqual(sent)
    expect(held.takenFast).toBeGreaterThan(0)
    await c.endAsync()
  })

  it('takes publishes that arrive a byte at a time, and leaves QoS 2 and other topics to aedes', async () => {
    const b = await guardedBroker((done) => done(), { fast: true })
    stop = b.close
    const { socket } = await rawClient(b.url)
    // A QoS 2 publish (aedes's, handed over a byte at a time) carries the bytes of a QoS 0 one
    // as its payload: read from its middle, they would look like a publish of their own.
    const inner = publish('parks/p/e/d/telemetry', 'inner').toString('latin1')
    const bytes = Buffer.concat([
      publish('parks/p/e/d/telemetry', '1'),
      mqttPacket.generate({ cmd: 'publish', topic: 'parks/p/e/d/telemetry', payload: Buffer.from(inner, 'latin1'), qos: 2, messageId: 1, retain: false, dup: false }),
      publish('parks/p/e/d/status', 'online', { retain: true }),
      publish('parks/p/e/d/telemetry', '4'),
    ])
    for (const byte of bytes) {
      socket.write(Buffer.from([byte]))
      await new Promise((r) => setImmediate(r))
    }
    await until(() => b.handled.length >= 4, `${b.handled.length} of 4 handled`)
    expect(b.handled).toEqual(['1', Buffer.from(inner, 'latin1').toString(), 'online', '4'])
    expect(b.takenFast).toBe(2)
    socket.destroy()
  })

  it('acknowledges a QoS 1 publish once the hook is done with it, in order, holding at most a slice', async () => {
    // The hook holds every QoS 1 publish until released (as the journal's fsync does).
    const waiting: (() => void)[] = []
    const b = await guardedBroker((done) => void waiting.push(done), { fast: true })
    stop = b.close
    const { socket } = await rawClient(b.url)
    const acks: number[] = []
    let rest = Buffer.alloc(0)
    socket.on('data', (d: Buffer) => {
      rest = Buffer.concat([rest, d])
      let i = 0
      for (; i + 4 <= rest.length; i += 4) if (rest[i] === 0x40) acks.push((rest[i + 2]! << 8) | rest[i + 3]!)
      rest = rest.subarray(i)
    })
    // 2,000 publishes (≈ 90 KB) in one write: several slices.
    socket.write(Buffer.concat(Array.from({ length: 2000 }, (_, i) => publish('parks/p/e/d/telemetry', `{"n":${i}}`, { qos: 1, messageId: i + 1 }))))
    await until(() => b.handled.length > 0, 'the first slice taken')
    await new Promise((r) => setTimeout(r, 100))
    // One slice (16 KiB ≈ 370 of these) taken and held; nothing acknowledged yet.
    const firstSlice = b.handled.length
    expect(firstSlice).toBeLessThan(500)
    expect(acks).toEqual([])
    // Released slice by slice: each acknowledged in order, and only then the next slice taken.
    while (acks.length < 2000) {
      for (const done of waiting.splice(0)) done()
      await until(() => waiting.length > 0 || acks.length === 2000, `${acks.length} of 2000 acknowledged`)
    }
    expect(acks).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1))
    expect(b.handled).toEqual(Array.from({ length: 2000 }, (_, i) => `{"n":${i}}`))
    expect(b.takenFast).toBe(2000)
    socket.destroy()
  })

  it('closes the connection on a refused publish, and takes nothing after it', async () => {
    const b = await guardedBroker((done, topic) => done(topic.includes('/x/') ? new Error('not yours') : undefined), { fast: true })
    stop = b.close
    const { socket, closed } = await rawClient(b.url)
    socket.write(Buffer.concat([publish('parks/p/e/d/telemetry', 'ok'), publish('parks/p/x/d/telemetry', 'refused'), publish('parks/p/e/d/telemetry', 'after')]))
    await closed
    expect(b.handled).toEqual(['ok', 'refused'])
  })

  it('keeps a client that sends only QoS 0 telemetry alive past its keep-alive', async () => {
    // Keep-alive 1 s: aedes closes a client silent for 1.5 s. Publishes every 100 ms for 2.5 s.
    const b = await guardedBroker((done) => done(), { fast: true })
    stop = b.close
    const { socket } = await rawClient(b.url, 1)
    let open = true
    socket.once('close', () => (open = false))
    for (let i = 0; i < 25 && open; i++) {
      socket.write(publish('parks/p/e/d/telemetry', String(i)))
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(open).toBe(true)
    expect(b.takenFast).toBe(25)
    socket.destroy()
  })
})
