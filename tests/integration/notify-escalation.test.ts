import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { MqttClient } from 'mqtt'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { AckReply, ChannelsReply, DutyReply, EscalationReply, LogReply, RostersReply } from '../../hub/src/api/schemas/notify.js'
import { FakePlatforms, type RecordedRequest } from '../../simulators/src/channels/fake-platforms.js'
import { api, connectMqtt, eventually, login, startTestHub, type TestHub } from '../support/hub-harness.js'
import { ACCOUNTS, deviceSecret, notifySection, notifyZone, PEOPLE, SECRET_VALUES } from '../support/notify-zone.js'

/**
 * Notifications end to end with a real hub (in-process, random ports) and the fake platforms
 * server, which checks each platform's signature with its own code: an alarm raised by an MQTT
 * reading reaches the park's WeCom robot, DingTalk robot and the duty officer's SMS; left
 * unacknowledged it goes to the next tier; an acknowledgement through the API or a personal
 * link stops it; a restart in the middle of an escalation still fires the step due; no reply
 * carries a secret. Tier 1 comes 4 s after the alarm, tier 2 after 9 s.
 */
const TIER1_MIN = 4 / 60
const TIER2_MIN = 9 / 60

let fake: FakePlatforms
let t: TestHub
let zoneFile: string
let dataDir: string
const clients: MqttClient[] = []
const replies: string[] = []

async function start(): Promise<TestHub> {
  return startTestHub({ dataDir, env: { HUB_CONFIG: zoneFile } })
}

/** The API, every reply kept for the secrets scan. */
async function call<T>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const r = await api<T>(t, method, path, body, token)
  replies.push(JSON.stringify(r.body ?? null))
  return r
}

async function raise(device: string, lel: number): Promise<Alarm> {
  const mq = await connectMqtt(t.mqttUrl, { username: device, password: await deviceSecret(device) })
  clients.push(mq)
  const park = device.split('-')[0]!
  const enterprise = device.split('-').slice(0, 2).join('-')
  await mq.publishAsync(`parks/${park}/${enterprise}/${device}/telemetry`, JSON.stringify({ values: { lel } }), { qos: 1 })
  return eventually(async () => (await call<{ alarms: Alarm[] }>('GET', `/api/v1/alarms?state=open&device=${device}`)).body.alarms[0], 5000, `the alarm of ${device}`)
}

const of = (alarm: string) => (r: RecordedRequest): boolean => r.messageId?.startsWith(`alarm:${alarm}:`) ?? false
const smsTo = (phone: string) => (r: RecordedRequest): boolean => r.platform === 'sms' && (r.text ?? '').includes(phone)

beforeAll(async () => {
  fake = await FakePlatforms.start({ accounts: ACCOUNTS })
  ;({ zoneFile, dataDir } = await notifyZone(notifySection(fake, { tier1Min: TIER1_MIN, tier2Min: TIER2_MIN })))
  t = await start()
})

afterAll(async () => {
  for (const c of clients) c.end(true)
  await t?.stop({ keepData: true })
  await fake?.close()
  await rm(dirname(zoneFile), { recursive: true, force: true })
})

describe('notifications: escalation until someone acknowledges', () => {
  it('an alarm raised by an MQTT reading reaches the WeCom robot (its key checked), the DingTalk robot (signed) and the duty officer\'s SMS (signed), phones masked in the group', async () => {
    const alarm = await raise('vtc-ti01-gas-009', 30) // 25 %LEL first level: orange
    const first = await eventually(() => {
      const got = fake.delivered().filter(of(alarm.id))
      return ['wecom', 'dingtalk', 'sms'].every((p) => got.some((r) => r.platform === p)) && got
    }, 10_000, 'tier 0 on WeCom, DingTalk and SMS')
    const wecom = first.find((r) => r.platform === 'wecom')!
    expect(wecom.text).toContain('钒钛化工园区')
    expect(wecom.text).toContain('当前值 30 %LEL，设定值 25 %LEL')
    expect(wecom.text).toContain('王工 138****0001')
    expect(wecom.text).not.toContain(PEOPLE.wang.phone)
    // The full number only in the robot's mention list.
    expect(JSON.stringify(wecom.body)).toContain(`"mentioned_mobile_list":["${PEOPLE.wang.phone}"]`)
    const sms = first.find(smsTo(PEOPLE.wang.phone))!
    expect(sms.text).toContain('http://hub.test:8080/#/ack/')
    expect(first.some(smsTo(PEOPLE.sun.phone))).toBe(false)

    const esc = await call<EscalationReply>('GET', `/api/v1/alarms/${alarm.id}/escalation`)
    expect(esc.body).toMatchObject({ alarm: alarm.id, state: 'escalating', tier: 0, next: { tier: 1, roles: ['shift_leader'], channels: ['sms'] }, stoppedBy: null, waitingFor: ['acknowledgement'] })
    const history = (await call<Alarm>('GET', `/api/v1/alarms/${alarm.id}`)).body.history
    expect(history.filter((s) => s.action === 'notify').map((s) => s.note)).toEqual(expect.arrayContaining([expect.stringContaining('notified tier 1 (alarm)'), 'vtc-wecom delivered']))
  })

  it('left unacknowledged, the next tier is told on time; an acknowledgement through the API stops it', async () => {
    const alarm = (await call<{ alarms: Alarm[] }>('GET', '/api/v1/alarms?state=open&device=vtc-ti01-gas-009')).body.alarms[0]!
    const tier1 = await eventually(() => fake.delivered().filter(of(alarm.id)).find(smsTo(PEOPLE.sun.phone)), 15_000, 'tier 1: the shift leader\'s SMS')
    const esc = (await call<EscalationReply>('GET', `/api/v1/alarms/${alarm.id}/escalation`)).body
    // Due 4 s after the alarm; the hub decides once a second.
    expect(tier1.at - alarm.raisedAt).toBeGreaterThanOrEqual(4000)
    expect(tier1.at - alarm.raisedAt).toBeLessThan(4000 + 5000)
    expect(esc).toMatchObject({ state: 'escalating', tier: 1, next: { tier: 2 } })

    const acked = await call<Alarm>('POST', `/api/v1/alarms/${alarm.id}/ack`, { note: 'on my way' })
    expect(acked.status).toBe(200)
    expect(acked.body.history.filter((s) => s.action === 'ack').at(-1)).toMatchObject({ actor: 'admin', channel: 'api' })
    const stopped = (await call<EscalationReply>('GET', `/api/v1/alarms/${alarm.id}/escalation`)).body
    expect(stopped).toMatchObject({ state: 'stopped', next: null, stoppedBy: { by: 'admin', channel: 'api' }, waitingFor: [] })
    // Tier 2 would have been due 9 s after the alarm: wait past it, nothing more for this alarm.
    const sentBefore = fake.delivered().filter(of(alarm.id)).length
    await eventually(() => Date.now() > alarm.raisedAt + 9000 + 2500, 15_000, 'tier 2\'s due time passed')
    expect(fake.delivered().filter(of(alarm.id)).length).toBe(sentBefore)
    expect(fake.delivered().filter(of(alarm.id)).some(smsTo(PEOPLE.zhou.phone))).toBe(false)
  })

  it('a personal link shows the alarm and acknowledges nothing when opened; only its explicit confirmation acknowledges, as that person, channel link', async () => {
    const alarm = await raise('vtc-gc03-gas-001', 30) // another area: no gas confirmation with the first
    const sms = await eventually(() => fake.delivered().filter(of(alarm.id)).find(smsTo(PEOPLE.wang.phone)), 10_000, 'the duty officer\'s SMS')
    const token = /#\/ack\/([A-Za-z0-9._-]+)/.exec(sms.text ?? '')![1]!
    const opened = await call<AckReply>('GET', `/api/v1/ack/${token}`, undefined, 'no-sign-in')
    expect(opened.status).toBe(200)
    expect(opened.body).toMatchObject({ alarm: { id: alarm.id, ack: 'unacked', level: 2 }, person: { id: 'wang', name: '王工' } })
    // Opening (a chat's preview) changed nothing.
    expect((await call<Alarm>('GET', `/api/v1/alarms/${alarm.id}`)).body.ack).toBe('unacked')
    expect((await call('POST', `/api/v1/ack/${token}`, { confirm: false })).status).toBe(400)
    expect((await call('POST', `/api/v1/ack/${token.slice(0, -3)}abc`, { confirm: true })).status).toBe(404)
    const confirmed = await call<{ alarm: { ack: string } }>('POST', `/api/v1/ack/${token}`, { confirm: true })
    expect(confirmed.status).toBe(200)
    expect(confirmed.body.alarm.ack).toBe('acked')
    const after = (await call<Alarm>('GET', `/api/v1/alarms/${alarm.id}`)).body
    expect(after.history.find((s) => s.action === 'ack')).toMatchObject({ actor: '王工 (wang)', channel: 'link' })
    expect((await call<EscalationReply>('GET', `/api/v1/alarms/${alarm.id}/escalation`)).body).toMatchObject({ state: 'stopped', stoppedBy: { by: '王工 (wang)', channel: 'link' } })
    expect((await call('POST', `/api/v1/ack/${token}`, { confirm: true })).status).toBe(409)
  })

  it('rosters are edited by admins (checked, audited), phones masked for others; duty, channels and the log answer', async () => {
    const viewer = await login(t.http, 'viewer', 'viewer-demo')
    const roster = { scope: 'vtc', people: [PEOPLE.wang, PEOPLE.sun, PEOPLE.zhou, { id: 'li', name: '李工', role: 'duty_officer', phone: '13800000002' }], shifts: [{ id: 'all', name: '全天', start: '00:00', end: '00:00', people: ['wang', 'li', 'sun', 'zhou'] }] }
    expect((await call('PUT', '/api/v1/notify/rosters/vtc', { ...roster, shifts: [{ ...roster.shifts[0], people: ['nobody'] }] })).status).toBe(400)
    expect((await call('PUT', '/api/v1/notify/rosters/vtc', roster, viewer)).status).toBe(403)
    expect((await call('PUT', '/api/v1/notify/rosters/vtc', roster)).status).toBe(200)
    const asViewer = (await call<RostersReply>('GET', '/api/v1/notify/rosters', undefined, viewer)).body
    expect(asViewer.rosters.find((r) => r.scope === 'vtc')!.people.map((p) => p.phone)).toEqual(['138****0001', '138****0005', '138****0006', '138****0002'])
    const asAdmin = (await call<RostersReply>('GET', '/api/v1/notify/rosters')).body
    expect(asAdmin.rosters.find((r) => r.scope === 'vtc')!.people[0]!.phone).toBe(PEOPLE.wang.phone)
    const duty = (await call<DutyReply>('GET', '/api/v1/notify/duty?park=vtc', undefined, viewer)).body
    expect(duty.entries[0]).toMatchObject({ scope: 'vtc', shift: { id: 'all' } })
    expect(duty.entries[0]!.people.map((p) => [p.id, p.phone])).toContainEqual(['li', '138****0002'])
    const audit = await call<{ entries: { action: string; target?: string }[] }>('GET', '/api/v1/audit?action=notify')
    expect(audit.body.entries.some((e) => e.action === 'notify.roster' && e.target === 'vtc')).toBe(true)
    const channels = (await call<ChannelsReply>('GET', '/api/v1/notify/channels', undefined, viewer)).body.channels
    expect(channels.find((c) => c.id === 'vtc-wecom')).toMatchObject({ type: 'wecom', hasSecret: true, usable: true, healthy: true, url: `127.0.0.1:${fake.port}` })
    expect(channels.find((c) => c.id === 'vtc-wecom')!.sent).toBeGreaterThan(0)
    const log = (await call<LogReply>('GET', '/api/v1/notify/log?limit=50', undefined, viewer)).body.entries
    expect(log.length).toBeGreaterThan(3)
    expect(log.flatMap((e) => e.to.map((x) => x.phone)).every((p) => p === null || p.includes('****'))).toBe(true)
  })

  it('a restart in the middle of an escalation: the step due still fires, at most once more (the outbox\'s resend), and the edited roster is still in force', async () => {
    const alarm = await raise('vtc-gc03-gas-005', 30)
    await eventually(() => fake.delivered().filter(of(alarm.id)).find(smsTo(PEOPLE.wang.phone)), 10_000, 'tier 0 before the restart')
    await t.stop({ keepData: true })
    expect(fake.delivered().filter(of(alarm.id)).some(smsTo(PEOPLE.sun.phone))).toBe(false)
    t = await start()
    const tier1 = await eventually(() => fake.delivered().filter(of(alarm.id)).find(smsTo(PEOPLE.sun.phone)), 20_000, 'tier 1 after the restart')
    // Within 5 s of its due time, or of the hub's start when it fell due meanwhile.
    expect(tier1.at).toBeLessThan(Math.max(alarm.raisedAt + 4000, Date.now()) + 5000)
    await eventually(() => fake.delivered().filter(of(alarm.id)).some(smsTo(PEOPLE.zhou.phone)), 20_000, 'tier 2 after the restart')
    for (const [id, n] of fake.deliveries()) if (id.startsWith(`alarm:${alarm.id}:`)) expect(n, id).toBeLessThanOrEqual(2)
    const rosters = (await call<RostersReply>('GET', '/api/v1/notify/rosters')).body.rosters
    expect(rosters.find((r) => r.scope === 'vtc')!.people.map((p) => p.id)).toContain('li')
  })

  it('no reply carries a channel\'s key or secret, and none a full phone number outside an admin\'s roster', async () => {
    expect((await call('PUT', '/api/v1/notify/channels/vtc-wecom/secret', { key: ACCOUNTS.wecom.key })).status).toBe(204)
    const refused = await call<{ message: string }>('PUT', '/api/v1/notify/channels/vtc-wecom/secret', { secret: 'a\u0001refused-secret-value' })
    expect(refused.status).toBe(400)
    expect(JSON.stringify(refused.body)).not.toContain('refused-secret-value')
    expect((await call('PUT', '/api/v1/notify/channels/nope/secret', { key: 'k' })).status).toBe(404)
    await call('GET', '/api/v1/notify/channels')
    await call('GET', '/api/v1/notify/policies')
    await call('GET', '/api/v1/notify/log?limit=1000')
    await call('GET', '/api/v1/health')
    const metrics = await fetch(`${t.http}/metrics`, { headers: { authorization: `Bearer ${t.adminToken}` } })
    replies.push(await metrics.text())
    expect(replies.length).toBeGreaterThan(20)
    for (const text of replies) for (const s of SECRET_VALUES) expect(text).not.toContain(s)
    expect(replies.join('\n')).toContain('hub_notify_sent_total{channel="vtc-wecom"}')
  })
})
