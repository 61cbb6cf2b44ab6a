/**
 * A latched gas alarm on the command screen, end to end: a real hub serving the built
 * dashboard to headless Chromium, a detector publishing over MQTT. Over range (超量程) at
 * the second level, the gas eases and clears; the board shows the alarm still red, latched,
 * awaiting reset (已锁存，待复位), with its peak level and current value; the safety officer
 * resets it with a note through the UI; the hub records the reset. Screenshots go to
 * test-results/e2e-latch-*.png.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Browser, Page } from 'playwright-core'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { ParkRisk } from '../../hub/src/model/risk.js'
import { api, connectMqtt, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }
import { DESK, ensureDashboardBuilt, launchBrowser, screenshot, signIn } from './browser.js'

const device = 'vtc-ti01-gas-009' // combustible, %LEL
const topic = `parks/vtc/vtc-ti01/${device}/telemetry`
const row = `[data-testid=alarm-row][data-device="${device}"]`

describe('dashboard end to end: a latched gas alarm is reset through the UI', () => {
  let t: TestHub
  let browser: Browser
  let page: Page
  let mq: MqttClient
  const pageErrors: string[] = []

  beforeAll(async () => {
    await ensureDashboardBuilt()
    t = await startTestHub({ dashboard: true, env: { HUB_DEADMAN_INTERVALS: '1000' } })
    mq = await connectMqtt(t.mqttUrl, { username: device, password: (credentials.devices as Record<string, string>)[device]! })
    browser = await launchBrowser()
    const ctx = await browser.newContext({ viewport: DESK, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    page = await ctx.newPage()
    page.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`))
  }, 120_000)
  afterAll(async () => {
    mq?.end(true)
    await browser?.close()
    await t?.stop()
  })
  beforeEach(({ onTestFailed }) => {
    onTestFailed(async () => {
      if (page && !page.isClosed()) await screenshot(page, 'e2e-latch-failed').catch(() => undefined)
    })
  })

  it('shows a cleared red gas alarm as latched with its peak level and current value, and resets it with a note', async () => {
    await signIn(page, t.http, 'safety', 'safety-demo')
    const send = (lel: number, flags?: Record<string, string>): Promise<unknown> =>
      mq.publishAsync(topic, JSON.stringify({ values: { lel }, ...(flags ? { flags } : {}) }), { qos: 1 })

    // Second level (red), then the gas eases to the first level: the alarm stays red.
    await send(55)
    await page.locator(`${row}[data-latched=false]`).waitFor({ timeout: 10_000 })
    const id = (await page.locator(row).getAttribute('data-alarm'))!
    await send(30)
    await eventually(async () => (await api<Alarm>(t, 'GET', `/api/v1/alarms/${id}`)).body.currentLevel === 2, 20_000, 'the first level (after the 5 s off-delay)')
    expect((await api<Alarm>(t, 'GET', `/api/v1/alarms/${id}`)).body.level).toBe(1)
    // Then it clears: still red, latched, awaiting reset.
    await send(2)
    await page.locator(`${row}[data-latched=true]`).waitFor({ timeout: 20_000 }) // after the 5 s off-delay
    const rowText = await page.locator(row).innerText()
    expect(rowText).toContain('已锁存，待复位')
    expect(rowText).toMatch(/2\s*%LEL/) // the current value

    // The details: peak level, current value, class, and the Reset in place of close.
    await page.locator(row).click()
    const detail = page.locator(`[data-testid=alarm-detail][data-alarm="${id}"]`)
    await detail.waitFor()
    await detail.locator('[data-testid=alarm-latched]').waitFor()
    expect(await detail.locator('[data-testid=alarm-class]').innerText()).toBe('生命安全')
    expect(await detail.locator('[data-testid=alarm-peak-level]').innerText()).toMatch(/一级|I/)
    const risk = (await api<ParkRisk[] | { parks: ParkRisk[] }>(t, 'GET', '/api/v1/risk')).body
    const vtc = (Array.isArray(risk) ? risk : risk.parks).find((p) => p.park === 'vtc')!
    expect(vtc.level).toBe(1)
    await expect.poll(() => page.locator('[data-testid=park-tile][data-park=vtc]').innerText()).toContain('一级')
    await screenshot(page, 'e2e-latch-02-latched')

    // The class filter hides it under another class and shows it under life-safety.
    const filter = page.locator('[data-testid=alarm-class-filter]')
    await filter.selectOption({ index: 2 }) // device-health
    await page.locator(row).waitFor({ state: 'detached' })
    await filter.selectOption({ index: 1 }) // life-safety
    await page.locator(row).waitFor()

    // Reset: a note is required; then the hub records it and the latch is gone.
    await detail.locator('[data-testid=alarm-action-reset]').click()
    const submit = detail.locator('[data-testid=alarm-action-submit]')
    expect(await submit.isDisabled()).toBe(true)
    const note = '现场复测 0 %LEL，泄漏点已紧固'
    await detail.locator('[data-testid=alarm-action-note]').fill(note)
    await screenshot(page, 'e2e-latch-03-reset-form')
    await submit.click()
    await page.locator(`${row}[data-latched=false]`).waitFor({ timeout: 10_000 })
    expect(await page.locator(row).innerText()).not.toContain('待复位')
    const after = (await api<Alarm>(t, 'GET', `/api/v1/alarms/${id}`)).body
    expect(after).toMatchObject({ latched: false, level: 1, condition: 'cleared' })
    expect(after.history.at(-1)).toMatchObject({ action: 'reset', actor: 'safety', note })
    await page.locator('[data-testid=alarm-history]', { hasText: note }).waitFor()
    await eventually(async () => {
      const r = (await api<ParkRisk[] | { parks: ParkRisk[] }>(t, 'GET', '/api/v1/risk')).body
      return (Array.isArray(r) ? r : r.parks).find((p) => p.park === 'vtc')?.level === null
    }, 5000, 'the park back to normal')
    await expect.poll(() => page.locator('[data-testid=park-tile][data-park=vtc]').innerText()).toContain('正常')
    await screenshot(page, 'e2e-latch-04-reset')

    // After the reset, a reading past the detector's range (HJ 212 flag T) annunciates afresh
    // at the highest level, shown as over range (超量程).
    await send(60, { lel: 'T' })
    await page.locator(`${row} [data-testid=alarm-row-over-range]`).waitFor({ timeout: 10_000 })
    expect(await page.locator(row).innerText()).toContain('超量程')
    await detail.locator('[data-testid=alarm-over-range]').waitFor()
    expect((await api<Alarm>(t, 'GET', `/api/v1/alarms/${id}`)).body).toMatchObject({ condition: 'active', overRange: true, level: 1, ack: 'unacked' })
    await expect.poll(() => page.locator('[data-testid=park-tile][data-park=vtc]').innerText()).toContain('一级')
    await screenshot(page, 'e2e-latch-05-over-range')
    expect(pageErrors).toEqual([])
  }, 60_000)
})
