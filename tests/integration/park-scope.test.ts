import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { Incident } from '../../hub/src/model/incident.js'
import type { ParkRisk } from '../../hub/src/model/risk.js'
import { api, connectMqtt, eventually, login, startTestHub, type TestHub } from '../support/hub-harness.js'
import { connectLive, type LiveClient } from '../support/live-client.js'

/**
 * Users within their parks (docs/security.md, "Scopes"): the demo's vtc-safety sees and acts on
 * the vtc park only. Another park's alarms, devices and risk are left out of lists, answer 404
 * one by one (as if absent), its alarms cannot be acted on, and the socket neither subscribes
 * to it nor carries it in a snapshot or an event.
 */
describe('a park-scoped user reaching another park', () => {
  let t: TestHub
  let token: string
  const mq: MqttClient[] = []
  const sockets: LiveClient[] = []
  const vtcDevice = 'vtc-ti01-gas-009'
  const glcDevice = 'glc-ca01-gas-004'
  const otherEnterpriseDevice = 'glc-h02-gas-001'
  const publish = (i: number, device: string, park: string, ent: string, lel: number) =>
    mq[i]!.publishAsync(`parks/${park}/${ent}/${device}/telemetry`, JSON.stringify({ ts: Date.now(), values: { lel } }), { qos: 1 })
  let vtcAlarm: Alarm
  let glcAlarm: Alarm

  beforeAll(async () => {
    t = await startTestHub()
    const secrets = (await import('../../simulators/credentials/demo-zone.json', { with: { type: 'json' } })).default.devices as Record<string, string>
    for (const d of [vtcDevice, glcDevice, otherEnterpriseDevice]) mq.push(await connectMqtt(t.mqttUrl, { username: d, password: secrets[d]! }))
    await publish(0, vtcDevice, 'vtc', 'vtc-ti01', 30)
    await publish(1, glcDevice, 'glc', 'glc-ca01', 30)
    const open = async () => (await api<{ alarms: Alarm[] }>(t, 'GET', '/api/v1/alarms?state=open')).body.alarms
    vtcAlarm = await eventually(async () => (await open()).find((a) => a.device === vtcDevice), 5000, 'vtc alarm')
    glcAlarm = await eventually(async () => (await open()).find((a) => a.device === glcDevice), 5000, 'glc alarm')
    token = await login(t.http, 'vtc-safety', 'vtc-safety-demo')
  })
  afterAll(async () => {
    for (const s of sockets) s.disconnect()
    for (const c of mq) c.end(true)
    await t.stop()
  })

  it('filters lists and answers 404 for another park by REST', async () => {
    const get = <T>(path: string) => api<T>(t, 'GET', path, undefined, token)
    const alarms = (await get<{ alarms: Alarm[] }>('/api/v1/alarms?state=open')).body.alarms
    const byPark = (await get<{ alarms: Alarm[] }>('/api/v1/alarms?state=open&park=glc')).body.alarms
    const one = await get(`/api/v1/alarms/${glcAlarm.id}`)
    const act = await api(t, 'POST', `/api/v1/alarms/${glcAlarm.id}/ack`, { note: 'not mine' }, token)
    const devices = (await get<{ devices: { park: string }[] }>('/api/v1/devices')).body.devices
    const device = await get(`/api/v1/devices/${glcDevice}`)
    const latest = await get(`/api/v1/devices/${glcDevice}/latest`)
    const series = await get(`/api/v1/devices/${glcDevice}/series?metric=lel`)
    const setpoints = await get(`/api/v1/devices/${glcDevice}/setpoints`)
    const risk = (await get<{ parks: ParkRisk[] } | ParkRisk[]>('/api/v1/risk')).body
    const riskParks = (Array.isArray(risk) ? risk : risk.parks).map((r) => r.park)
    const incidents = (await get<{ incidents: Incident[] }>('/api/v1/incidents?state=all')).body.incidents ?? []
    const zone = (await get<{ parks: { id: string }[] }>('/api/v1/zone')).body
    const report = {
      alarms: alarms.map((a) => a.park), glcFilter: byPark.length, alarm: one.status, ack: act.status,
      devicesOutside: devices.filter((d) => d.park !== 'vtc').length, device: device.status, latest: latest.status, series: series.status, setpoints: setpoints.status,
      riskParks, incidentsOutside: incidents.filter((i) => i.park !== 'vtc').length, zoneParks: zone.parks.map((p) => p.id),
    }
    console.log(`vtc-safety by REST: ${JSON.stringify(report)}`)
    expect(alarms.some((a) => a.id === vtcAlarm.id)).toBe(true)
    expect(alarms.every((a) => a.park === 'vtc')).toBe(true)
    expect(byPark).toEqual([])
    expect(one.status).toBe(404)
    expect(act.status).toBe(404)
    expect((await api<Alarm>(t, 'GET', `/api/v1/alarms/${glcAlarm.id}`)).body.ack).toBe('unacked')
    expect((await get(`/api/v1/alarms/${vtcAlarm.id}`)).status).toBe(200)
    expect(report.devicesOutside).toBe(0)
    expect(devices.length).toBeGreaterThan(0)
    expect([device.status, latest.status, series.status, setpoints.status]).toEqual([404, 404, 404, 404])
    expect((await get(`/api/v1/devices/${vtcDevice}/latest`)).status).toBe(200)
    expect(riskParks).toEqual(['vtc'])
    expect(report.incidentsOutside).toBe(0)
    expect(report.zoneParks).toEqual(['vtc'])
  })

  it("treats another park's devices and alarms named in an incident's body as absent", async () => {
    const opened = await api<Incident>(t, 'POST', '/api/v1/incidents', { park: 'vtc', hazard: 'gas', level: 3, title: 'drill' }, token)
    expect(opened.status).toBe(201)
    const command = await api<{ message: string }>(t, 'POST', `/api/v1/incidents/${opened.body.id}/commands`, { device: glcDevice, command: 'close_valve' }, token)
    const alarm = await api<{ message: string }>(t, 'POST', `/api/v1/incidents/${opened.body.id}/alarms`, { alarm: glcAlarm.id }, token)
    const elsewhere = await api(t, 'POST', '/api/v1/incidents', { park: 'glc', hazard: 'gas', level: 3 }, token)
    const missing = await api<{ message: string }>(t, 'POST', `/api/v1/incidents/${opened.body.id}/commands`, { device: 'no-such-device', command: 'close_valve' }, token)
    console.log(`vtc-safety's incident naming glc: command ${command.status} "${command.body.message}", alarm ${alarm.status} "${alarm.body.message}", an incident in glc ${elsewhere.status}; an unknown device ${missing.status} "${missing.body.message}"`)
    expect([command.status, alarm.status, elsewhere.status]).toEqual([404, 404, 404])
    expect(command.body.message).toBe(`device ${glcDevice} not found`)
    expect(missing.body.message).toBe('device no-such-device not found')
  })

  it('keeps energy, emissions and exports of another park absent, and the audit log for zone-wide admins', async () => {
    const get = <T>(path: string) => api<T>(t, 'GET', path, undefined, token)
    const report = {
      consumption: (await get('/api/v1/energy/consumption?park=glc')).status,
      consumptionOfEnterprise: (await get('/api/v1/energy/consumption?enterprise=glc-ca01')).status,
      csv: (await get('/api/v1/energy/report.csv?park=glc')).status,
      intensity: (await get('/api/v1/energy/intensity?park=glc')).status,
      compliance: (await get('/api/v1/emissions/compliance?park=glc')).status,
      audit: (await get('/api/v1/audit')).status,
    }
    const own = await get<{ scope: { park: string | null } }>('/api/v1/energy/consumption')
    console.log(`vtc-safety energy, emissions, exports, audit: ${JSON.stringify(report)}; consumption without a park: ${own.status} ${JSON.stringify(own.body.scope ?? null)}`)
    expect(report).toEqual({ consumption: 404, consumptionOfEnterprise: 404, csv: 404, intensity: 404, compliance: 404, audit: 403 })
    expect(own.status).toBe(200)
    expect(own.body.scope.park).toBe('vtc')
  })

  it('refuses a subscription to another park, leaves it out of snapshots and delivers none of its alarms', async () => {
    const { socket, snapshot } = await connectLive(t.http, token)
    sockets.push(socket)
    const events: Alarm[] = []
    socket.on('alarm', (a) => events.push(a))
    const onlyGlc = await socket.emitWithAck('subscribe', { parks: ['glc'] })
    const both = await socket.emitWithAck('subscribe', { parks: ['vtc', 'glc'] })
    const snap = await new Promise<{ alarms: Alarm[]; risk: ParkRisk[] }>((resolve) => {
      socket.once('snapshot', resolve)
      socket.emit('subscribe', { parks: ['glc', 'vtc'] })
    })
    await publish(1, glcDevice, 'glc', 'glc-ca01', 55)
    await publish(0, vtcDevice, 'vtc', 'vtc-ti01', 55)
    await eventually(() => events.find((a) => a.id === vtcAlarm.id && a.level === 1), 5000, 'the vtc escalation')
    // The glc escalation was published first: had it been delivered, it would be here by now.
    await eventually(async () => (await api<Alarm>(t, 'GET', `/api/v1/alarms/${glcAlarm.id}`)).body.level === 1, 5000, 'the glc escalation')
    const report = {
      connectSnapshot: [...new Set(snapshot.alarms.map((a) => a.park))], connectRisk: snapshot.risk.map((r) => r.park),
      onlyGlc, both, snapshot: [...new Set(snap.alarms.map((a) => a.park))], events: [...new Set(events.map((a) => a.park))],
    }
    console.log(`vtc-safety by socket: ${JSON.stringify(report)}`)
    expect(report.connectSnapshot).toEqual(['vtc'])
    expect(report.connectRisk).toEqual(['vtc'])
    expect(onlyGlc.parks).toEqual([])
    expect(onlyGlc.refused).toEqual(['glc'])
    expect(both).toEqual({ parks: ['vtc'], refused: ['glc'] })
    expect(report.snapshot).toEqual(['vtc'])
    expect(report.events).toEqual(['vtc'])
  })

  it('limits a user to one enterprise: its alarms and its part of the park risk, by REST and by socket', async () => {
    const zoneUsers = t.hub.zone.users
    const hash = zoneUsers.find((u) => u.name === 'vtc-safety')!.passwordHash
    t.hub.users.replaceZoneUsers([...zoneUsers, { name: 'ca01-officer', roles: ['safety'], passwordHash: hash, scope: { enterprises: ['glc-ca01'] } }])
    try {
      const officer = await login(t.http, 'ca01-officer', 'vtc-safety-demo')
      const { socket, snapshot } = await connectLive(t.http, officer)
      sockets.push(socket)
      const events: Alarm[] = []
      socket.on('alarm', (a) => events.push(a))
      await publish(2, otherEnterpriseDevice, 'glc', 'glc-h02', 30)
      const other = await eventually(async () => (await api<{ alarms: Alarm[] }>(t, 'GET', '/api/v1/alarms?state=open')).body.alarms.find((a) => a.device === otherEnterpriseDevice), 5000, 'the glc-h02 alarm')
      await api(t, 'POST', `/api/v1/alarms/${glcAlarm.id}/ack`, { note: 'seen' })
      await eventually(() => events.find((a) => a.id === glcAlarm.id && a.ack === 'acked'), 5000, 'the glc-ca01 acknowledgement')
      const list = (await api<{ alarms: Alarm[] }>(t, 'GET', '/api/v1/alarms?state=open', undefined, officer)).body.alarms
      const otherOne = await api(t, 'GET', `/api/v1/alarms/${other.id}`, undefined, officer)
      const risk = snapshot.risk.map((r) => ({ park: r.park, enterprises: r.enterprises.map((e) => e.enterprise) }))
      const report = { snapshot: [...new Set(snapshot.alarms.map((a) => a.enterprise))], risk, events: [...new Set(events.map((a) => a.enterprise))], list: [...new Set(list.map((a) => a.enterprise))], otherAlarm: otherOne.status }
      console.log(`ca01-officer (enterprise glc-ca01): ${JSON.stringify(report)}`)
      expect(report).toEqual({ snapshot: ['glc-ca01'], risk: [{ park: 'glc', enterprises: ['glc-ca01'] }], events: ['glc-ca01'], list: ['glc-ca01'], otherAlarm: 404 })
    } finally {
      t.hub.users.replaceZoneUsers(zoneUsers)
    }
  })
})
