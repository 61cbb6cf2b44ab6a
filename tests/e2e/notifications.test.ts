/**
 * Notifications on the dashboard, end to end: a real hub (real MQTT, real InfluxDB) serving the
 * built dashboard to headless Chromium, its channels pointing at the fake platforms
 * (simulators/src/channels/fake-platforms.ts: signatures checked as the platforms check them).
 * The demo zone's rosters and policies (simulators/src/zone/zone-notify.ts). In order, as one
 * shift: who is on duty shows on the command screen; a gas alarm's escalation state shows in
 * its detail; "send test message" reaches the fake WeCom robot; the personal acknowledgement
 * link shows the alarm without acknowledging it, and only its button acknowledges.
 * Screenshots go to test-results/e2e-notify-*.png.
 */
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Browser, Page } from 'playwright-core'
import YAML from 'yaml'
import { DEFAULT_ZONE_FILE } from '../../hub/src/config/settings.js'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { Zone } from '../../hub/src/model/zone.js'
import { FakePlatforms } from '../../simulators/src/channels/fake-platforms.js'
import { demoNotify, SINK_ENV } from '../../simulators/src/zone/zone-notify.js'
import { api, connectMqtt, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }
import { auditLanguage, DESK, ensureDashboardBuilt, launchBrowser, screenshot, signIn } from './browser.js'

const device = 'vtc-ti01-gas-009' // combustible, %LEL, in the vtc park
const topic = `parks/vtc/vtc-ti01/${device}/telemetry`
const row = `[data-testid=alarm-row][data-device="${device}"]`
/** Where links in messages point (a placeholder: the test opens the token on the test hub's own address). */
const PUBLIC_URL = 'http://hub.test:8080'

/** The accounts of the fake platforms; the hub's channels get the same values through the variables the demo zone names. */
const ACCOUNTS = {
  wecom: { key: 'e2e-wecom-key' },
  dingtalk: { token: 'e2e-ding-token', secret: 'SECe2e-ding-secret' },
  feishu: { token: 'e2e-feishu-token', secret: 'e2e-feishu-secret' },
  sms: { accessKeyId: 'e2e-sms-id', accessKeySecret: 'e2e-sms-secret' },
  voice: { accessKeyId: 'e2e-voice-id', accessKeySecret: 'e2e-voice-secret' },
  webhook: { secret: 'e2e-webhook-secret', header: 'X-Hub-Signature-256' },
}
const SECRET_ENV: Record<string, string> = {
  [SINK_ENV.wecom.keyEnv]: ACCOUNTS.wecom.key,
  [SINK_ENV.dingtalk.keyEnv]: ACCOUNTS.dingtalk.token,
  [SINK_ENV.dingtalk.secretEnv]: ACCOUNTS.dingtalk.secret,
  [SINK_ENV.feishu.keyEnv]: ACCOUNTS.feishu.token,
  [SINK_ENV.feishu.secretEnv]: ACCOUNTS.feishu.secret,
  [SINK_ENV.sms.keyEnv]: ACCOUNTS.sms.accessKeyId,
  [SINK_ENV.sms.secretEnv]: ACCOUNTS.sms.accessKeySecret,
  [SINK_ENV.voice.keyEnv]: ACCOUNTS.voice.accessKeyId,
  [SINK_ENV.voice.secretEnv]: ACCOUNTS.voice.accessKeySecret,
  [SINK_ENV.webhook.secretEnv]: ACCOUNTS.webhook.secret,
}

interface Escalation { state: string; tier: number | null; next: { tier: number; at: number } | null; stoppedBy: { by: string; channel: string } | null }

describe('notifications end to end: duty, escalation, test message, acknowledgement link', () => {
  let t: TestHub
  let fake: FakePlatforms
  let browser: Browser
  let page: Page
  let mq: MqttClient
  let dir: string
  let alarmId = ''
  const pageErrors: string[] = []
  const savedEnv: Record<string, string | undefined> = {}

  beforeAll(async () => {
    await ensureDashboardBuilt()
    fake = await FakePlatforms.start({ accounts: ACCOUNTS })
    // The demo zone with its notifications pointing at this test's fake platforms.
    const zone = YAML.parse(readFileSync(DEFAULT_ZONE_FILE, 'utf8')) as Zone
    zone.notify = demoNotify({ parks: zone.parks.map((p) => p.id), sink: fake.origin, publicUrl: PUBLIC_URL })
    dir = await mkdtemp(join(tmpdir(), 'smartpark-e2e-notify-'))
    const zoneFile = join(dir, 'zone.yaml')
    await writeFile(zoneFile, YAML.stringify(zone))
    // keyEnv / secretEnv are read from the environment at start: the hub runs in this process.
    for (const [k, v] of Object.entries(SECRET_ENV)) {
      savedEnv[k] = process.env[k]
      process.env[k] = v
    }
    t = await startTestHub({ dashboard: true, env: { HUB_CONFIG: zoneFile, HUB_DEADMAN_INTERVALS: '1000', ...SECRET_ENV } })
    mq = await connectMqtt(t.mqttUrl, { username: device, password: (credentials.devices as Record<string, string>)[device]! })
    browser = await launchBrowser()
    const ctx = await browser.newContext({ viewport: DESK, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    page = await ctx.newPage()
    page.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}\n${err.stack ?? ""}`))
  }, 120_000)
  afterAll(async () => {
    mq?.end(true)
    await browser?.close()
    await t?.stop()
    await fake?.close()
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    if (dir) await rm(dir, { recursive: true, force: true })
  })
  beforeEach(({ onTestFailed }) => {
    onTestFailed(async () => {
      if (page && !page.isClosed()) await screenshot(page, 'e2e-notify-failed').catch(() => undefined)
    })
  })

  it('shows who is on duty in the selected park and the zone on the command screen', async () => {
    await signIn(page, t.http, 'safety', 'safety-demo')
    await page.locator('[data-testid=park-tile][data-park=vtc]').click()
    const panel = page.locator('[data-testid=duty-panel]')
    await panel.locator('[data-testid=duty-scope][data-scope=vtc] [data-testid=duty-person]').first().waitFor({ timeout: 10_000 })
    const duty = (await api<{ entries: { scope: string; people: { id: string; name: string; role: string }[] }[] }>(t, 'GET', '/api/v1/notify/duty')).body
    const vtc = duty.entries.find((e) => e.scope === 'vtc')!
    // The hub's answer is what the panel shows: the vtc crew on duty now and the safety manager on call.
    expect(vtc.people.map((p) => p.role).sort()).toEqual(['duty_officer', 'safety_manager', 'shift_leader'])
    const shown = await panel.locator('[data-testid=duty-scope][data-scope=vtc] [data-testid=duty-person]').evaluateAll((els) => els.map((e) => e.getAttribute('data-person')))
    expect(shown.sort()).toEqual(vtc.people.map((p) => p.id).sort())
    expect(await panel.innerText()).toContain('值班员')
    await panel.locator('[data-testid=duty-scope][data-scope=zone] [data-testid=duty-person]').first().waitFor()
    // Phone numbers masked (PIPL): never eleven digits in a row on the screen.
    expect(await panel.innerText()).not.toMatch(/1\d{10}/)
    await screenshot(page, 'e2e-notify-01-duty')
    expect(pageErrors).toEqual([])
  }, 60_000)

  it("shows an alarm's escalation: notified at tier 1, the next step and when", async () => {
    await mq.publishAsync(topic, JSON.stringify({ values: { lel: 35 } }), { qos: 1 })
    await page.locator(row).waitFor({ timeout: 10_000 })
    alarmId = (await page.locator(row).getAttribute('data-alarm'))!
    // The first tier reaches the duty officer's WeCom group at the fake platform.
    await eventually(() => fake.delivered('wecom').some((r) => r.text?.includes('钒钛') || r.text?.includes('可燃')), 10_000, 'the first tier at the fake WeCom robot')
    await page.locator(row).click()
    const esc = page.locator('[data-testid=escalation-state][data-state=escalating]')
    await esc.waitFor({ timeout: 10_000 })
    const state = (await api<Escalation>(t, 'GET', `/api/v1/alarms/${alarmId}/escalation`)).body
    expect(state).toMatchObject({ state: 'escalating', tier: 0, next: { tier: 1 } })
    expect(await esc.locator('[data-testid=escalation-next]').innerText()).toContain('第 2 级')
    expect(await esc.locator('[data-testid=escalation-waiting]').innerText()).toBe('确认接警')
    await esc.locator('[data-testid=escalation-step][data-state=sent]').first().waitFor({ timeout: 10_000 })
    await screenshot(page, 'e2e-notify-02-escalation')
    expect(pageErrors).toEqual([])
  }, 60_000)

  it('sends a test message from the channel list, which arrives at the fake WeCom robot', async () => {
    const before = fake.delivered('wecom').length
    await page.goto(`${t.http}/#/notify`)
    const channel = page.locator('[data-testid=channel][data-channel=vtc-wecom]')
    await channel.waitFor({ timeout: 10_000 })
    await channel.locator('[data-testid=channel-test]').click()
    await channel.locator('[data-testid=channel-test-result]').waitFor()
    await eventually(() => fake.delivered('wecom').length > before, 10_000, 'the test message at the fake WeCom robot')
    const got = fake.delivered('wecom').slice(before)
    expect(got.some((r) => /测试/.test(r.text ?? ''))).toBe(true)
    // The log lists it, and no secret is on the page.
    await page.locator('[data-testid=notify-log-row][data-kind=test]').first().waitFor({ timeout: 10_000 })
    expect(await page.locator('body').innerText()).not.toContain(ACCOUNTS.wecom.key)
    await screenshot(page, 'e2e-notify-03-channels')
    // In English, the page is English but for what is Chinese by nature (names, the messages'
    // titles, written in the recipients' language), marked so.
    await page.locator('button[lang=en]', { hasText: 'English' }).first().click()
    await page.locator('[data-testid=channel-list]', { hasText: 'Send test message' }).waitFor()
    const en = await auditLanguage(page)
    expect(en.offenders, 'CJK text outside elements marked lang="zh…"').toEqual([])
    await screenshot(page, 'e2e-notify-03-channels-en')
    await page.locator('button[lang=zh-CN]', { hasText: '中文' }).first().click()
    await page.locator('[data-testid=channel-list]', { hasText: '发送测试消息' }).waitFor()
    expect(pageErrors).toEqual([])
  }, 60_000)

  it('shows the alarm behind a personal link without acknowledging it; only the button acknowledges', async () => {
    // The duty officer's SMS carries a personal link: …/#/ack/<token>.
    let token = ''
    await eventually(() => {
      for (const r of fake.delivered('sms')) {
        const m = /#\/ack\/([A-Za-z0-9._~%-]+)/.exec(JSON.stringify(r.body))
        if (m) token = decodeURIComponent(m[1]!)
      }
      return token !== ''
    }, 10_000, 'an SMS with an acknowledgement link')
    const ctx = await browser.newContext({ viewport: { width: 412, height: 915 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    const phone = await ctx.newPage()
    phone.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}\n${err.stack ?? ""}`))
    try {
      // Opened (as a chat's link preview would fetch it): shown, not acknowledged.
      await phone.goto(`${t.http}/#/ack/${encodeURIComponent(token)}`)
      const shown = phone.locator(`[data-testid=ack-alarm][data-alarm="${alarmId}"]`)
      await shown.waitFor({ timeout: 10_000 }).catch(async (err: unknown) => {
        await screenshot(phone, 'e2e-notify-failed-phone')
        const r = await fetch(`${t.http}/api/v1/ack/${encodeURIComponent(token)}`)
        throw new Error(`token ${token}: ${await phone.locator('body').innerText()} api ${r.status} ${await r.text()} (${String(err)})`)
      })
      expect(await shown.getAttribute('data-ack')).toBe('unacked')
      expect((await api<Alarm>(t, 'GET', `/api/v1/alarms/${alarmId}`)).body.ack).toBe('unacked')
      await phone.reload()
      await shown.waitFor()
      expect((await api<Alarm>(t, 'GET', `/api/v1/alarms/${alarmId}`)).body.ack).toBe('unacked')
      await screenshot(phone, 'e2e-notify-04-ack-link')

      await phone.locator('[data-testid=ack-confirm]').click()
      await phone.locator('[data-testid=ack-done]').waitFor({ timeout: 10_000 })
      const acked = (await api<Alarm>(t, 'GET', `/api/v1/alarms/${alarmId}`)).body
      expect(acked.ack).toBe('acked')
      const step = acked.history.filter((s) => s.action === 'ack').at(-1)!
      expect(step).toBeDefined()
      const esc = (await api<Escalation>(t, 'GET', `/api/v1/alarms/${alarmId}/escalation`)).body
      expect(esc).toMatchObject({ state: 'stopped', stoppedBy: { channel: 'link' } })
      await screenshot(phone, 'e2e-notify-05-acked')
    } finally {
      await ctx.close()
    }
    // The messages' link to the alarm (#/alarms/<id>) opens the command screen with it selected;
    // its detail says who stopped the escalation and through which channel.
    await page.goto(`${t.http}/#/command`)
    await page.locator('[data-testid=detail-close]').click()
    await page.locator('[data-testid=alarm-detail]').waitFor({ state: 'detached' })
    await page.goto(`${t.http}/#/alarms/${alarmId}`)
    await page.locator(`[data-testid=alarm-detail][data-alarm="${alarmId}"]`).waitFor({ timeout: 10_000 })
    await page.locator('[data-testid=escalation-state][data-state=stopped] [data-testid=escalation-stopped-by]').waitFor({ timeout: 10_000 })
    expect(await page.locator('[data-testid=escalation-stopped-by]').innerText()).toContain('个人确认链接')
    await screenshot(page, 'e2e-notify-06-stopped')
    expect(pageErrors).toEqual([])
  }, 60_000)
})
