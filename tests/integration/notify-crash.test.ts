import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { EscalationReply } from '../../hub/src/api/schemas/notify.js'
import { FakePlatforms, type RecordedRequest } from '../../simulators/src/channels/fake-platforms.js'
import { connectMqtt, eventually, login } from '../support/hub-harness.js'
import { startHubProcess, type HubProcess } from '../support/hub-process.js'
import { ACCOUNTS, deviceSecret, notifySection, notifyZone, PEOPLE } from '../support/notify-zone.js'

/**
 * kill -9 of a hub process in the middle of an escalation: the step due after the kill fires
 * once the hub is back (within 5 s of its due time, or of the start when it fell due while
 * the hub was down), nothing decided before the kill is lost, and each message reaches the
 * platform at most twice (the outbox's resend of an attempt without a recorded outcome).
 */
const TIER1_MIN = 6 / 60
const TIER2_MIN = 12 / 60

let fake: FakePlatforms
let hub: HubProcess | undefined
let zoneFile: string
let dataDir: string

const env = (): Record<string, string> => ({ HUB_CONFIG: zoneFile, HUB_DATA_DIR: dataDir, INFLUX_URL: inject('influxUrl'), INFLUX_DB: `notify_crash_${process.pid}`, HUB_ADMIN_PASSWORD: 'crash-admin-pw' })

beforeAll(async () => {
  fake = await FakePlatforms.start({ accounts: ACCOUNTS })
  ;({ zoneFile, dataDir } = await notifyZone(notifySection(fake, { tier1Min: TIER1_MIN, tier2Min: TIER2_MIN })))
})

afterAll(async () => {
  await hub?.stop()
  await fake?.close()
  await rm(dirname(zoneFile), { recursive: true, force: true })
})

describe('notifications across kill -9', () => {
  it('fires the steps due after the kill, each message at most once more', async () => {
    hub = await startHubProcess(env())
    const device = 'vtc-ti01-gas-009'
    const mq = await connectMqtt(hub.mqttUrl, { username: device, password: await deviceSecret(device) })
    await mq.publishAsync(`parks/vtc/vtc-ti01/${device}/telemetry`, JSON.stringify({ values: { lel: 30 } }), { qos: 1 })
    mq.end(true)
    const token = await login(hub.http, 'admin', 'crash-admin-pw')
    const alarm = await eventually(async () => {
      const res = await fetch(`${hub!.http}/api/v1/alarms?state=open&device=${device}`, { headers: { authorization: `Bearer ${token}` } })
      return ((await res.json()) as { alarms: Alarm[] }).alarms[0]
    }, 10_000, 'the alarm')
    const of = (r: RecordedRequest): boolean => r.messageId?.startsWith(`alarm:${alarm.id}:`) ?? false
    const sms = (phone: string) => (r: RecordedRequest): boolean => of(r) && r.platform === 'sms' && (r.text ?? '').includes(phone)
    await eventually(() => fake.delivered().filter(of).length >= 3, 10_000, 'tier 0 on WeCom, DingTalk and SMS')
    await hub.kill9()
    expect(fake.delivered().some(sms(PEOPLE.sun.phone))).toBe(false)

    hub = await startHubProcess(env())
    const startedAt = Date.now()
    const tier1 = await eventually(() => fake.delivered().find(sms(PEOPLE.sun.phone)), 20_000, 'tier 1 after the restart')
    expect(tier1.at).toBeLessThan(Math.max(alarm.raisedAt + TIER1_MIN * 60_000, startedAt) + 5000)
    const tier2 = await eventually(() => fake.delivered().find(sms(PEOPLE.zhou.phone)), 20_000, 'tier 2 after the restart')
    expect(tier2.at).toBeLessThan(Math.max(alarm.raisedAt + TIER2_MIN * 60_000, startedAt) + 5000)
    const counts = [...fake.deliveries()].filter(([id]) => id.startsWith(`alarm:${alarm.id}:`))
    // Tier 0 (3 channels), tier 1 and tier 2: nothing lost, each at most one duplicate.
    expect(counts.length).toBe(5)
    for (const [id, n] of counts) expect(n, id).toBeLessThanOrEqual(2)
    const token2 = await login(hub.http, 'admin', 'crash-admin-pw')
    const esc = (await (await fetch(`${hub.http}/api/v1/alarms/${alarm.id}/escalation`, { headers: { authorization: `Bearer ${token2}` } })).json()) as EscalationReply
    expect(esc).toMatchObject({ state: 'done', tier: 2 })
  }, 90_000)
})
