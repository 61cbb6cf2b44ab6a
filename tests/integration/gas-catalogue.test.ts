import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { Device } from '../../hub/src/model/device.js'
import { api, connectMqtt, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'

/**
 * The gas catalogue through a real hub and real MQTT: a detector declaring ppm is converted
 * before its set points (GBZ 2.1, 24.04 L/mol); overrides above GB/T 50493-2019 §5.5.2 ceilings
 * are refused unless they say exceedsStandard with a reason; set points carry their source;
 * oxygen never confirms a combustible leak.
 */
describe('gas catalogue, units, ceilings and sources through the hub', () => {
  let t: TestHub
  const clients: MqttClient[] = []
  const base = { kind: 'gas', park: 'vtc', enterprise: 'vtc-ti01', position: { x: 420, y: 100 }, interval: 5 } as const

  async function provision(d: Partial<Device> & { id: string; metrics: string[] }): Promise<{ status: number; body: { device?: Device; secret?: string; message?: string } }> {
    return api(t, 'POST', '/api/v1/devices', { ...base, name: d.id, ...d })
  }
  async function publisher(id: string, secret: string): Promise<(values: Record<string, number>) => Promise<unknown>> {
    const c = await connectMqtt(t.mqttUrl, { clientId: id, username: id, password: secret })
    clients.push(c)
    return (values) => c.publishAsync(`parks/vtc/vtc-ti01/${id}/telemetry`, JSON.stringify({ ts: Date.now(), values }), { qos: 1 })
  }
  const activeAlarms = async (): Promise<Alarm[]> => (await api<{ alarms: Alarm[] }>(t, 'GET', '/api/v1/alarms?state=active&park=vtc')).body.alarms

  beforeAll(async () => {
    t = await startTestHub()
  })
  afterAll(async () => {
    for (const c of clients) c.end(true)
    await t.stop()
  })

  it('a detector declaring h2s in ppm: 7.0 ppm is 9.92 mg/m³ (no alarm), 7.5 ppm is 10.63 mg/m³ (first level 10 mg/m³, orange)', async () => {
    const created = await provision({ id: 'it-h2s-ppm', type: 'toxic', area: 'vtc-ti01-blr', metrics: ['h2s'], units: { h2s: 'ppm' } })
    expect(created.status).toBe(201)
    const publish = await publisher('it-h2s-ppm', created.body.secret!)
    await publish({ h2s: 7.0 })
    const latest = await eventually(async () => {
      const r = await api<{ values: Record<string, { value: number }> }>(t, 'GET', '/api/v1/devices/it-h2s-ppm/latest')
      return r.body.values.h2s
    }, 5000, 'the converted reading')
    expect(latest.value).toBeCloseTo((7.0 * 34.08) / 24.04, 6) // 9.923 mg/m³, under 10
    expect((await activeAlarms()).filter((a) => a.device === 'it-h2s-ppm')).toEqual([])
    await publish({ h2s: 7.5 })
    const alarm = await eventually(async () => (await activeAlarms()).find((a) => a.device === 'it-h2s-ppm'), 5000, 'the H2S alarm')
    expect(alarm).toMatchObject({ metric: 'h2s', level: 2, threshold: 10 })
    expect(alarm.value).toBeCloseTo((7.5 * 34.08) / 24.04, 6) // 10.632 mg/m³
    const sp = await api<{ metrics: Record<string, { unit: string; declaredUnit?: string; high: { value: number; source: { layer: string; clause: string } }[] }> }>(t, 'GET', '/api/v1/devices/it-h2s-ppm/setpoints')
    expect(sp.body.metrics.h2s).toMatchObject({ unit: 'mg/m³', declaredUnit: 'ppm' })
    expect(sp.body.metrics.h2s?.high.map((s) => [s.value, s.source.layer, s.source.clause])).toEqual([
      [10, 'standard', 'GB/T 50493-2019 §5.5.2(3): ≤ 100 % / 200 % OEL (MAC 10 mg/m³, GBZ 2.1-2019)'],
      [20, 'standard', 'GB/T 50493-2019 §5.5.2(3): ≤ 100 % / 200 % OEL (MAC 10 mg/m³, GBZ 2.1-2019)'],
    ])
  })

  it('an override above the ceiling is refused naming it; with exceedsStandard and a reason it stands, shown with its source and audited', async () => {
    const high = [{ value: 12, level: 2, stage: 'first' }, { value: 20, level: 1, stage: 'second' }]
    const refused = await provision({ id: 'it-h2s-over', area: 'vtc-ti01-blr', metrics: ['h2s'], setpoints: { h2s: { high } } })
    expect(refused.status).toBe(400)
    expect(refused.body.message).toContain("h2s set point 12 mg/m³ is above the standard's first-level ceiling of 10 mg/m³ (GB/T 50493-2019 §5.5.2(3)")
    const noReason = await provision({ id: 'it-h2s-over', area: 'vtc-ti01-blr', metrics: ['h2s'], setpoints: { h2s: { high, exceedsStandard: true } } })
    expect(noReason.status).toBe(400)
    expect(noReason.body.message).toContain('exceedsStandard needs a reason')

    const reason = 'process background 11 mg/m³ during kiln start-up; approved by the safety officer'
    const accepted = await provision({ id: 'it-h2s-over', area: 'vtc-ti01-blr', metrics: ['h2s'], setpoints: { h2s: { high, exceedsStandard: true, reason } } })
    expect(accepted.status).toBe(201)
    const sp = await api<{ metrics: Record<string, { high: { value: number; source: Record<string, unknown> }[] }> }>(t, 'GET', '/api/v1/devices/it-h2s-over/setpoints')
    expect(sp.body.metrics.h2s?.high).toEqual([
      expect.objectContaining({ value: 12, source: expect.objectContaining({ layer: 'device', ceiling: 10, exceedsStandard: true, reason }) }),
      expect.objectContaining({ value: 20, source: expect.objectContaining({ layer: 'device', ceiling: 20 }) }),
    ])
    expect(sp.body.metrics.h2s?.high[1]?.source.exceedsStandard).toBeUndefined() // 20 is at its ceiling
    const audit = await api<{ entries: { action: string; target: string; detail: string; user: string }[] }>(t, 'GET', '/api/v1/audit?action=setpoint.exceeds_standard')
    expect(audit.body.entries).toEqual([expect.objectContaining({ user: 'admin', target: 'it-h2s-over', detail: expect.stringContaining(`h2s: 12 > 10 mg/m³`) })])
    expect(audit.body.entries[0]?.detail).toContain(reason)
  })

  it('O2 low and one combustible first-level alarm in one area: no gas_confirmed; a second combustible detector confirms', async () => {
    const area = 'vtc-ti01-tank'
    const ids = ['it-o2', 'it-lel-a', 'it-lel-b']
    const pubs = new Map<string, (v: Record<string, number>) => Promise<unknown>>()
    for (const [id, metric, type] of [['it-o2', 'o2', 'oxygen'], ['it-lel-a', 'lel', 'combustible'], ['it-lel-b', 'lel', 'combustible']] as const) {
      const r = await provision({ id, type, area, metrics: [metric] })
      expect(r.status).toBe(201)
      pubs.set(id, await publisher(id, r.body.secret!))
    }
    await pubs.get('it-o2')!({ o2: 18 }) // below 19.5 %VOL
    await pubs.get('it-lel-a')!({ lel: 30 }) // first level 25 %LEL
    const inArea = async (): Promise<Alarm[]> => (await activeAlarms()).filter((a) => a.area === area)
    await eventually(async () => {
      const types = (await inArea()).map((a) => `${a.device}:${a.type}`)
      return types.includes('it-o2:o2_low') && types.includes('it-lel-a:gas_high')
    }, 5000, 'the oxygen and the combustible alarm')
    // Correlation runs on the same reading as the set point: had it confirmed, the alarm would be there now.
    expect((await inArea()).filter((a) => a.type === 'gas_confirmed')).toEqual([])
    await pubs.get('it-lel-b')!({ lel: 30 })
    const confirmed = await eventually(async () => (await inArea()).find((a) => a.type === 'gas_confirmed'), 5000, 'gas_confirmed by two combustible detectors')
    expect(confirmed).toMatchObject({ device: 'it-lel-b', metric: 'lel', level: 1 })
    expect(ids).toContain(confirmed.device)
  })
})
