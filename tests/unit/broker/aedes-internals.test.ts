import { readFileSync } from 'node:fs'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import { Aedes, type Client } from 'aedes'
import { AEDES_VERSION, aedesMemoryStore, clientConnection, clientIdle, connectedClients, lightenParser, refreshKeepalive, skipFanOutFor } from '../../../hub/src/broker/aedes-internals.js'
import { Socket as RawSocket } from 'node:net'
import mqttPacket from 'mqtt-packet'

/**
 * The contract between the hub and aedes's private parts (broker/aedes-internals.ts): each
 * field it reads exists with the type it expects on a real client of the installed aedes, each
 * call it makes exists and behaves as the hub relies on. A release that changes one fails here.
 */
const json = (path: string): { version?: string; dependencies?: Record<string, string> } => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'))

describe('aedes internals the hub touches', () => {
  let aedes: Aedes | undefined
  let server: Server | undefined
  const clients: mqtt.MqttClient[] = []
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)))
    if (aedes) await new Promise<void>((r) => aedes!.close(() => r()))
    if (server) await new Promise<void>((r) => server!.close(() => r()))
    aedes = server = undefined
  })

  /** A real aedes on a real socket; `hold` decides when each publish's authorisation is done. */
  async function start(hold?: (done: () => void) => void): Promise<{ url: string; connected: Promise<Client> }> {
    aedes = await Aedes.createBroker({ authorizePublish: (_c, _p, done) => (hold ? hold(() => done(null)) : done(null)) })
    const connected = new Promise<Client>((r) => aedes!.once('clientReady', r))
    server = createServer((socket) => aedes!.handle(socket))
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
    return { url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`, connected }
  }
  const connect = async (url: string, o: mqtt.IClientOptions = {}): Promise<mqtt.MqttClient> => {
    const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, ...o })
    clients.push(c)
    return c
  }

  it('is the aedes release they were read from, pinned exactly in package.json', () => {
    expect(json('../../../node_modules/aedes/package.json').version).toBe(AEDES_VERSION)
    expect(json('../../../package.json').dependencies?.aedes).toBe(AEDES_VERSION)
  })

  it('a connected client has the fields read, with their types', async () => {
    const { url, connected } = await start()
    await connect(url, { keepalive: 30, clientId: 'probe' })
    const client = await connected
    const c = client as unknown as Record<string, unknown>
    expect(c.connected).toBe(true)
    expect(c.closed).toBe(false)
    expect(c._parsingBatch).toBe(0)
    // Unset until aedes first pauses the client; a boolean from then on.
    expect(['undefined', 'boolean']).toContain(typeof c._paused)
    // MQTT 3.1.1 §3.1.2.10: aedes allows one and a half keep-alives, in ms.
    expect(c._keepaliveInterval).toBe(30 * 1500 + 1)
    expect(typeof (c._keepaliveTimer as NodeJS.Timeout).refresh).toBe('function')
    const conn = clientConnection(client)
    expect(conn.destroyed).toBe(false)
    for (const m of ['write', 'cork', 'uncork'] as const) expect(typeof conn[m]).toBe('function')
    expect(connectedClients(aedes)['probe']).toBe(client)
    expect(clientIdle(client)).toBe(true)
    refreshKeepalive(client)
  })

  it('pause() and resume() set _paused, and a paused client is not idle', async () => {
    const { url, connected } = await start()
    await connect(url)
    const client = await connected
    // aedes's own backpressure calls these (lib/client.js); not in its typings.
    const pausable = client as unknown as { pause(): void; resume(): void; _paused: unknown }
    pausable.pause()
    expect(pausable._paused).toBe(true)
    expect(clientIdle(client)).toBe(false)
    pausable.resume()
    expect(pausable._paused).toBe(false)
    expect(clientIdle(client)).toBe(true)
  })

  it('_parsingBatch counts a publish until its handler is done; a closed client is not idle', async () => {
    let release: (() => void) | undefined
    const { url, connected } = await start((done) => (release = done))
    const c = await connect(url)
    const client = await connected
    const acked = c.publishAsync('t/1', 'x', { qos: 1 })
    await waitFor(() => release !== undefined)
    expect((client as unknown as { _parsingBatch: number })._parsingBatch).toBeGreaterThan(0)
    expect(clientIdle(client)).toBe(false)
    release!()
    await acked
    // Back to 0 once aedes has finished the batch (just after the PUBACK is written).
    await waitFor(() => clientIdle(client))
    expect((client as unknown as { _parsingBatch: number })._parsingBatch).toBe(0)
    const closed = new Promise<void>((r) => aedes!.once('clientDisconnect', () => r()))
    await c.endAsync()
    await closed
    expect((client as unknown as { closed: boolean }).closed).toBe(true)
    expect(clientIdle(client)).toBe(false)
    expect(connectedClients(aedes)[client.id]).toBeUndefined()
  })

  it("aedes's PUBLISH handler calls publish(packet, client, done): skipFanOutFor completes a skipped one unseen, others fan out", async () => {
    const { url } = await start()
    expect(aedes!.publish.length).toBe(3)
    skipFanOutFor(aedes!, (p) => p.topic.endsWith('/telemetry'))
    const sub = await connect(url)
    const got: string[] = []
    sub.on('message', (topic) => got.push(topic))
    await sub.subscribeAsync('d/#', { qos: 1 })
    const pub = await connect(url)
    await pub.publishAsync('d/telemetry', 'x', { qos: 1 })
    await pub.publishAsync('d/cmd', 'y', { qos: 1 })
    await waitFor(() => got.length > 0)
    expect(got).toEqual(['d/cmd'])
    // The API's publish(packet, done) is left as it is.
    await new Promise<void>((r, j) => aedes!.publish({ cmd: 'publish', topic: 'd/telemetry', payload: Buffer.from('z'), qos: 0, retain: false, dup: false }, (e) => (e ? j(e) : r())))
    await waitFor(() => got.length > 1)
    expect(got).toEqual(['d/cmd', 'd/telemetry'])
  })

  it("lightenParser gives mqtt-packet's parser a plain BufferList, with which packets split across reads still parse", async () => {
    aedes = await Aedes.createBroker()
    const lists: unknown[] = []
    server = createServer((socket) => {
      const client = aedes!.handle(socket)
      const parser = (client as unknown as { _parser: { _list: { length: number; append: unknown; consume: unknown; readUInt8: unknown; readUInt16BE: unknown; readUInt32BE: unknown; slice: unknown; toString: unknown; pipe?: unknown } } })._parser
      // What aedes made: a bl() stream, empty, with every method the parser calls.
      expect(parser._list.length).toBe(0)
      expect(typeof parser._list.pipe).toBe('function')
      lightenParser(client)
      lists.push(parser._list)
      for (const m of ['append', 'consume', 'readUInt8', 'readUInt16BE', 'readUInt32BE', 'slice', 'toString'] as const) expect(typeof parser._list[m], m).toBe('function')
    })
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
    const port = (server.address() as AddressInfo).port
    const got: string[] = []
    aedes.on('publish', (p, c) => c && got.push(`${p.topic}=${p.payload.toString()}`))
    // A CONNECT and two PUBLISHes written a few bytes at a time: headers, lengths and payloads cut across reads.
    const bytes = Buffer.concat([
      mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'split', keepalive: 30 }),
      mqttPacket.generate({ cmd: 'publish', topic: 'a/b', payload: Buffer.from('x'.repeat(300)), qos: 0, retain: false, dup: false }),
      mqttPacket.generate({ cmd: 'publish', topic: 'a/c', payload: Buffer.from('yz'), qos: 0, retain: false, dup: false }),
    ])
    const raw = new RawSocket()
    await new Promise<void>((r) => raw.connect(port, '127.0.0.1', r))
    for (let i = 0; i < bytes.length; i += 7) {
      raw.write(bytes.subarray(i, i + 7))
      await new Promise((r) => setTimeout(r, 1))
    }
    await waitFor(() => got.length === 2)
    raw.destroy()
    expect(got).toEqual([`a/b=${'x'.repeat(300)}`, 'a/c=yz'])
    expect(lists).toHaveLength(1)
    expect(typeof (lists[0] as { pipe?: unknown }).pipe).toBe('undefined')
  })

  it("aedes-persistence's memory store is there, with the promise API bounded-persistence.ts calls", () => {
    const Store = aedesMemoryStore<Record<string, unknown>>()
    const store = new Store()
    for (const m of ['setup', 'storeRetained', 'createRetainedStreamCombi', 'createRetainedStream', 'addSubscriptions', 'removeSubscriptions', 'subscriptionsByClient', 'countOffline', 'subscriptionsByTopic', 'cleanSubscriptions', 'outgoingEnqueue', 'outgoingEnqueueCombi', 'outgoingUpdate', 'outgoingClearMessageId', 'outgoingStream', 'incomingStorePacket', 'incomingGetPacket', 'incomingDelPacket', 'cleanIncoming', 'putWill', 'getWill', 'delWill', 'streamWill', 'getClientList', 'destroy']) {
      expect(typeof store[m], m).toBe('function')
    }
  })
})

async function waitFor(cond: () => boolean): Promise<void> {
  const end = Date.now() + 5000
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 5))
  }
}
