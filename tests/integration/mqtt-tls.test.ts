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
