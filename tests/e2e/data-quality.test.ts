/**
 * Data quality on the command screen, end to end: a real hub serving the built dashboard to
 * headless Chromium, detectors publishing over MQTT. A detector past its range shows its value
 * as over range (超量程), a faulted one as fault (故障) with its device-fault alarm, one in
 * maintenance as maintenance (维护); a 20-minute-old reading is counted as late history.
 * Screenshots go to test-results/e2e-dq-*.png.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Browser, Page } from 'playwright-core'
import { connectMqtt, startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }
import { DESK, ensureDashboardBuilt, launchBrowser, screenshot, selectPlanDevice, signIn } from './browser.js'

const secret = (id: string): string => (credentials.devices as Record<string, string>)[id]!

describe('dashboard end to end: a value’s data flag is shown next to it', () => {
  let t: TestHub
  let browser: Browser
  let page: Page
  const clients: MqttClient[] = []
  const pageErrors: string[] = []

  async function publish(device: string, body: object): Promise<void> {
    const c = await connectMqtt(t.mqttUrl, { username: device, password: secret(device) })
    clients.push(c)
    await c.publishAsync(`parks/vtc/vtc-ti01/${device}/telemetry`, JSON.stringify(body), { qos: 1 })
  }

  /** Open a device's panel from the plan and return the text of its values. */
  async function openDevice(device: string): Promise<string> {
    await selectPlanDevice(page, device)
    await page.locator('[data-testid=detail-close]').waitFor()
    const values = page.locator('.values')
    await values.locator('h3').waitFor()
    return values.innerText()
  }

  beforeAll(async () => {
    await ensureDashboardBuilt()
    t = await startTestHub({ dashboard: true, env: { HUB_DEADMAN_INTERVALS: '1000' } })
    browser = await launchBrowser()
    const ctx = await browser.newContext({ viewport: DESK, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    page = await ctx.newPage()
    page.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`))
  }, 120_000)
  afterAll(async () => {
    for (const c of clients) c.end(true)
    await browser?.close()
    await t?.stop()
  })
  beforeEach(({ onTestFailed }) => {
    onTestFailed(async () => {
      if (page && !page.isClosed()) await screenshot(page, 'e2e-dq-failed').catch(() => undefined)
    })
  })

  it('shows over range, fault and maintenance badges on the device panel, and counts late readings', async () => {
    await signIn(page, t.http, 'safety', 'safety-demo')
    await publish('vtc-ti01-gas-009', { values: { lel: 125 } }) // past 0–100 %LEL: flagged T by the hub
    await publish('vtc-ti01-gas-012', { values: { co: 0 }, flags: { co: 'D' } })
    await publish('vtc-ti01-gas-010', { values: { lel: 3 }, flags: { lel: 'M' } })
    await publish('vtc-ti01-gas-011', { ts: Date.now() - 20 * 60_000, values: { lel: 80 } })
    await page.locator('[data-testid=alarm-row][data-device="vtc-ti01-gas-012"]').waitFor({ timeout: 10_000 })

    await openDevice('vtc-ti01-gas-009')
    const overRange = page.locator('.values [data-flag=T]')
    await overRange.waitFor({ timeout: 10_000 })
    expect(await overRange.innerText()).toBe('超量程')
    expect(await page.locator('.values').innerText()).toMatch(/125\s*%LEL/)
    await screenshot(page, 'e2e-dq-01-over-range')

    await openDevice('vtc-ti01-gas-012')
    await page.locator('.values [data-flag=D]').waitFor({ timeout: 10_000 })
    expect(await page.locator('.values [data-flag=D]').innerText()).toBe('故障')
    await screenshot(page, 'e2e-dq-02-fault')

    await openDevice('vtc-ti01-gas-010')
    await page.locator('.values [data-flag=M]').waitFor({ timeout: 10_000 })
    expect(await page.locator('.values [data-flag=M]').innerText()).toBe('维护')

    await openDevice('vtc-ti01-gas-011')
    await page.locator('.values .late').waitFor({ timeout: 10_000 })
    expect(await page.locator('.values .late').innerText()).toContain('迟到数据 1 条')
    expect(await page.locator('.values [data-flag]').count()).toBe(0)
    await screenshot(page, 'e2e-dq-03-late')
    expect(pageErrors).toEqual([])
  }, 60_000)
})
