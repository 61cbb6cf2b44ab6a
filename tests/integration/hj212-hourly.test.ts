import { randomBytes } from 'node:crypto'
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import { LocalCalendar } from '../../hub/src/energy/calendar.js'
import { loggerAggregateLine } from '../../hub/src/store/logger-points.js'
import { TestLogger } from '../support/hj212-test-logger.js'
import { api, connectMqtt, eventually, influxQuery, startTestHub, type TestHub } from '../support/hub-harness.js'

const cal = new LocalCalendar('Asia/Shanghai')
const MIN = 60_000
const HOUR = 3_600_000

/**
 * A stack with an HJ 212 logger identity (ultra-low coal power: SO2 35 mg/m³ at 6 % O2):
 * readings for two full hours (SO2 20 mg/m³ at 9 % O2 → 20 × 15 / 12 = 25 corrected, every
 * minute valid), and the logger's own 2061 hourly rows as the listener writes them
 * (`emission_logger`, interval hour, store/logger-points.ts) into the real InfluxDB:
 *
 *   hour A: avg 20, ZsAvg 25, O2 9        — agrees with the hub's recomputation
 *   hour B: avg 30, ZsAvg 37.5, O2 9      — the logger says 37.5 (above the 35 limit), the hub 25
 *
 * Two devices take the same data: one with the default authority (the logger's hours count),
 * one with `hj212.hourlyAuthority: hub`.
 */
describe('HJ 212 hourly values: the logger’s 2061 and the hub’s HJ 75 recomputation', () => {
  const db = `t_${randomBytes(6).toString('hex')}`
  let t: TestHub
  const clients: MqttClient[] = []
  const now = Date.now()
  const hourA = cal.startOf('hour', now) - 2 * HOUR
  const hourB = hourA + HOUR
  const base = {
    kind: 'emission', type: 'stack', park: 'vtc', enterprise: 'vtc-ti01', area: 'vtc-ti01-blr', metrics: ['so2', 'nox', 'o2', 'flow'],
    position: { x: 480, y: 90 }, interval: 60, safety: false, emissionStandard: 'ultra-low/coal-power',
  }
  const STACKS = [
    { id: 'vtc-ti01-cems-hj1', hj212: { mn: 'HJ212TESTMN0001', pw: 'pw-one-123' } },
    { id: 'vtc-ti01-cems-hj2', hj212: { mn: 'HJ212TESTMN0002', pw: 'pw-two-456', hourlyAuthority: 'hub' } },
  ]

  beforeAll(async () => {
    t = await startTestHub({ db })
  })
  afterAll(async () => {
    for (const c of clients) c.end(true)
    await t?.stop()
  })

  it('keeps both, shows the authoritative one with the other beside it, and flags the differing hour', async () => {
    for (const s of STACKS) {
      const created = await api<{ device: Record<string, unknown>; secret: string }>(t, 'POST', '/api/v1/devices', { ...base, ...s, name: `烟囱 ${s.id}` })
      expect(created.status).toBe(201)
      expect(JSON.stringify(created.body.device)).not.toContain(s.hj212.pw) // the PW is never returned
      const client = await connectMqtt(t.mqttUrl, { username: s.id, password: created.body.secret })
      clients.push(client)
      const items = []
      for (let m = 0; m < 120; m++) items.push({ ts: hourA + m * MIN + 30_000, values: { so2: 20, nox: 40, o2: 9, flow: 200_000 } })
      for (let i = 0; i < items.length; i += 40) await client.publishAsync(`parks/vtc/vtc-ti01/${s.id}/telemetry`, JSON.stringify(items.slice(i, i + 40)), { qos: 1 })
      // The logger's 2061 rows, as the listener writes them.
      const lines = [
        loggerAggregateLine({ park: 'vtc', enterprise: 'vtc-ti01', area: 'vtc-ti01-blr', device: s.id, kind: 'emission', ts: hourA, interval: 'hour',
          values: { so2: { avg: 20, zsAvg: 25, min: 19, max: 21, cou: 4 }, nox: { avg: 40, zsAvg: 50 }, o2: { avg: 9 } }, flags: { so2: 'N', nox: 'N' }, units: {} }),
        loggerAggregateLine({ park: 'vtc', enterprise: 'vtc-ti01', area: 'vtc-ti01-blr', device: s.id, kind: 'emission', ts: hourB, interval: 'hour',
          values: { so2: { avg: 30, zsAvg: 37.5 }, nox: { avg: 40, zsAvg: 50 }, o2: { avg: 9 } }, flags: { so2: 'N', nox: 'N' }, units: {} }),
      ]
      const res = await fetch(`${inject('influxUrl')}/write?${new URLSearchParams({ db, precision: 'ms' })}`, { method: 'POST', body: lines.join('\n') })
      expect(res.status).toBe(204)
    }
    expect((await influxQuery(inject('influxUrl'), db, `SELECT count("so2_avg") FROM "emission_logger" WHERE "interval" = 'hour'`))[0]?.values[0]?.[1]).toBe(4)

    type MH = { measured: number | null; corrected: number | null; validMinutes: number | null; valid: boolean; exceeded: boolean }
    type Hour = { start: number; metrics: Record<string, MH>; sources: Record<string, string>; alternate: Record<string, MH>; differs: { metric: string; reason: string; logger: number | null; hub: number | null }[] }
    type Hourly = { hourlyAuthority: string; loggerHours: number; differingHours: number; tolerance: { relative: number; absolute: number }; hours: Hour[] }
    const hourly = (id: string): Promise<Hourly> => eventually(async () => {
      const r = await api<Hourly>(t, 'GET', `/api/v1/emissions/hourly?device=${id}&from=${hourA}&to=${hourB + HOUR}`)
      return r.status === 200 && r.body.hours.length === 2 && r.body.hours.every((h) => (h.sources.so2 === 'hub' ? h.metrics.so2 : h.alternate.so2)?.validMinutes === 60) ? r.body : undefined
    }, 15_000, `two hours of ${id}`)

    const byLogger = await hourly(STACKS[0]!.id)
    expect(byLogger).toMatchObject({ hourlyAuthority: 'logger', loggerHours: 2, differingHours: 1, tolerance: { relative: 0.01, absolute: 0.01 } })
    const [a, b] = byLogger.hours
    expect(a!.differs).toEqual([])
    expect(a!.sources.so2).toBe('logger')
    expect(b!.metrics.so2).toMatchObject({ measured: 30, corrected: 37.5, valid: true, exceeded: true }) // the logger's hour counts
    expect(b!.alternate.so2).toMatchObject({ measured: 20, corrected: 25, validMinutes: 60, valid: true, exceeded: false }) // the hub's beside it
    expect(b!.differs).toEqual([{ metric: 'so2', reason: 'value', logger: 37.5, hub: 25 }])
    expect(b!.sources.flow).toBe('hub') // a metric the logger did not send: the hub's, compared with nothing

    const byHub = await hourly(STACKS[1]!.id)
    expect(byHub).toMatchObject({ hourlyAuthority: 'hub', loggerHours: 2, differingHours: 1 })
    expect(byHub.hours[1]!.metrics.so2).toMatchObject({ corrected: 25, validMinutes: 60, exceeded: false })
    expect(byHub.hours[1]!.alternate.so2).toMatchObject({ corrected: 37.5, exceeded: true })
    expect(byHub.hours[1]!.differs.map((d) => d.metric)).toEqual(['so2'])

    // The daily compliance judges the authoritative hours: hour B exceeded for the first stack only.
    const day = cal.dayKey(hourB)
    const compliance = await api<{ stacks: { device: string; metrics: Record<string, { exceededHours: number; exceededAt: number[] }> }[] }>(t, 'GET', `/api/v1/emissions/compliance?park=vtc&day=${day}`)
    expect(compliance.status).toBe(200)
    const so2Of = (id: string) => compliance.body.stacks.find((s) => s.device === id)?.metrics.so2
    expect(so2Of(STACKS[0]!.id)).toMatchObject({ exceededHours: 1, exceededAt: [hourB] })
    expect(so2Of(STACKS[1]!.id)).toMatchObject({ exceededHours: 0 })

    // The device panel's link: HJ 212 with its MN, never its PW; an MQTT stack says MQTT.
    const link = await api<Record<string, unknown>>(t, 'GET', `/api/v1/emissions/link?device=${STACKS[0]!.id}`)
    expect(link.status).toBe(200)
    expect(link.body).toMatchObject({ device: STACKS[0]!.id, protocol: 'hj212', mn: 'HJ212TESTMN0001', hourlyAuthority: 'logger' })
    expect(JSON.stringify(link.body)).not.toContain('pw-one-123')
    expect((await api(t, 'POST', '/api/v1/devices', { ...base, id: 'vtc-ti01-cems-mq', name: '烟囱（MQTT）' })).status).toBe(201)
    expect((await api(t, 'GET', '/api/v1/emissions/link?device=vtc-ti01-cems-mq')).body).toMatchObject({ protocol: 'mqtt', mn: null, lastPacket: null, hourlyAuthority: null })
    expect((await api(t, 'GET', '/api/v1/emissions/link?device=vtc-ti01-gas-001')).status).toBe(404)
  })
})

describe('HJ 212 hourly values of a stack fed by a logger over TCP', () => {
  const TZ = 'Asia/Shanghai'
  let t: TestHub
  let logger: TestLogger | undefined
  const now = Date.now()
  const hourA = cal.startOf('hour', now) - 2 * HOUR
  const hourB = hourA + HOUR
  const STACK = 'vtc-ti01-cems-tcp'
  const MN = 'HJ212TCPMN0001'
  const PW = 'tcp-pw-789'

  beforeAll(async () => {
    // A replayed hour may still raise its alarm: the live window covers the test's two hours.
    t = await startTestHub({ env: { HUB_HJ212_PORT: '0', HUB_LIVE_WINDOW_SEC: '86400' } })
  })
  afterAll(async () => {
    logger?.close()
    await t?.stop()
  })

  it('takes 2051 minutes and 2061 hours from the logger, shows both and flags the differing hour; the panel’s link counts its packets and rejects', async () => {
    const created = await api(t, 'POST', '/api/v1/devices', {
      id: STACK, kind: 'emission', type: 'stack', park: 'vtc', enterprise: 'vtc-ti01', area: 'vtc-ti01-blr', name: '烟囱（数采仪）', metrics: ['so2', 'nox', 'o2', 'flow'],
      position: { x: 480, y: 90 }, interval: 60, safety: false, emissionStandard: 'ultra-low/coal-power', hj212: { mn: MN, pw: PW },
    })
    expect(created.status).toBe(201)
    const port = t.hub.addresses.hj212Port
    expect(port).toBeGreaterThan(0)
    logger = await TestLogger.open(port!, TZ)
    // 2051: 120 minutes of SO2 20 mg/m³ at 9 % O2 (the hub: 25 mg/m³ at 6 %), every minute N.
    for (let m = 0; m < 120; m++) {
      logger.send('2051', MN, PW, hourA + m * MIN, `a21026-Avg=20,a21026-Flag=N;a21002-Avg=40,a21002-Flag=N;a19001-Avg=9,a19001-Flag=N`)
    }
    // 2061: hour A as the hub computes it; hour B with a ZsAvg the minutes do not give.
    logger.send('2061', MN, PW, hourA, `a21026-Avg=20,a21026-ZsAvg=25,a21026-Flag=N;a21002-Avg=40,a21002-ZsAvg=50,a21002-Flag=N;a19001-Avg=9`)
    logger.send('2061', MN, PW, hourB, `a21026-Avg=30,a21026-ZsAvg=37.5,a21026-Flag=N;a21002-Avg=40,a21002-ZsAvg=50,a21002-Flag=N;a19001-Avg=9`)
    const n = logger.sent
    await eventually(() => logger!.answers === n, 15_000, `${n} data answers (9014)`)

    type MH = { corrected: number | null; validMinutes: number | null; exceeded: boolean }
    type Hourly = { hourlyAuthority: string; loggerHours: number; differingHours: number; hours: { metrics: Record<string, MH>; sources: Record<string, string>; alternate: Record<string, MH>; differs: { metric: string; reason: string; logger: number | null; hub: number | null }[] }[] }
    const h = await eventually(async () => {
      const r = await api<Hourly>(t, 'GET', `/api/v1/emissions/hourly?device=${STACK}&from=${hourA}&to=${hourB + HOUR}`)
      return r.status === 200 && r.body.loggerHours === 2 && r.body.hours.every((x) => x.alternate.so2?.validMinutes === 60) ? r.body : undefined
    }, 15_000, 'both hours from the logger and the hub')
    expect(h).toMatchObject({ hourlyAuthority: 'logger', loggerHours: 2, differingHours: 1 })
    expect(h.hours[0]!.differs).toEqual([])
    expect(h.hours[0]!.alternate.so2).toMatchObject({ corrected: 25, validMinutes: 60 })
    expect(h.hours[1]!.metrics.so2).toMatchObject({ corrected: 37.5, exceeded: true })
    expect(h.hours[1]!.sources.so2).toBe('logger')
    expect(h.hours[1]!.differs).toEqual([{ metric: 'so2', reason: 'value', logger: 37.5, hub: 25 }])

    // The live judgement follows the authority: hour B raised on the logger's 37.5 (the hub's 25 is within the 35 limit).
    type A = { type: string; metric: string; value: number; threshold: number; raisedAt: number; history: { action: string; note?: string }[] }
    const alarm = await eventually(async () => (await api<{ alarms: A[] }>(t, 'GET', `/api/v1/alarms?state=all&device=${STACK}`)).body.alarms.find((a) => a.type === 'emission_exceedance'), 10_000, 'the exceedance on the logger’s hour')
    expect(alarm).toMatchObject({ metric: 'so2', value: 37.5, threshold: 35, raisedAt: hourB + HOUR })
    expect(alarm.history.find((x) => x.action === 'raise')?.note).toContain('the logger’s hourly data')

    type Link = { protocol: string; mn: string | null; lastPacket: number | null; packets: number | null; rejects: number | null }
    const link = await api<Link>(t, 'GET', `/api/v1/emissions/link?device=${STACK}`)
    expect(link.body).toMatchObject({ protocol: 'hj212', mn: MN, packets: n, rejects: 0 })
    expect(link.body.lastPacket).toBeGreaterThan(now - 60_000)
    // A packet with a wrong PW is refused, unanswered, and counted against the logger.
    logger.send('2011', MN, 'wrong-pw', hourB + HOUR, `a21026-Rtd=20,a21026-Flag=N`)
    await eventually(async () => (await api<Link>(t, 'GET', `/api/v1/emissions/link?device=${STACK}`)).body.rejects === 1, 10_000, 'the wrong PW counted')
    expect(logger.answers).toBe(n)
  })
})

describe('a wastewater outlet fed by its logger over TCP', () => {
  const TZ = 'Asia/Shanghai'
  let t: TestHub
  let logger: TestLogger | undefined
  const now = Date.now()
  const hourA = cal.startOf('hour', now) - 2 * HOUR
  const hourB = hourA + HOUR
  const OUTLET = 'vtc-ti01-outlet-tcp'
  const MN = 'HJ212WWMN0001'
  const PW = 'ww-pw-321'

  beforeAll(async () => {
    t = await startTestHub({ env: { HUB_HJ212_PORT: '0', HUB_LIVE_WINDOW_SEC: '86400' } })
  })
  afterAll(async () => {
    logger?.close()
    await t?.stop()
  })

  /**
   * Real-time data (2011, w-codes) every minute for two hours: COD 40 mg/L in hour A, 60 in
   * hour B (above the permit's 50), NH3-N 2, pH 7.2, flow 50 L/s (180 m³/h); the logger's 2061
   * agrees for hour A and says COD 45 for hour B.
   */
  it('gives the hub’s hourly means beside the logger’s, flags the differing hour and raises the hour above the permit', async () => {
    const created = await api(t, 'POST', '/api/v1/devices', {
      id: OUTLET, kind: 'wastewater', type: 'outlet', park: 'vtc', enterprise: 'vtc-ti01', area: 'vtc-ti01-blr', name: '废水总排口（数采仪）',
      metrics: ['cod', 'nh3n', 'ph', 'flow_w'], position: { x: 400, y: 90 }, interval: 60, safety: false,
      limits: { cod: 50, nh3n: 5 }, hj212: { mn: MN, pw: PW },
    })
    expect(created.status).toBe(201)
    logger = await TestLogger.open(t.hub.addresses.hj212Port!, TZ)
    for (let m = 0; m < 121; m++) {
      const cod = m < 60 ? 40 : 60
      logger.send('2011', MN, PW, hourA + m * MIN + 20_000, `w01018-Rtd=${cod},w01018-Flag=N;w21003-Rtd=2,w21003-Flag=N;w01001-Rtd=7.2,w01001-Flag=N;w00000-Rtd=50,w00000-Flag=N`, '32')
    }
    logger.send('2061', MN, PW, hourA, 'w01018-Avg=40,w01018-Flag=N;w21003-Avg=2,w21003-Flag=N', '32')
    logger.send('2061', MN, PW, hourB, 'w01018-Avg=45,w01018-Flag=N;w21003-Avg=2,w21003-Flag=N', '32')
    const n = logger.sent
    await eventually(() => logger!.answers === n, 15_000, `${n} data answers (9014)`)

    type OM = { value: number | null; valid: boolean; limit: number | null; exceeded: boolean }
    type Reply = { hourlyAuthority: string; loggerHours: number; differingHours: number; phRange: number[]; mean: Record<string, unknown>; hours: { metrics: Record<string, OM>; sources: Record<string, string>; alternate: Record<string, OM>; differs: { metric: string; reason: string; logger: number | null; hub: number | null }[] }[] }
    const r = await eventually(async () => {
      const x = await api<Reply>(t, 'GET', `/api/v1/emissions/outlet-hourly?device=${OUTLET}&from=${hourA}&to=${hourB + HOUR}`)
      return x.status === 200 && x.body.loggerHours === 2 && x.body.hours.length === 2 && x.body.hours[1]!.alternate.cod?.value === 60 ? x.body : undefined
    }, 15_000, 'the outlet’s two hours')
    expect(r).toMatchObject({ hourlyAuthority: 'logger', differingHours: 1, phRange: [6, 9] })
    expect(r.hours[0]!.metrics.cod).toEqual({ value: 40, valid: true, limit: 50, exceeded: false })
    expect(r.hours[0]!.metrics.ph).toMatchObject({ value: 7.2, exceeded: false })
    expect(r.hours[0]!.metrics.flow_w).toMatchObject({ value: 180, limit: null }) // 50 L/s × 3.6
    expect(r.hours[1]!.metrics.cod).toEqual({ value: 45, valid: true, limit: 50, exceeded: false }) // the logger's counts
    expect(r.hours[1]!.alternate.cod).toEqual({ value: 60, valid: true, limit: 50, exceeded: true })
    expect(r.hours[1]!.differs).toEqual([{ metric: 'cod', reason: 'value', logger: 45, hub: 60 }])
    // The range's mean, weighted by the hours' flow (180 m³/h each): (40 + 45) / 2.
    expect(r.mean.cod).toEqual({ value: 42.5, flowWeighted: true, hours: 2, limit: 50, exceeded: false })

    // The live judgement of the hub's hour B as hour C's first reading closed it: COD 60 > 50.
    type A = { type: string; metric: string; class: string; level: number; value: number; threshold: number; raisedAt: number }
    const alarm = await eventually(async () => (await api<{ alarms: A[] }>(t, 'GET', `/api/v1/alarms?state=all&device=${OUTLET}`)).body.alarms.find((a) => a.type === 'emission_exceedance'), 10_000, 'the outlet’s exceedance')
    expect(alarm).toMatchObject({ metric: 'cod', class: 'environmental', level: 3, value: 60, threshold: 50, raisedAt: hourB + HOUR })
  })
})
