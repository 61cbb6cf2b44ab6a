import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import { eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

describe('oversized MQTT packets', () => {
  let t: TestHub
  const id = 'vtc-ti01-gas-011'
  const topic = `parks/vtc/vtc-ti01/${id}/telemetry`
  const secret = (credentials.devices as Record<string, string>)[id]!
  beforeAll(async () => {
    t = await startTestHub()
  })
  afterAll(async () => t.stop())

  it('counts a payload over 64 KiB as payload_too_large, and ends a connection sending a 4 MB packet before buffering it', async () => {
    const c = await mqtt.connectAsync(t.mqttUrl, { username: id, password: secret, reconnectPeriod: 0 })
    const before = t.hub.ingest.rejects.get('payload_too_large')
    await c.publishAsync(topic, Buffer.alloc(80 * 1024, 0x20), { qos: 1 })
    expect(t.hub.ingest.rejects.get('payload_too_large')).toBe(before + 1)
    const closed = new Promise<void>((r) => c.once('close', () => r()))
    c.publish(topic, Buffer.alloc(4 * 1024 * 1024, 0x20), { qos: 0 })
    await closed
    c.end(true)
    expect(t.hub.ingest.rejects.get('payload_too_large')).toBe(before + 2)
    // Good readings keep flowing on a new connection.
    const d = await mqtt.connectAsync(t.mqttUrl, { username: id, password: secret, reconnectPeriod: 0 })
    await d.publishAsync(topic, JSON.stringify({ values: { lel: 9 } }), { qos: 1 })
    await eventually(() => t.hub.latest.get(id)?.lel?.value === 9, 5000, 'the good reading')
    await d.endAsync()
  })
})
