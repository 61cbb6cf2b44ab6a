import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { inject } from 'vitest'
import type { MqttClient } from 'mqtt'
import { api, connectMqtt, eventually, influxQuery, startTestHub, type TestHub } from '../support/hub-harness.js'

const run = promisify(execFile)

/** A device provisioned through the API, as a new operator would. */
async function provision(t: TestHub, id: string, extra: Record<string, unknown> = {}): Promise<{ id: string; secret: string; topic: string }> {
  const body = { id, kind: 'gas', type: 'combustible', park: 'vtc', enterprise: 'vtc-ti01', area: 'vtc-ti01-blr', name: `测试探测器 ${id}`, metrics: ['lel'], position: { x: 10, y: 10 }, interval: 5, ...extra }
  const r = await api<{ device: { id: string }; secret: string }>(t, 'POST', '/api/v1/devices', body)
  expect(r.status).toBe(201)
  return { id, secret: r.body.secret, topic: `parks/vtc/vtc-ti01/${id}/telemetry` }
}

describe('ingest: MQTT → InfluxDB, through a real hub and a real influxd', () => {
  let t: TestHub
  const db = () => t.hub.settings.influx.db
  const influxUrl = () => inject('influxUrl')
  const clients: MqttClient[] = []

  beforeAll(async () => {
    t = await startTestHub()
  })
  afterAll(async () => {
    for (const c of clients) c.end(true)
    await t.stop()
  })

  it('stores a provisioned device’s reading in InfluxDB and serves it from /latest', async () => {
    const d = await provision(t, 'it-gas-001')
    const c = await connectMqtt(t.mqttUrl, { username: d.id, password: d.secret, clientId: d.id })
    clients.push(c)
    const ts = Date.now() - 1000
    await c.publishAsync(d.topic, JSON.stringify({ ts, values: { lel: 12.5 } }), { qos: 1 })
    const rows = await eventually(async () => {
      const s = await influxQuery(influxUrl(), db(), `SELECT "lel", "park", "enterprise", "area" FROM "gas" WHERE "device" = 'it-gas-001'`)
      return s[0]?.values.length ? s[0] : undefined
    }, 10_000, 'the reading in InfluxDB')
    expect(rows.columns).toEqual(['time', 'lel', 'park', 'enterprise', 'area'])
    expect(rows.values).toEqual([[ts, 12.5, 'vtc', 'vtc-ti01', 'vtc-ti01-blr']])
    const latest = await api<{ values: Record<string, { value: number; ts: number }> }>(t, 'GET', '/api/v1/devices/it-gas-001/latest')
    expect(latest.body.values.lel).toEqual({ value: 12.5, ts })
    const series = await api<{ points: [number, number][] }>(t, 'GET', `/api/v1/devices/it-gas-001/series?metric=lel&from=${ts - 60_000}&to=${ts + 60_000}`)
    expect(series.body.points).toEqual([[ts, 12.5]])
  })

  it('refuses a wrong password and an unknown device', async () => {
    const d = await provision(t, 'it-gas-002')
    await expect(connectMqtt(t.mqttUrl, { username: d.id, password: 'not-the-secret' })).rejects.toThrow(/Bad username or password|Not authorized/i)
    await expect(connectMqtt(t.mqttUrl, { username: 'nobody', password: 'x' })).rejects.toThrow(/Bad username or password|Not authorized/i)
    await expect(connectMqtt(t.mqttUrl, {})).rejects.toThrow()
  })

  it('refuses a publish on another device’s topic and stores nothing of it', async () => {
    const a = await provision(t, 'it-gas-003')
    const b = await provision(t, 'it-gas-004')
    const before = t.hub.ingest.rejects.get('not_authorised')
    const c = await connectMqtt(t.mqttUrl, { username: a.id, password: a.secret })
    const closed = new Promise<void>((r) => c.once('close', () => r()))
    c.publish(b.topic, JSON.stringify({ values: { lel: 99 } }), { qos: 1 })
    await closed
    c.end(true)
    expect(t.hub.ingest.rejects.get('not_authorised')).toBe(before + 1)
    // A good reading from b afterwards proves the writer flushed past the time of the refused one.
    const cb = await connectMqtt(t.mqttUrl, { username: b.id, password: b.secret })
    clients.push(cb)
    await cb.publishAsync(b.topic, JSON.stringify({ values: { lel: 1 } }), { qos: 1 })
    const s = await eventually(async () => (await influxQuery(influxUrl(), db(), `SELECT "lel" FROM "gas" WHERE "device" = 'it-gas-004'`))[0])
    expect(s.values.map((v) => v[1])).toEqual([1])
  })

  it('ends the connection of a device retired while it is connected, and takes no publish from it after', async () => {
    const d = await provision(t, 'it-gas-010')
    const c = await connectMqtt(t.mqttUrl, { username: d.id, password: d.secret })
    clients.push(c)
    // Authorised once: the broker remembers the topic, until the registry changes.
    await c.publishAsync(d.topic, JSON.stringify({ values: { lel: 2 } }), { qos: 1 })
    const before = t.hub.ingest.rejects.get('not_authorised')
    const accepted = t.hub.ingest.accepted
    const closed = new Promise<void>((r) => c.once('close', () => r()))
    expect((await api(t, 'DELETE', `/api/v1/devices/${d.id}`)).status).toBe(200)
    // The retirement closes the connection at once (broker/sessions.ts); a publish racing it is refused.
    c.publish(d.topic, JSON.stringify({ values: { lel: 3 } }), { qos: 1 })
    await closed
    expect(t.hub.ingest.rejects.get('not_authorised')).toBeLessThanOrEqual(before + 1)
    expect(t.hub.ingest.accepted).toBe(accepted)
  })

  it('counts a malformed payload by reason and keeps good readings flowing', async () => {
    const d = await provision(t, 'it-gas-005')
    const c = await connectMqtt(t.mqttUrl, { username: d.id, password: d.secret })
    clients.push(c)
    const counts = () => t.hub.ingest.rejects
    const json0 = counts().get('json_invalid')
    const unk0 = counts().get('metric_unknown')
    const nan0 = counts().get('value_not_finite')
    const fut0 = counts().get('ts_future')
    const now = Date.now()
    await c.publishAsync(d.topic, '{"values": {"lel": 5', { qos: 1 })
    await c.publishAsync(d.topic, JSON.stringify({ ts: now - 3000, values: { lel: 5 } }), { qos: 1 })
    await c.publishAsync(d.topic, JSON.stringify({ values: { co: 5 } }), { qos: 1 })
    await c.publishAsync(d.topic, '{"values": {"lel": NaN}}', { qos: 1 })
    await c.publishAsync(d.topic, JSON.stringify({ values: { lel: '7' } }), { qos: 1 })
    await c.publishAsync(d.topic, JSON.stringify({ ts: now + 10 * 60_000, values: { lel: 5 } }), { qos: 1 })
    // A batch with one bad element: the good ones land.
    await c.publishAsync(d.topic, JSON.stringify([{ ts: now - 2000, values: { lel: 6 } }, { ts: now - 1500, values: { lel: Number.MAX_VALUE } }, { ts: now - 1000, values: { lel: 7 } }]), { qos: 1 })
    expect(counts().get('json_invalid')).toBe(json0 + 2)
    expect(counts().get('metric_unknown')).toBe(unk0 + 1)
    expect(counts().get('value_not_finite')).toBe(nan0 + 1)
    expect(counts().get('ts_future')).toBe(fut0 + 1)
    const s = await eventually(async () => {
      const r = (await influxQuery(influxUrl(), db(), `SELECT "lel" FROM "gas" WHERE "device" = 'it-gas-005'`))[0]
      return r && r.values.length >= 3 ? r : undefined
    })
    expect(s.values.map((v) => v[1])).toEqual([5, 6, 7])
    const health = await (await fetch(`${t.http}/api/v1/health`, { headers: { authorization: `Bearer ${t.adminToken}` } })).json() as { ingest: { rejectsByReason: Record<string, number> } }
    expect(health.ingest.rejectsByReason.json_invalid).toBeGreaterThanOrEqual(2)
    const metrics = await (await fetch(`${t.http}/metrics`)).text()
    expect(metrics).toMatch(/smartpark_ingest_rejected_total\{reason="json_invalid"\} \d+/)
    const samples = await eventually(async () => (await influxQuery(influxUrl(), db(), `SELECT count("detail") FROM "ingest_rejects" WHERE "device" = 'it-gas-005'`))[0])
    expect(samples.values[0]![1]).toBeGreaterThanOrEqual(5)
  })

  it('accepts Debian’s mosquitto_pub as a third-party client', async () => {
    const d = await provision(t, 'it-gas-006')
    const port = String(t.hub.addresses.mqttPort)
    await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', port, '-i', d.id, '-u', d.id, '-P', d.secret, '-q', '1', '-t', d.topic, '-m', '{"values":{"lel":3.25}}'])
    const s = await eventually(async () => (await influxQuery(influxUrl(), db(), `SELECT "lel" FROM "gas" WHERE "device" = 'it-gas-006'`))[0])
    expect(s.values[0]![1]).toBe(3.25)
    await expect(run('mosquitto_pub', ['-h', '127.0.0.1', '-p', port, '-u', d.id, '-P', 'wrong', '-t', d.topic, '-m', '{"values":{"lel":1}}'])).rejects.toThrow()
  })

  it('lets a device subscribe to its own cmd topic only, and delivers commands to it', async () => {
    const d = await provision(t, 'it-gas-007')
    const other = await provision(t, 'it-gas-008')
    const c = await connectMqtt(t.mqttUrl, { username: d.id, password: d.secret })
    clients.push(c)
    const own = await c.subscribeAsync(`parks/vtc/vtc-ti01/${d.id}/cmd`, { qos: 1 })
    expect(own[0]!.qos).toBe(1)
    // SUBACK 0x80 for a foreign cmd topic and for a wildcard; mqtt.js reports it as a subscribe error.
    await expect(c.subscribeAsync(`parks/vtc/vtc-ti01/${other.id}/cmd`, { qos: 1 })).rejects.toThrow(/Subscribe error/)
    await expect(c.subscribeAsync('parks/#', { qos: 0 })).rejects.toThrow(/Subscribe error/)
    await expect(c.subscribeAsync(`parks/vtc/vtc-ti01/${d.id}/telemetry`, { qos: 0 })).rejects.toThrow(/Subscribe error/)
    const got = new Promise<string>((r) => c.once('message', (_t, p) => r(p.toString())))
    await t.hub.broker.publish(`parks/vtc/vtc-ti01/${d.id}/cmd`, JSON.stringify({ id: 'c1', command: 'close_valve' }))
    expect(JSON.parse(await got)).toEqual({ id: 'c1', command: 'close_valve' })
  })

  it('carries MQTT over WebSocket at /mqtt of the HTTP port', async () => {
    const d = await provision(t, 'it-gas-009')
    const c = await connectMqtt(`ws://127.0.0.1:${t.hub.addresses.httpPort}/mqtt`, { username: d.id, password: d.secret })
    clients.push(c)
    await c.publishAsync(d.topic, JSON.stringify({ values: { lel: 4 } }), { qos: 1 })
    const s = await eventually(async () => (await influxQuery(influxUrl(), db(), `SELECT "lel" FROM "gas" WHERE "device" = 'it-gas-009'`))[0])
    expect(s.values[0]![1]).toBe(4)
  })

  it('marks a device offline from its retained will message', async () => {
    const d = await provision(t, 'it-gas-010')
    const status = `parks/vtc/vtc-ti01/${d.id}/status`
    const c = await connectMqtt(t.mqttUrl, { username: d.id, password: d.secret, will: { topic: status, payload: Buffer.from('offline'), qos: 1, retain: true } })
    await c.publishAsync(status, 'online', { qos: 1, retain: true })
    await eventually(() => t.hub.registry.get(d.id)?.state.online === true)
    ;(c as unknown as { stream: { destroy(): void } }).stream.destroy() // an unclean drop fires the will
    await eventually(() => t.hub.registry.get(d.id)?.state.online === false, 10_000, 'the will message')
  })
})
