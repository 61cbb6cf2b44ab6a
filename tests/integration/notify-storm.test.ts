import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { MqttClient } from 'mqtt'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { Incident } from '../../hub/src/model/incident.js'
import type { EscalationReply } from '../../hub/src/api/schemas/notify.js'
import { FakePlatforms } from '../../simulators/src/channels/fake-platforms.js'
import { api, connectMqtt, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import { ACCOUNTS, deviceSecret, notifySection, notifyZone } from '../support/notify-zone.js'

/**
 * A flood in one park: past `alarmsPerMinute` the park's alarms are not sent one by one but in
 * one summary per park per minute (counts by level, the most severe, a link); the red gas
 * confirmations (two detectors of one area) are told per incident, not held back, and their
 * incident keeps escalating after an acknowledgement until someone is dispatched.
 */
const DEVICES = ['vtc-ti01-gas-009', 'vtc-ti01-gas-010', 'vtc-ti01-gas-011', 'vtc-gc03-gas-001', 'vtc-gc03-gas-002', 'vtc-gc03-gas-003', 'vtc-gc03-gas-005', 'vtc-gc03-gas-006', 'vtc-gc03-gas-007']
const LIMIT = 3

let fake: FakePlatforms
let t: TestHub
let zoneFile: string
const clients: MqttClient[] = []
/**
 * The hub's clock: the wall clock, `offset` ahead. The hub starts at a minute's start (so the
 * flood falls in one minute), and the test moves it past that minute's end once every alarm is
 * decided, rather than waiting for the wall clock's minute (up to two).
 */
let offset = 0
const hubNow = (): number => Date.now() + offset

beforeAll(async () => {
  fake = await FakePlatforms.start({ accounts: ACCOUNTS })
  const section = notifySection(fake, { tier1Min: 10, tier2Min: 20 })
  section.storm = { alarmsPerMinute: LIMIT }
  const made = await notifyZone(section)
  zoneFile = made.zoneFile
  offset = 60_000 - (Date.now() % 60_000)
  t = await startTestHub({ dataDir: made.dataDir, env: { HUB_CONFIG: zoneFile }, clock: hubNow })
})

afterAll(async () => {
  for (const c of clients) c.end(true)
  await t?.stop()
  await fake?.close()
  await rm(dirname(zoneFile), { recursive: true, force: true })
})

describe('notifications in a flood', () => {
  it('sends the first alarms one by one, then one summary of the park\'s minute; red confirmations go per incident', async () => {
    // The hub started at a minute's start: the flood falls in that minute.
    const minute = Math.floor(hubNow() / 60_000) * 60_000
    for (const device of DEVICES) {
      const mq = await connectMqtt(t.mqttUrl, { username: device, password: await deviceSecret(device) })
      clients.push(mq)
      const enterprise = device.split('-').slice(0, 2).join('-')
      await mq.publishAsync(`parks/vtc/${enterprise}/${device}/telemetry`, JSON.stringify({ values: { lel: 30 } }), { qos: 1 })
    }
    const alarms = await eventually(async () => {
      const list = (await api<{ alarms: Alarm[] }>(t, 'GET', '/api/v1/alarms?state=open&park=vtc&limit=100')).body.alarms
      return list.filter((a) => a.type === 'gas_high').length === DEVICES.length && list
    }, 10_000, 'every detector\'s alarm')
    const gas = alarms.filter((a) => a.type === 'gas_high')
    expect(gas.every((a) => a.raisedAt >= minute && a.raisedAt < minute + 60_000)).toBe(true)
    // Every orange one decided (sent one by one or gathered for the summary) within the minute.
    await eventually(async () => {
      for (const a of gas.filter((x) => x.level === 2)) {
        if ((await api<EscalationReply>(t, 'GET', `/api/v1/alarms/${a.id}/escalation`)).body.tier === null) return false
      }
      return true
    }, 10_000, 'every orange alarm decided')
    // No summary while the minute lasts (a tick now, at the hub's time, sums up nothing); then the
    // hub's clock at the minute's end, and the park's one summary at the next tick.
    const notifier = t.hub.notify!.notifier
    notifier.tick()
    expect(hubNow()).toBeLessThan(minute + 60_000)
    expect(notifier.counters.summaries).toBe(0)
    offset += minute + 60_000 - hubNow()
    const summary = await eventually(() => fake.delivered('wecom').find((r) => r.messageId?.startsWith('summary:vtc:')), 10_000, 'the park\'s summary of the minute')
    const orange = alarms.filter((a) => a.level === 2)
    const oneByOne = await eventually(() => {
      const sent = fake.delivered('wecom').filter((r) => orange.some((a) => r.messageId?.startsWith(`alarm:${a.id}:`)))
      return sent.length > 0 && sent
    }, 10_000, 'the first alarms one by one')
    expect(oneByOne.length).toBeLessThanOrEqual(LIMIT)
    expect(summary.text).toContain('报警风暴')
    expect(summary.text).toMatch(/橙 [1-9]/)
    expect(summary.text).toContain('http://hub.test:8080/#/command')
    expect(fake.delivered('wecom').filter((r) => r.messageId?.startsWith('summary:vtc:'))).toHaveLength(1)

    // The red confirmations: told per incident, at once, never in the summary.
    const incidents = (await api<{ incidents: Incident[] }>(t, 'GET', '/api/v1/incidents?state=open&park=vtc')).body.incidents
    expect(incidents.length).toBeGreaterThan(0)
    for (const i of incidents) {
      expect(fake.delivered('wecom').some((r) => r.messageId?.startsWith(`incident:${i.id}:`)), i.id).toBe(true)
    }
  }, 120_000)

  it('a red incident keeps escalating after an acknowledgement until someone is dispatched', async () => {
    const incident = (await api<{ incidents: Incident[] }>(t, 'GET', '/api/v1/incidents?state=open&park=vtc')).body.incidents[0]!
    const red = incident.alarms[0]!
    expect((await api<EscalationReply>(t, 'GET', `/api/v1/alarms/${red}/escalation`)).body).toMatchObject({ state: 'escalating', via: `incident:${incident.id}` })
    for (const a of incident.alarms) await api(t, 'POST', `/api/v1/alarms/${a}/ack`, { note: 'seen' })
    await eventually(async () => (await api<EscalationReply>(t, 'GET', `/api/v1/alarms/${red}/escalation`)).body.state === 'escalating', 3000, 'still escalating')
    expect((await api(t, 'POST', `/api/v1/alarms/${red}/dispatch`, { assignee: '孙班长' })).status).toBe(200)
    const stopped = await eventually(async () => {
      const e = (await api<EscalationReply>(t, 'GET', `/api/v1/alarms/${red}/escalation`)).body
      return e.state === 'stopped' && e
    }, 5000, 'stopped once dispatched')
    expect(stopped.stoppedBy).toMatchObject({ by: '孙班长', channel: 'dispatch' })
    // The change of state (someone dispatched) is told once.
    await eventually(() => fake.delivered('wecom').some((r) => r.messageId?.startsWith(`incident:${incident.id}:`) && (r.text ?? '').includes('已派人处置')), 5000, 'the dispatched message')
  })
})
