import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, connectMqtt, eventually, influxQuery, startTestHub, type TestHub } from '../support/hub-harness.js'

describe('managed influxd: the hub starts its own InfluxDB and restarts it when it dies', () => {
  let t: TestHub
  beforeAll(async () => {
    t = await startTestHub({ managedInflux: true })
  })
  afterAll(async () => t.stop())

  it('comes up on loopback under the data dir, and is restarted after kill -9 with no reading lost', async () => {
    const sup = t.hub.supervisor!
    expect(sup).toBeDefined()
    expect(t.hub.addresses.influxUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(sup.dir.startsWith(t.dataDir)).toBe(true)
    const health = await (await fetch(`${t.http}/api/v1/health`, { headers: { authorization: `Bearer ${t.adminToken}` } })).json() as { influx: { managed: boolean; reachable: boolean } }
    expect(health.influx).toMatchObject({ managed: true, reachable: true })

    const created = await api<{ secret: string }>(t, 'POST', '/api/v1/devices', { id: 'mi-lel-1', kind: 'gas', park: 'vtc', enterprise: 'vtc-ti01', name: '测试', metrics: ['lel'], position: { x: 0, y: 0 }, interval: 5 })
    const c = await connectMqtt(t.mqttUrl, { username: 'mi-lel-1', password: created.body.secret })
    const topic = 'parks/vtc/vtc-ti01/mi-lel-1/telemetry'
    const base = Date.now() - 60_000
    await c.publishAsync(topic, JSON.stringify({ ts: base, values: { lel: 1 } }), { qos: 1 })

    const oldPid = sup.pid!
    process.kill(oldPid, 'SIGKILL')
    // Readings published while influxd is down wait in the writer and land after the restart.
    for (let i = 1; i <= 20; i++) await c.publishAsync(topic, JSON.stringify({ ts: base + i * 100, values: { lel: i } }), { qos: 1 })
    await eventually(() => sup.pid !== undefined && sup.pid !== oldPid && sup.restarts === 1, 20_000, 'influxd restarted')
    const db = t.hub.settings.influx.db
    const rows = await eventually(async () => {
      const s = (await influxQuery(t.hub.addresses.influxUrl, db, `SELECT count("lel") FROM "gas" WHERE "device" = 'mi-lel-1'`))[0]
      return s && s.values[0]![1] === 21 ? s : undefined
    }, 30_000, 'all 21 readings in InfluxDB')
    expect(rows.values[0]![1]).toBe(21)
    c.end(true)
  })
})
