import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import { LocalCalendar } from '../../hub/src/energy/calendar.js'
import type { DataFlag } from '../../hub/src/model/vocabulary.js'
import { api, connectMqtt, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'

const cal = new LocalCalendar('Asia/Shanghai')
const MIN = 60_000
const HOUR = 3_600_000
const STACK = 'vtc-ti01-cems-wet'

/**
 * A wet CEMS stream (an in-situ analyser: SO2 and O2 measured wet, moisture `humidity` %)
 * provisioned through the API with the GB 13271-2014 gas-boiler standard (SO2 50 mg/m³ at
 * 3.5 % O2), published over real MQTT with the timestamps of the last two full hours.
 *
 *   hour A: SO2 35 mg/m³ wet, O2 7.92 % wet, moisture 12 % → dry SO2 39.773, O2 9 %;
 *           at 3.5 %: 39.773 × 17.5 / 12 = 58.002 > 50 — exceeded. Judged on the wet values as
 *           they are it would be 35 × 17.5 / 13.08 = 46.83, below the limit.
 *   hour B: the same, but the moisture is missing in 16 minutes → 44 valid minutes, invalid,
 *           with its reason (16 minutes without humidity).
 *
 * The readings are older than the rules' live window's default (10 minutes): the test sets
 * HUB_LIVE_WINDOW_SEC to a day so that a replayed hour may still raise its alarm.
 */
describe('a wet CEMS stream is judged against its dry limit', () => {
  let t: TestHub
  let client: MqttClient | undefined
  const now = Date.now()
  const hourA = cal.startOf('hour', now) - 2 * HOUR
  const hourB = hourA + HOUR

  beforeAll(async () => {
    t = await startTestHub({ env: { HUB_LIVE_WINDOW_SEC: '86400' } })
  })
  afterAll(async () => {
    client?.end(true)
    await t?.stop()
  })

  it('converts wet to dry with the moisture before the O2 correction, and says why an hour is invalid', async () => {
    const created = await api<{ device: { id: string }; secret: string }>(t, 'POST', '/api/v1/devices', {
      id: STACK, kind: 'emission', type: 'stack', park: 'vtc', enterprise: 'vtc-ti01', area: 'vtc-ti01-blr',
      name: '锅炉烟囱（原位湿法 CEMS）', nameEn: 'Boiler stack (in-situ wet CEMS)', metrics: ['so2', 'o2', 'humidity', 'flow', 'temp'],
      position: { x: 480, y: 90 }, interval: 60, safety: false, emissionStandard: 'GB13271-2014/gas', basis: 'wet',
    })
    expect(created.status).toBe(201)
    const refused = await api(t, 'POST', '/api/v1/devices', { ...{ id: 'vtc-ti01-cems-bad', kind: 'emission', park: 'vtc', enterprise: 'vtc-ti01', name: 'x', metrics: ['so2'], position: { x: 0, y: 0 }, interval: 60 }, emissionStandard: 'GB99999' })
    expect(refused.status).toBe(400)

    const items: { ts: number; values: Record<string, number>; flags?: Record<string, DataFlag> }[] = []
    for (let m = 0; m < 120; m++) {
      const inB = m >= 60
      const values: Record<string, number> = { so2: 35, o2: 7.92, flow: 90_000, temp: 52 }
      if (!(inB && m - 60 >= 44)) values.humidity = 12
      items.push({ ts: hourA + m * MIN + 30_000, values })
    }
    items.push({ ts: hourB + HOUR + 1000, values: { so2: 35, o2: 7.92, humidity: 12, flow: 90_000, temp: 52 } }) // closes hour B
    client = await connectMqtt(t.mqttUrl, { username: STACK, password: created.body.secret })
    for (let i = 0; i < items.length; i += 40) await client.publishAsync(`parks/vtc/vtc-ti01/${STACK}/telemetry`, JSON.stringify(items.slice(i, i + 40)), { qos: 1 })

    type MH = { measured: number | null; corrected: number | null; validMinutes: number | null; valid: boolean; limit: number | null; exceeded: boolean; exceededBy: string | null; minutes: Record<string, number> | null }
    type Hourly = { standard: { id: string } | null; basis: string; o2Basis: string; referenceO2: number | null; limits: Record<string, number>; hours: { start: number; metrics: Record<string, MH> }[] }
    const h = await eventually(async () => {
      const r = await api<Hourly>(t, 'GET', `/api/v1/emissions/hourly?device=${STACK}&from=${hourA}&to=${hourB + HOUR}`)
      return r.status === 200 && r.body.hours.length === 2 && r.body.hours.every((x) => (x.metrics.so2!.minutes?.N ?? 0) + (x.metrics.so2!.minutes?.humidity ?? 0) === 60) ? r.body : undefined
    }, 15_000, 'two hours of the wet stack')
    expect(h).toMatchObject({ standard: { id: 'GB13271-2014/gas' }, basis: 'wet', o2Basis: 'wet', referenceO2: 3.5, limits: { so2: 50 } }) // the standard's limits of what the stack measures
    expect(h.hours[0]!.metrics.so2).toEqual({ measured: 39.773, corrected: 58.002, validMinutes: 60, valid: true, limit: 50, exceeded: true, exceededBy: 'mean', overRangeMinutes: 0, lowerBound: null, minutes: { N: 60 } })
    expect(h.hours[0]!.metrics.o2).toMatchObject({ measured: 9, valid: true })
    expect(h.hours[1]!.metrics.so2).toMatchObject({ corrected: 58.002, validMinutes: 44, valid: false, exceeded: false, minutes: { N: 44, humidity: 16 } })

    // the live judgement: raised for hour A with its dry corrected mean; hour B, invalid, says nothing
    type A = { type: string; metric: string; level: number; threshold: number; condition: string; raisedAt: number; value: number; history: { action: string; note?: string }[] }
    const alarm = await eventually(async () => {
      const r = await api<{ alarms: A[] }>(t, 'GET', `/api/v1/alarms?state=all&device=${STACK}`)
      return r.body.alarms.find((a) => a.type === 'emission_exceedance' && a.metric === 'so2')
    }, 10_000, 'the exceedance alarm of hour A')
    expect(alarm).toMatchObject({ level: 3, threshold: 50, condition: 'active', raisedAt: hourA + HOUR, value: 58.002 })
    expect(alarm.history.find((x) => x.action === 'raise')?.note).toContain('dry, at 3.5 % reference O2')

    const c = await api<{ stacks: { device: string; standard: string | null; basis: string; metrics: Record<string, { limit: number }> }[] }>(t, 'GET', `/api/v1/emissions/compliance?park=vtc&day=${cal.dayKey(hourA)}`)
    expect(c.body.stacks.find((s) => s.device === STACK)).toMatchObject({ standard: 'GB13271-2014/gas', basis: 'wet', metrics: { so2: { limit: 50 } } })
  })
})
