/**
 * The zone map, end to end: a real hub serving the built dashboard to headless Chromium. The
 * demo zone has no basemap (and the browser no network beyond the hub), so the map draws from
 * the zone file alone: every park placed by its WGS-84 outline, a label with its live level;
 * a gas alarm colours its park red on the canvas; one click opens the park's site plan. A zone
 * whose basemap is unreachable still draws its parks. Screenshots: test-results/e2e-map-*.png.
 */
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Browser, Page } from 'playwright-core'
import { parse, stringify } from 'yaml'
import { connectMqtt, startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }
import { DESK, ensureDashboardBuilt, launchBrowser, screenshot, signIn } from './browser.js'

const DEMO_ZONE = new URL('../../hub/zones/demo-zone.yaml', import.meta.url)

/** Pixels of the map's canvas that are the red of level 1 blended over the background (fill 35 %). */
function redPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    let n = 0
    for (const c of document.querySelectorAll<HTMLCanvasElement>('[data-testid=zone-map] canvas')) {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      for (let i = 0; i < d.length; i += 4) if (d[i]! > 140 && d[i + 1]! < 110 && d[i + 2]! < 110 && d[i + 3]! > 0) n++
    }
    return n
  })
}

describe('dashboard end to end: the zone map', () => {
  let t: TestHub
  let browser: Browser
  let page: Page
  let client: MqttClient | undefined
  const pageErrors: string[] = []

  beforeAll(async () => {
    await ensureDashboardBuilt()
    t = await startTestHub({ dashboard: true })
    browser = await launchBrowser()
    const ctx = await browser.newContext({ viewport: DESK, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    page = await ctx.newPage()
    page.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`))
  }, 120_000)
  afterAll(async () => {
    client?.end(true)
    await browser?.close()
    await t?.stop()
  })

  it('places every park from the zone file, colours a park by its live level and opens its plan in one click', async () => {
    await signIn(page, t.http, 'safety', 'safety-demo')
    await page.locator('nav a[href="#/map"]').click()
    const labels = page.locator('[data-testid=zone-map] [data-testid=zone-map-park]')
    await expect.poll(() => labels.count(), { timeout: 15_000 }).toBe(7)
    expect(await page.locator('[data-testid=zone-map-unplaced]').count()).toBe(0)
    const vtc = page.locator('[data-testid=zone-map] [data-testid=zone-map-park][data-park=vtc]')
    expect(await vtc.innerText()).toContain('钒钛化工园区')
    expect(await vtc.getAttribute('data-level')).toBe('')
    expect(await redPixels(page)).toBe(0)
    // Each label sits inside the map's box, none on top of another's centre.
    const boxes = await labels.evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x + r.width / 2, y: r.y + r.height / 2 })))
    const map = (await page.locator('[data-testid=zone-map]').boundingBox())!
    for (const b of boxes) {
      expect(b.x).toBeGreaterThan(map.x)
      expect(b.x).toBeLessThan(map.x + map.width)
      expect(b.y).toBeGreaterThan(map.y)
      expect(b.y).toBeLessThan(map.y + map.height)
    }
    await screenshot(page, 'e2e-map-01-zone')

    // A combustible gas reading past the level-1 set point (50 %LEL) in the vtc park.
    const device = 'vtc-ti01-gas-009'
    client = await connectMqtt(t.mqttUrl, { username: device, password: (credentials.devices as Record<string, string>)[device]! })
    await client.publishAsync(`parks/vtc/vtc-ti01/${device}/telemetry`, JSON.stringify({ values: { lel: 80 } }), { qos: 1 })
    await expect.poll(() => vtc.getAttribute('data-level'), { timeout: 15_000 }).toBe('1')
    await expect.poll(() => redPixels(page), { timeout: 5_000 }).toBeGreaterThan(50)
    await screenshot(page, 'e2e-map-02-alarm')

    await vtc.click()
    await page.waitForURL(/#\/command$/)
    await page.locator('[data-testid=park-tile][data-park=vtc][aria-pressed=true]').waitFor({ timeout: 10_000 })
    await page.locator('[data-testid=plan-device][data-device="vtc-ti01-gas-009"]').waitFor({ state: 'attached', timeout: 10_000 })
    expect(pageErrors).toEqual([])
  }, 90_000)
})

describe('dashboard end to end: the zone map with an unreachable basemap', () => {
  let t: TestHub
  let browser: Browser
  let dir: string

  beforeAll(async () => {
    await ensureDashboardBuilt()
    dir = await mkdtemp(join(tmpdir(), 'smartpark-map-'))
    const zone = parse(await readFile(DEMO_ZONE, 'utf8')) as Record<string, unknown>
    // Port 9 on loopback answers nothing: every tile fails, as on a park's network without Internet.
    zone.map = { ...(zone.map as object), basemap: { url: 'http://127.0.0.1:9/{z}/{x}/{y}.png', crs: 'gcj02' } }
    await writeFile(join(dir, 'zone.yaml'), stringify(zone))
    t = await startTestHub({ dashboard: true, env: { HUB_CONFIG: join(dir, 'zone.yaml') } })
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await t?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('still draws every park, and says which basemap it would use', async () => {
    const page = await (await browser.newContext({ viewport: DESK, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })).newPage()
    await signIn(page, t.http, 'safety', 'safety-demo')
    await page.goto(`${t.http}/#/map`)
    await expect.poll(() => page.locator('[data-testid=zone-map] [data-testid=zone-map-park]').count(), { timeout: 15_000 }).toBe(7)
    expect(await page.locator('.zone-map .bar').innerText()).toContain('GCJ-02')
    await screenshot(page, 'e2e-map-03-no-tiles')
  }, 60_000)
})
