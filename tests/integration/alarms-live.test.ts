import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { ParkRisk } from '../../hub/src/model/risk.js'
import { api, connectMqtt, eventually, influxQuery, login, startTestHub, type TestHub } from '../support/hub-harness.js'
import { inject } from 'vitest'
import { connectLive, type LiveClient } from '../support/live-client.js'

type Client = LiveClient

describe('alarms: from a reading over a set point to the command room, live', () => {
  let t: TestHub
  let mq: MqttClient
  const sockets: Client[] = []
  const device = 'vtc-ti01-gas-009' // combustible (%LEL) in the boiler house of vtc-ti01
  const topic = `parks/vtc/vtc-ti01/${device}/telemetry`

  beforeAll(async () => {
    t = await startTestHub()
    const secret = (await import('../../simulators/credentials/demo-zone.json', { with: { type: 'json' } })).default.devices[device] as string
    mq = await connectMqtt(t.mqttUrl, { username: device, password: secret })
  })
  afterAll(async () => {
    for (const s of sockets) s.close()
    mq.end(true)
    await t.stop()
  })

  it('refuses a socket without a valid token', async () => {
    await expect(connectLive(t.http, 'forged')).rejects.toThrow(/unauthorized/)
  })

  it('raises one alarm for a burst of 100 readings over the first level, delivers it live, and escalates it at the second level', async () => {
    const { socket, snapshot } = await connectLive(t.http, await login(t.http, 'safety', 'safety-demo'))
    sockets.push(socket)
    expect(snapshot.alarms.filter((a) => a.device === device)).toEqual([])
    const received: Alarm[] = []
    const risks: ParkRisk[] = []
    socket.on('alarm', (a) => received.push(a))
    socket.on('risk', (r) => risks.push(r))
    const now = Date.now()
    // GB/T 50493-2019: first-level 25 %LEL → orange (2).
    await Promise.all(Array.from({ length: 100 }, (_, i) => mq.publishAsync(topic, JSON.stringify({ ts: now + i, values: { lel: 30 } }), { qos: 1 })))
    const first = await eventually(() => received.find((a) => a.device === device), 5000, 'the alarm event')
    expect(first).toMatchObject({ rule: 'setpoint', level: 2, park: 'vtc', device, metric: 'lel', threshold: 25, condition: 'active', ack: 'unacked', workflow: 'open' })
    const list = await api<{ alarms: Alarm[] }>(t, 'GET', `/api/v1/alarms?state=active&park=vtc`)
    expect(list.body.alarms.filter((a) => a.device === device)).toHaveLength(1)
    await eventually(() => risks.find((r) => r.park === 'vtc' && r.level === 2), 5000, 'park risk orange')

    // Second level 50 %LEL → red (1), the same alarm.
    await mq.publishAsync(topic, JSON.stringify({ ts: now + 200, values: { lel: 55 } }), { qos: 1 })
    const escalated = await eventually(() => received.find((a) => a.id === first.id && a.level === 1), 5000, 'escalation')
    expect(escalated.threshold).toBe(50)
    expect(escalated.history.map((s) => s.action)).toEqual(['raise', 'escalate'])
    expect((await api<{ alarms: Alarm[] }>(t, 'GET', `/api/v1/alarms?state=open&park=vtc`)).body.alarms.filter((a) => a.device === device)).toHaveLength(1)
  })

  it('carries the alarm through the closed loop with roles checked, and records every step in InfluxDB', async () => {
    const alarm = (await api<{ alarms: Alarm[] }>(t, 'GET', `/api/v1/alarms?state=open`)).body.alarms.find((a) => a.device === device)!
    const viewer = await login(t.http, 'viewer', 'viewer-demo')
    const responder = await login(t.http, 'responder', 'responder-demo')
    const safety = await login(t.http, 'safety', 'safety-demo')
    expect((await api(t, 'POST', `/api/v1/alarms/${alarm.id}/ack`, { note: 'x' }, viewer)).status).toBe(403)
    expect((await fetch(`${t.http}/api/v1/alarms/${alarm.id}/ack`, { method: 'POST' })).status).toBe(401)
    expect((await api(t, 'POST', `/api/v1/alarms/${alarm.id}/ack`, { note: '值班员已确认' }, safety)).status).toBe(200)
    expect((await api(t, 'POST', `/api/v1/alarms/${alarm.id}/dispatch`, { note: '派人' }, safety)).status).toBe(400)
    expect((await api(t, 'POST', `/api/v1/alarms/${alarm.id}/dispatch`, { assignee: '应急一班', note: '派人' }, safety)).status).toBe(200)
    expect((await api(t, 'POST', `/api/v1/alarms/${alarm.id}/resolve`, { cause: '法兰泄漏', action: '紧固法兰并复测' }, responder)).status).toBe(200)
    // Closing while the condition is still active is refused (close only when cleared).
    expect((await api(t, 'POST', `/api/v1/alarms/${alarm.id}/close`, { note: '复核' }, safety)).status).toBe(409)
    const base = Date.now()
    await mq.publishAsync(topic, JSON.stringify({ ts: base, values: { lel: 2 } }), { qos: 1 })
    await eventually(async () => (await api<Alarm>(t, 'GET', `/api/v1/alarms/${alarm.id}`)).body.condition === 'cleared', 10_000, 'the condition to clear')
    // A gas alarm latches (GB 16808): close waits for the reset after the condition has cleared.
    expect((await api(t, 'POST', `/api/v1/alarms/${alarm.id}/close`, { note: '复核完毕' }, safety)).status).toBe(409)
    expect((await api(t, 'POST', `/api/v1/alarms/${alarm.id}/reset`, { note: '现场复测 0 %LEL' }, safety)).status).toBe(200)
    const closed = await api<Alarm>(t, 'POST', `/api/v1/alarms/${alarm.id}/close`, { note: '复核完毕' }, safety)
    expect(closed.status).toBe(200)
    expect(closed.body.workflow).toBe('closed')
    const steps = closed.body.history.map((s) => [s.action, s.actor])
    expect(steps).toEqual([['raise', 'system'], ['escalate', 'system'], ['ack', 'safety'], ['dispatch', 'safety'], ['resolve', 'responder'], ['clear', 'system'], ['reset', 'safety'], ['close', 'safety']])
    const rows = await eventually(async () => {
      const s = (await influxQuery(inject('influxUrl'), t.hub.settings.influx.db, `SELECT "actor" FROM "alarm_events" WHERE "alarm" = '${alarm.id}'`))[0]
      return s && s.values.length === 8 ? s : undefined
    }, 10_000, 'alarm_events in InfluxDB')
    expect(rows.values.map((v) => v[1])).toEqual(['system', 'system', 'safety', 'safety', 'responder', 'system', 'safety', 'safety'])
  })

  it('narrows what a client receives with subscribe', async () => {
    const { socket } = await connectLive(t.http, t.adminToken)
    sockets.push(socket)
    const parks = await new Promise<{ parks: string[] }>((r) => socket.emit('subscribe', { parks: ['glc', 'nowhere'] }, r))
    expect(parks.parks).toEqual(['glc'])
    const got: Alarm[] = []
    socket.on('alarm', (a) => got.push(a))
    const telemetry: string[] = []
    socket.on('telemetry', (b) => telemetry.push(...b.map((x) => x.park)))
    await mq.publishAsync(topic, JSON.stringify({ values: { lel: 40 } }), { qos: 1 })
    // Then an alarm in the subscribed park (chlorine, GB/T 50493: 1 mg/m³ first level): events arrive in order,
    // so once it is here, the vtc alarm would have been too.
    const cl2 = 'glc-ca01-gas-001'
    const secret = (await import('../../simulators/credentials/demo-zone.json', { with: { type: 'json' } })).default.devices[cl2] as string
    const other = await connectMqtt(t.mqttUrl, { username: cl2, password: secret })
    await other.publishAsync(`parks/glc/glc-ca01/${cl2}/telemetry`, JSON.stringify({ values: { cl2: 1.5 } }), { qos: 1 })
    await eventually(() => got.find((a) => a.device === cl2), 5000, 'the glc alarm')
    await eventually(() => telemetry.includes('glc'), 5000, 'glc telemetry')
    other.end(true)
    expect(got.filter((a) => a.park === 'vtc')).toEqual([])
    expect(telemetry.filter((p) => p === 'vtc')).toEqual([])
  })
})
