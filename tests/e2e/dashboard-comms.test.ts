/**
 * The dashboard's communications alarm (hub/src/rules/communications-alarm.ts): with nothing
 * reporting, the demo zone's devices fall silent together and each park gets one
 * `communications_loss` alarm listing them. The board says how many devices; the alarm's detail
 * lists them, and one click on a device selects it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Alarm } from '../../hub/src/model/alarm.js'
import { api, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import { DESK, ensureDashboardBuilt, launchBrowser, screenshot, signIn } from './browser.js'

describe('dashboard end to end: a communications alarm lists its silent devices', () => {
  let t: TestHub
  let browser: Browser
  let context: BrowserContext
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    await ensureDashboardBuilt()
    // One reporting interval of silence makes a device offline (the shortest dead-man time).
    t = await startTestHub({ dashboard: true, env: { HUB_DEADMAN_INTERVALS: '1' } })
    browser = await launchBrowser()
    context = await browser.newContext({ viewport: DESK, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    page = await context.newPage()
    page.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`))
  })

  afterAll(async () => {
    await context?.close().catch(() => undefined)
    await browser?.close()
    await t?.stop()
  })

  it('shows the count on the row and the devices in the detail; a device is one click away', async () => {
    const comms = await eventually(
      async () => {
        const list = (await api<{ alarms: Alarm[] }>(t, 'GET', '/api/v1/alarms?state=active')).body.alarms
        return list.find((a) => a.type === 'communications_loss' && (a.devices?.length ?? 0) >= 3)
      },
      90_000,
      'a communications alarm with devices',
    )
    await signIn(page, t.http, 'safety', 'safety-demo')

    const row = page.locator(`[data-testid=alarm-row][data-alarm="${comms.id}"]`)
    await row.waitFor({ timeout: 15_000 })
    const n = await eventually(async () => (await api<Alarm>(t, 'GET', `/api/v1/alarms/${comms.id}`)).body.devices?.length, 5_000, 'devices')
    await expect.poll(() => row.locator('[data-testid=alarm-row-devices]').innerText()).toMatch(/^\d+ 台设备$/)
    await row.click()

    const detail = page.locator(`[data-testid=alarm-detail][data-alarm="${comms.id}"]`)
    const silent = detail.locator('[data-testid=silent-devices]')
    await silent.waitFor()
    expect(await silent.innerText()).toContain('通信中断的设备')
    const shown = Number(await silent.getAttribute('data-count'))
    expect(shown).toBeGreaterThanOrEqual(Math.min(n, 3))
    expect(await silent.locator('[data-testid=silent-devices-count]').innerText()).toBe(`${shown} 台设备`)
    // Long lists scroll in a fixed box: only the rows in view are drawn.
    const drawn = await silent.locator('[data-testid=silent-device]').count()
    expect(drawn).toBeGreaterThan(0)
    expect(drawn).toBeLessThanOrEqual(Math.min(shown, 6 + 6 * 2))
    await screenshot(page, 'e2e-comms-detail')

    const first = silent.locator('[data-testid=silent-device]').first()
    const id = (await first.getAttribute('data-device'))!
    expect(comms.devices).toContain(id)
    await first.click()
    await expect.poll(() => page.locator('[data-testid=alarm-detail]').count()).toBe(0)
    await expect.poll(() => page.locator('.values').innerText()).toContain(id)
    await screenshot(page, 'e2e-comms-device')
    expect(pageErrors).toEqual([])
  }, 150_000)
})
