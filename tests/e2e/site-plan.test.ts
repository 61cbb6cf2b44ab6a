/**
 * The site plan, end to end: an admin uploads the park's own drawing from the plan's controls
 * and sets its scale; the drawing is drawn under the plan; the plan zooms (buttons, wheel,
 * keyboard) and pans (drag) without selecting anything by the drag, and "fit" brings the whole
 * site back. A detector provisioned without a position is listed as unplaced and placed by
 * dragging it onto the plan (kept by the hub, audited). Screenshots: test-results/e2e-plan-*.png.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Resvg } from '@resvg/resvg-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { PlanInfo } from '../../hub/src/model/plan.js'
import type { Device } from '../../hub/src/model/device.js'
import { ADMIN_PASSWORD, api, startTestHub, type TestHub } from '../support/hub-harness.js'
import { DESK, ensureDashboardBuilt, launchBrowser, screenshot, signIn } from './browser.js'

/** A drawing like a CAD export: a grid of roads and blocks, 1,250 × 900 px at 0.8 m a pixel. */
function drawing(): Buffer {
  const blocks: string[] = []
  for (let x = 60; x < 1200; x += 220) for (let y = 60; y < 860; y += 200) blocks.push(`<rect x="${x}" y="${y}" width="160" height="140" fill="#d9d4c7" stroke="#8a8577" stroke-width="3"/>`)
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1250" height="900"><rect width="1250" height="900" fill="#efece4"/>${blocks.join('')}<path d="M0 40H1250M0 240H1250M0 440H1250M0 640H1250M40 0V900M260 0V900M480 0V900M700 0V900M920 0V900" stroke="#fff" stroke-width="14"/></svg>`
  return Buffer.from(new Resvg(svg).render().asPng())
}

describe('dashboard end to end: the site plan with the park\'s drawing, zoom and pan', () => {
  let t: TestHub
  let browser: Browser
  let page: Page
  let dir: string
  const pageErrors: string[] = []
  const planSvg = '.centre .plan[data-park="vtc"] svg[role=img]'
  const viewBox = async (): Promise<number[]> => (await page.locator(planSvg).first().getAttribute('viewBox'))!.split(' ').map(Number)

  beforeAll(async () => {
    await ensureDashboardBuilt()
    dir = await mkdtemp(join(tmpdir(), 'smartpark-plan-'))
    t = await startTestHub({ dashboard: true })
    browser = await launchBrowser()
    page = await (await browser.newContext({ viewport: DESK, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })).newPage()
    page.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`))
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await t?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('uploads the drawing, sets its scale, and draws it under the plan', async () => {
    await signIn(page, t.http, 'admin', ADMIN_PASSWORD)
    await page.locator('[data-testid=park-tile][data-park=vtc]').click()
    await page.locator(planSvg).first().waitFor()
    await page.locator('[data-testid=plan-drawing-open]').click()
    const file = join(dir, 'vtc-plan.png')
    await writeFile(file, drawing())
    await page.locator('[data-testid=plan-drawing-file]').setInputFiles(file)
    const image = page.locator('[data-testid=plan-drawing]')
    await image.waitFor({ state: 'attached', timeout: 10_000 })
    expect(await image.getAttribute('href')).toMatch(/^blob:/)
    await page.locator('[data-testid=plan-drawing-scale]').fill('0.8')
    await page.locator('[data-testid=plan-drawing-place]').click()
    await expect.poll(async () => (await api<PlanInfo>(t, 'GET', '/api/v1/parks/vtc/plan')).body.placement?.metresPerPixel).toBe(0.8)
    await expect.poll(() => image.getAttribute('width')).toBe(String(1250 * 0.8))
    await page.locator('[data-testid=plan-drawing-open]').click()
    await screenshot(page, 'e2e-plan-01-drawing')
  })

  it('zooms with the buttons, the wheel and the keyboard, pans by a drag that selects nothing, and fits again', async () => {
    const whole = await viewBox()
    await page.locator('[data-testid=plan-zoom-in]').click()
    await expect.poll(() => page.locator('[data-testid=plan-zoom]').innerText()).toBe('1.5×')
    // The layers scale at once; the plan is laid out for the new view once the zoom settles.
    await expect.poll(async () => Math.abs((await viewBox())[2]! - whole[2]! / 1.5)).toBeLessThan(0.1)

    const box = (await page.locator('.centre .plan[data-park="vtc"] .box').first().boundingBox())!
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4)
    await page.mouse.wheel(0, -100)
    await expect.poll(async () => (await viewBox())[2]).toBeLessThan(whole[2]! / 1.5 - 1)

    const before = await viewBox()
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 60, { steps: 6 })
    await page.mouse.up()
    const after = await viewBox()
    expect(after[0]).toBeLessThan(before[0]!)
    expect(after[1]).toBeLessThan(before[1]!)
    expect(after[2]).toBeCloseTo(before[2]!, 5)
    expect(await page.locator('[data-testid=detail-close]').count()).toBe(0)
    await screenshot(page, 'e2e-plan-02-zoomed')

    await page.locator('.centre .plan[data-park="vtc"] .box').first().focus()
    await page.keyboard.press('0')
    await expect.poll(() => page.locator('[data-testid=plan-zoom]').innerText()).toBe('1.0×')
    expect(await viewBox()).toEqual(whole)
    await page.keyboard.press('+')
    await expect.poll(() => page.locator('[data-testid=plan-zoom]').innerText()).not.toBe('1.0×')
    await page.locator('[data-testid=plan-zoom-fit]').click()
    expect(await viewBox()).toEqual(whole)
    expect(pageErrors).toEqual([])
  })

  it('lists a detector provisioned without a position as unplaced; dragged onto the plan it is placed there', async () => {
    const template = (await api<{ devices: Device[] }>(t, 'GET', '/api/v1/devices?park=vtc&kind=gas&limit=1')).body.devices[0]!
    const { id: _id, position: _p, ...rest } = template as Device & { online?: boolean; lastSeen?: number | null }
    delete (rest as { online?: boolean }).online
    delete (rest as { lastSeen?: number | null }).lastSeen
    const made = await api<{ device: Device }>(t, 'POST', '/api/v1/devices', { ...rest, id: 'vtc-new-gas-001', name: '新装可燃气体探测器', nameEn: 'New combustible gas detector' })
    expect(made.status).toBe(201)
    expect(made.body.device.position).toBeUndefined()
    await page.reload()
    await page.locator('[data-testid=connection][data-state=live]').waitFor({ timeout: 15_000 })
    await page.locator('[data-testid=park-tile][data-park=vtc]').click()
    const row = page.locator('[data-testid=unplaced-device][data-device="vtc-new-gas-001"]')
    await row.waitFor({ timeout: 10_000 })
    expect(await page.locator('[data-testid=plan-device][data-device="vtc-new-gas-001"]').count()).toBe(0)
    await screenshot(page, 'e2e-plan-03-unplaced')

    const box = page.locator('.centre .plan[data-park="vtc"] .box').first()
    const b = (await box.boundingBox())!
    await row.dragTo(box, { targetPosition: { x: b.width * 0.5, y: b.height * 0.45 } })
    await page.locator('[data-testid=plan-device][data-device="vtc-new-gas-001"]').waitFor({ state: 'attached', timeout: 10_000 })
    expect(await page.locator('[data-testid=unplaced-devices]').count()).toBe(0)
    const placed = (await api<Device>(t, 'GET', '/api/v1/devices?park=vtc&limit=500')).body as unknown as { devices: Device[] }
    const p = placed.devices.find((d) => d.id === 'vtc-new-gas-001')!.position!
    const site = (await api<{ parks: { id: string; site: { width: number; height: number } }[] }>(t, 'GET', '/api/v1/zone')).body.parks.find((x) => x.id === 'vtc')!.site
    expect(p.x).toBeGreaterThan(0)
    expect(p.x).toBeLessThan(site.width)
    expect(p.y).toBeGreaterThan(0)
    expect(p.y).toBeLessThan(site.height)
    const audit = (await api<{ entries: { action: string; target?: string; detail?: string }[] }>(t, 'GET', '/api/v1/audit?action=device.position')).body.entries
    expect(audit[0]).toMatchObject({ action: 'device.position', target: 'vtc-new-gas-001' })
    expect(audit[0]!.detail).toMatch(/^unplaced → \(/)
    await screenshot(page, 'e2e-plan-04-placed')
    expect(pageErrors).toEqual([])
  })
})
