import { afterEach, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import mqttPacket from 'mqtt-packet'
import { qos0PublishAt } from '../../../hub/src/broker/publish-fast-path.js'
import { guardedBroker, rawClient, until } from '../../support/guarded-broker.js'

const publish = (topic: string, payload: string, o: { qos?: 0 | 1; retain?: boolean; dup?: boolean; messageId?: number } = {}): Buffer =>
  mqttPacket.generate({ cmd: 'publish', topic, payload, qos: o.qos ?? 0, retain: o.retain ?? false, dup: o.dup ?? false, ...(o.messageId ? { messageId: o.messageId } : {}) })

describe('qos0PublishAt', () => {
  it('reads the topic, payload and end of each QoS 0 PUBLISH in a buffer', () => {
    const long = 'x'.repeat(300) // a two-byte remaining length
    const buf = Buffer.concat([publish('parks/p/e/d/telemetry', '{"a":1}'), publish('parks/p/e/d/event', long, { retain: true })])
    const first = qos0PublishAt(buf, 0)!
    expect(first.topic).toBe('parks/p/e/d/telemetry')
    expect(String(first.payload)).toBe('{"a":1}')
    expect(first.retain).toBe(false)
    const second = qos0PublishAt(buf, first.end)!
    expect([second.topic, String(second.payload), second.retain, second.end]).toEqual(['parks/p/e/d/event', long, true, buf.length])
  })

  it('leaves everything else to the broker: QoS 1, DUP set, other packets, a packet not yet whole', () => {
    expect(qos0PublishAt(publish('t', 'x', { qos: 1, messageId: 7 }), 0)).toBeUndefined()
    expect(qos0PublishAt(publish('t', 'x', { dup: true }), 0)).toBeUndefined()
    expect(qos0PublishAt(mqttPacket.generate({ cmd: 'pingreq' }), 0)).toBeUndefined()
    const whole = publish('parks/p/e/d/telemetry', '{"a":1}')
    for (let cut = 0; cut < whole.length; cut++) expect(qos0PublishAt(whole.subarray(0, cut), 0)).toBeUndefined()
    // A topic length running past the packet.
    const bad = Buffer.from([0x30, 3, 0, 9, 0x61])
    expect(qos0PublishAt(bad, 0)).toBeUndefined()
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

  it('takes publishes that arrive a byte at a time, and leaves QoS 1 and other topics to aedes', async () => {
    const b = await guardedBroker((done) => done(), { fast: true })
    stop = b.close
    const { socket } = await rawClient(b.url)
    // The QoS 1 publish carries the bytes of a QoS 0 one as its payload: read from its middle,
    // they would look like a publish of their own.
    const inner = publish('parks/p/e/d/telemetry', 'inner').toString('latin1')
    const bytes = Buffer.concat([
      publish('parks/p/e/d/telemetry', '1'),
      mqttPacket.generate({ cmd: 'publish', topic: 'parks/p/e/d/telemetry', payload: Buffer.from(inner, 'latin1'), qos: 1, messageId: 1, retain: false, dup: false }),
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
