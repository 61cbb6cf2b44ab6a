import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { connect as tcpConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import mqttPacket from 'mqtt-packet'
import { freePort } from '../../hub/src/store/influxd-supervisor.js'
import { eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

const run = promisify(execFile)
const id = 'vtc-ti01-gas-011'
const secret = (credentials.devices as Record<string, string>)[id]!

/** MQTT over TLS through a TCP balancer that sends the PROXY protocol, and the per-address cap on the TLS port. */
describe('connections on the MQTT TLS port', () => {
  let t: TestHub
  let dir: string
  let port: number
  const open: Socket[] = []
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smartpark-tls-gate-'))
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')])
    port = await freePort()
    t = await startTestHub({
      env: {
        HUB_TLS_KEY: join(dir, 'key.pem'), HUB_TLS_CERT: join(dir, 'cert.pem'), HUB_MQTTS_PORT: String(port),
        HUB_PROXY_PROTOCOL_FROM: '127.0.0.4/32', HUB_MAX_CONNECTIONS_PER_ADDRESS: '3', HUB_CONNECTION_EXEMPT_NETWORKS: '127.0.0.1/32',
      },
    })
  })
  afterAll(async () => {
    for (const s of open) s.destroy()
    await t.stop()
    await rm(dir, { recursive: true, force: true })
  })

  /** A TLS connection over a TCP one from `localAddress`, the TCP one first carrying `header`. */
  const mqtts = async (localAddress: string, header?: Buffer): Promise<{ received: () => Buffer; closed: Promise<void>; write(b: Buffer): void }> => {
    const ca = await readFile(join(dir, 'cert.pem'))
    const tcp = tcpConnect({ host: '127.0.0.1', port, localAddress })
    tcp.on('error', () => undefined)
    open.push(tcp)
    await new Promise<void>((r, j) => tcp.once('connect', () => r()).once('error', j))
    if (header) tcp.write(header)
    const tls = tlsConnect({ socket: tcp, ca, servername: 'localhost' })
    tls.on('error', () => undefined)
    let got = Buffer.alloc(0)
    tls.on('data', (d: Buffer) => (got = Buffer.concat([got, d])))
    const closed = new Promise<void>((r) => tls.once('close', () => r()))
    await Promise.race([new Promise<void>((r) => tls.once('secureConnect', () => r())), closed])
    return { received: () => got, closed, write: (b) => void tls.write(b) }
  }
  const connectPacket = (): Buffer => mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: id, keepalive: 60, username: id, password: Buffer.from(secret) })

  it('takes the client address from a trusted balancer\'s PROXY header before the TLS handshake', async () => {
    const c = await mqtts('127.0.0.4', Buffer.from('PROXY TCP4 203.0.113.20 192.0.2.1 40000 8883\r\n'))
    c.write(connectPacket())
    await eventually(() => c.received().length >= 4, 5000, 'CONNACK over TLS through the PROXY header')
    expect([...c.received().subarray(0, 4)]).toEqual([0x20, 2, 0, 0])
    const seen = t.hub.connections.addresses()
    console.log('client addresses seen on the TLS port', seen)
    expect(seen).toContain('203.0.113.20')
  })

  it('refuses the 4th TLS connection from one address', async () => {
    for (let i = 0; i < 3; i++) await mqtts('127.0.0.6')
    const before = t.hub.connections.stats().refused.address_cap
    const fourth = await mqtts('127.0.0.6')
    await fourth.closed
    expect(t.hub.connections.stats().refused.address_cap).toBe(before + 1)
    expect(t.hub.connections.stats().open.mqtts).toBeGreaterThanOrEqual(3)
  })
})
