/**
 * A latched life-safety alarm through a real hub, real MQTT and a real socket.io client
 * (ISA-18.2 latching alarm; GB 16808: a gas alarm controller's alarm latches until reset by
 * hand): red gas alarm → the gas clears → still red, latched, the park still red with the
 * reason "latched, awaiting reset" → reset refused while active → after the clear, reset
 * accepted and audited → the park back to normal.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { Snapshot } from '../../hub/src/model/live-events.js'
import type { ParkRisk } from '../../hub/src/model/risk.js'
import { api, connectMqtt, eventually, influxQuery, login, startTestHub, type TestHub } from '../support/hub-harness.js'
import { connectLive, type LiveClient } from '../support/live-client.js'

describe('latching: a red gas alarm stays red after the gas clears until an operator resets it', () => {
  let t: TestHub
  let mq: MqttClient
  let socket: LiveClient
  let snapshot: Snapshot
  const alarms: Alarm[] = []
  const risks: ParkRisk[] = []
  const device = 'vtc-ti01-gas-009' // combustible (%LEL), GB/T 50493: 25 / 50 %LEL
  const topic = `parks/vtc/vtc-ti01/${device}/telemetry`
  let safety: string
  let t0: number
  const send = (i: number, lel: number): Promise<unknown> => mq.publishAsync(topic, JSON.stringify({ ts: t0 + i * 1000, values: { lel } }), { qos: 1 })
  const latest = (id: string): Alarm | undefined => alarms.filter((a) => a.id === id).at(-1)

  beforeAll(async () => {
    // Nobody reports in this test: keep the other devices from timing out, so the park's colour is the alarm's alone.
    t = await startTestHub({ env: { HUB_DEADMAN_INTERVALS: '1000' } })
    const secret = (await import('../../simulators/credentials/demo-zone.json', { with: { type: 'json' } })).default.devices[device] as string
    mq = await connectMqtt(t.mqttUrl, { username: device, password: secret })
    safety = await login(t.http, 'safety', 'safety-demo')
    ;({ socket, snapshot } = await connectLive(t.http, safety))
    socket.on('alarm', (a) => alarms.push(a))
    socket.on('risk', (r) => risks.push(r))
    t0 = Date.now() - 60_000
  })
  afterAll(async () => {
    socket?.close()
    mq?.end(true)
    await t?.stop()
  })

  it('latches, keeps the park red with the latched reason, refuses a reset while active, and releases on reset after the clear', async () => {
    expect(snapshot.risk.find((r) => r.park === 'vtc')?.level).toBeNull()

    // 55 %LEL: second level → red.
    await send(0, 55)
    const raised = await eventually(() => alarms.find((a) => a.device === device && a.level === 1), 5000, 'the red alarm')
    expect(raised).toMatchObject({ class: 'life-safety', latching: true, latched: false, peakLevel: 1, currentLevel: 1, condition: 'active' })
    await eventually(() => risks.find((r) => r.park === 'vtc' && r.level === 1), 5000, 'the park red')

    // 30 %LEL: first level. The alarm stays red; the condition's level is recorded.
    await send(1, 30)
    const eased = await eventually(() => (latest(raised.id)?.currentLevel === 2 ? latest(raised.id) : undefined), 15_000, 'the deescalation')
    expect(eased).toMatchObject({ level: 1, currentLevel: 2, value: 30, ack: 'unacked' })

    // Reset while the condition is active: refused with its code, nothing recorded.
    const early = await api<{ message: string }>(t, 'POST', `/api/v1/alarms/${raised.id}/reset`, { note: '尝试复位' }, safety)
    expect(early.status).toBe(409)
    expect(early.body.message).toMatch(/^condition_active: /)

    // 2 %LEL: returned to normal. Still red, latched, awaiting reset. The clear comes after the
    // 5 s off-delay, counted from the condition's latest evaluation (the hub's tick that eased it,
    // since a stage's clock never runs backwards): so the wait allows the off-delay and more.
    await send(2, 2)
    const cleared = await eventually(() => (latest(raised.id)?.condition === 'cleared' ? latest(raised.id) : undefined), 20_000, 'the clear')
    expect(cleared).toMatchObject({ level: 1, peakLevel: 1, latched: true, value: 2 })
    expect(cleared.currentLevel).toBeUndefined() // absent in JSON while the condition is cleared
    const latchedRisk = await eventually(async () => {
      const r = (await api<ParkRisk[] | { parks: ParkRisk[] }>(t, 'GET', '/api/v1/risk', undefined, safety)).body
      const parks = Array.isArray(r) ? r : r.parks
      const vtc = parks.find((p) => p.park === 'vtc')
      return vtc?.reasons.some((x) => x.code === 'latched_alarm') ? vtc : undefined
    }, 5000, 'the latched reason')
    expect(latchedRisk.level).toBe(1)
    expect(latchedRisk.reasons).toEqual([expect.objectContaining({ level: 1, code: 'latched_alarm', alarm: raised.id, text: expect.stringContaining('已锁存，待复位'), textEn: expect.stringContaining('latched, awaiting reset') })])
    expect(risks.at(-1)).toMatchObject({ park: 'vtc', level: 1 })

    // The list filters: latched, and by class.
    const listed = async (q: string): Promise<string[]> => (await api<{ alarms: Alarm[] }>(t, 'GET', `/api/v1/alarms?${q}`, undefined, safety)).body.alarms.map((a) => a.id)
    expect(await listed('state=latched')).toEqual([raised.id])
    expect(await listed('class=life-safety')).toEqual([raised.id])
    expect(await listed('class=energy')).toEqual([])
    expect((await api(t, 'GET', '/api/v1/alarms?class=nonsense', undefined, safety)).status).toBe(400)

    // Close waits for the reset; a reset needs a note and an operator role.
    expect((await api<{ message: string }>(t, 'POST', `/api/v1/alarms/${raised.id}/close`, { note: '复盘' }, safety)).body.message).toMatch(/^latched: /)
    expect((await api(t, 'POST', `/api/v1/alarms/${raised.id}/reset`, {}, safety)).status).toBe(400)
    expect((await api(t, 'POST', `/api/v1/alarms/${raised.id}/reset`, { note: 'x' }, await login(t.http, 'viewer', 'viewer-demo'))).status).toBe(403)

    const reset = await api<Alarm>(t, 'POST', `/api/v1/alarms/${raised.id}/reset`, { note: '现场复测 0 %LEL，泄漏点已处理' }, safety)
    expect(reset.status).toBe(200)
    expect(reset.body).toMatchObject({ latched: false, ack: 'acked', level: 1, condition: 'cleared' })
    expect(reset.body.history.map((s) => [s.action, s.actor])).toEqual([
      ['raise', 'system'], ['deescalate', 'system'], ['clear', 'system'], ['ack', 'safety'], ['reset', 'safety'],
    ])
    await eventually(() => risks.filter((r) => r.park === 'vtc').at(-1)?.level === null, 5000, 'the park back to normal')

    // Audited, and in InfluxDB with the class tag.
    const audit = (await api<{ entries: Array<{ user: string; action: string; ok: boolean; target: string }> }>(t, 'GET', '/api/v1/audit?action=POST%20/api/v1/alarms/:id/reset')).body.entries
    expect(audit.map((e) => [e.user, e.ok])).toEqual([['safety', true], ['viewer', false], ['safety', false], ['safety', false]])
    const rows = await eventually(async () => {
      const s = (await influxQuery(inject('influxUrl'), t.hub.settings.influx.db, `SELECT "actor", "level" FROM "alarm_events" WHERE "alarm" = '${raised.id}' AND "class" = 'life-safety'`))[0]
      return s && s.values.length === 5 ? s : undefined
    }, 10_000, 'alarm_events with the class tag')
    expect(rows.values.map((v) => v[1])).toEqual(['system', 'system', 'system', 'safety', 'safety'])
  })
})
