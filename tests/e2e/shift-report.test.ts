/**
 * The shift handover report end to end: a real hub (real MQTT, real InfluxDB) serving this
 * test's own build of the dashboard to Debian's Chromium. A gas alarm in the vtc park; the
 * outgoing safety officer drafts the report of the shift and writes the handover text; the
 * incoming officer (another user) signs it; the report printed to PDF by Chromium (A4, the
 * print stylesheet) is a PDF of at least one page naming the park. Screenshots go to
 * test-results/e2e-report-*.png, the PDF to test-results/e2e-report.pdf.
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { ShiftReport } from '../../hub/src/model/report.js'
import { api, connectMqtt, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import { deviceSecret } from '../support/notify-zone.js'
import { auditLanguage, DESK, launchBrowser, screenshot, signIn } from './browser.js'
import { pdfFacts, pdfHasText } from './pdf-text.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url))
const device = 'vtc-ti01-gas-009' // combustible, %LEL, park vtc (钒钛化工园区)
const PARK_NAME = '钒钛化工园区'
const NOTE = '1号罐区可燃气体报警已确认，现场已排查，待复位。'

describe('shift handover report: drafted, written, signed by the incoming officer, printed to PDF', () => {
  let t: TestHub
  let browser: Browser
  let outgoing: BrowserContext
  let incoming: BrowserContext
  let page: Page
  let mq: MqttClient
  let build: string
  let reportId = ''
  const pageErrors: string[] = []

  beforeAll(async () => {
    // This test's own build of the dashboard, so it tries the code as it is (dashboard/dist may be older).
    build = await mkdtemp(join(tmpdir(), 'smartpark-e2e-report-'))
    const r = spawnSync('npx', ['vite', 'build', '--config', 'dashboard/vite.config.ts', '--logLevel', 'warn', '--outDir', join(build, 'dist'), '--emptyOutDir'], { cwd: ROOT, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`dashboard build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`)
    t = await startTestHub({ dashboard: join(build, 'dist') })
    mq = await connectMqtt(t.mqttUrl, { username: device, password: await deviceSecret(device) })
    await mq.publishAsync(`parks/vtc/vtc-ti01/${device}/telemetry`, JSON.stringify({ values: { lel: 35 } }), { qos: 1 })
    await eventually(async () => (await api<{ alarms: Alarm[] }>(t, 'GET', `/api/v1/alarms?state=open&device=${device}`)).body.alarms[0], 10_000, 'the gas alarm')
    browser = await launchBrowser()
    outgoing = await browser.newContext({ viewport: DESK, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    incoming = await browser.newContext({ viewport: DESK, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    page = await outgoing.newPage()
    page.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`))
  }, 180_000)

  afterAll(async () => {
    mq?.end(true)
    await browser?.close()
    await t?.stop()
    if (build) await rm(build, { recursive: true, force: true })
  })

  beforeEach(({ onTestFailed }) => {
    onTestFailed(async () => {
      if (page && !page.isClosed()) await screenshot(page, 'e2e-report-failed').catch(() => undefined)
    })
  })

  it('the outgoing officer drafts the report of the shift: the alarm counted and listed as open', async () => {
    await signIn(page, t.http, 'safety', 'safety-demo')
    await page.locator('nav a[href="#/reports"]').click()
    await page.locator('[data-testid=report-park-select]').selectOption('vtc')
    await page.locator('[data-testid=report-shifts]').waitFor()
    await page.locator('[data-testid=report-draft]').click()
    const view = page.locator('[data-testid=report-view]')
    await view.waitFor({ timeout: 20_000 })
    reportId = (await view.getAttribute('data-report'))!
    expect(await view.getAttribute('data-state')).toBe('draft')
    expect(await view.locator('[data-testid=report-park]').innerText()).toBe(PARK_NAME)
    expect(await view.locator('[data-testid=report-crew]').innerText()).toContain('值班员')
    const raised = view.locator('[data-testid=report-count][data-row=raised] td.total')
    expect(Number(await raised.innerText())).toBeGreaterThanOrEqual(1)
    await view.locator(`[data-testid=report-open-alarm]`).first().waitFor()
    expect(await view.locator('[data-testid=report-open-alarm]').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining(device)]))
    // The hub's report is what the page shows.
    const kept = (await api<ShiftReport>(t, 'GET', `/api/v1/reports/${reportId}`)).body
    expect(Number(await raised.innerText())).toBe(kept.figures.alarms.raised.total)
    // Brought up to the moment by its outgoing officer: the figures' time moves on.
    const before = kept.figures.at
    await page.locator('[data-testid=report-refresh]').click()
    await eventually(async () => (await api<ShiftReport>(t, 'GET', `/api/v1/reports/${reportId}`)).body.figures.at > before, 10_000, 'the refreshed figures')
    // The outgoing officer writes the handover text; no sign button for the one who drafted it.
    expect(await view.locator('[data-testid=report-sign]').count()).toBe(0)
    await view.locator('[data-testid=report-note-input]').fill(NOTE)
    await view.locator('[data-testid=report-note-save]').click()
    await view.locator('[data-testid=report-note-saved]').waitFor()
    expect((await api<ShiftReport>(t, 'GET', `/api/v1/reports/${reportId}`)).body.note).toBe(NOTE)
    await screenshot(page, 'e2e-report-01-draft')
    expect(pageErrors).toEqual([])
  }, 90_000)

  it('the incoming officer, another user, signs it; then it no longer changes', async () => {
    const other = await incoming.newPage()
    other.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`))
    await signIn(other, t.http, 'vtc-safety', 'vtc-safety-demo')
    await other.goto(`${t.http}/#/reports`)
    await other.locator(`[data-testid=report-row][data-report="${reportId}"]`).click()
    const view = other.locator(`[data-testid=report-view][data-report="${reportId}"]`)
    await view.waitFor()
    expect(await view.locator('[data-testid=report-note]').innerText()).toBe(NOTE)
    // Not the outgoing officer: no text box, no refresh.
    expect(await view.locator('[data-testid=report-note-input]').count()).toBe(0)
    expect(await other.locator('[data-testid=report-refresh]').count()).toBe(0)
    await view.locator('[data-testid=report-sign-note]').fill('已接班，继续跟踪1号罐区')
    await view.locator('[data-testid=report-sign]').click()
    await view.locator('[data-testid=report-signed]').waitFor()
    expect(await view.getAttribute('data-state')).toBe('signed')
    expect(await view.locator('[data-testid=report-signed]').innerText()).toContain('vtc-safety')
    expect(await other.locator(`[data-testid=report-row][data-report="${reportId}"]`).getAttribute('data-state')).toBe('signed')
    await screenshot(other, 'e2e-report-02-signed-foot')
    await view.locator('h2').scrollIntoViewIfNeeded()
    await screenshot(other, 'e2e-report-02-signed')
    const kept = (await api<ShiftReport>(t, 'GET', `/api/v1/reports/${reportId}`)).body
    expect(kept).toMatchObject({ state: 'signed', signedBy: 'vtc-safety', createdBy: 'safety' })
    expect((await api(t, 'POST', `/api/v1/reports/${reportId}/note`, { note: 'later' })).status).toBe(409)
    const audit = (await api<{ entries: { action: string; user: string; target?: string }[] }>(t, 'GET', '/api/v1/audit?action=report.sign')).body.entries
    expect(audit).toContainEqual(expect.objectContaining({ action: 'report.sign', user: 'vtc-safety', target: reportId }))
    await other.close()
    expect(pageErrors).toEqual([])
  }, 60_000)

  it('prints to an A4 PDF of at least one page that names the park, without the page\'s navigation', async () => {
    await page.reload()
    await page.locator('[data-testid=connection][data-state=live]').waitFor({ timeout: 15_000 })
    await page.locator(`[data-testid=report-row][data-report="${reportId}"]`).click()
    await page.locator(`[data-testid=report-view][data-report="${reportId}"][data-state=signed]`).waitFor()
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('nav').isVisible()).toBe(false)
    expect(await page.locator('[data-testid=report-list]').isVisible()).toBe(false)
    expect(await page.locator('[data-testid=report-view]').isVisible()).toBe(true)
    await screenshot(page, 'e2e-report-03-print-media')
    // The width of A4 less the print margins (210 − 2 × 12 mm at 96 px per inch): how the page's columns fit.
    await page.setViewportSize({ width: 703, height: 1000 })
    await screenshot(page, 'e2e-report-03-print-a4')
    await page.setViewportSize(DESK)
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true })
    await mkdir(RESULTS, { recursive: true })
    await writeFile(join(RESULTS, 'e2e-report.pdf'), pdf)
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    const facts = pdfFacts(pdf)
    expect(facts.pages).toBeGreaterThanOrEqual(1)
    expect(pdfHasText(facts, PARK_NAME)).toBe(true)
    expect(pdfHasText(facts, '交接班报告')).toBe(true)
    // Named after the report while printing (the file name "Save as PDF" offers), the page's own title back after.
    expect(facts.title).toMatch(new RegExp(`^交接班报告 ${PARK_NAME} \\d{4}-\\d{2}-\\d{2} (白班|夜班)$`))
    expect(await page.title()).not.toContain('交接班报告')
    // And a text that is not on the report is not found: the check can fail.
    expect(pdfHasText(facts, '不在报告里的字')).toBe(false)
    await page.emulateMedia({ media: 'screen' })
    expect(pageErrors).toEqual([])
  }, 60_000)

  it('drafts a past shift chosen by its date and the roster\'s shift', async () => {
    const shifts = (await api<{ current: { day: string } }>(t, 'GET', '/api/v1/reports/shifts?park=vtc')).body
    const day = new Date(Date.parse(`${shifts.current.day}T00:00:00Z`) - 2 * 86_400_000).toISOString().slice(0, 10)
    await page.locator('[data-testid=report-other-day]').fill(day)
    await page.locator('[data-testid=report-other-shift]').selectOption('night')
    await page.locator('[data-testid=report-draft-other]').click()
    const id = `${day}.night.vtc`
    await page.locator(`[data-testid=report-view][data-report="${id}"][data-state=draft]`).waitFor()
    await page.locator(`[data-testid=report-row][data-report="${id}"]`).waitFor()
    const kept = (await api<ShiftReport>(t, 'GET', `/api/v1/reports/${id}`)).body
    expect(kept.shift).toMatchObject({ id: 'night', day, start: '20:00', end: '08:00' })
    expect(kept.figures.alarms.raised.total).toBe(0)
    expect(pageErrors).toEqual([])
  }, 60_000)

  it('lists the newest hundred reports and the older ones on request', async () => {
    const shifts = (await api<{ current: { day: string } }>(t, 'GET', '/api/v1/reports/shifts?park=vtc')).body
    const today = Date.parse(`${shifts.current.day}T00:00:00Z`)
    // Fifty days before the ones above, two shifts each: 100 more.
    const wanted = Array.from({ length: 100 }, (_, i) => ({ day: new Date(today - (3 + Math.floor(i / 2)) * 86_400_000).toISOString().slice(0, 10), shiftId: i % 2 ? 'night' : 'day' }))
    for (let i = 0; i < wanted.length; i += 10) {
      const made = await Promise.all(wanted.slice(i, i + 10).map((w) => api(t, 'POST', '/api/v1/reports', { park: 'vtc', ...w })))
      expect(made.map((r) => r.status)).toEqual(made.map(() => 201))
    }
    await page.reload()
    await page.locator('[data-testid=connection][data-state=live]').waitFor({ timeout: 15_000 })
    const rows = page.locator('[data-testid=report-row]')
    await eventually(async () => (await rows.count()) === 100, 15_000, 'the first hundred reports listed')
    const total = (await api<{ total: number }>(t, 'GET', '/api/v1/reports?park=vtc&limit=1')).body.total
    expect(total).toBeGreaterThan(100)
    await page.locator('[data-testid=report-older]').click()
    await eventually(async () => (await rows.count()) === total, 15_000, `all ${total} reports listed`)
    expect(await page.locator('[data-testid=report-older]').count()).toBe(0)
    // Newest shift first: the last row is the oldest report, the day shift (08:00) of the earliest day.
    expect(await rows.last().getAttribute('data-report')).toBe(`${wanted[99]!.day}.day.vtc`)
    expect(pageErrors).toEqual([])
  }, 120_000)

  it('reads in English, but for what is Chinese by nature (names, the handover text), marked so', async () => {
    await page.locator(`[data-testid=report-row][data-report="${reportId}"]`).click()
    await page.locator('button[lang=en]', { hasText: 'English' }).first().click()
    const view = page.locator(`[data-testid=report-view][data-report="${reportId}"]`)
    await view.locator('h2', { hasText: 'Shift handover report' }).waitFor()
    expect(await view.locator('[data-testid=report-state]').innerText()).toBe('Signed')
    expect(await view.locator('[data-testid=report-count][data-row=raised] th').innerText()).toBe('Raised in the shift')
    const en = await auditLanguage(page)
    expect(en.offenders, 'CJK text outside elements marked lang="zh…"').toEqual([])
    await view.locator('h2').scrollIntoViewIfNeeded()
    await screenshot(page, 'e2e-report-04-en')
    await page.locator('button[lang=zh-CN]', { hasText: '中文' }).first().click()
    await view.locator('h2', { hasText: '交接班报告' }).waitFor()
    expect(pageErrors).toEqual([])
  }, 60_000)
})
