/**
 * The bulk of a big park's site plan, end to end: a real hub with a zone whose biggest park has
 * hundreds of devices, in headless Chromium. Such a park draws its calm devices on a canvas that
 * a worker draws; the test reads the screen's pixels where the plan puts a device and where it
 * puts none, then hovers and clicks that device.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateZone } from '../../simulators/src/zone/zone-generator.js'
import type { Park, ZoneDevice as Device } from '../../hub/src/model/zone.js'
import { ADMIN_PASSWORD, startTestHub, type TestHub } from '../support/hub-harness.js'
import { DESK, ensureDashboardBuilt, LAPTOP, launchBrowser, screenshot, signIn } from './browser.js'

/** The colour of one pixel of the screen, from a 1 × 1 screenshot (PNG: one row, one filter byte). */
async function pixel(page: Page, x: number, y: number): Promise<[number, number, number]> {
  const png = await page.screenshot({ clip: { x: Math.round(x), y: Math.round(y), width: 1, height: 1 } })
  const chunks: Buffer[] = []
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at)
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') chunks.push(png.subarray(at + 8, at + 8 + length))
    at += 12 + length
  }
  // A single pixel's filter (none, sub, up, average, Paeth) predicts zero: its bytes are its colour.
  const row = inflateSync(Buffer.concat(chunks))
  return [row[1]!, row[2]!, row[3]!]
}

const distance = (a: [number, number, number], b: [number, number, number]): number => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))

describe('site plan of a big park: the bulk on a canvas drawn by a worker', () => {
  let dir: string
  let t: TestHub
  let browser: Browser
  let page: Page
  let park: Park
  /** A calm device of the park far from its neighbours, so a pointer over it finds it alone. */
  let loner: Device
  /** Another, never selected: only the canvas draws it. */
  let other: Device

  beforeAll(async () => {
    await ensureDashboardBuilt()
    const { zone } = generateZone({ devices: 1500, seed: 11 })
    park = zone.parks.map((p) => ({ p, n: zone.devices.filter((d) => d.park === p.id).length })).sort((a, b) => b.n - a.n)[0]!.p
    const devices = zone.devices.filter((d) => d.park === park.id)
    expect(devices.length).toBeGreaterThan(300)
    const gap = (d: Device): number => Math.min(...devices.filter((o) => o !== d).map((o) => Math.hypot(o.position!.x - d.position!.x, o.position!.y - d.position!.y)))
    ;[loner, other] = devices
      .map((d) => ({ d, g: gap(d) }))
      .sort((a, b) => b.g - a.g)
      .map(({ d }) => d) as [Device, Device]
    dir = await mkdtemp(join(tmpdir(), 'smartpark-bulk-'))
    await writeFile(join(dir, 'zone.json'), JSON.stringify(zone))
    t = await startTestHub({ dashboard: true, env: { HUB_CONFIG: join(dir, 'zone.json'), HUB_DEADMAN_INTERVALS: '1000' } })
    browser = await launchBrowser()
    const context = await browser.newContext({ viewport: DESK, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    // The pixel ratio of the last scene the page sent its bulk worker (the real postMessage, noted).
    await context.addInitScript(() => {
      const post = Worker.prototype.postMessage
      Worker.prototype.postMessage = function (this: Worker, ...args: Parameters<Worker['postMessage']>) {
        const scene = (args[0] as { scene?: { dpr: number } }).scene
        if (scene !== undefined) (window as unknown as { __sceneDpr: number }).__sceneDpr = scene.dpr
        return post.apply(this, args as Parameters<typeof post>)
      } as Worker['postMessage']
    })
    page = await context.newPage()
    await signIn(page, t.http, 'admin', ADMIN_PASSWORD)
  })

  afterAll(async () => {
    await browser?.close()
    await t?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  /** Where the plan puts a point of the site on the screen: the whole site with a 3 % margin, fitted to the box. */
  async function onScreen(x: number, y: number): Promise<{ x: number; y: number }> {
    const box = (await page.locator('.plan .box').boundingBox())!
    const m = Math.max(park.site.width, park.site.height) * 0.03
    const [vw, vh] = [park.site.width + 2 * m, park.site.height + 2 * m]
    const scale = Math.min(box.width / vw, box.height / vh)
    return { x: box.x + (box.width - vw * scale) / 2 + (x + m) * scale, y: box.y + (box.height - vh * scale) / 2 + (y + m) * scale }
  }

  it('draws each calm device where the plan puts it, and nothing where there is none', async () => {
    await page.locator(`[data-testid=park-tile][data-park=${park.id}]`).click()
    await page.locator('canvas.bulk').waitFor()
    // No device of the park is an element: none alarms.
    expect(await page.locator('[data-testid=plan-device]').count()).toBe(0)
    const background = await pixel(page, ...(Object.values(await onScreen(-park.site.width * 0.02, -park.site.height * 0.02)) as [number, number]))
    const at = await onScreen(loner.position!.x, loner.position!.y)
    await expect.poll(async () => distance(await pixel(page, at.x, at.y), background), { timeout: 10_000 }).toBeGreaterThan(40)
    await screenshot(page, 'e2e-bulk-canvas')
  })

  it('finds a device drawn in bulk under the pointer: its name, the hand, and a click selects it', async () => {
    const at = await onScreen(loner.position!.x, loner.position!.y)
    await page.mouse.move(at.x, at.y)
    await expect.poll(() => page.locator('.plan .tip').textContent()).toContain(loner.name)
    const cursor = await page.evaluate(([x, y]) => getComputedStyle(document.elementFromPoint(x!, y!)!).cursor, [at.x, at.y])
    expect(cursor).toBe('pointer')
    await page.mouse.click(at.x, at.y)
    await expect.poll(() => page.locator('.detail').first().textContent()).toContain(loner.id)
  })

  it("redraws the bulk in the light theme's colours when the theme changes", async () => {
    const at = await onScreen(other.position!.x, other.position!.y)
    const dark = await pixel(page, at.x, at.y)
    await page.locator('header button[aria-label=浅色]').click()
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light')
    // The mark takes the light theme's colour, as the plan under it does.
    await expect.poll(async () => distance(await pixel(page, at.x, at.y), dark), { timeout: 10_000 }).toBeGreaterThan(40)
    await screenshot(page, 'e2e-bulk-canvas-light')
    await page.locator('header button[aria-label=深色]').click()
    await expect.poll(async () => distance(await pixel(page, at.x, at.y), dark), { timeout: 10_000 }).toBeLessThan(8)
  })

  it("draws the bulk anew when the screen's pixel ratio changes (a browser zoom, another monitor)", async () => {
    const sceneDpr = (): Promise<number> => page.evaluate(() => (window as unknown as { __sceneDpr: number }).__sceneDpr)
    expect(await sceneDpr()).toBe(1)
    // A zoom to 125 %: 1.25 screen pixels to a CSS pixel, and a fifth fewer CSS pixels. The plan's
    // box shrinks less than would lay its drawing out anew (it is scaled to fit): only the pixel
    // ratio says to draw the bulk again.
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: DESK.width / 1.25, height: DESK.height / 1.25, deviceScaleFactor: 1.25, mobile: false })
    await expect.poll(sceneDpr).toBe(1.25)
    await cdp.send('Emulation.clearDeviceMetricsOverride')
    await expect.poll(sceneDpr).toBe(1)
    await cdp.detach()
  })

  it('sets the names for the band below in the frame that scales the plan, never drawn scaled first', async () => {
    // On a laptop's screen the names are at their smallest legible size already; the band
    // opening shrinks the plan, and they must grow in metres to stay that size on screen.
    await page.locator('[data-testid=detail-close]').click()
    await page.locator('.bottom.open').waitFor({ state: 'detached' })
    await page.setViewportSize(LAPTOP)
    const textPx = (): Promise<number> => page.evaluate(() => {
      const label = document.querySelector('.plan .scale-label') as SVGTextElement
      return Number(label.getAttribute('font-size')) * label.getScreenCTM()!.a
    })
    // Settled at the new size: the same twice running.
    let before = NaN
    await expect.poll(async () => {
      const now = await textPx()
      const same = now === before
      before = now
      return same
    }).toBe(true)
    // The scale bar's label, frame by frame from before the click: its size on screen is what it
    // was before the band opened or what it is after, nothing between.
    await page.evaluate(() => {
      const w = window as unknown as { __textPx: { px: number; scale: number }[] }
      w.__textPx = []
      let frames = 90
      requestAnimationFrame(function sample() {
        const label = document.querySelector('.plan .scale-label') as SVGTextElement
        const scale = label.getScreenCTM()!.a
        w.__textPx.push({ px: Number(label.getAttribute('font-size')) * scale, scale })
        if (--frames > 0) requestAnimationFrame(sample)
      })
    })
    await page.mouse.move(0, 0)
    const at = await onScreen(loner.position!.x, loner.position!.y)
    await page.mouse.click(at.x, at.y)
    await page.locator('.bottom.open').waitFor()
    await expect.poll(() => page.evaluate(() => (window as unknown as { __textPx: unknown[] }).__textPx.length), { timeout: 10_000 }).toBe(90)
    const samples = await page.evaluate(() => (window as unknown as { __textPx: { px: number; scale: number }[] }).__textPx)
    const [first, last] = [samples[0]!, samples.at(-1)!]
    expect(last.scale / first.scale, 'the plan scaled as the band opened').toBeLessThan(0.95)
    expect(Math.abs(last.px - first.px), 'the names kept their size on screen').toBeLessThan(0.05)
    expect(samples.filter((s) => Math.abs(s.px - first.px) > 0.05).map((s) => s.px.toFixed(2))).toEqual([])
    await page.setViewportSize(DESK)
  })

  it('groups crowded areas at low zoom with their count, opens a group into its devices by a click, and groups again at "fit"', async () => {
    await page.locator('[data-testid=detail-close]').click().catch(() => undefined)
    await page.locator('[data-testid=plan-zoom-fit]').click()
    const groups = page.locator('[data-testid=plan-group]')
    await expect.poll(() => groups.count(), { timeout: 10_000 }).toBeGreaterThan(0)
    const counts = await groups.evaluateAll((gs) => gs.map((g) => ({ area: g.getAttribute('data-area')!, n: Number(g.getAttribute('data-count')) })))
    const inPark = new Map<string, number>()
    for (const d of (await import('../../simulators/src/zone/zone-generator.js')).generateZone({ devices: 1500, seed: 11 }).zone.devices) if (d.park === park.id && d.area) inPark.set(d.area, (inPark.get(d.area) ?? 0) + 1)
    // A group holds the calm devices of its area: never more than the area has.
    for (const c of counts) expect(c.n).toBeLessThanOrEqual(inPark.get(c.area)!)
    await screenshot(page, 'e2e-bulk-groups')
    const first = counts[0]!
    await groups.first().click()
    await expect.poll(async () => Number((await page.locator('[data-testid=plan-zoom]').innerText()).replace('×', ''))).toBeGreaterThan(2)
    // Zoomed in to it, that area is no longer one mark.
    await expect.poll(() => page.locator(`[data-testid=plan-group][data-area="${first.area}"]`).count(), { timeout: 10_000 }).toBe(0)
    await screenshot(page, 'e2e-bulk-group-opened')
    await page.locator('[data-testid=plan-zoom-fit]').click()
    await expect.poll(() => page.locator(`[data-testid=plan-group][data-area="${first.area}"]`).count()).toBe(1)
  })
})
