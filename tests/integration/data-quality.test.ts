import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { TelemetryUpdate } from '../../hub/src/model/live-events.js'
import { api, connectMqtt, eventually, influxQuery, login, startTestHub, type TestHub } from '../support/hub-harness.js'
import { connectLive, type LiveClient } from '../support/live-client.js'

type Latest = { online: boolean; values: Record<string, { value: number; ts: number; flag?: string }>; late?: { count: number; lastTs: number } }
type Health = { ingest: { rejected: number; rejectsByReason: Record<string, number> } }

const secrets = (await import('../../simulators/credentials/demo-zone.json', { with: { type: 'json' } })).default.devices as Record<string, string>
const topicOf = (park: string, enterprise: string, device: string): string => `parks/${park}/${enterprise}/${device}/telemetry`

describe('data quality through a real hub: over range, per-metric rejection, fault and maintenance flags, the live window', () => {
  let t: TestHub
  let socket: LiveClient
  const clients: MqttClient[] = []
  /** Every alarm event, in arrival order (socket.io keeps the hub's order). */
  const events: Alarm[] = []
  const telemetry: TelemetryUpdate[] = []
  const latestOf = (device: string, pred: (a: Alarm) => boolean = () => true): Alarm | undefined => events.findLast((a) => a.device === device && pred(a))

  async function publisher(device: string, secret = secrets[device] as string): Promise<MqttClient> {
    const c = await connectMqtt(t.mqttUrl, { username: device, password: secret })
    clients.push(c)
    return c
  }

  /** A fresh alarm event elsewhere, waited for: every event the hub sent before it has arrived too. */
  let fenceN = 0
  async function fence(): Promise<void> {
    const device = 'vtc-ti01-gas-001'
    const c = clients.find((x) => x.options.username === device) ?? (await publisher(device))
    const before = events.length
    // The detector's fault raised, then cleared, then raised…: one event each time.
    await c.publishAsync(topicOf('vtc', 'vtc-ti01', device), JSON.stringify({ values: { cl2: 0 }, flags: { cl2: fenceN++ % 2 === 0 ? 'D' : 'N' } }), { qos: 1 })
    await eventually(() => events.slice(before).some((a) => a.device === device), 5000, 'the fence event')
  }

  beforeAll(async () => {
    t = await startTestHub()
    ;({ socket } = await connectLive(t.http, await login(t.http, 'safety', 'safety-demo')))
    socket.on('alarm', (a) => events.push(a))
    socket.on('telemetry', (b) => telemetry.push(...b))
  })
  afterAll(async () => {
    socket?.close()
    for (const c of clients) c.end(true)
    await t.stop()
  })

  it('lel 125 on a 0–100 %LEL detector is the red alarm at once, marked over range (超量程)', async () => {
    const device = 'vtc-ti01-gas-009'
    const c = await publisher(device)
    await c.publishAsync(topicOf('vtc', 'vtc-ti01', device), JSON.stringify({ values: { lel: 125 } }), { qos: 1 })
    const alarm = await eventually(() => latestOf(device), 5000, 'the over-range alarm')
    expect(alarm).toMatchObject({ rule: 'setpoint', type: 'gas_high', level: 1, metric: 'lel', value: 125, threshold: 50, overRange: true, condition: 'active', class: 'life-safety' })
    expect(alarm.history[0]!.note).toContain('超量程')
    expect(alarm.history.map((s) => s.action)).toEqual(['raise']) // red at once, not orange first
    // The value is stored and shown as over range: ingest flagged it T.
    expect((await api<Latest>(t, 'GET', `/api/v1/devices/${device}/latest`)).body.values.lel).toMatchObject({ value: 125, flag: 'T' })
    await eventually(() => telemetry.find((u) => u.device === device && u.flags?.lel === 'T'), 5000, 'live telemetry flagged T')
    const stored = await eventually(async () => (await influxQuery(inject('influxUrl'), t.hub.settings.influx.db, `SELECT "lel", "lel_flag" FROM "gas" WHERE "device" = '${device}'`))[0], 10_000, 'the reading in InfluxDB')
    expect(stored.values.map((v) => v.slice(1))).toEqual([[125, 'T']])
  })

  it('{lel:125, h2s:50} raises the H2S alarm too, and no reject is counted; a physically impossible lel is refused alone', async () => {
    const device = 'dq-multi-001'
    const created = await api<{ secret: string }>(t, 'POST', '/api/v1/devices', {
      id: device, kind: 'gas', type: 'combustible', park: 'glc', enterprise: 'glc-ca01', name: '复合气体探测器', metrics: ['lel', 'h2s'], position: { x: 5, y: 5 }, interval: 5,
    })
    expect(created.status).toBe(201)
    const c = await publisher(device, created.body.secret)
    const before = (await api<Health>(t, 'GET', '/api/v1/health')).body.ingest
    await c.publishAsync(topicOf('glc', 'glc-ca01', device), JSON.stringify({ values: { lel: 125, h2s: 50 } }), { qos: 1 })
    const h2s = await eventually(() => latestOf(device, (a) => a.metric === 'h2s'), 5000, 'the H2S alarm')
    expect(h2s).toMatchObject({ type: 'gas_high', level: 1, value: 50, threshold: 20, overRange: false })
    expect(await eventually(() => latestOf(device, (a) => a.metric === 'lel'), 5000, 'the lel alarm')).toMatchObject({ level: 1, overRange: true })
    expect((await api<Health>(t, 'GET', '/api/v1/health')).body.ingest.rejected).toBe(before.rejected)

    // 10,001 %LEL is more than 100 %VOL of any gas: that metric refused with its reason, the h2s beside it kept.
    await c.publishAsync(topicOf('glc', 'glc-ca01', device), JSON.stringify({ values: { lel: 10_001, h2s: 61 } }), { qos: 1 })
    const latest = await eventually(async () => {
      const r = (await api<Latest>(t, 'GET', `/api/v1/devices/${device}/latest`)).body
      return r.values.h2s?.value === 61 ? r : undefined
    }, 5000, 'h2s 61 in the latest values')
    expect(latest.values.lel!.value).toBe(125)
    const after = (await api<Health>(t, 'GET', '/api/v1/health')).body.ingest
    expect(after.rejected - before.rejected).toBe(1)
    expect((after.rejectsByReason.value_out_of_range ?? 0) - (before.rejectsByReason.value_out_of_range ?? 0)).toBe(1)
  })

  it('flag D on a gas detector raises a device-fault alarm of its own and keeps the active gas alarm; N clears the fault', async () => {
    const device = 'vtc-ti01-gas-012' // CO, second level 40 mg/m³
    const topic = topicOf('vtc', 'vtc-ti01', device)
    const c = await publisher(device)
    await c.publishAsync(topic, JSON.stringify({ values: { co: 50 } }), { qos: 1 })
    const gas = await eventually(() => latestOf(device, (a) => a.type === 'gas_high'), 5000, 'the CO alarm')
    expect(gas.level).toBe(1)
    // A valid low value starts the 5 s clear; the fault right after stops it: the gas alarm must stay active.
    await c.publishAsync(topic, JSON.stringify({ values: { co: 1 } }), { qos: 1 })
    await c.publishAsync(topic, JSON.stringify({ values: { co: 0 }, flags: { co: 'D' } }), { qos: 1 })
    const fault = await eventually(() => latestOf(device, (a) => a.type === 'device_fault'), 5000, 'the device-fault alarm')
    expect(fault).toMatchObject({ rule: 'data_quality', level: 3, class: 'device-health', metric: 'co', condition: 'active' })
    expect(fault.id).not.toBe(gas.id)
    const flagged = await eventually(() => telemetry.findLast((u) => u.device === device && u.flags?.co === 'D'), 5000, 'live telemetry flagged D')
    expect(flagged.values.co).toBe(0)
    expect((await api<Latest>(t, 'GET', `/api/v1/devices/${device}/latest`)).body.values.co).toMatchObject({ value: 0, flag: 'D' })
    await new Promise((r) => setTimeout(r, 6500)) // past the 5 s off-delay plus a tick of the safety loop
    expect((await api<Alarm>(t, 'GET', `/api/v1/alarms/${gas.id}`)).body.condition).toBe('active')

    await c.publishAsync(topic, JSON.stringify({ values: { co: 0 } }), { qos: 1 })
    await eventually(() => latestOf(device, (a) => a.id === fault.id && a.condition === 'cleared'), 5000, 'the fault to clear')
    expect((await api<Latest>(t, 'GET', `/api/v1/devices/${device}/latest`)).body.values.co!.flag).toBeUndefined()
  })

  it('a reading sent before the alarm’s, arriving after it (a gateway’s buffer), starts no clear; the next live one does', async () => {
    const device = 'vtc-ti01-gas-008' // Cl2, no actuator
    const topic = topicOf('vtc', 'vtc-ti01', device)
    const c = await publisher(device)
    const at = Date.now()
    await c.publishAsync(topic, JSON.stringify({ ts: at, values: { cl2: 3 } }), { qos: 1 })
    const gas = await eventually(() => latestOf(device, (a) => a.type === 'gas_high'), 5000, 'the Cl2 alarm')
    await c.publishAsync(topic, JSON.stringify({ ts: at - 3000, values: { cl2: 0 } }), { qos: 1 })
    await new Promise((r) => setTimeout(r, 6500)) // past the 5 s off-delay plus a tick of the safety loop
    expect((await api<Alarm>(t, 'GET', `/api/v1/alarms/${gas.id}`)).body.condition).toBe('active')

    await c.publishAsync(topic, JSON.stringify({ values: { cl2: 0 } }), { qos: 1 })
    await eventually(() => latestOf(device, (a) => a.id === gas.id && a.condition === 'cleared'), 10_000, 'the alarm to clear on the live reading')
  })

  it('flag M puts the detector out of service (blue, a visible gap), never a red or orange alarm', async () => {
    const device = 'vtc-ti01-gas-010'
    const c = await publisher(device)
    await c.publishAsync(topicOf('vtc', 'vtc-ti01', device), JSON.stringify({ values: { lel: 80 }, flags: { lel: 'M' } }), { qos: 1 })
    const oos = await eventually(() => latestOf(device, (a) => a.type === 'out_of_service'), 5000, 'the out-of-service condition')
    expect(oos).toMatchObject({ rule: 'data_quality', level: 4, class: 'device-health', condition: 'active' })
    await fence()
    expect(events.filter((a) => a.device === device && a.level <= 2)).toEqual([])
    expect((await api<Latest>(t, 'GET', `/api/v1/devices/${device}/latest`)).body.values.lel).toMatchObject({ value: 80, flag: 'M' })
  })

  it('a reading 20 minutes old is stored as history, raises no alarm and is counted late; one 5 minutes old still alarms, dated when it happened', async () => {
    const device = 'vtc-ti01-gas-011'
    const topic = topicOf('vtc', 'vtc-ti01', device)
    const c = await publisher(device)
    const old = Date.now() - 20 * 60_000
    await c.publishAsync(topic, JSON.stringify({ ts: old, values: { lel: 80 } }), { qos: 1 })
    const stored = await eventually(async () => {
      const s = (await influxQuery(inject('influxUrl'), t.hub.settings.influx.db, `SELECT "lel" FROM "gas" WHERE "device" = '${device}'`))[0]
      return s && s.values.length === 1 ? s : undefined
    }, 10_000, 'the old reading in InfluxDB')
    expect(stored.values[0]![1]).toBe(80)
    await fence()
    expect(events.filter((a) => a.device === device)).toEqual([])
    const latest = (await api<Latest>(t, 'GET', `/api/v1/devices/${device}/latest`)).body
    expect(latest.late).toMatchObject({ count: 1, lastTs: old })
    expect(latest.online).toBe(false) // history is no sign of life now

    const replayed = Date.now() - 5 * 60_000
    await c.publishAsync(topic, JSON.stringify({ ts: replayed, values: { lel: 30 } }), { qos: 1 })
    const alarm = await eventually(() => latestOf(device), 5000, 'the replayed reading’s alarm')
    expect(alarm).toMatchObject({ level: 2, value: 30, raisedAt: replayed })
  })
})
