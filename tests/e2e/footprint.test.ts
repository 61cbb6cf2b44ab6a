/**
 * A chlorine release in the vtc park seen on the command screen: a real hub (real MQTT, real
 * InfluxDB) serving this test's own build of the dashboard to Debian's Chromium. Before the
 * park's weather station has spoken, the plan's panel says why no footprint is drawn; once the
 * wind comes, the site plan shows the estimated footprint downwind of the workshop (contours
 * at AEGL-1/2/3, the dashed uncertainty band, the source), the panel the dense-gas caveat, the
 * buildings and enterprises inside and the upwind assembly points; it turns when the wind does.
 * The incident's stage shows the same over its area's plan. Screenshots: test-results/e2e-footprint-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Browser, Page } from 'playwright-core'
import type { ParkFootprint } from '../../hub/src/model/footprint.js'
import { api, connectMqtt, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import { deviceSecret } from '../support/notify-zone.js'
import { launchBrowser, screenshot, signIn } from './browser.js'
import { buildDashboard, deskPage, screenshotOnFailure } from './own-build.js'

describe('hazard footprint on the site plan', () => {
  let t: TestHub
  let browser: Browser
  let page: Page
  let build: Awaited<ReturnType<typeof buildDashboard>> | undefined
  const clients: MqttClient[] = []
  const pageErrors: string[] = []

  async function publish(device: string, values: Record<string, number>): Promise<void> {
    const mq = await connectMqtt(t.mqttUrl, { username: device, password: await deviceSecret(device) })
    clients.push(mq)
    await mq.publishAsync(`parks/vtc/vtc-ti01/${device}/telemetry`, JSON.stringify({ ts: Date.now(), values }), { qos: 1 })
  }

  beforeAll(async () => {
    build = await buildDashboard('smartpark-e2e-footprint-')
    t = await startTestHub({ dashboard: build.dist })
    browser = await launchBrowser()
    page = await deskPage(browser, pageErrors)
  }, 180_000)
  afterAll(async () => {
    for (const c of clients) c.end(true)
    await browser?.close()
    await t?.stop()
    await build?.remove()
  })
  screenshotOnFailure(() => page, 'e2e-footprint-failed')

  it('with a chlorine alarm and no wind yet, the panel says why nothing is drawn', async () => {
    // 30 mg/m³ at the workshop's west detector (2 × OEL = 2: red), 1.5 and 0 at two more.
    await publish('vtc-ti01-gas-002', { cl2: 30 })
    await publish('vtc-ti01-gas-001', { cl2: 1.5 })
    await publish('vtc-ti01-gas-003', { cl2: 0 })
    await eventually(async () => (await api<ParkFootprint>(t, 'GET', '/api/v1/parks/vtc/footprint')).body.reason === 'no_weather_reading', 10_000, 'the alarm seen by the hub')
    await signIn(page, t.http, 'safety', 'safety-demo')
    await page.locator('[data-testid=park-tile][data-park=vtc]').click()
    const reason = page.locator('[data-testid=footprint-panel][data-state=none] [data-testid=footprint-reason]').first()
    await reason.waitFor({ timeout: 20_000 })
    expect(await reason.getAttribute('data-reason')).toBe('no_weather_reading')
    expect(await reason.innerText()).toContain('气象站尚无风速风向数据')
    expect(await page.locator('[data-testid=footprint-contour]').count()).toBe(0)
    await screenshot(page, 'e2e-footprint-01-no-wind')
  }, 90_000)

  it('with wind from the west, the footprint runs east over the workshop with its band, and the panel lists what is inside', async () => {
    await publish('vtc-weather-001', { wind_speed: 2, wind_dir: 270, air_temp: 24, stability: 4 })
    const panel = page.locator('[data-testid=footprint-panel][data-state=estimate]').first()
    await panel.waitFor({ timeout: 20_000 })
    // Three levels, the outer dashed band (AEGL-1's), and the source's mark.
    await expect.poll(() => page.locator('[data-testid=footprint-contour]').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3)
    expect(await page.locator('[data-testid=footprint-band][data-level="1"]').count()).toBe(1)
    expect(await page.locator('[data-testid=footprint-source]').count()).toBeGreaterThanOrEqual(1)
    // The AEGL-1 outline lies east (downwind) of the source on screen.
    const box = await page.locator('[data-testid=footprint-contour][data-level="1"]').first().boundingBox()
    const src = await page.locator('[data-testid=footprint-source] circle').first().boundingBox()
    expect(box!.x + box!.width).toBeGreaterThan(src!.x + src!.width * 2)
    const text = await panel.innerText()
    expect(text).toContain('估算')
    expect(text).toContain('西风 2.0 m/s')
    expect(await panel.locator('[data-testid=footprint-caveat][data-caveat=dense_gas]').count()).toBe(1)
    expect(await panel.locator('[data-testid=footprint-places] [data-place="vtc-ti01-chl"]').count()).toBe(1)
    const muster = panel.locator('[data-testid=footprint-muster] li').first()
    expect(await muster.getAttribute('data-state')).toBe('safe')
    await screenshot(page, 'e2e-footprint-02-west-wind')
    // The incident's stage (the chlorine alarm opened one) shows its area's plan, with the footprint over it.
    await page.locator('.incident-bar').click()
    await page.locator('[data-testid=incident-stage] [data-testid=footprint-contour]').first().waitFor({ timeout: 15_000 })
    expect(await page.locator('[data-testid=incident-stage] [data-testid=footprint-label]').count()).toBeGreaterThanOrEqual(1)
    await screenshot(page, 'e2e-footprint-03-incident-stage')
    expect(pageErrors).toEqual([])
  }, 90_000)

  it('turns when the wind does', async () => {
    const before = await page.locator('[data-testid=footprint-contour][data-level="1"]').first().getAttribute('d')
    await publish('vtc-weather-001', { wind_speed: 3, wind_dir: 0, air_temp: 24, stability: 4 })
    await expect.poll(() => page.locator('[data-testid=footprint-panel]').first().innerText(), { timeout: 15_000 }).toContain('北风 3.0 m/s')
    expect(await page.locator('[data-testid=footprint-contour][data-level="1"]').first().getAttribute('d')).not.toBe(before)
    await screenshot(page, 'e2e-footprint-04-north-wind')
    // In English too.
    await page.locator('button[lang=en]', { hasText: 'English' }).first().click()
    const panel = page.locator('[data-testid=footprint-panel]').first()
    await expect.poll(() => panel.innerText(), { timeout: 5000 }).toContain('Wind from N 3.0 m/s')
    expect(await panel.innerText()).toContain('Gas hazard footprint')
    expect(await panel.locator('[data-testid=footprint-caveat][data-caveat=dense_gas]').innerText()).toContain('heavier than air')
    await screenshot(page, 'e2e-footprint-05-english')
    expect(pageErrors).toEqual([])
  }, 60_000)
})
