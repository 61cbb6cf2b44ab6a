import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import mqtt from 'mqtt'
import { freePort } from '../../hub/src/store/influxd-supervisor.js'
import { eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

const run = promisify(execFile)

describe('MQTT over TLS when certificate settings are given', () => {
  let t: TestHub
  let dir: string
  let port: number
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smartpark-tls-'))
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')])
    port = await freePort()
    t = await startTestHub({ env: { HUB_TLS_KEY: join(dir, 'key.pem'), HUB_TLS_CERT: join(dir, 'cert.pem'), HUB_MQTTS_PORT: String(port) } })
  })
  afterAll(async () => {
    await t.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('accepts a device over mqtts with the hub’s certificate and stores its reading', async () => {
    expect(t.hub.addresses.mqttTlsPort).toBe(port)
    const id = 'vtc-ti01-gas-011'
    const ca = await readFile(join(dir, 'cert.pem'))
    const c = await mqtt.connectAsync(`mqtts://localhost:${port}`, { username: id, password: (credentials.devices as Record<string, string>)[id], ca, reconnectPeriod: 0 })
    await c.publishAsync(`parks/vtc/vtc-ti01/${id}/telemetry`, JSON.stringify({ values: { lel: 7 } }), { qos: 1 })
    await eventually(() => t.hub.latest.get(id)?.lel?.value === 7, 5000, 'the reading')
    await c.endAsync()
    // A client that does not trust the certificate is refused at the handshake.
    await expect(mqtt.connectAsync(`mqtts://localhost:${port}`, { username: id, password: 'x', reconnectPeriod: 0, connectTimeout: 3000 })).rejects.toThrow()
  })
})

describe('MQTT over TLS with client certificates', () => {
  let t: TestHub
  let dir: string
  let port: number
  const id = 'vtc-ti01-gas-011'
  const other = 'vtc-ti01-gas-009'
  const secrets = credentials.devices as Record<string, string>
  const pem = (name: string): Promise<Buffer> => readFile(join(dir, name))
  /** A key and a certificate for `cn`, signed by the CA in `ca` (files `<ca>.key`, `<ca>.pem`). */
  const issue = async (ca: string, cn: string, name: string): Promise<void> => {
    await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.csr`)])
    await run('openssl', ['x509', '-req', '-in', join(dir, `${name}.csr`), '-CA', join(dir, `${ca}.pem`), '-CAkey', join(dir, `${ca}.key`), '-CAcreateserial', '-days', '1', '-out', join(dir, `${name}.pem`)])
  }
  const newCa = (name: string): Promise<unknown> =>
    run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`)])
  const connect = async (username: string, certName?: string) =>
    mqtt.connectAsync(`mqtts://localhost:${port}`, {
      username, password: secrets[username], ca: await pem('park-ca.pem'), reconnectPeriod: 0, connectTimeout: 5000,
      ...(certName ? { key: await pem(`${certName}.key`), cert: await pem(`${certName}.pem`) } : {}),
    })

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smartpark-mtls-'))
    await newCa('park-ca')
    await newCa('rogue-ca')
    await issue('park-ca', 'localhost', 'server')
    await issue('park-ca', id, 'device')
    await issue('rogue-ca', id, 'forged')
    port = await freePort()
    t = await startTestHub({ env: { HUB_TLS_KEY: join(dir, 'server.key'), HUB_TLS_CERT: join(dir, 'server.pem'), HUB_TLS_CA: join(dir, 'park-ca.pem'), HUB_TLS_CLIENT_CERTS: 'true', HUB_MQTTS_PORT: String(port) } })
  }, 60_000)
  afterAll(async () => {
    await t.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('accepts a device whose certificate names it, and stores its reading', async () => {
    const c = await connect(id, 'device')
    await c.publishAsync(`parks/vtc/vtc-ti01/${id}/telemetry`, JSON.stringify({ values: { lel: 9 } }), { qos: 1 })
    await eventually(() => t.hub.latest.get(id)?.lel?.value === 9, 5000, 'the reading')
    await c.endAsync()
  })

  /** Resolves with why the connection ended; rejects if the broker accepted it. */
  const refusal = async (username: string, certName?: string): Promise<string> => {
    const c = mqtt.connect(`mqtts://localhost:${port}`, {
      username, password: secrets[username], ca: await pem('park-ca.pem'), reconnectPeriod: 0, connectTimeout: 5000,
      ...(certName ? { key: await pem(`${certName}.key`), cert: await pem(`${certName}.pem`) } : {}),
    })
    return new Promise<string>((resolve, reject) => {
      let why = 'closed'
      c.once('connect', () => {
        c.end(true)
        reject(new Error('the broker accepted the connection'))
      })
      c.once('error', (err) => (why = err.message))
      c.once('close', () => {
        c.end(true)
        resolve(why)
      })
    })
  }

  it('refuses a client without a certificate, or with one from another CA, at the handshake', async () => {
    // TLS 1.3 reports the refusal after the client's side of the handshake: the connection ends without a CONNACK.
    expect(await refusal(id)).toMatch(/certificate|closed|ECONNRESET/i)
    expect(await refusal(id, 'forged')).toMatch(/certificate|unknown ca|closed|ECONNRESET/i)
    expect(t.hub.broker.stats().clients).toBe(0)
  })

  it('refuses another device’s username and password over a certificate that is not its own', async () => {
    await expect(connect(other, 'device')).rejects.toThrow(/Not authorized/i)
  })
})
