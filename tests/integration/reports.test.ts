/**
 * Shift handover reports through the REST API of a real hub (real MQTT, real InfluxDB): a gas
 * alarm raised and acknowledged in the shift, a draft with the figures frozen, the outgoing
 * officer's text, the sign-off by another safety officer, immutability after, roles and park
 * scopes, the kept 0600 file, the audit entries, and the list after a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { MqttClient } from 'mqtt'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { ReportSummary, ShiftReport, ShiftWindow } from '../../hub/src/model/report.js'
import { api, connectMqtt, eventually, login, startTestHub, type TestHub } from '../support/hub-harness.js'
import { deviceSecret } from '../support/notify-zone.js'

const device = 'vtc-ti01-gas-009' // combustible, %LEL, park vtc
const OFFLINE = 'vtc-ti01-gas-010'
let t: TestHub
let mq: MqttClient
let safety: string
let vtcSafety: string
let viewer: string
let alarm: Alarm
let report: ShiftReport

beforeAll(async () => {
  t = await startTestHub()
  ;[safety, vtcSafety, viewer] = await Promise.all([login(t.http, 'safety', 'safety-demo'), login(t.http, 'vtc-safety', 'vtc-safety-demo'), login(t.http, 'viewer', 'viewer-demo')])
  mq = await connectMqtt(t.mqttUrl, { username: device, password: await deviceSecret(device) })
  await mq.publishAsync(`parks/vtc/vtc-ti01/${device}/telemetry`, JSON.stringify({ values: { lel: 30 } }), { qos: 1 })
  alarm = await eventually(async () => (await api<{ alarms: Alarm[] }>(t, 'GET', `/api/v1/alarms?state=open&device=${device}`)).body.alarms[0], 10_000, 'the gas alarm')
  expect((await api(t, 'POST', `/api/v1/alarms/${alarm.id}/ack`, { note: 'on my way' }, safety)).status).toBe(200)
  // An incident opened by hand, and a detector that reported and then said it went offline.
  expect((await api(t, 'POST', '/api/v1/incidents', { park: 'vtc', enterprise: 'vtc-ti01', hazard: 'gas', level: 2, title: '1号罐区可燃气体泄漏' }, safety)).status).toBe(201)
  const quiet = await connectMqtt(t.mqttUrl, { username: OFFLINE, password: await deviceSecret(OFFLINE) })
  await quiet.publishAsync(`parks/vtc/vtc-ti01/${OFFLINE}/telemetry`, JSON.stringify({ values: { lel: 0 } }), { qos: 1 })
  await quiet.publishAsync(`parks/vtc/vtc-ti01/${OFFLINE}/status`, 'offline', { qos: 1 })
  quiet.end(true)
  await eventually(() => t.hub.registry.get(OFFLINE)?.state.online === false && t.hub.registry.get(OFFLINE)?.state.lastSeen !== null, 10_000, 'the detector offline')
})

let keptDir: string | undefined

afterAll(async () => {
  mq?.end(true)
  await t?.stop()
  if (keptDir) await rm(keptDir, { recursive: true, force: true })
})

describe('shift handover reports over the REST API', () => {
  it('names the shift running now from the park\'s roster, and the one before', async () => {
    const r = await api<{ current: ShiftWindow; previous: ShiftWindow }>(t, 'GET', '/api/v1/reports/shifts?park=vtc', undefined, viewer)
    expect(r.status).toBe(200)
    const now = Date.now()
    expect(r.body.current.source).toBe('park')
    expect(r.body.current.from).toBeLessThanOrEqual(now)
    expect(r.body.current.to).toBeGreaterThan(now)
    expect(r.body.current.to - r.body.current.from).toBe(12 * 3_600_000)
    expect(r.body.previous.to).toBe(r.body.current.from)
    expect(['day', 'night']).toContain(r.body.current.id)
  })

  it('drafts a report with the shift\'s figures frozen: the alarm raised, acknowledged and open, energy and emissions read', async () => {
    expect((await api(t, 'POST', '/api/v1/reports', { park: 'vtc' }, viewer)).status).toBe(403)
    const res = await api<ShiftReport>(t, 'POST', '/api/v1/reports', { park: 'vtc' }, safety)
    expect(res.status).toBe(201)
    report = res.body
    expect(report.state).toBe('draft')
    expect(report.createdBy).toBe('safety')
    expect(report.parkName.length).toBeGreaterThan(0)
    const a = report.figures.alarms
    expect(a.raised.total).toBeGreaterThanOrEqual(1)
    expect(a.raised.byLevel[alarm.level]).toBeGreaterThanOrEqual(1)
    expect(a.raised.byClass['life-safety']).toBeGreaterThanOrEqual(1)
    expect(a.acknowledged.total).toBeGreaterThanOrEqual(1)
    expect(a.open.total).toBeGreaterThanOrEqual(1)
    expect(a.standing.total).toBeGreaterThanOrEqual(1)
    const row = a.openList.find((x) => x.id === alarm.id)
    expect(row).toMatchObject({ device, active: true, acked: true, level: alarm.level })
    expect(report.figures.devices.total).toBeGreaterThan(10)
    // The crew the park's roster had on duty as the shift began: names and roles, never phones.
    expect(report.crew?.map((p) => p.role)).toEqual(expect.arrayContaining(['duty_officer', 'shift_leader']))
    expect(JSON.stringify(report.crew)).not.toMatch(/1\d{10}/)
    expect(report.figures.devices.offline.map((d) => d.id)).toContain(OFFLINE)
    expect(report.figures.devices.offline.map((d) => d.id)).not.toContain(device)
    expect(report.figures.incidents.opened).toBeGreaterThanOrEqual(1)
    expect(report.figures.incidents.list).toContainEqual(expect.objectContaining({ title: '1号罐区可燃气体泄漏', state: 'open', level: 2 }))
    expect(report.figures.energy.available).toBe(true)
    expect(report.figures.emissions.available).toBe(true)
    // Same park and shift again: refused, naming the report that exists.
    const again = await api<{ message: string }>(t, 'POST', '/api/v1/reports', { park: 'vtc' }, vtcSafety)
    expect(again.status).toBe(409)
    expect(again.body.message).toContain(report.id)
  })

  it('takes the outgoing officer\'s text only from who drafted it, and the sign-off only from another user', async () => {
    // The figures brought up to the moment, by who drafted it only.
    expect((await api(t, 'POST', `/api/v1/reports/${report.id}/refresh`, {}, vtcSafety)).status).toBe(403)
    const refreshed = await api<ShiftReport>(t, 'POST', `/api/v1/reports/${report.id}/refresh`, {}, safety)
    expect(refreshed.status).toBe(200)
    expect(refreshed.body.figures.at).toBeGreaterThan(report.figures.at)
    expect(refreshed.body.figures.alarms.raised.total).toBe(report.figures.alarms.raised.total)
    report = refreshed.body
    expect((await api(t, 'POST', `/api/v1/reports/${report.id}/note`, { note: 'not mine' }, vtcSafety)).status).toBe(403)
    const noted = await api<ShiftReport>(t, 'POST', `/api/v1/reports/${report.id}/note`, { note: '1号罐区可燃气体报警已确认，待复位。' }, safety)
    expect(noted.status).toBe(200)
    expect(noted.body.note).toContain('1号罐区')
    expect((await api(t, 'POST', `/api/v1/reports/${report.id}/sign`, {}, safety)).status).toBe(409)
    expect((await api(t, 'POST', `/api/v1/reports/${report.id}/sign`, {}, viewer)).status).toBe(403)
    const signed = await api<ShiftReport>(t, 'POST', `/api/v1/reports/${report.id}/sign`, { note: '已接班' }, vtcSafety)
    expect(signed.status).toBe(200)
    expect(signed.body).toMatchObject({ state: 'signed', signedBy: 'vtc-safety', signNote: '已接班', note: noted.body.note })
    // Immutable after the sign-off.
    expect((await api(t, 'POST', `/api/v1/reports/${report.id}/note`, { note: 'changed' }, safety)).status).toBe(409)
    expect((await api(t, 'POST', `/api/v1/reports/${report.id}/sign`, {}, t.adminToken)).status).toBe(409)
    expect((await api(t, 'POST', `/api/v1/reports/${report.id}/refresh`, {}, safety)).status).toBe(409)
    const shown = await api<ShiftReport>(t, 'GET', `/api/v1/reports/${report.id}`, undefined, viewer)
    expect(shown.body.figures).toEqual(report.figures)
    expect(shown.body.note).toBe(noted.body.note)
  })

  it('audits the draft, the text and the sign-off, and keeps the report in a 0600 file', async () => {
    const audit = await api<{ entries: { action: string; user: string; target?: string }[] }>(t, 'GET', '/api/v1/audit?action=report.')
    const mine = audit.body.entries.filter((e) => e.target === report.id).map((e) => `${e.action}:${e.user}`)
    expect(mine).toEqual(expect.arrayContaining(['report.draft:safety', 'report.refresh:safety', 'report.note:safety', 'report.sign:vtc-safety']))
    const st = await stat(join(t.dataDir, 'reports', `${report.id}.json`))
    expect(st.mode & 0o777).toBe(0o600)
  })

  it('drafts the previous shift too, lists newest shift first with paging, and hides another park from a park-scoped user', async () => {
    const prev = await api<ShiftReport>(t, 'POST', '/api/v1/reports', { park: 'vtc', shift: 'previous' }, vtcSafety)
    expect(prev.status).toBe(201)
    expect(prev.body.shift.to).toBe(report.shift.from)
    expect(prev.body.figures.alarms.raised.total).toBe(0)
    const other = await api<ShiftReport>(t, 'POST', '/api/v1/reports', { park: 'glc' }, safety)
    expect(other.status).toBe(201)
    expect((await api(t, 'POST', '/api/v1/reports', { park: 'glc', shift: 'previous' }, vtcSafety)).status).toBe(404)
    const list = await api<{ reports: ReportSummary[]; total: number; next: string | null }>(t, 'GET', '/api/v1/reports?park=vtc&limit=1', undefined, viewer)
    expect(list.body.total).toBe(2)
    expect(list.body.reports[0]!.id).toBe(report.id)
    expect(list.body.next).toBe('1')
    const scoped = await api<{ reports: ReportSummary[] }>(t, 'GET', '/api/v1/reports', undefined, vtcSafety)
    expect(scoped.body.reports.map((r) => r.park)).toEqual(['vtc', 'vtc'])
    expect((await api(t, 'GET', `/api/v1/reports/${other.body.id}`, undefined, vtcSafety)).status).toBe(404)
    // A shift by its date and id: the night before the previous one's day.
    const shifts = (await api<{ current: ShiftWindow; previous: ShiftWindow; shifts: { id: string }[] }>(t, 'GET', '/api/v1/reports/shifts?park=vtc', undefined, viewer)).body
    expect(shifts.shifts.map((x) => x.id)).toEqual(['day', 'night'])
    const day = new Date(Date.parse(`${shifts.previous.day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
    const byDay = await api<ShiftReport>(t, 'POST', '/api/v1/reports', { park: 'vtc', day, shiftId: 'night' }, safety)
    expect(byDay.status).toBe(201)
    expect(byDay.body.shift).toMatchObject({ id: 'night', day, start: '20:00', end: '08:00' })
    expect(byDay.body.id).toBe(`${day}.night.vtc`)
    expect((await api<{ message: string }>(t, 'POST', '/api/v1/reports', { park: 'vtc', day, shiftId: 'evening' }, safety)).body.message).toContain('day, night')
    expect((await api(t, 'POST', '/api/v1/reports', { park: 'vtc', day, shiftId: 'day', shift: 'previous' }, safety)).status).toBe(400)
    expect((await api(t, 'POST', '/api/v1/reports', { park: 'vtc', day: '2099-01-01', shiftId: 'day' }, safety)).status).toBe(409)
    expect((await api(t, 'POST', '/api/v1/reports', { park: 'nowhere' }, safety)).status).toBe(404)
    expect((await api(t, 'POST', '/api/v1/reports', { park: 'vtc', at: 'yesterday' }, safety)).status).toBe(400)
  })

  it('keeps the reports across a restart', async () => {
    const dataDir = t.dataDir
    keptDir = dataDir
    const db = t.hub.settings.influx.db
    mq.end(true)
    await t.stop({ keepData: true })
    t = await startTestHub({ dataDir, db })
    const list = await api<{ reports: ReportSummary[] }>(t, 'GET', '/api/v1/reports?park=vtc')
    expect(list.body.reports.map((r) => [r.id, r.state])).toContainEqual([report.id, 'signed'])
    const shown = await api<ShiftReport>(t, 'GET', `/api/v1/reports/${report.id}`)
    expect(shown.body.signedBy).toBe('vtc-safety')
    mq = await connectMqtt(t.mqttUrl, { username: device, password: await deviceSecret(device) })
  })
})
