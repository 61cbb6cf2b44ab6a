import { afterEach, describe, expect, it } from 'vitest'
import { createServer, connect, type Server, type Socket } from 'node:net'
import mqttPacket from 'mqtt-packet'
import { guardedConnection, InboundBacklog } from '../../../hub/src/broker/guarded-connection.js'
import { ConnectionScheduler } from '../../../hub/src/broker/loop-turns.js'
import { eventually } from '../../support/hub-harness.js'

/** A connection the broker's pacing will not take is answered CONNACK "server unavailable" (3), its CONNECT read first. */
describe('guarded connection refused busy', () => {
  let server: Server | undefined
  afterEach(() => server?.close())

  it.each([
    ['read before the refusal', true],
    ['arriving after it', false],
  ])('answers a CONNECT %s with CONNACK 3 and ends the connection', async (_when, connectFirst) => {
    const backlog = new InboundBacklog()
    let guard: ReturnType<typeof guardedConnection> | undefined
    server = createServer((s) => {
      guard = guardedConnection(s, { maxPacketBytes: 1 << 20, sliceBytes: 16 * 1024, scheduler: new ConnectionScheduler(), backlog, onTooLarge: () => undefined })
    })
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    const client: Socket = connect(port, '127.0.0.1')
    const packets: mqttPacket.Packet[] = []
    const parser = mqttPacket.parser({ protocolVersion: 4 })
    parser.on('packet', (p) => packets.push(p))
    client.on('data', (b: Buffer) => parser.parse(b))
    let closed = false
    client.on('close', () => (closed = true))
    await new Promise((r) => client.once('connect', r))
    const hello = mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'd1', keepalive: 60 })
    await eventually(() => guard !== undefined, 2000, 'the server has the connection')
    if (connectFirst) {
      client.write(hello)
      await eventually(() => backlog.waitingBytes === hello.length, 2000, 'the CONNECT read by the guard')
    }
    guard!.refuseBusy()
    if (!connectFirst) client.write(hello)
    await eventually(() => packets.length === 1, 2000, 'a CONNACK')
    expect(packets[0]).toMatchObject({ cmd: 'connack', returnCode: 3 })
    expect(backlog.waitingBytes).toBe(0)
    client.end()
    await eventually(() => closed, 3000, 'the connection ended')
  })
})
