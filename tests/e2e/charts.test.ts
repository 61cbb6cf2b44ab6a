/**
 * The trend chart end to end (uPlot, canvas): a real hub serving the built dashboard to
 * headless Chromium, a detector's last hour published over MQTT with its own timestamps and a
 * ten-minute hole in it. The zone's time zone is Asia/Kolkata (UTC+5:30) and the browser's
 * America/New_York, so an axis in either of those or in UTC+8 is caught: every tick must read
 * as a round time in Kolkata within the range shown. The tooltip gives value, unit and time;
 * a drag zooms in, a double-click and the reset button zoom out; the hole stays a hole on the
 * canvas (read back pixel by pixel), a lone reading in it a dot. Screenshots in
 * test-results/e2e-charts-*.png.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Browser, Page } from 'playwright-core'
import { parse } from 'yaml'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }
import { DEFAULT_ZONE_FILE } from '../../hub/src/config/settings.js'
import { localInstant } from '../../dashboard/src/lib/local-date.js'
import { api, connectMqtt, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import { DESK, ensureDashboardBuilt, launchBrowser, screenshot, selectPlanDevice, signIn } from './browser.js'

const TZ = 'Asia/Kolkata'
const DEVICE = 'vtc-ti01-gas-011' // boiler-house combustible gas detector, %LEL
const MIN = 60_000
const STEP = 15_000 // the 1-hour trend's bucket (chart.ts RANGE_SPEC)
const secret = (id: string): string => (credentials.devices as Record<string, string>)[id]!

/** Readings every 15 s over the last 65 minutes, none from 30 to 20 minutes ago but one lone reading 25 minutes ago. */
function readings(now: number): { ts: number; values: { lel: number } }[] {
  const out: { ts: number; values: { lel: number } }[] = []
  const start = Math.floor((now - 65 * MIN) / STEP) * STEP
  for (let ts = start; ts < now - STEP; ts += STEP) {
    const ago = now - ts
    const lone = ago <= 25 * MIN && ago > 25 * MIN - STEP
    if (ago < 30 * MIN && ago > 20 * MIN && !lone) continue
    out.push({ ts: ts + 5_000, values: { lel: Math.round((6 + 2 * Math.sin(ts / 300_000)) * 100) / 100 } })
  }
  return out
}

/** Wall-clock "HH:MM" of a tick label (with or without its date) as an instant in Kolkata on the day of `near`. */
function kolkataInstant(label: string, near: number): number {
  const [hh, mm] = label.slice(0, 5).split(':').map(Number) as [number, number]
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(near).split('-').map(Number) as [number, number, number]
  const candidates = [-1, 0, 1].map((d) => localInstant(day[0], day[1], day[2] + d, 0, TZ) + (hh * 60 + mm) * MIN)
  return candidates.sort((a, b) => Math.abs(a - near) - Math.abs(b - near))[0]!
}

describe('charts end to end: tooltip, zoom, gaps and the zone’s time axis', () => {
  let t: TestHub
  let dir: string
  let browser: Browser
  let page: Page
  const clients: MqttClient[] = []
  const pageErrors: string[] = []
  const now = Date.now()
  const items = readings(now)
  const lone = items.find((r) => now - r.ts < 30 * MIN && now - r.ts > 20 * MIN)!

  beforeAll(async () => {
    await ensureDashboardBuilt()
    const zone = parse(await readFile(DEFAULT_ZONE_FILE, 'utf8')) as Record<string, unknown>
    zone.timezone = TZ
    dir = await mkdtemp(join(tmpdir(), 'smartpark-charts-'))
    await writeFile(join(dir, 'zone.json'), JSON.stringify(zone))
    t = await startTestHub({ dashboard: true, env: { HUB_CONFIG: join(dir, 'zone.json'), HUB_DEADMAN_INTERVALS: '1000' } })
    const c = await connectMqtt(t.mqttUrl, { username: DEVICE, password: secret(DEVICE), clientId: `${DEVICE}-history` })
    clients.push(c)
    for (let i = 0; i < items.length; i += 100) await c.publishAsync(`parks/vtc/vtc-ti01/${DEVICE}/telemetry`, JSON.stringify(items.slice(i, i + 100)), { qos: 1 })
    await eventually(async () => {
      const r = await api<{ points: [number, number | null][] }>(t, 'GET', `/api/v1/devices/${DEVICE}/series?metric=lel&from=${now - 3_600_000}&to=${now}&every=15s`)
      return r.status === 200 && r.body.points.filter((p) => p[1] !== null).length >= items.length - 30
    }, 30_000, 'the detector’s hour in the series API')
    browser = await launchBrowser()
    const context = await browser.newContext({ viewport: DESK, locale: 'zh-CN', timezoneId: 'America/New_York' })
    page = await context.newPage()
    page.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`))
  }, 120_000)

  afterAll(async () => {
    for (const c of clients) c.end(true)
    await browser?.close()
    await t?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(async () => {
      if (page && !page.isClosed()) await screenshot(page, `e2e-charts-${task.name.slice(0, 2)}-failed`).catch(() => undefined)
    })
  })

  const trend = () => page.locator('[data-testid=trend-chart]')
  const box = () => trend().locator('.uplot-box')
  const over = () => trend().locator('.u-over')
  const range = async (): Promise<[number, number]> => [Number(await box().getAttribute('data-x-min')), Number(await box().getAttribute('data-x-max'))]
  const ticks = async (): Promise<string[]> => ((await trend().locator('.uplot').getAttribute('data-x-ticks')) ?? '').split('|').filter(Boolean)

  /** Whether the canvas has a pixel of the trend's line (light grey on the dark theme, near black on the light) in the plot's column at instant `ts`. */
  async function lineAt(ts: number, theme: 'dark' | 'light' = 'dark'): Promise<boolean> {
    const [min, max] = await range()
    return trend().evaluate((el, [ts, min, max, light]) => {
      const canvas = el.querySelector('canvas')!
      const plot = el.querySelector('.u-over')!.getBoundingClientRect()
      const c = canvas.getBoundingClientRect()
      const k = canvas.width / c.width
      const x = Math.round((plot.left - c.left + ((ts - min) / (max - min)) * plot.width) * k)
      const [y0, h] = [Math.round((plot.top - c.top) * k), Math.round(plot.height * k)]
      const px = canvas.getContext('2d')!.getImageData(x - 1, y0, 3, h).data
      for (let i = 0; i < px.length; i += 4) {
        const [r, g, b, a] = [px[i]!, px[i + 1]!, px[i + 2]!, px[i + 3]!]
        if (a > 128 && Math.abs(r - b) < 40 && (light ? Math.max(r, g, b) < 90 : Math.min(r, g, b) > 150)) return true
      }
      return false
    }, [ts, min, max, theme === 'light'] as const)
  }

  it('01 the trend: ticks on round times of the zone (Kolkata), not of the browser or UTC+8; the tooltip gives time, value and unit', async () => {
    await signIn(page, t.http, 'safety', 'safety-demo')
    await selectPlanDevice(page, DEVICE)
    await expect.poll(async () => Number(await trend().getAttribute('data-points')), { timeout: 15_000 }).toBeGreaterThan(150)
    await expect.poll(async () => (await ticks()).length).toBeGreaterThanOrEqual(3)
    const [min, max] = await range()
    expect(max - min).toBeGreaterThan(59 * MIN)
    const labels = await ticks()
    const instants = labels.map((l) => kolkataInstant(l, (min + max) / 2))
    for (const [i, ts] of instants.entries()) {
      expect(ts, `tick ${labels[i]} read in ${TZ}`).toBeGreaterThanOrEqual(min - 1000)
      expect(ts, `tick ${labels[i]} read in ${TZ}`).toBeLessThanOrEqual(max + 1000)
    }
    // Ticks at whole steps of the zone's clock: the step between them divides the day from Kolkata's midnight
    // (the nearest one, the next day's in the afternoon: a remainder of -0 then, which is 0).
    const step = instants[1]! - instants[0]!
    for (const ts of instants) expect(Math.abs((ts - kolkataInstant('00:00', ts)) % step)).toBe(0)
    // The first tick carries the date too.
    expect(labels[0]).toMatch(/^\d{2}:\d{2} \d{2}\/\d{2}$/)

    // The tooltip over a reading 45 minutes ago: that time in Kolkata (GMT+5:30), the value, %LEL.
    const box45 = await over().boundingBox()
    const at = now - 45 * MIN
    await page.mouse.move(box45!.x + ((at - min) / (max - min)) * box45!.width, box45!.y + box45!.height / 2)
    const tip = trend().locator('[data-testid=chart-tooltip]')
    await tip.waitFor()
    const text = await tip.innerText()
    expect(text).toMatch(/GMT\+5:30/)
    expect(text).toMatch(/[\d.]+ %LEL/)
    const hm = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    const shownAt = /(\d{2}:\d{2}):\d{2}/.exec(text)![1]!
    expect([hm.format(at - MIN), hm.format(at), hm.format(at + MIN)]).toContain(shownAt)
    await screenshot(page, 'e2e-charts-01-tooltip')
    expect(pageErrors).toEqual([])
  }, 60_000)

  it('02 the hole of ten minutes is drawn as a hole, the lone reading in it as a dot', async () => {
    await page.mouse.move(5, 5)
    await expect.poll(() => lineAt(now - 45 * MIN)).toBe(true)
    expect(await lineAt(now - 28 * MIN)).toBe(false)
    expect(await lineAt(now - 22 * MIN)).toBe(false)
    // The series API gives each 15-s bucket at its start: the lone reading 5 s into its bucket.
    expect(await lineAt(lone.ts - 5_000)).toBe(true)
    expect(await lineAt(now - 10 * MIN)).toBe(true)
  })

  it('03 a drag across the plot zooms in; a double-click, and the reset button, show the whole hour again', async () => {
    const [min, max] = await range()
    const b = (await over().boundingBox())!
    await page.mouse.move(b.x + b.width * 0.3, b.y + b.height / 2)
    await page.mouse.down()
    await page.mouse.move(b.x + b.width * 0.45, b.y + b.height / 2, { steps: 5 })
    await page.mouse.move(b.x + b.width * 0.6, b.y + b.height / 2, { steps: 5 })
    await page.mouse.up()
    await expect.poll(() => box().getAttribute('data-zoomed')).toBe('true')
    const [zMin, zMax] = await range()
    expect(zMin).toBeGreaterThan(min + (max - min) * 0.25)
    expect(zMax).toBeLessThan(min + (max - min) * 0.65)
    // The ticks follow the zoom: closer together, still in the zone's time.
    for (const l of await ticks()) expect(kolkataInstant(l, (zMin + zMax) / 2)).toBeGreaterThanOrEqual(zMin - 1000)
    await page.locator('[data-testid=chart-reset]').waitFor()
    await screenshot(page, 'e2e-charts-03-zoomed')
    // Live values keep arriving (the clock moves the range each second): the zoom stays.
    await page.waitForTimeout(1500)
    expect(await box().getAttribute('data-zoomed')).toBe('true')

    await page.mouse.dblclick(b.x + b.width * 0.5, b.y + b.height / 2)
    await expect.poll(() => box().getAttribute('data-zoomed')).toBe('false')
    expect((await range())[1] - (await range())[0]).toBeGreaterThan(59 * MIN)
    expect(await page.locator('[data-testid=chart-reset]').count()).toBe(0)

    await page.mouse.move(b.x + b.width * 0.5, b.y + b.height / 2)
    await page.mouse.down()
    await page.mouse.move(b.x + b.width * 0.8, b.y + b.height / 2, { steps: 8 })
    await page.mouse.up()
    await expect.poll(() => box().getAttribute('data-zoomed')).toBe('true')
    await page.locator('[data-testid=chart-reset]').click()
    await expect.poll(() => box().getAttribute('data-zoomed')).toBe('false')
    expect(pageErrors).toEqual([])
  })

  it('04 over 24 hours the ticks fall on Kolkata’s whole hours (":30" on a UTC+8 clock); the light theme redraws the chart in its tokens', async () => {
    await page.locator('[role=group][aria-label=时间范围] button', { hasText: '24 小时' }).click()
    await expect.poll(async () => { const [a, b] = await range(); return b - a }).toBeGreaterThan(23 * 60 * MIN)
    const labels = await ticks()
    expect(labels.length).toBeGreaterThanOrEqual(3)
    for (const l of labels) expect(l.slice(2, 5)).toBe(':00')
    await screenshot(page, 'e2e-charts-04-24h')
    await page.locator('header button[aria-label=浅色]').click()
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light')
    await page.locator('[role=group][aria-label=时间范围] button', { hasText: '1 小时' }).click()
    await expect.poll(async () => { const [a, b] = await range(); return b - a }).toBeLessThan(2 * 60 * MIN)
    await page.mouse.move(5, 5)
    await expect.poll(() => lineAt(now - 45 * MIN, 'light')).toBe(true)
    // And back, without anything else changing: the chart is drawn anew in the dark theme's line colour.
    await page.locator('header button[aria-label=深色]').click()
    await expect.poll(() => lineAt(now - 45 * MIN, 'dark')).toBe(true)
    await page.locator('header button[aria-label=浅色]').click()
    await expect.poll(() => lineAt(now - 45 * MIN, 'light')).toBe(true)
    await screenshot(page, 'e2e-charts-04-light')
    expect(pageErrors).toEqual([])
  })

  it('05 the alarm KPI page: alarms per bucket as bars, the flood line, a tooltip with the bucket and the count', async () => {
    await page.locator('header button[aria-label=深色]').click()
    const c = clients[0]!
    await c.publishAsync(`parks/vtc/vtc-ti01/${DEVICE}/telemetry`, JSON.stringify({ values: { lel: 60 } }), { qos: 1 })
    await page.locator(`[data-testid=alarm-row][data-device="${DEVICE}"]`).first().waitFor({ timeout: 15_000 })
    await page.locator('nav a[href="#/kpi"]').click()
    const chart = page.locator('[data-testid=bar-chart]')
    await chart.locator('canvas').first().waitFor()
    const bars = chart.locator('[data-testid=bar]')
    await expect.poll(() => chart.locator('[data-testid=bar]:not([data-value="0"])').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(1)
    const n = await bars.count()
    const values = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))))
    const i = values.findIndex((v) => v > 0)
    const [xMin, xMax] = [Number(await chart.locator('.uplot-box').getAttribute('data-x-min')), Number(await chart.locator('.uplot-box').getAttribute('data-x-max'))]
    expect([xMin, xMax]).toEqual([-0.5, n - 0.5])
    const plot = (await chart.locator('.u-over').boundingBox())!
    await page.mouse.move(plot.x + ((i - xMin) / (xMax - xMin)) * plot.width, plot.y + plot.height - 3)
    const tip = chart.locator('[data-testid=chart-tooltip]')
    await tip.waitFor()
    const text = await bars.nth(i).innerText()
    const label = text.slice(0, text.lastIndexOf(': '))
    expect(await tip.innerText()).toBe(`${label}\n${values[i]}`)
    await screenshot(page, 'e2e-charts-05-kpi')
    expect(pageErrors).toEqual([])
  })
})
