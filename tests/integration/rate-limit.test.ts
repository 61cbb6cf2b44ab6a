import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import { eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

describe('per-connection publish rate', () => {
  let t: TestHub
  const id = 'vtc-ti01-gas-011'
  const topic = `parks/vtc/vtc-ti01/${id}/telemetry`
  beforeAll(async () => {
    t = await startTestHub({ env: { HUB_CLIENT_MAX_RATE: '50' } })
  })
  afterAll(async () => t.stop())

  it('sheds QoS 0 over the rate (counted), and holds QoS 1 instead of losing it', async () => {
    const c = await mqtt.connectAsync(t.mqttUrl, { username: id, password: (credentials.devices as Record<string, string>)[id], reconnectPeriod: 0 })
    const base = Date.now() - 60_000
    const before = t.hub.ingest.accepted
    // The bucket holds ten seconds' worth (500); 1,500 at once go well past it.
    for (let i = 0; i < 1500; i++) c.publish(topic, JSON.stringify({ ts: base + i, values: { lel: 1 } }), { qos: 0 })
    await eventually(() => t.hub.ingest.accepted - before + t.hub.ingest.rejects.get('rate_limited') >= 1500, 10_000, 'all 1500 handled')
    const limited = t.hub.ingest.rejects.get('rate_limited')
    expect(limited).toBeGreaterThan(900)
    expect(t.hub.ingest.accepted - before).toBeGreaterThanOrEqual(500)
    expect(t.hub.ingest.accepted - before + limited).toBe(1500)
    // QoS 1 over the rate: every message acknowledged and kept, none shed.
    const acc1 = t.hub.ingest.accepted
    await Promise.all(Array.from({ length: 120 }, (_, i) => c.publishAsync(topic, JSON.stringify({ ts: base + 2000 + i, values: { lel: 2 } }), { qos: 1 })))
    expect(t.hub.ingest.accepted - acc1).toBe(120)
    expect(t.hub.ingest.rejects.get('rate_limited')).toBe(limited)
    await c.endAsync()
  })
})
