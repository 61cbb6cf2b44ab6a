import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import { eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

/**
 * Two hubs in one process share nothing of their brokers: the connection scheduler, the
 * held-publish gauge, the inbound backlog and the fast path's counters belong to each broker.
 */
describe('two hubs in one process', () => {
  let a: TestHub
  let b: TestHub
  const id = 'vtc-ti01-gas-011'
  const topic = `parks/vtc/vtc-ti01/${id}/telemetry`
  beforeAll(async () => {
    a = await startTestHub()
    b = await startTestHub()
  })
  afterAll(async () => {
    await a?.stop()
    await b?.stop()
  })

  it('keep their broker stats apart: traffic on one moves only its own', async () => {
    const idleB = b.hub.broker.stats()
    const c = await mqtt.connectAsync(a.mqttUrl, { username: id, password: (credentials.devices as Record<string, string>)[id], reconnectPeriod: 0 })
    const base = Date.now() - 60_000
    const before = a.hub.ingest.accepted
    await Promise.all(Array.from({ length: 300 }, (_, i) => c.publishAsync(topic, JSON.stringify({ ts: base + i, values: { lel: 1 } }), { qos: i % 2 === 0 ? 1 : 0 })))
    await eventually(() => a.hub.ingest.accepted - before >= 300, 10_000, 'all 300 accepted by the first hub')
    await c.endAsync()
    const sa = a.hub.broker.stats()
    const sb = b.hub.broker.stats()
    expect(sa.fastPath.taken).toBeGreaterThanOrEqual(300)
    expect(sa.scheduler.turns).toBeGreaterThan(0)
    expect(sb.fastPath.taken).toBe(idleB.fastPath.taken)
    expect(sb.scheduler.turns).toBe(idleB.scheduler.turns)
    expect(sb.clients).toBe(0)
    expect(b.hub.ingest.accepted).toBe(0)
  })
})
