/**
 * A CEMS stack fed over HJ 212-2017 end to end: a real hub (HJ 212 listener on a random port,
 * real InfluxDB) serving the built dashboard to headless Chromium. The demo zone's boiler stack
 * (GB 13271-2014 gas boiler: SO2 50 mg/m³ at 3.5 % O2) is played by a data logger over real TCP
 * under its identity from the zone (MN 51040000000001, PW from the credentials file): minute
 * data (2051) from yesterday 00:00 to now, the hourly data (2061) of every whole hour, and
 * real-time data (2011), every packet answered 9014. The emissions page shows it as it shows an
 * MQTT stack — hourly bars, exceedances, compliance — and says the logger's hourly values count,
 * how many hours it sent, and the one hour where the logger and the hub differ; the device panel
 * shows protocol HJ 212, the MN, the last packet and the rejects. Screenshots in
 * test-results/e2e-hj212*.png.
 *
 *   minutes   SO2 20, NOx 50, PM 5 mg/m³ at 9 % O2 (SO2 29.167 at 3.5 %), yesterday's hours 2
 *             and 3 SO2 90 (131.25 at 3.5 %: above the limit, the logger agrees)
 *   2061      as the minutes give it, but yesterday's hour 10 the logger says SO2 ZsAvg 60
 *             (above 50) where the minutes give 29.167: the differing hour, judged exceeded
 *             on the logger's value (the authority by default)
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }
import { dayKey, localInstant, shiftDay } from '../../dashboard/src/lib/local-date.js'
import type { MqttClient } from 'mqtt'
import { api, connectMqtt, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import { TestLogger } from '../support/hj212-test-logger.js'
import { auditLanguage, DESK, ensureDashboardBuilt, launchBrowser, screenshot, selectPlanDevice, signIn } from './browser.js'

const SH = 'Asia/Shanghai'
const MIN = 60_000
const HOUR = 3_600_000
const STACK = 'vtc-ti01-cems-001'
const MN = '51040000000001'
const PW = (credentials as { hj212: Record<string, string> }).hj212[STACK]!
/** The vtc park's wastewater outlet (permit: COD 50, NH3-N 5, TP 0.5, TN 15 mg/L) and its logger. */
const OUTLET = 'vtc-ti01-outlet-001'
const OUTLET_MN = '51040000000007'
const OUTLET_PW = (credentials as { hj212: Record<string, string> }).hj212[OUTLET]!
/** A twin of the boiler stack (same standard and metrics) fed the same minutes over MQTT, to compare. */
const TWIN = 'vtc-ti01-cems-mqtt'
const midnight = (key: string): number => {
  const [y, m, d] = key.split('-').map(Number) as [number, number, number]
  return localInstant(y, m, d, 0, SH)
}

describe('a stack fed over HJ 212 on the emissions page and the device panel', () => {
  let t: TestHub
  let logger: TestLogger
  let outletLogger: TestLogger
  let mqtt: MqttClient | undefined
  let browser: Browser
  let context: BrowserContext
  let page: Page
  const pageErrors: string[] = []
  const now = Date.now()
  const today = dayKey(now, SH)
  const yesterday = shiftDay(today, -1)
  const day = midnight(yesterday)
  const so2At = (ts: number): number => {
    const h = Math.floor((ts - day) / HOUR)
    return h === 2 || h === 3 ? 90 : 20
  }
  const zs = (so2: number): number => Math.round(((so2 * 17.5) / 12) * 1000) / 1000

  beforeAll(async () => {
    await ensureDashboardBuilt()
    t = await startTestHub({ dashboard: true, env: { HUB_HJ212_PORT: '0', HUB_DEADMAN_INTERVALS: '1000' } })
    logger = await TestLogger.open(t.hub.addresses.hj212Port!)
    const lastMinute = Math.floor(now / MIN) * MIN - MIN
    for (let ts = day; ts < lastMinute; ts += MIN) {
      logger.send('2051', MN, PW, ts, `a21026-Avg=${so2At(ts)},a21026-Flag=N;a21002-Avg=50,a21002-Flag=N;a34013-Avg=5,a34013-Flag=N;a19001-Avg=9,a19001-Flag=N`)
      // Every 500 packets, wait for their answers: the logger waits as a real one does.
      if (logger.sent % 500 === 0) await eventually(() => logger.answers === logger.sent, 30_000, `${logger.sent} answers`)
    }
    for (let h = day; h + HOUR <= lastMinute; h += HOUR) {
      const so2 = so2At(h)
      const zsSo2 = h === day + 10 * HOUR ? 60 : zs(so2)
      logger.send('2061', MN, PW, h, `a21026-Avg=${so2},a21026-ZsAvg=${zsSo2},a21026-Flag=N;a21002-Avg=50,a21002-ZsAvg=${zs(50)},a21002-Flag=N;a34013-Avg=5,a34013-ZsAvg=${zs(5)},a34013-Flag=N;a19001-Avg=9,a19001-Flag=N`)
    }
    // The outlet: real-time w-codes every 10 minutes over yesterday, COD 40 (60 in hour 14: above
    // the permit), and its 2061 for every hour, saying COD 40 in hour 14 too: the differing hour.
    outletLogger = await TestLogger.open(t.hub.addresses.hj212Port!)
    for (let ts = day; ts < day + 24 * HOUR; ts += 10 * MIN) {
      const cod = Math.floor((ts - day) / HOUR) === 14 ? 60 : 40
      outletLogger.send('2011', OUTLET_MN, OUTLET_PW, ts + 30_000, `w01018-Rtd=${cod},w01018-Flag=N;w21003-Rtd=2,w21003-Flag=N;w21011-Rtd=0.3,w21011-Flag=N;w21001-Rtd=9,w21001-Flag=N;w01001-Rtd=7.2,w01001-Flag=N;w00000-Rtd=50,w00000-Flag=N`, '32')
    }
    for (let h = day; h < day + 24 * HOUR; h += HOUR) outletLogger.send('2061', OUTLET_MN, OUTLET_PW, h, 'w01018-Avg=40,w01018-Flag=N;w21003-Avg=2,w21003-Flag=N;w01001-Avg=7.2,w01001-Flag=N', '32')
    await eventually(() => outletLogger.answers === outletLogger.sent, 30_000, 'every outlet packet answered (9014)')
    logger.send('2011', MN, PW, now - 1000, 'a21026-Rtd=21.5,a21026-ZsRtd=31.354,a21026-Flag=N;a21002-Rtd=48,a21002-Flag=N;a34013-Rtd=5.2,a34013-Flag=N;a19001-Rtd=9,a19001-Flag=N')
    await eventually(() => logger.answers === logger.sent, 30_000, 'every packet answered (9014)')
    // The twin over MQTT: the same values, one reading a minute, yesterday only.
    const twin = await api<{ secret: string }>(t, 'POST', '/api/v1/devices', {
      id: TWIN, kind: 'emission', type: 'stack', park: 'vtc', enterprise: 'vtc-ti01', area: 'vtc-ti01-blr', name: '锅炉烟囱（MQTT 对照）', nameEn: 'Boiler stack (MQTT twin)',
      metrics: ['so2', 'nox', 'pm', 'o2', 'flow', 'temp'], position: { x: 430, y: 112 }, interval: 30, safety: false, emissionStandard: 'GB13271-2014/gas',
    })
    expect(twin.status).toBe(201)
    mqtt = await connectMqtt(t.mqttUrl, { username: TWIN, password: twin.body.secret })
    const items: object[] = []
    for (let ts = day; ts < day + 24 * HOUR; ts += MIN) items.push({ ts: ts + 30_000, values: { so2: so2At(ts), nox: 50, pm: 5, o2: 9 } })
    for (let i = 0; i < items.length; i += 300) await mqtt.publishAsync(`parks/vtc/vtc-ti01/${TWIN}/telemetry`, JSON.stringify(items.slice(i, i + 300)), { qos: 1 })
    await eventually(async () => {
      const r = await api<{ hours: { metrics: { so2: { validMinutes: number | null } } }[] }>(t, 'GET', `/api/v1/emissions/hourly?device=${TWIN}&from=${day}&to=${midnight(today)}`)
      return r.status === 200 && r.body.hours.every((h) => h.metrics.so2.validMinutes === 60)
    }, 30_000, 'the twin’s day over MQTT')
    await eventually(async () => {
      const r = await api<{ loggerHours: number; hours: { alternate: { so2?: { validMinutes: number | null } } }[] }>(t, 'GET', `/api/v1/emissions/hourly?device=${STACK}&from=${day}&to=${midnight(today)}`)
      return r.status === 200 && r.body.loggerHours === 24 && r.body.hours.every((h) => h.alternate.so2?.validMinutes === 60)
    }, 30_000, 'yesterday from the logger and the hub')
    browser = await launchBrowser()
    context = await browser.newContext({ viewport: DESK, locale: 'zh-CN', timezoneId: SH })
    page = await context.newPage()
    page.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`))
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(`console: ${msg.text()}`)
    })
  }, 180_000)

  afterAll(async () => {
    logger?.close()
    outletLogger?.close()
    mqtt?.end(true)
    await context?.close().catch(() => undefined)
    await browser?.close()
    await t?.stop()
  })

  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(async () => {
      if (page && !page.isClosed()) await screenshot(page, `e2e-hj212-${task.name.slice(0, 2)}-failed`).catch(() => undefined)
    })
  })

  it('01 the emissions page shows the HJ 212 stack as an MQTT one, with the hourly source and the differing hour', async () => {
    await signIn(page, t.http, 'safety', 'safety-demo')
    await page.locator('nav a[href="#/emissions"]').click()
    await page.locator('[data-testid=emissions-page]').waitFor()
    expect(await page.locator('[data-testid=emissions-stack]').inputValue()).toBe(STACK)
    // Yesterday's 24 hours, as for any stack: hours 2 and 3 above the limit where logger and hub agree.
    await page.locator('button[data-range=day]').click()
    expect(await page.locator('[data-testid=emissions-day]').inputValue()).toBe(yesterday)
    // 131.25 mg/m³ against 50: 2.63 × the limit, in each of the two hours.
    await expect.poll(async () => (await page.locator('section.side').innerText()).match(/2\.63 ×/g)?.length ?? 0, { timeout: 15_000 }).toBe(2)

    const source = page.locator('[data-testid=hourly-source]')
    await expect.poll(() => source.getAttribute('data-logger-hours'), { timeout: 15_000 }).not.toBe('0')
    expect(await source.getAttribute('data-authority')).toBe('logger')
    expect(Number(await source.getAttribute('data-differing'))).toBeGreaterThanOrEqual(1)
    expect(await source.innerText()).toContain('小时值依据：数采仪小时数据（2061）')
    expect(await source.innerText()).toMatch(/差异小时 \d+ 个/)

    // The differing hour: yesterday 10:00–11:00, SO2, the logger 60 and the hub 29.167.
    const diff = page.locator(`[data-testid=hour-diff][data-metric=so2][data-start="${day + 10 * HOUR}"]`)
    await diff.waitFor()
    expect(await diff.getAttribute('data-reason')).toBe('value')
    expect(await diff.innerText()).toMatch(/10:00–11:00[\s\S]*二氧化硫[\s\S]*60[\s\S]*29\.2[\s\S]*数值不同/)
    expect(await page.locator('[data-testid=hour-diff]').count()).toBe(1)

    // As for an MQTT stack: the standard, the bars, the exceedances (hours 2 and 3 agreed, hour 10 on the logger's value) and the compliance.
    expect(await page.locator('[data-testid=emissions-standard]').getAttribute('data-standard')).toBe('GB13271-2014/gas')
    const exceedances = await page.locator('section.side').innerText()
    expect(exceedances).toMatch(/10:00–11:00\s+二氧化硫\s+60 mg\/m³/)
    await expect.poll(() => page.locator('[data-testid=compliance-row][data-device="vtc-ti01-cems-001"][data-metric=so2]').count(), { timeout: 15_000 }).toBe(1)
    expect(await page.locator('[data-testid=compliance-row][data-device="vtc-ti01-cems-001"][data-metric=so2]').innerText()).toMatch(/\b3\b/)
    await screenshot(page, 'e2e-hj212-emissions')

    // The MQTT twin on the same page: hour by hour the same states, but hour 10, where the logger's 2061 counts for the HJ 212 stack.
    const states = async (): Promise<Record<string, string | null>> => {
      const out: Record<string, string | null> = {}
      for (const g of await page.locator('[data-testid=emission-chart][data-metric=so2] [data-testid=emission-hour]').all()) out[(await g.getAttribute('data-start'))!] = await g.getAttribute('data-state')
      return out
    }
    const overHj212 = await states()
    expect(Object.keys(overHj212)).toHaveLength(24)
    await page.locator('[data-testid=emissions-stack]').selectOption(TWIN)
    await expect.poll(() => page.locator('[data-testid=hourly-source]').getAttribute('data-logger-hours'), { timeout: 15_000 }).toBe('0')
    expect(await page.locator('[data-testid=hourly-source]').innerText()).toContain('无数采仪小时数据')
    await expect.poll(async () => (await states())[String(day + 10 * HOUR)], { timeout: 15_000 }).toBe('valid')
    const overMqtt = await states()
    expect({ ...overMqtt, [String(day + 10 * HOUR)]: 'exceeded' }).toEqual(overHj212)
    expect(Object.values(overMqtt).filter((x) => x === 'exceeded')).toHaveLength(2)
    await page.locator('[data-testid=emissions-stack]').selectOption(STACK)
    await expect.poll(() => page.locator('[data-testid=hourly-source]').getAttribute('data-logger-hours'), { timeout: 15_000 }).toBe('24')

    // The park's wastewater outlet, fed over HJ 212 too: its hours against the permit, the logger's value counting, hour 14 differing.
    const outlets = page.locator('[data-testid=outlets]')
    await outlets.scrollIntoViewIfNeeded()
    expect(await page.locator('[data-testid=outlet-select]').inputValue()).toBe(OUTLET)
    await expect.poll(() => page.locator('[data-testid=outlet-source]').getAttribute('data-logger-hours'), { timeout: 15_000 }).toBe('24')
    expect(await page.locator('[data-testid=outlet-source]').getAttribute('data-differing')).toBe('1')
    const h14 = page.locator(`[data-testid=outlet-hour][data-start="${day + 14 * HOUR}"] td[data-metric=cod]`)
    expect(await h14.getAttribute('data-differs')).toBe('value')
    expect(await h14.getAttribute('data-source')).toBe('logger')
    expect(await h14.getAttribute('data-exceeded')).toBe('false') // the logger's 40 counts; the hub's 60 is in the tooltip
    expect(await h14.getAttribute('title')).toMatch(/数采仪 40 · 平台重算 60 · 数值不同/)
    expect(await page.locator(`[data-testid=outlet-hour][data-start="${day + 14 * HOUR}"] td[data-metric=tp]`).innerText()).toBe('0.3')
    expect(await page.locator(`[data-testid=outlet-hour][data-start="${day + 14 * HOUR}"] td[data-metric=flow_w]`).innerText()).toBe('180')
    // The day's mean: COD flow-weighted (every hour 180 m³/h) over the authoritative hours, 40.
    expect(await page.locator('[data-testid=outlet-mean] td[data-metric=cod]').innerText()).toMatch(/^40\s*Q$/)
    // Its live alarm (the hub's hour 14, COD 60 > 50, cleared at hour 15) in its own unit.
    expect(await page.locator('section.side').innerText()).toMatch(/化学需氧量（COD）[\s\S]*mg\/L/)
    await screenshot(page, 'e2e-hj212-outlet')
    expect(pageErrors).toEqual([])
  })

  it('02 the device panel shows protocol HJ 212, the MN, the last packet and the rejects', async () => {
    await page.locator('nav a[href="#/command"]').click()
    await selectPlanDevice(page, STACK)
    const link = page.locator('[data-testid=device-link]')
    await link.waitFor({ timeout: 15_000 })
    expect(await link.getAttribute('data-protocol')).toBe('hj212')
    expect(await page.locator('[data-testid=device-link-mn]').innerText()).toBe(MN)
    expect(await page.locator('[data-testid=device-link-rejects]').innerText()).toBe('0')
    const text = await link.innerText()
    expect(text).toContain('HJ 212-2017（数采仪）')
    expect(text).toMatch(/最后数据包\s+\S+/)
    expect(text).not.toContain(PW)
    // The live values came over HJ 212 too (2011): SO2 21.5 as measured.
    await expect.poll(() => page.locator('section.detail').innerText(), { timeout: 15_000 }).toMatch(/21\.5/)
    await screenshot(page, 'e2e-hj212-device')
    expect(pageErrors).toEqual([])
  })

  it('03 in English the same, with no Chinese left outside what is marked Chinese', async () => {
    await page.locator('button[lang=en]', { hasText: 'English' }).first().click()
    const link = page.locator('[data-testid=device-link]')
    await expect.poll(() => link.innerText()).toContain('HJ 212-2017 (data logger)')
    await page.locator('nav a[href="#/emissions"]').click()
    // Yesterday's day as in 01: the page opens on the last 24 hours, which after 10:00 in the
    // zone leave yesterday's differing hour (10:00–11:00) out.
    await page.locator('button[data-range=day]').click()
    expect(await page.locator('[data-testid=emissions-day]').inputValue()).toBe(yesterday)
    const source = page.locator('[data-testid=hourly-source]')
    await source.waitFor()
    await expect.poll(() => source.innerText(), { timeout: 15_000 }).toContain("Hourly values: the logger's hourly data (2061)")
    await expect.poll(() => source.innerText(), { timeout: 15_000 }).toMatch(/Differing hours: \d+/)
    await page.locator('[data-testid=hour-diff]').first().waitFor()
    expect(await page.locator('[data-testid=hour-diff]').first().innerText()).toContain('different value')
    const audit = await auditLanguage(page)
    expect(audit.offenders, 'CJK text on the English emissions page').toEqual([])
    await screenshot(page, 'e2e-hj212-emissions-en')
    expect(pageErrors).toEqual([])
  })
})
