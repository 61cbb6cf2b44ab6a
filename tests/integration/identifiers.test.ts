import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import type { MqttClient } from 'mqtt'
import { line } from '../../hub/src/store/line-protocol.js'
import { api, connectMqtt, eventually, influxQuery, startTestHub, type TestHub } from '../support/hub-harness.js'

/**
 * Keys from outside (device ids, metric names, flags, event types, topic levels) named after
 * the language's own object properties, and values InfluxDB 1.x line protocol must escape.
 */
const BUILT_IN_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__proto__', '__defineGetter__', 'propertyIsEnumerable', 'toLocaleString']

describe('identifiers that cannot collide with the language', () => {
  let t: TestHub
  const db = () => t.hub.settings.influx.db
  const influxUrl = () => inject('influxUrl')
  const clients: MqttClient[] = []
  const rejects = (reason: string) => t.hub.ingest.rejects.get(reason as never) ?? 0

  async function provision(id: string): Promise<{ id: string; secret: string; topic: string }> {
    const body = { id, kind: 'gas', type: 'combustible', park: 'vtc', enterprise: 'vtc-ti01', area: 'vtc-ti01-blr', name: `id ${id}`, metrics: ['lel'], position: { x: 10, y: 10 }, interval: 5 }
    const r = await api<{ secret: string }>(t, 'POST', '/api/v1/devices', body)
    expect(r.status).toBe(201)
    return { id, secret: r.body.secret, topic: `parks/vtc/vtc-ti01/${id}/telemetry` }
  }

  beforeAll(async () => {
    t = await startTestHub()
  })
  afterAll(async () => {
    for (const c of clients) c.end(true)
    await t.stop()
  })

  it('refuses device ids named after built-in properties with a clear 400, and looks none of them up as a device', async () => {
    for (const id of BUILT_IN_NAMES) {
      const body = { id, kind: 'gas', type: 'combustible', park: 'vtc', enterprise: 'vtc-ti01', name: id, metrics: ["lel"], position: { x: 1, y: 1 }, interval: 5 }
      const r = await api<{ message: string }>(t, 'POST', '/api/v1/devices', body)
      expect(r.status, id).toBe(400)
      expect(r.body.message).toMatch(/id/)
      for (const path of [`/api/v1/devices/${id}`, `/api/v1/devices/${id}/latest`]) {
        const g = await api(t, 'GET', path)
        expect([404, 400], `${path}: ${g.status}`).toContain(g.status)
      }
      const d = await api(t, 'DELETE', `/api/v1/devices/${id}`)
      expect([404, 400], `DELETE ${id}: ${d.status}`).toContain(d.status)
    }
    const metricNamed = await api<{ message: string }>(t, 'POST', '/api/v1/devices', { id: 'id-gas-000', kind: 'gas', type: 'combustible', park: 'vtc', enterprise: 'vtc-ti01', name: 'x', metrics: ['lel', 'constructor'], position: { x: 1, y: 1 }, interval: 5 })
    expect(metricNamed.status).toBe(400)
    expect(metricNamed.body.message).toMatch(/metrics/)
    for (const name of ['constructor', 'toString', 'valueOf']) {
      const r = await api(t, 'GET', `/api/v1/devices?park=${name}&enterprise=${name}&kind=${name}`)
      expect(r.status).toBeLessThan(500)
      await expect(connectMqtt(t.mqttUrl, { username: name, password: 'x' })).rejects.toThrow(/Bad username or password|Not authorized/i)
    }
    const health = await api(t, 'GET', '/api/v1/health')
    expect(health.status).toBe(200)
    // Names that are no property of a plain object are ids like any other.
    const p = await provision('prototype')
    const c = await connectMqtt(t.mqttUrl, { username: p.id, password: p.secret, clientId: p.id })
    clients.push(c)
    await c.publishAsync(p.topic, JSON.stringify({ values: { lel: 3 } }), { qos: 1 })
    await eventually(async () => (await api<{ values: Record<string, { value: number }> }>(t, 'GET', '/api/v1/devices/prototype/latest')).body.values?.lel?.value === 3, 5000, 'prototype’s reading')
  })

  it('answers sign-ins, queries and route params named after built-in properties with a 4xx, never a 500', async () => {
    for (const name of BUILT_IN_NAMES) {
      const r = await fetch(`${t.http}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: name, password: 'x' }) })
      expect([400, 401, 429], `login ${name}: ${r.status}`).toContain(r.status)
      for (const path of [`/api/v1/alarms?state=${name}&park=${name}`, `/api/v1/alarms/${name}`, `/api/v1/devices/${name}/series?metric=${name}`, `/api/v1/devices/${name}/setpoints`, `/api/v1/incidents/${name}`, `/api/v1/audit?user=${name}&action=${name}`]) {
        const g = await api(t, 'GET', path)
        expect(g.status, `${path}: ${g.status}`).toBeLessThan(500)
      }
      const ack = await api(t, 'POST', `/api/v1/alarms/${name}/ack`, { note: 'x' })
      expect(ack.status, `ack ${name}: ${ack.status}`).toBeLessThan(500)
      expect(ack.status).not.toBe(200)
    }
  })

  it('counts metrics, flags and event types named after built-in properties as rejects, and keeps the good readings', async () => {
    const d = await provision('id-gas-001')
    const c = await connectMqtt(t.mqttUrl, { username: d.id, password: d.secret, clientId: d.id })
    clients.push(c)
    const unknown0 = rejects('metric_unknown')
    const now = Date.now()
    const values: Record<string, number> = { lel: 4 }
    for (const n of BUILT_IN_NAMES) Object.defineProperty(values, n, { value: 1, enumerable: true })
    await c.publishAsync(d.topic, JSON.stringify({ ts: now - 3000, values }), { qos: 1 })
    // Flags named after built-in properties, and a flag on a metric named after one.
    await c.publishAsync(d.topic, `{"ts": ${now - 2000}, "values": {"lel": 5}, "flags": {"lel": "constructor", "toString": "N", "__proto__": "D"}}`, { qos: 1 })
    await c.publishAsync(d.topic, `{"ts": ${now - 1000}, "values": {"lel": 6, "__proto__": 1}, "flags": {"lel": "N"}}`, { qos: 1 })
    for (const type of ['constructor', 'toString', '__proto__']) {
      await c.publishAsync(`parks/vtc/vtc-ti01/${d.id}/event`, JSON.stringify({ ts: now - 500, type, state: 'on' }), { qos: 1 })
    }
    await c.publishAsync(`parks/vtc/vtc-ti01/${d.id}/status`, 'constructor', { qos: 1 })
    expect(rejects('metric_unknown')).toBeGreaterThan(unknown0)
    const s = await eventually(async () => {
      const r = (await influxQuery(influxUrl(), db(), `SELECT "lel" FROM "gas" WHERE "device" = 'id-gas-001'`))[0]
      return r && r.values.length >= 2 ? r : undefined
    }, 10_000, 'the good readings in InfluxDB')
    // The reading flagged `constructor` is not a valid HJ 212 flag: refused or stored, never a crash.
    expect(s.values.map((v) => v[1])).toContain(4)
    expect(s.values.map((v) => v[1])).toContain(6)
    const fields = await influxQuery(influxUrl(), db(), 'SHOW FIELD KEYS FROM "gas"')
    const names = (fields[0]?.values ?? []).map((v) => v[0])
    for (const n of BUILT_IN_NAMES) expect(names).not.toContain(n)
    const latest = await api<{ values: Record<string, unknown> }>(t, 'GET', `/api/v1/devices/${d.id}/latest`)
    expect(latest.status).toBe(200)
    expect(Object.keys(latest.body.values)).toEqual(['lel'])
    // No alarm raised by any of it, and the hub still answers.
    const alarms = await api<unknown[] | { items: unknown[] }>(t, 'GET', '/api/v1/alarms?state=active')
    expect(alarms.status).toBe(200)
    expect((await api(t, 'GET', '/api/v1/health')).status).toBe(200)
  })

  it('records a topic level ending in a backslash with its reject, and InfluxDB gives it back as sent', async () => {
    const d = await provision('id-gas-002')
    const c = await connectMqtt(t.mqttUrl, { username: d.id, password: d.secret, clientId: d.id })
    clients.push(c)
    const topic = `parks/vtc/vtc-ti01/${d.id}/telemetry`
    // Valid JSON with a string where a number belongs: rejected, the topic and the sample recorded.
    const odd = 'a\\b "q" \\'
    await c.publishAsync(topic, JSON.stringify({ values: { lel: odd } }), { qos: 1 })
    const sample = await eventually(async () => (await influxQuery(influxUrl(), db(), `SELECT "topic", "sample", "detail" FROM "ingest_rejects" WHERE "device" = 'id-gas-002'`))[0], 10_000, 'the reject in InfluxDB')
    expect(sample.values[0]![1]).toBe(topic)
    expect(sample.values[0]![2]).toBe(JSON.stringify({ values: { lel: odd } }))
    // A topic level of an unknown device ending in a backslash, with quotes.
    const level = 'ghost"\\'
    const unknown0 = rejects('not_authorised') + rejects('unknown_device') + rejects('topic_invalid')
    const foreign = `parks/vtc/vtc-ti01/${level}/telemetry`
    // QoS 0 on a connection of its own: the broker may close a connection that publishes out of bounds.
    const c2 = await connectMqtt(t.mqttUrl, { username: d.id, password: d.secret, clientId: `${d.id}-2` }).catch(() => connectMqtt(t.mqttUrl, { username: d.id, password: d.secret }))
    clients.push(c2)
    c2.publish(foreign, JSON.stringify({ values: { lel: 1 } }), { qos: 0 })
    await eventually(() => rejects('not_authorised') + rejects('unknown_device') + rejects('topic_invalid') > unknown0, 5000, 'the foreign publish counted')
    const rows = await eventually(async () => {
      const r = (await influxQuery(influxUrl(), db(), `SELECT "topic" FROM "ingest_rejects" WHERE "topic" =~ /ghost/`))[0]
      return r?.values.length ? r : undefined
    }, 10_000, 'the foreign topic in InfluxDB')
    expect(rows.values.map((v) => v[1])).toContain(foreign)
  })

  it('writes names and values InfluxDB 1.x reads back as they were (backslashes, quotes, separators)', async () => {
    const cases: { tag: string; field: string; key: string; measurement: string }[] = [
      { tag: 'a\\b', field: 'end\\', key: 'k\\', measurement: 'lp_t1' },
      { tag: 'a\\,b c=d', field: 'q"\\"\\\\', key: 'f x,y=z', measurement: 'lp t2,x' },
      { tag: 'x\\ y', field: '\\"', key: 'k\\v', measurement: 'lp\\t3' },
      { tag: 'constructor', field: '"quoted" \\n', key: '__proto__', measurement: 'lp_t4' },
    ]
    const t0 = Date.now() - 60_000
    const body = cases.map((c, i) => line(c.measurement, { tag: c.tag }, { [c.key]: c.field }, t0 + i)).join('\n')
    const res = await fetch(`${influxUrl()}/write?db=${db()}&precision=ms`, { method: 'POST', body })
    expect(res.status, await res.text()).toBe(204)
    for (const [i, c] of cases.entries()) {
      const m = `"${c.measurement.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
      const rows = await influxQuery(influxUrl(), db(), `SELECT * FROM ${m}`)
      expect(rows[0]?.columns, c.measurement).toEqual(['time', c.key.replace(/\\$/, ''), 'tag'].sort((a, b) => (a === 'time' ? -1 : b === 'time' ? 1 : a < b ? -1 : 1)))
      const row = Object.fromEntries(rows[0]!.columns.map((k, j) => [k, rows[0]!.values[0]![j]]))
      expect(new Date(row.time as string).getTime()).toBe(t0 + i)
      expect(row.tag).toBe(c.tag)
      expect(row[c.key.replace(/\\$/, '')]).toBe(c.field)
    }
    // A tag value ending in a backslash cannot be written in 1.x (the parser refuses the line): it is left out.
    expect(line('m', { device: 'ghost\\', park: 'p' }, { v: 1 }, 5)).toBe('m,park=p v=1 5')
  })
})
