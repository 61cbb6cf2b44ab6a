import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type Socket } from 'node:net'
import mqtt from 'mqtt'
import mqttPacket from 'mqtt-packet'
import { eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

const id = 'vtc-ti01-gas-011'
const topic = `parks/vtc/vtc-ti01/${id}/telemetry`
const secret = (credentials.devices as Record<string, string>)[id]!

interface ConnectionStats { open: { total: number }; refused: Record<string, number> }
const connectionsOf = (t: TestHub): ConnectionStats => (t.hub as unknown as { connections: { stats(): ConnectionStats } }).connections.stats()

/** A raw TCP connection from `localAddress`; resolves once connected, with what it received and whether it closed. */
function raw(port: number, localAddress = '127.0.0.1'): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let text = ''
    const socket = connect({ host: '127.0.0.1', port, localAddress })
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')))
    socket.on('error', () => undefined)
    const closed = new Promise<void>((r) => socket.once('close', () => r()))
    socket.once('connect', () => resolve({ socket, received: () => text, closed }))
    socket.once('error', reject)
  })
}

const within = <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> => Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref())])

describe('every connection gets an answer or is closed; caps per address', () => {
  let t: TestHub
  beforeAll(async () => {
    t = await startTestHub({
      env: {
        HUB_MAX_CONNECTIONS_PER_ADDRESS: '5',
        HUB_CONNECTION_EXEMPT_NETWORKS: '127.0.0.1/32,127.0.0.3/32',
        HUB_HTTP_HEADERS_TIMEOUT_MS: '1000',
        HUB_PROXY_PROTOCOL_FROM: '127.0.0.4/32',
      },
    })
  })
  afterAll(async () => t.stop())

  it('refuses 2,000 unknown upgrades at once, then answers a health check and a QoS 1 publish, with no socket left open', async () => {
    const port = t.hub.addresses.httpPort
    const before = connectionsOf(t).open.total
    const answered: string[] = []
    for (let round = 0; round < 10; round++) {
      const batch = await Promise.all(Array.from({ length: 200 }, () => raw(port)))
      for (const [i, c] of batch.entries()) c.socket.write(`GET /nothing-${round}-${i} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`)
      const results = await Promise.all(batch.map((c) => within(c.closed.then(() => c.received()), 5000)))
      for (const c of batch) c.socket.destroy()
      answered.push(...results.map((r) => (r === 'timeout' ? 'timeout' : r.split('\r\n')[0]!)))
    }
    const byAnswer = answered.reduce<Record<string, number>>((m, a) => ((m[a] = (m[a] ?? 0) + 1), m), {})
    console.log('2,000 unknown upgrades answered:', byAnswer)
    expect(byAnswer).toEqual({ 'HTTP/1.1 404 Not Found': 2000 })
    const health = await fetch(`${t.http}/api/v1/health`, { headers: { authorization: `Bearer ${t.adminToken}` } })
    expect(health.status).toBe(200)
    const c = await mqtt.connectAsync(t.mqttUrl, { username: id, password: secret, reconnectPeriod: 0 })
    await c.publishAsync(topic, JSON.stringify({ values: { lel: 3 } }), { qos: 1 })
    await c.endAsync()
    const stats = await eventually(() => { const s = connectionsOf(t); return s.open.total <= before + 1 && s }, 5000, 'open connections back to baseline')
    console.log('open connections before', before, 'after', stats.open.total, 'refused', stats.refused)
    expect(stats.refused.unknown_upgrade).toBeGreaterThanOrEqual(2000)
    const detailed = (await health.json()) as { connections?: ConnectionStats }
    expect(detailed.connections?.refused.unknown_upgrade).toBeGreaterThanOrEqual(2000)
    const metrics = await (await fetch(`${t.http}/metrics`)).text()
    expect(metrics).toMatch(/smartpark_connections_refused_total\{reason="unknown_upgrade"\} 2000/)
    expect(metrics).toMatch(/smartpark_connections_open\{listener="http"\} \d+/)
  })

  it('cuts a client that sends its headers too slowly', async () => {
    const c = await raw(t.hub.addresses.httpPort)
    c.socket.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n')
    const drip = setInterval(() => c.socket.writable && c.socket.write('X-Slow: 1\r\n'), 200)
    const started = Date.now()
    const r = await within(c.closed, 5000)
    clearInterval(drip)
    c.socket.destroy()
    console.log('slow headers:', r === 'timeout' ? 'still open after 5 s' : `closed after ${Date.now() - started} ms, answered ${JSON.stringify(c.received().split('\r\n')[0])}`)
    expect(r).not.toBe('timeout')
  })

  it('refuses the 6th connection from one address, HTTP and MQTT alike, but not from an exempt one', async () => {
    const port = t.hub.addresses.httpPort
    const mqttPort = t.hub.addresses.mqttPort
    const held = [await raw(port, '127.0.0.2'), await raw(port, '127.0.0.2'), await raw(mqttPort, '127.0.0.2'), await raw(mqttPort, '127.0.0.2'), await raw(port, '127.0.0.2')]
    const sixthHttp = await raw(port, '127.0.0.2')
    const sixthMqtt = await raw(mqttPort, '127.0.0.2')
    expect(await within(sixthHttp.closed, 3000)).not.toBe('timeout')
    expect(await within(sixthMqtt.closed, 3000)).not.toBe('timeout')
    console.log('6th HTTP connection from 127.0.0.2 answered', JSON.stringify(sixthHttp.received().split('\r\n')[0]))
    expect(sixthHttp.received()).toMatch(/^HTTP\/1.1 503/)
    // The held five are still served.
    held[0]!.socket.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n')
    await eventually(() => held[0]!.received().startsWith('HTTP/1.1 200'), 3000, 'a held connection answered')
    const exempt = await Promise.all(Array.from({ length: 10 }, () => raw(port, '127.0.0.3')))
    exempt[9]!.socket.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n')
    await eventually(() => exempt[9]!.received().startsWith('HTTP/1.1 200'), 3000, 'the 10th connection from an exempt address answered')
    const refused = connectionsOf(t).refused
    console.log('refused by reason', refused)
    expect(refused.address_cap).toBeGreaterThanOrEqual(2)
    for (const c of [...held, ...exempt, sixthHttp, sixthMqtt]) c.socket.destroy()
  })

  it('takes the client address from a PROXY protocol header sent by a trusted balancer only', async () => {
    const port = t.hub.addresses.httpPort
    // v1 from the trusted balancer (127.0.0.4): the real client 203.0.113.7 is capped like any address.
    const trusted: Awaited<ReturnType<typeof raw>>[] = []
    for (let i = 0; i < 6; i++) {
      const c = await raw(port, '127.0.0.4')
      c.socket.write(`PROXY TCP4 203.0.113.7 192.0.2.1 ${40000 + i} 8080\r\n`)
      trusted.push(c)
    }
    trusted[0]!.socket.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n')
    await eventually(() => trusted[0]!.received().startsWith('HTTP/1.1 200'), 3000, 'the proxied request answered')
    expect(await within(trusted[5]!.closed, 3000)).not.toBe('timeout')
    expect(trusted[5]!.received()).toMatch(/^HTTP\/1.1 503/)
    // v2 (binary) for another client: served.
    const v2 = await raw(port, '127.0.0.4')
    const sig = Buffer.from('0d0a0d0a000d0a515549540a', 'hex')
    const addr = Buffer.from([198, 51, 100, 9, 192, 0, 2, 1, 0x9c, 0x40, 0x1f, 0x90])
    v2.socket.write(Buffer.concat([sig, Buffer.from([0x21, 0x11, 0, addr.length]), addr, Buffer.from('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n')]))
    await eventually(() => v2.received().startsWith('HTTP/1.1 200'), 3000, 'the v2-proxied request answered')
    const seen = (t.hub as unknown as { connections: { addresses(): string[] } }).connections.addresses()
    console.log('client addresses seen', seen)
    expect(seen).toContain('203.0.113.7')
    expect(seen).toContain('198.51.100.9')
    // The same header from an address that is not a trusted balancer is not believed: the connection is refused.
    const untrusted = await raw(port, '127.0.0.5')
    untrusted.socket.write('PROXY TCP4 203.0.113.8 192.0.2.1 40000 8080\r\nGET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(await within(untrusted.closed, 3000)).not.toBe('timeout')
    expect(untrusted.received()).not.toMatch(/^HTTP\/1.1 200/)
    expect((t.hub as unknown as { connections: { addresses(): string[] } }).connections.addresses()).not.toContain('203.0.113.8')
    // A trusted balancer's connection without a header is refused (HAProxy's spec: never guess).
    const bare = await raw(port, '127.0.0.4')
    bare.socket.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(await within(bare.closed, 3000)).not.toBe('timeout')
    expect(bare.received()).not.toMatch(/^HTTP\/1.1 200/)
    // MQTT through the balancer: header and CONNECT in one segment; the broker answers CONNACK 0.
    const m = await raw(t.hub.addresses.mqttPort, '127.0.0.4')
    m.socket.write(Buffer.concat([Buffer.from('PROXY TCP4 203.0.113.9 192.0.2.1 40000 1883\r\n'), mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: id, keepalive: 60, username: id, password: Buffer.from(secret) })]))
    await eventually(() => m.received().length >= 4, 3000, 'a CONNACK through the PROXY header')
    expect([...Buffer.from(m.received(), 'latin1').subarray(0, 4)]).toEqual([0x20, 2, 0, 0])
    expect((t.hub as unknown as { connections: { addresses(): string[] } }).connections.addresses()).toContain('203.0.113.9')
    for (const c of [...trusted, v2, untrusted, bare, m]) c.socket.destroy()
  })
})
