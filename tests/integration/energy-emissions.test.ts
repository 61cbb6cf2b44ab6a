import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import type { MqttClient } from 'mqtt'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }
import { loadZoneFile } from '../../hub/src/config/zone-file.js'
import { ensureDatabase, influxClient } from '../../hub/src/store/influx-client.js'
import { readingLine } from '../../hub/src/store/points.js'
import { createEnergyEmissions } from '../../hub/src/energy-emissions.js'
import { energyEmissionStores } from '../../hub/src/store/energy-emission-stores.js'
import { stackInfoOf } from '../../hub/src/emissions/stack-info.js'
import { LocalCalendar } from '../../hub/src/energy/calendar.js'
import type { Transition } from '../../hub/src/model/alarm.js'
import type { Reading } from '../../hub/src/model/reading.js'
import type { DataFlag } from '../../hub/src/model/vocabulary.js'
import { api, connectMqtt, eventually, influxQuery, startTestHub, type TestHub } from '../support/hub-harness.js'

const cal = new LocalCalendar('Asia/Shanghai')
const MIN = 60_000
const HOUR = 3_600_000
const METER = 'vtc-ti01-meter-001' // 总进线电能表, its own secret (not behind a gateway)
const STACK = 'vtc-ti01-cems-001' // gas-fired boiler stack, GB 13271-2014/gas: so2 50, nox 200, pm 20 mg/m³ at 3.5 % O2
const secret = (id: string): string => (credentials.devices as Record<string, string>)[id]!

/**
 * Constructed meter counters: one reading a minute (the meter's interval) over three local
 * days, 60 kWh a minute on the first day, 70 on the second, 80 on the third; the meter is
 * replaced at 12:00 local on the second day (the new register reads 5 kWh at its first
 * reading). Use per day by the documented rule: differences, a restart from zero counting its
 * new reading.
 */
function meterReadings(day0: number): { ts: number; kwh: number; kw: number }[] {
  const out: { ts: number; kwh: number; kw: number }[] = []
  let kwh = 2_000_000
  for (let d = 0; d < 3; d++) {
    const start = cal.instant(cal.parts(day0).year, cal.parts(day0).month, cal.parts(day0).day + d)
    for (let i = 0; i < 1440; i++) {
      if (!(d === 0 && i === 0)) kwh += 60 + 10 * d
      if (d === 1 && i === 720) kwh = 5
      out.push({ ts: start + i * MIN, kwh, kw: (60 + 10 * d) * 60 })
    }
  }
  return out
}
/** Day 1: 1439 steps of 60; day 2: 720 steps of 70 before the swap, the new register's 5, 719 steps of 70; day 3: 1440 of 80. */
const WANT = [1439 * 60, 720 * 70 + 5 + 719 * 70, 1440 * 80]

/**
 * One sample a minute (a minute with one N sample is valid, HJ 75) over one local day: SO2 90
 * mg/m³ at 9 % O2 → 131.25 at 3.5 %, above the 50 limit, in hours 2 and 3; hour 5 has only 44
 * valid minutes (16 minutes flagged C, calibration); otherwise SO2 40.
 */
function stackReadings(day: number): { ts: number; values: Record<string, number>; flags?: Record<string, DataFlag> }[] {
  const out: { ts: number; values: Record<string, number>; flags?: Record<string, DataFlag> }[] = []
  for (let m = 0; m < 24 * 60; m++) {
    const hour = Math.floor(m / 60)
    const so2 = hour === 2 || hour === 3 || hour === 5 ? 90 : 20
    const values = { so2, nox: 50, pm: 5, o2: 9, flow: 120_000, temp: 140 }
    const flags: Record<string, DataFlag> | undefined = hour === 5 && m % 60 >= 44 ? { so2: 'C', nox: 'C', pm: 'C' } : undefined
    out.push({ ts: day + m * MIN + 30_000, values, ...(flags ? { flags } : {}) })
  }
  return out
}

function asReadings(kind: 'energy' | 'emission', device: string, xs: { ts: number; values: Record<string, number>; flags?: Record<string, DataFlag> }[]): Reading[] {
  return xs.map((x) => ({ device, park: 'vtc', enterprise: 'vtc-ti01', area: 'vtc-ti01-ctl', kind, ts: x.ts, values: x.values, flags: x.flags }))
}

describe('energy and emissions over a real InfluxDB: rollups, rebuilds, services', () => {
  const url = (): string => inject('influxUrl')
  const db = `t_${randomBytes(6).toString('hex')}`
  const transitions: Transition[] = []
  const logs: { m: string; o: object }[] = []
  const log = { info: (o: object, m: string) => void logs.push({ o, m }), warn: (o: object, m: string) => void logs.push({ o, m }) }
  const today = cal.startOf('day', Date.now())
  const day0 = cal.instant(cal.parts(today).year, cal.parts(today).month, cal.parts(today).day - 5)

  async function write(lines: string[]): Promise<void> {
    for (let i = 0; i < lines.length; i += 5000) {
      const res = await fetch(`${url()}/write?db=${db}&precision=ms`, { method: 'POST', body: lines.slice(i, i + 5000).join('\n') })
      expect(res.status).toBe(204)
    }
  }

  let ee: ReturnType<typeof createEnergyEmissions>
  beforeAll(async () => {
    const influx = influxClient({ url: url(), db })
    await ensureDatabase(influx, db)
    const zone = await loadZoneFile('hub/zones/demo-zone.yaml')
    ee = createEnergyEmissions({ zone, stores: energyEmissionStores(influx, db), clock: Date.now, raise: (t) => void transitions.push(...t), devices: () => zone.devices, log, options: { rebuildSettleMs: 0 } })
    await ee.start()
  })

  it('creates the retention policies and continuous queries once, and leaves them alone after', async () => {
    const rps = (await influxQuery(url(), db, 'SHOW RETENTION POLICIES'))[0]!.values.map((v) => [v[0], v[1]])
    expect(rps).toEqual(expect.arrayContaining([['raw', '9600h0m0s'], ['rollup_1h', '43920h0m0s'], ['rollup_1d', '0s']]))
    const cqs = (await influxQuery(url(), db, 'SHOW CONTINUOUS QUERIES')) as unknown as { name: string; values: unknown[][] }[]
    const names = cqs.find((x) => x.name === db)!.values.map((v) => v[0])
    expect(names).toEqual(expect.arrayContaining(['cq_energy_1h', 'cq_energy_1d', 'cq_emission_1h', 'cq_emission_1h_so2_flagged', 'cq_emission_1h_temp_flagged', 'cq_emission_1h_humidity_flagged', 'cq_emission_1h_hcl_flagged', 'cq_emission_1h_cl2_flagged']))
    expect(names).toHaveLength(12) // energy 1h, 1d; emission 1h and one per emission metric's flagged samples (9 metrics)
    expect(logs.some((l) => l.m === 'energy and emission rollups created')).toBe(true)
    // A second start (a restart) creates nothing and finds every query as it wrote it.
    logs.length = 0
    const zone = await loadZoneFile('hub/zones/demo-zone.yaml')
    const again = createEnergyEmissions({ zone, stores: energyEmissionStores(influxClient({ url: url(), db }), db), clock: Date.now, raise: () => undefined, devices: () => zone.devices, log })
    await again.start()
    expect(logs.map((l) => l.m)).toEqual([])
  })

  it('rebuilds rollups for backfilled readings; rollups and raw give the same daily use', async () => {
    const meter = asReadings('energy', METER, meterReadings(day0).map((r) => ({ ts: r.ts, values: { kwh: r.kwh, kw: r.kw } })))
    await write(meter.map(readingLine))
    ee.onReadings(meter)
    ee.tick(Date.now())
    await ee.rebuildsIdle()
    const hourly = await influxQuery(url(), db, `SELECT "kwh_first", "kwh_last", "kwh_n" FROM "rollup_1h"."energy_1h" WHERE "device" = '${METER}'`)
    expect(hourly[0]!.values).toHaveLength(72)
    const daily = await influxQuery(url(), db, `SELECT "kwh_first", "kwh_last", "kwh_min", "kwh_max", "kwh_n" FROM "rollup_1d"."energy_1d" WHERE "device" = '${METER}'`)
    expect(daily[0]!.values.map((v) => v[0])).toEqual([0, 1, 2].map((d) => cal.instant(cal.parts(day0).year, cal.parts(day0).month, cal.parts(day0).day + d)))
    expect(daily[0]!.values[1]!.slice(3)).toEqual([5, 2_000_000 + 1439 * 60 + 720 * 70, 1440]) // min: the new register; max: the old one's last

    const to = cal.instant(cal.parts(day0).year, cal.parts(day0).month, cal.parts(day0).day + 3)
    const raw = await ee.energy.table({ meter: METER }, day0, to, '1d', Date.now())
    expect(raw.sources.map((s) => s.source)).toEqual(['raw'])
    const want = WANT
    expect(raw.rows.map((r) => r.carriers.kwh.amount)).toEqual(want)
    expect(raw.rows.map((r) => r.gap)).toEqual([false, false, false])
    expect(raw.rows.map((r) => r.resets)).toEqual([0, 1, 0])
    const zone = await loadZoneFile('hub/zones/demo-zone.yaml')
    const viaRollups = createEnergyEmissions({ zone, stores: energyEmissionStores(influxClient({ url: url(), db }), db), clock: Date.now, raise: () => undefined, devices: () => zone.devices, log, options: { plan: { rawMaxMs: 0, hourlyMaxMs: 0 } } })
    await viaRollups.start()
    const rolled = await viaRollups.energy.table({ meter: METER }, day0, to, '1d', Date.now())
    expect(rolled.sources.map((s) => s.source)).toEqual(['rollup_1d'])
    expect(rolled.rows.map((r) => r.carriers.kwh.amount)).toEqual(want)
    const hours = await viaRollups.energy.table({ meter: METER }, day0, to, '1h', Date.now())
    expect(hours.sources.map((s) => s.source)).toEqual(['rollup_1h'])
    expect(hours.total.carriers.kwh.amount).toBe(want.reduce((a, b) => a + b, 0))
  })

  it('hourly emission values, exceedances on valid hours only, the daily compliance report', async () => {
    const day = cal.instant(cal.parts(day0).year, cal.parts(day0).month, cal.parts(day0).day + 3)
    const samples = asReadings('emission', STACK, [...stackReadings(day), { ts: day + 24 * HOUR + 30_000, values: { so2: 40, o2: 9 } }])
    await write(samples.map(readingLine))
    transitions.length = 0
    ee.onReadings(samples)
    const so2 = transitions.filter((t) => t.device === STACK && t.metric === 'so2')
    expect(so2.map((t) => [t.kind, t.ts - day, t.value, t.threshold])).toEqual([
      ['clear', 1 * HOUR, 29.167, 50], ['activate', 3 * HOUR, 131.25, 50], ['clear', 5 * HOUR, 29.167, 50],
    ])
    expect(so2[1]).toMatchObject({ rule: 'emission', type: 'emission_exceedance', level: 3, park: 'vtc', enterprise: 'vtc-ti01' })

    const d = (await loadZoneFile('hub/zones/demo-zone.yaml')).devices.find((x) => x.id === STACK)!
    const stack = stackInfoOf(d)
    const h = await ee.emissions.hourly(stack, day, day + 24 * HOUR, Date.now())
    expect(h.source).toBe('raw')
    expect(h.hours.map((x) => x.metrics.so2.exceeded)).toEqual(Array.from({ length: 24 }, (_, i) => i === 2 || i === 3))
    expect(h.hours[5]!.metrics.so2).toEqual({ measured: 90, corrected: 131.25, validMinutes: 44, valid: false, limit: 50, exceeded: false, exceededBy: null, overRangeMinutes: 0, lowerBound: null, minutes: { N: 44, C: 16 } })
    const rep = await ee.emissions.compliance('vtc', cal.dayKey(day))
    const st = rep!.stacks.find((s) => s.device === STACK)!
    expect(st.metrics.so2).toMatchObject({ limit: 50, validHours: 23, exceededHours: 2, exceededAt: [day + 2 * HOUR, day + 3 * HOUR], dayValid: true })
    expect(st.metrics.so2!.dailyMean).toBeCloseTo((21 * 29.167 + 2 * 131.25) / 23, 2)
    expect(st.compliant).toBe(false)
    expect(rep!.stacks.find((s) => s.device === 'vtc-v02-cems-001')).toMatchObject({ compliant: true, metrics: { so2: { validHours: 0, dayValid: false } } })

    // the hourly rollup holds valid-sample counts (the flagged minutes of hour 5 apart)
    ee.tick(Date.now())
    await ee.rebuildsIdle()
    const r = await influxQuery(url(), db, `SELECT "so2_n", "so2_bad_n" FROM "rollup_1h"."emission_1h" WHERE "device" = '${STACK}' AND time >= ${day + 5 * HOUR}ms AND time < ${day + 6 * HOUR}ms`)
    expect(r[0]!.values[0]!.slice(1)).toEqual([60, 16])
  })
})

/**
 * Through a whole hub: readings published over MQTT with backfilled timestamps (JSON arrays of
 * up to 1000), read back through the REST API. Needs the composition wired into app.ts.
 */
describe('energy and emissions through MQTT and the REST API', () => {
  let t: TestHub
  const clients: MqttClient[] = []
  const today = cal.startOf('day', Date.now())
  const day0 = cal.instant(cal.parts(today).year, cal.parts(today).month, cal.parts(today).day - 4)
  const stackDay = cal.instant(cal.parts(today).year, cal.parts(today).month, cal.parts(today).day - 1)

  beforeAll(async () => {
    t = await startTestHub()
  })
  afterAll(async () => {
    for (const c of clients) c.end(true)
    await t?.stop()
  })

  async function publish(device: string, items: object[], per: number): Promise<void> {
    const c = await connectMqtt(t.mqttUrl, { username: device, password: secret(device) })
    clients.push(c)
    for (let i = 0; i < items.length; i += per) {
      await c.publishAsync(`parks/vtc/vtc-ti01/${device}/telemetry`, JSON.stringify(items.slice(i, i + per)), { qos: 1 })
    }
  }

  it('consumption per day in kWh and kgce matches the constructed counters; CSV report', async () => {
    await publish(METER, meterReadings(day0).map((r) => ({ ts: r.ts, values: { kwh: r.kwh, kw: r.kw } })), 500)
    const to = cal.instant(cal.parts(day0).year, cal.parts(day0).month, cal.parts(day0).day + 3)
    const want = WANT
    type Reply = { rows: { label: string; carriers: { kwh: { amount: number; kgce: number } }; tce: number; resets: number; gap: boolean }[]; total: { tce: number }; sources: { source: string }[] }
    const body = await eventually(async () => {
      const r = await api<Reply>(t, 'GET', `/api/v1/energy/consumption?meter=${METER}&from=${day0}&to=${to}&every=1d`)
      return r.status === 200 && r.body.rows.map((x) => x.carriers.kwh.amount).join() === want.join() ? r.body : undefined
    }, 20_000, 'daily consumption of the constructed counters')
    expect(body.rows.map((r) => r.label)).toEqual([0, 1, 2].map((d) => cal.dayKey(day0 + d * 86_400_000 + HOUR)))
    body.rows.forEach((r, i) => expect(r.carriers.kwh.kgce).toBeCloseTo(want[i]! * 0.1229, 2))
    expect(body.rows.map((r) => r.resets)).toEqual([0, 1, 0])
    expect(body.rows.map((r) => r.gap)).toEqual([false, false, false])
    expect(body.sources.map((x) => x.source)).toEqual(['raw'])
    expect(body.total.tce).toBeCloseTo((want[0]! + want[1]! + want[2]!) * 0.1229 / 1000, 5)

    const viewer = await api(t, 'POST', '/api/v1/auth/login', { username: 'viewer', password: 'viewer-demo' })
    const token = (viewer.body as { token: string }).token
    const csv = await fetch(`${t.http}/api/v1/energy/report.csv?park=vtc&from=${day0}&to=${to}&every=1d`, { headers: { authorization: `Bearer ${token}` } })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/)
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer())
    expect(text.charCodeAt(0)).toBe(0xfeff)
    expect(text.slice(1).split('\r\n')[0]).toMatch(/^时间 Time,园区 Park,企业 Enterprise,/)
    expect(text).toContain(`${cal.dayKey(day0 + HOUR)},钒钛化工园区,`)
    const anon = await fetch(`${t.http}/api/v1/energy/consumption?park=vtc`)
    expect(anon.status).toBe(401)
    expect((await api(t, 'GET', '/api/v1/energy/consumption?park=nowhere')).status).toBe(404)
    expect((await api(t, 'GET', `/api/v1/energy/consumption?park=vtc&every=1h&from=${day0 - 40 * 86_400_000}&to=${day0}`)).status).toBe(400)

    type Intensity = { days: number; enterprises: { enterprise: string; tce: number; tcePer10kYuan: number; rank: number; budget: { source: string } }[]; parks: { park: string; tce: number }[] }
    const int = await api<Intensity>(t, 'GET', `/api/v1/energy/intensity?park=vtc&from=${day0}&to=${to}`, undefined, token)
    expect(int.status).toBe(200)
    expect(int.body.days).toBe(3)
    const ti = int.body.enterprises.find((e) => e.enterprise === 'vtc-ti01')!
    expect(ti.tce).toBeCloseTo((want[0]! + want[1]! + want[2]!) * 0.1229 / 1000, 5)
    // 256 600 万元 a year → × 3/365 in three days
    expect(ti.tcePer10kYuan).toBeCloseTo(ti.tce / (256_600 * 3 / 365), 5)
    expect(ti.budget.source).toBe('demo')
    expect(int.body.parks[0]!.tce).toBeCloseTo(ti.tce, 5)

    type Sugg = { suggestions: { id: string; kind: string; enterprise: string; figures: Record<string, number | string | null> }[] }
    const sug = await api<Sugg>(t, 'GET', '/api/v1/energy/suggestions?enterprise=vtc-ti01', undefined, token)
    expect(sug.status).toBe(200)
    // a load as high at night as by day: the base-load suggestion, with its figures
    const base = sug.body.suggestions.find((x) => x.kind === 'base_load')!
    expect(base).toMatchObject({ id: 'base_load:vtc-ti01', enterprise: 'vtc-ti01' })
    expect(base.figures.ratio).toBeCloseTo(1, 1)
  })

  it('hourly emission values and the compliance report; an exceedance alarm for a valid hour', async () => {
    await publish(STACK, [...stackReadings(stackDay), { ts: stackDay + 24 * HOUR + 30_000, values: { so2: 40, nox: 50, pm: 5, o2: 9, flow: 120_000, temp: 140 } }], 300)
    type Hourly = { source: string; hours: { start: number; metrics: { so2: { measured: number | null; corrected: number | null; validMinutes: number | null; valid: boolean; limit: number | null; exceeded: boolean } } }[] }
    const hourly = await eventually(async () => {
      const r = await api<Hourly>(t, 'GET', `/api/v1/emissions/hourly?device=${STACK}&from=${stackDay}&to=${stackDay + 24 * HOUR}`)
      return r.status === 200 && r.body.hours.filter((h) => h.metrics.so2.validMinutes !== null && h.metrics.so2.validMinutes > 0).length === 24 ? r.body : undefined
    }, 20_000, 'a day of hourly values')
    expect(hourly.source).toBe('raw')
    expect(hourly.hours[3]!.metrics.so2).toEqual({ measured: 90, corrected: 131.25, validMinutes: 60, valid: true, limit: 50, exceeded: true, exceededBy: 'mean', overRangeMinutes: 0, lowerBound: null, minutes: { N: 60 } })
    expect(hourly.hours[5]!.metrics.so2).toEqual({ measured: 90, corrected: 131.25, validMinutes: 44, valid: false, limit: 50, exceeded: false, exceededBy: null, overRangeMinutes: 0, lowerBound: null, minutes: { N: 44, C: 16 } })
    expect(hourly.hours[0]!.metrics.so2).toMatchObject({ measured: 20, corrected: 29.167, valid: true, exceeded: false })

    type Compliance = { day: string; stacks: { device: string; compliant: boolean; metrics: Record<string, { validHours: number; exceededHours: number; dayValid: boolean; dailyMean: number | null }> }[] }
    const c = await api<Compliance>(t, 'GET', `/api/v1/emissions/compliance?park=vtc&day=${cal.dayKey(stackDay)}`)
    expect(c.status).toBe(200)
    const st = c.body.stacks.find((s) => s.device === STACK)!
    expect(st.metrics.so2).toMatchObject({ validHours: 23, exceededHours: 2, dayValid: true })
    expect(st.compliant).toBe(false)

    const alarms = await eventually(async () => {
      type A = { type: string; metric: string; level: number; threshold: number; condition: string; raisedAt: number; history: { action: string; value?: number; ts: number }[] }
      const r = await api<{ alarms: A[] }>(t, 'GET', `/api/v1/alarms?state=all&device=${STACK}`)
      const a = r.body.alarms.filter((x) => x.type === 'emission_exceedance' && x.metric === 'so2')
      return a.length > 0 && a[0]!.condition === 'cleared' ? a : undefined
    }, 10_000, 'the exceedance alarm, raised and cleared')
    // raised for hour 2 at its end with the hour's corrected mean; cleared by hour 4 (hour 5, invalid, said nothing)
    expect(alarms).toHaveLength(1)
    expect(alarms[0]).toMatchObject({ level: 3, threshold: 50, raisedAt: stackDay + 3 * HOUR })
    expect(alarms[0]!.history.filter((h) => h.action === 'raise' || h.action === 'clear').map((h) => [h.action, h.value, h.ts - stackDay])).toEqual([['raise', 131.25, 3 * HOUR], ['clear', 29.167, 5 * HOUR]])
    const bad = await api(t, 'GET', '/api/v1/emissions/compliance?park=vtc&day=2025-02-30')
    expect(bad.status).toBe(400)
  })
})
