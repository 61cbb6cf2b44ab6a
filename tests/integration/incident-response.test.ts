import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { Incident } from '../../hub/src/model/incident.js'
import { api, connectMqtt, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

const secret = (id: string): string => (credentials.devices as Record<string, string>)[id]!

describe('emergency response: gas and fire in one area open an incident; the valves close once a person confirms', () => {
  let t: TestHub
  const clients: MqttClient[] = []
  const connect = async (id: string) => {
    const c = await connectMqtt(t.mqttUrl, { username: id, password: secret(id), clientId: id })
    clients.push(c)
    // Online as a device says it (retained status): a command to an offline device fails without a publish.
    await c.publishAsync(`parks/vtc/vtc-ti01/${id}/status`, 'online', { qos: 1, retain: true })
    return c
  }
  beforeAll(async () => {
    t = await startTestHub()
  })
  afterAll(async () => {
    for (const c of clients) c.end(true)
    await t.stop()
  })

  it('opens one incident for the boiler house, proposes close_valve to its valve detectors, sends it once confirmed, records their acknowledgement, and closes with a summary', async () => {
    const p = 'parks/vtc/vtc-ti01'
    const valve = await connect('vtc-ti01-gas-009')
    const valve2 = await connect('vtc-ti01-gas-010')
    const smoke = await connect('vtc-ti01-fire-011')
    const heat = await connect('vtc-ti01-fire-010')
    const commands: { device: string; body: { id: string; command: string } }[] = []
    for (const [c, id] of [[valve, 'vtc-ti01-gas-009'], [valve2, 'vtc-ti01-gas-010']] as const) {
      await c.subscribeAsync(`${p}/${id}/cmd`, { qos: 1 })
      c.on('message', (_topic, payload) => {
        const body = JSON.parse(payload.toString()) as { id: string; command: string }
        commands.push({ device: id, body })
        // The device acknowledges on its own event topic.
        void c.publishAsync(`${p}/${id}/event`, JSON.stringify({ type: 'command_ack', state: 'on', id: body.id, command: body.command, result: 'ok' }), { qos: 1 })
      })
    }
    // A combustible leak at the second level (GB/T 50493: 50 %LEL → red) …
    await valve.publishAsync(`${p}/vtc-ti01-gas-009/telemetry`, JSON.stringify({ values: { lel: 60 } }), { qos: 1 })
    // … and a fire in the same area: smoke and heat detectors.
    await smoke.publishAsync(`${p}/vtc-ti01-fire-011/event`, JSON.stringify({ type: 'smoke_alarm', state: 'on' }), { qos: 1 })
    await heat.publishAsync(`${p}/vtc-ti01-fire-010/telemetry`, JSON.stringify({ values: { temp: 75 } }), { qos: 1 })

    const incident = await eventually(async () => {
      const r = await api<{ incidents: Incident[] }>(t, 'GET', '/api/v1/incidents?state=open&park=vtc')
      return r.body.incidents.find((i) => i.area === 'vtc-ti01-blr' && i.hazard === 'gas_fire')
    }, 10_000, 'a gas_fire incident')
    expect(incident.level).toBe(1)
    expect(incident.steps.length).toBeGreaterThan(3)
    const alarms = (await api<{ alarms: Alarm[] }>(t, 'GET', '/api/v1/alarms?state=open&park=vtc')).body.alarms
    const gasFire = alarms.find((a) => a.type === 'gas_fire')!
    expect(gasFire.level).toBe(1)
    expect(incident.alarms).toContain(gasFire.id)
    expect((await api<{ incidents: Incident[] }>(t, 'GET', '/api/v1/incidents?state=open&park=vtc')).body.incidents.filter((i) => i.area === 'vtc-ti01-blr')).toHaveLength(1)

    // The plan proposes closing both valves (GB/T 50493 §3.0.8: a person confirms plant moves).
    const proposals = incident.commands.filter((c) => c.command === 'close_valve')
    expect(proposals.map((c) => c.state)).toEqual(['proposed', 'proposed'])
    expect(commands.filter((c) => c.body.command === 'close_valve')).toEqual([])
    for (const c of proposals) expect((await api(t, 'POST', `/api/v1/incidents/${incident.id}/commands/${c.id}/confirm`, {})).status).toBe(200)
    await eventually(() => commands.filter((c) => c.body.command === 'close_valve').length === 2, 10_000, 'close_valve at both valves')
    expect(commands.map((c) => c.device).sort()).toEqual(['vtc-ti01-gas-009', 'vtc-ti01-gas-010'])
    const acked = await eventually(async () => {
      const i = (await api<Incident>(t, 'GET', `/api/v1/incidents/${incident.id}`)).body
      const valves = i.commands.filter((c) => c.command === 'close_valve')
      return valves.length === 2 && valves.every((c) => c.ackedAt !== undefined) ? i : undefined
    }, 10_000, 'acknowledgements recorded')
    expect(acked.commands.filter((c) => c.command === 'close_valve').map((c) => c.topic).sort()).toEqual([`${p}/vtc-ti01-gas-009/cmd`, `${p}/vtc-ti01-gas-010/cmd`])

    const step = acked.steps[0]!
    const done = await api<Incident>(t, 'POST', `/api/v1/incidents/${incident.id}/steps/${step.id}`, { done: true, note: '已完成' })
    expect(done.status).toBe(200)
    expect(done.body.steps[0]).toMatchObject({ done: true, doneBy: 'admin' })
    expect((await api(t, 'POST', `/api/v1/incidents/${incident.id}/close`, { summary: '' })).status).toBe(400)
    const closed = await api<Incident>(t, 'POST', `/api/v1/incidents/${incident.id}/close`, { summary: '锅炉房法兰泄漏引燃，已切断气源并扑灭' })
    expect(closed.status).toBe(200)
    expect(closed.body).toMatchObject({ state: 'closed', summary: '锅炉房法兰泄漏引燃，已切断气源并扑灭' })
  })
})
