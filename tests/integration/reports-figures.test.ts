/**
 * A handover report's energy and emission figures over a real InfluxDB, against the hub's own
 * energy and emission APIs: yesterday's day shift (08:00–20:00 Asia/Shanghai) in the vtc park,
 * with the main meter's counter every minute (60 kWh a minute) and the gas-fired boiler stack's
 * analysers every minute (SO2 90 mg/m³ at 9 % O2 in the 10:00 and 11:00 hours — 131.25 at the
 * 3.5 % reference O2 of GB 13271-2014, above its limit of 50 — and 20 otherwise), written to the
 * hub's database as the hub writes readings (line protocol, store/points.ts).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Reading } from '../../hub/src/model/reading.js'
import type { ShiftReport } from '../../hub/src/model/report.js'
import { readingLine } from '../../hub/src/store/points.js'
import { LocalCalendar } from '../../hub/src/energy/calendar.js'
import { api, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'

const cal = new LocalCalendar('Asia/Shanghai')
const MIN = 60_000
const HOUR = 3_600_000
const METER = 'vtc-ti01-meter-001' // 总进线电能表: the enterprise's main meter
const STACK = 'vtc-ti01-cems-001' // gas-fired boiler: GB 13271-2014, SO2 limit 50 mg/m³ at 3.5 % O2

let t: TestHub
const yesterday = cal.dayKey(cal.startOf('day', Date.now()) - 1)
const [y, m, d] = yesterday.split('-').map(Number) as [number, number, number]
const FROM = cal.instant(y, m, d, 8)
const TO = cal.instant(y, m, d, 20)

function reading(kind: 'energy' | 'emission', device: string, ts: number, values: Record<string, number>): Reading {
  return { device, park: 'vtc', enterprise: 'vtc-ti01', area: 'vtc-ti01-ctl', kind, ts, values, flags: undefined }
}

beforeAll(async () => {
  t = await startTestHub()
  const lines: string[] = []
  // The counter from an hour before the shift to its end: 60 kWh a minute.
  for (let ts = FROM - HOUR, kwh = 1_000_000; ts < TO; ts += MIN, kwh += 60) lines.push(readingLine(reading('energy', METER, ts, { kwh, kw: 3600 })))
  for (let ts = FROM; ts < TO; ts += MIN) {
    const hour = Math.floor((ts - FROM) / HOUR) + 8
    const so2 = hour === 10 || hour === 11 ? 90 : 20
    lines.push(readingLine(reading('emission', STACK, ts + 30_000, { so2, nox: 50, pm: 5, o2: 9, flow: 120_000, temp: 140 })))
  }
  const db = t.hub.settings.influx.db
  // The hub creates its retention policies once InfluxDB answers: written after, as its own writer does.
  await eventually(async () => (await fetch(`${inject('influxUrl')}/query?${new URLSearchParams({ db, q: 'SHOW RETENTION POLICIES' })}`).then((r) => r.text())).includes('"raw"'), 20_000, 'the retention policies')
  for (let i = 0; i < lines.length; i += 5000) {
    const res = await fetch(`${inject('influxUrl')}/write?db=${db}&precision=ms`, { method: 'POST', body: lines.slice(i, i + 5000).join('\n') })
    expect(res.status).toBe(204)
  }
}, 120_000)

afterAll(async () => {
  await t?.stop()
})

describe('a handover report\'s energy and emission figures', () => {
  it('lists the shift\'s exceeded hours and its energy against the pro-rated budget, as the energy and emission APIs give them', async () => {
    const q = `from=${FROM}&to=${TO}`
    const hourly = await eventually(async () => {
      const r = await api<{ hours: { start: number; metrics: Record<string, { exceeded: boolean; corrected: number | null }> }[] }>(t, 'GET', `/api/v1/emissions/hourly?device=${STACK}&${q}`)
      return r.body.hours?.filter((h) => h.metrics.so2?.exceeded).length === 2 ? r.body : undefined
    }, 20_000, 'two exceeded hours from the emissions API')
    const energy = await eventually(async () => {
      const r = await api<{ total: { tce: number; carriers: { kwh: { amount: number } } } }>(t, 'GET', `/api/v1/energy/consumption?park=vtc&every=1h&${q}`)
      return r.body.total?.tce > 0 ? r.body : undefined
    }, 20_000, 'the shift\'s energy from the energy API')

    const res = await api<ShiftReport>(t, 'POST', '/api/v1/reports', { park: 'vtc', day: yesterday, shiftId: 'day' })
    expect(res.status).toBe(201)
    const f = res.body.figures
    expect(res.body.shift).toMatchObject({ from: FROM, to: TO })
    expect(f.handover).toBe(TO)

    if (!f.emissions.available) throw new Error(`emissions unavailable: ${f.emissions.error}`)
    const so2 = f.emissions.exceedances.filter((x) => x.device === STACK)
    expect(so2.map((x) => [x.metric, x.hour, x.value, x.limit])).toEqual([
      ['so2', FROM + 2 * HOUR, 131.25, 50],
      ['so2', FROM + 3 * HOUR, 131.25, 50],
    ])
    expect(so2.map((x) => x.hour)).toEqual(hourly.hours.filter((h) => h.metrics.so2?.exceeded).map((h) => h.start))
    expect(f.emissions.stacks).toBeGreaterThanOrEqual(1)

    if (!f.energy.available) throw new Error(`energy unavailable: ${f.energy.error}`)
    // 720 steps of 60 kWh end in the shift.
    expect(energy.total.carriers.kwh.amount).toBe(720 * 60)
    expect(f.energy.park.tce).toBeCloseTo(energy.total.tce, 3)
    const ent = f.energy.enterprises.find((e) => e.id === 'vtc-ti01')!
    expect(ent.tce).toBeCloseTo(energy.total.tce, 3)
    // The day's budget as the energy page gives it (one whole local day), pro-rated to 12 of 24 hours.
    const day = cal.dayBounds(yesterday)!
    const intensity = (await api<{ enterprises: { enterprise: string; budget: { tce: number | null } }[] }>(t, 'GET', `/api/v1/energy/intensity?park=vtc&from=${day.start}&to=${day.end}`)).body
    const daily = intensity.enterprises.find((e) => e.enterprise === 'vtc-ti01')!.budget.tce
    expect(daily).toBeGreaterThan(0)
    expect(ent.budgetTce).toBeCloseTo(daily! / 2, 2)
    expect(ent.share).toBeCloseTo(ent.tce / ent.budgetTce!, 3)
  }, 60_000)
})
