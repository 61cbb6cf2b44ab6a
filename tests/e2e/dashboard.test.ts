/**
 * The emergency-command dashboard end to end: a real hub (real MQTT broker, real InfluxDB)
 * serving the built dashboard to headless Chromium; devices publish with mqtt.js. The tests
 * run in order on one hub, as one duty shift: sign in, an alarm arrives, it is acknowledged,
 * the screen is read in English and in Chinese, an incident opens, and a viewer looks on.
 * Screenshots go to test-results/e2e-*.png.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { DEFAULT_ZONE_FILE } from '../../hub/src/config/settings.js'
import { loadZoneFile } from '../../hub/src/config/zone-file.js'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { Incident } from '../../hub/src/model/incident.js'
import { api, connectMqtt, eventually, login, startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }
import { auditLanguage, CJK, DESK, ensureDashboardBuilt, LAPTOP, launchBrowser, screenshot, selectPlanDevice, signIn } from './browser.js'

const secret = (id: string): string => (credentials.devices as Record<string, string>)[id]!

/** Where each device publishes: parks/{park}/{enterprise}/{device}. */
const PREFIX: Record<string, string> = {
  'vtc-ti01-gas-009': 'parks/vtc/vtc-ti01',
  'vtc-ti01-fire-010': 'parks/vtc/vtc-ti01',
  'vtc-ti01-fire-011': 'parks/vtc/vtc-ti01',
  'vtc-gc03-gas-005': 'parks/vtc/vtc-gc03',
  'glc-h02-gas-005': 'parks/glc/glc-h02',
}

const row = (device: string) => `[data-testid=alarm-row][data-device="${device}"]`
const planDevice = (device: string) => `[data-testid=plan-device][data-device="${device}"]`
/** A device's flashing ring, in the plan's layer of rings that flashes as a whole. */
const planPulse = (device: string) => `[data-testid=plan-pulse][data-device="${device}"]`

describe('dashboard end to end: the command screen against a live hub', () => {
  let t: TestHub
  let browser: Browser
  let context: BrowserContext
  let page: Page
  const extraContexts: BrowserContext[] = []
  const clients = new Map<string, MqttClient>()
  /** Uncaught errors, console errors and HTTP errors of every page, checked at the end of each test. */
  const pageErrors: string[] = []
  /** HTTP errors a test provokes on purpose (e.g. a wrong password), as "status path". */
  const expectedHttpErrors = new Set<string>()
  /** The lel 30 alarm of scenario 2, acknowledged in scenario 3. */
  let gasAlarmId = ''

  async function publish(device: string, channel: 'telemetry' | 'event', body: object): Promise<void> {
    let c = clients.get(device)
    if (!c) {
      c = await connectMqtt(t.mqttUrl, { username: device, password: secret(device), clientId: device })
      clients.set(device, c)
    }
    await c.publishAsync(`${PREFIX[device]}/${device}/${channel}`, JSON.stringify(body), { qos: 1 })
  }

  async function newPage(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', reducedMotion: 'no-preference' })
    // The alarm tones the page starts (real WebAudio oscillators, counted as they start).
    await ctx.addInitScript(() => {
      const w = window as unknown as { __tones: number }
      w.__tones = 0
      const start = OscillatorNode.prototype.start
      OscillatorNode.prototype.start = function (...args: Parameters<typeof start>) {
        w.__tones++
        return start.apply(this, args)
      }
    })
    const p = await ctx.newPage()
    p.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}\n${err.stack ?? ''}`))
    p.on('console', (msg) => {
      if (msg.type() !== 'error') return
      // Failed loads (the page's own requests and the browser's, e.g. the icon) name their address.
      const failed = /^Failed to load resource: .*status of (\d+)/.exec(msg.text())
      const what = failed ? `${failed[1]} ${new URL(msg.location().url).pathname}` : undefined
      if (what === undefined) pageErrors.push(`console: ${msg.text()}`)
      else if (!expectedHttpErrors.has(what)) pageErrors.push(`HTTP ${what}`)
    })
    return { context: ctx, page: p }
  }

  beforeAll(async () => {
    await ensureDashboardBuilt()
    // No simulator keeps the demo zone's 240 devices reporting here, so with the default dead-man
    // time (3 intervals) every safety device would raise a "device offline" alarm after 30 s and
    // the screen would change under the tests. A long dead-man time keeps the board to what the
    // tests publish.
    t = await startTestHub({ dashboard: true, env: { HUB_DEADMAN_INTERVALS: '1000' } })
    browser = await launchBrowser()
    ;({ context, page } = await newPage(DESK))
  })

  afterAll(async () => {
    for (const c of clients.values()) c.end(true)
    for (const c of extraContexts) await c.close().catch(() => undefined)
    await context?.close().catch(() => undefined)
    await browser?.close()
    await t?.stop()
  })

  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(async () => {
      const name = task.name.slice(0, 2)
      if (page && !page.isClosed()) await screenshot(page, `e2e-${name}-failed`).catch(() => undefined)
    })
  })

  it('01 signs in as the safety officer through the form; the overview shows the parks with their grades and a live connection', async () => {
    await page.goto(`${t.http}/`)
    const form = page.locator('form', { has: page.locator('input[type=password]') })
    await form.waitFor()
    await expect.poll(() => page.title()).toBe('园区应急指挥')
    await screenshot(page, 'e2e-01-login')

    // A wrong password is refused and says so.
    expectedHttpErrors.add('401 /api/v1/auth/login')
    await form.locator('input[autocomplete=username]').fill('safety')
    await form.locator('input[type=password]').fill('not-the-password')
    await form.locator('button[type=submit]').click()
    await expect.poll(() => form.locator('[role=alert]').textContent()).toContain('用户名或密码错误')

    await form.locator('input[type=password]').fill('safety-demo')
    await form.locator('button[type=submit]').click()
    expectedHttpErrors.delete('401 /api/v1/auth/login')
    const conn = page.locator('[data-testid=connection]')
    await page.locator('[data-testid=connection][data-state=live]').waitFor({ timeout: 15_000 })
    expect((await conn.innerText()).trim()).toBe('实时')

    const tiles = page.locator('[data-testid=park-tile]')
    await expect.poll(() => tiles.count()).toBe(7)
    for (const [park, name] of [['vtc', '钒钛化工园区'], ['glc', '格里坪化工园区']] as const) {
      const tile = page.locator(`[data-testid=park-tile][data-park=${park}]`)
      const text = await tile.innerText()
      expect(text).toContain(name)
      expect(text).toMatch(/风险等级\s*C\s*一般安全风险/)
    }
    // A calm screen: no alarm, no park coloured by a level, no device marked on the plan.
    await page.locator('[data-testid=plan-device]').first().waitFor({ state: 'attached' })
    expect(await page.locator('[data-testid=alarm-row]').count()).toBe(0)
    expect(await page.locator('[data-testid=park-tile].levelled').count()).toBe(0)
    expect(await page.locator('[data-testid=plan-device]:not([data-level=""])').count()).toBe(0)
    // Nothing flashes: the plan has no layer of rings.
    expect(await page.locator('.plan svg.pulses').count()).toBe(0)
    // The plan's names (areas, buildings) each sit on a plate of the plan's colour, as wide as
    // the text drawn, from the top of its characters (0.8 em over the baseline) to below it.
    await page.locator('.plan-label').first().waitFor({ state: 'attached' })
    const plates = await page.locator('.plan-label').evaluateAll((names) =>
      names.map((name) => {
        const plate = name.previousElementSibling
        if (!(plate instanceof SVGRectElement) || !(name instanceof SVGTextElement)) return 'no plate'
        const [p, t] = [plate.getBBox(), name.getBBox()]
        const [baseline, em] = [Number(name.getAttribute('y')), Number(name.getAttribute('font-size'))]
        const holds = t.x >= p.x && t.x + t.width <= p.x + p.width && p.y <= baseline - 0.8 * em && p.y + p.height > baseline
        return holds ? plate.getAttribute('fill') : `${name.textContent}: text ${[t.x, t.width, baseline, em].map(Math.round).join(' ')} plate ${[p.x, p.y, p.width, p.height].map(Math.round).join(' ')}`
      }),
    )
    expect(plates.length).toBeGreaterThan(5)
    expect(new Set(plates)).toEqual(new Set(['var(--plan-bg)']))
    await screenshot(page, 'e2e-01-overview')
    // A device without measured values (the fire alarm control panel) says so where a trend would be.
    await selectPlanDevice(page, 'vtc-ti01-fire-003')
    await page.locator('[data-testid=detail-close]').waitFor()
    await expect.poll(() => page.locator('.bottom').innerText()).toContain('该设备无测量值，无趋势')
    await page.locator('[data-testid=detail-close]').click()

    // Another park: the click's frame hides the last park's plan (still in the page), and the
    // task after it replaces it with the new park's.
    const [during, after] = await page.evaluate(async () => {
      const plan = () => ({ switching: document.querySelector('.plan .layers')!.classList.contains('switching'), label: document.querySelector('.plan svg[role=img]')!.getAttribute('aria-label') })
      ;(document.querySelector('[data-testid=park-tile][data-park=glc]') as HTMLElement).click()
      await new Promise((r) => setTimeout(r)) // the click's updates, before any frame after it
      const during = plan()
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)))
      return [during, plan()]
    })
    expect(during).toEqual({ switching: true, label: '钒钛化工园区平面图' })
    expect(after).toEqual({ switching: false, label: '格里坪化工园区平面图' })
    expect(await page.locator('.plan .layers').evaluate((e) => getComputedStyle(e).opacity)).toBe('1')

    // The plan's ground is a few paths; the pointer over it names what is there (the smallest
    // building, else the area) where no device is (3 % of the site from any: a device's mark
    // takes the pointer within about 2 %), and nothing outside the site.
    const zone = await loadZoneFile(DEFAULT_ZONE_FILE)
    const glc = zone.parks.find((p) => p.id === 'glc')!
    const glcDevices = zone.devices.filter((d) => d.park === 'glc')
    const clear = (x: number, y: number): boolean => glcDevices.every((d) => Math.hypot(d.position!.x - x, d.position!.y - y) > Math.max(glc.site.width, glc.site.height) * 0.03)
    const within = (r: { x: number; y: number; w: number; h: number }, x: number, y: number): boolean => x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h
    const centre = (r: { x: number; y: number; w: number; h: number }): [number, number] => [r.x + r.w / 2, r.y + r.h / 2]
    const building = glc.site.buildings.find((b) => clear(...centre(b.rect)) && !glc.site.buildings.some((o) => o !== b && o.rect.w * o.rect.h <= b.rect.w * b.rect.h && within(o.rect, ...centre(b.rect))))
    const spot = glc.areas
      .flatMap((a) => [0.05, 0.3, 0.5, 0.7, 0.95].flatMap((fx) => [0.05, 0.3, 0.5, 0.7, 0.95].map((fy) => ({ a, x: a.rect.x + a.rect.w * fx, y: a.rect.y + a.rect.h * fy }))))
      .find(({ x, y }) => clear(x, y) && !glc.site.buildings.some((b) => within(b.rect, x, y)) && glc.areas.filter((o) => within(o.rect, x, y)).length === 1)
    const tooltipAt = async (x: number, y: number): Promise<string | null> => {
      const at = await page.locator('.plan svg[role=img]').evaluate((svg, [mx, my]) => new DOMPoint(mx, my).matrixTransform((svg as SVGSVGElement).getScreenCTM()!).toJSON() as { x: number; y: number }, [x, y])
      await page.mouse.move(at.x, at.y)
      return page.locator('.plan .box').getAttribute('title')
    }
    expect(building, 'a building of glc with no device near its centre').toBeDefined()
    expect(spot, 'a point of a glc area outside its buildings, with no device near').toBeDefined()
    expect(await tooltipAt(...centre(building!.rect))).toBe(building!.name)
    expect(await tooltipAt(spot!.x, spot!.y)).toBe(spot!.a.name)
    expect(await tooltipAt(-glc.site.width * 0.02, -glc.site.height * 0.02)).toBeNull()
    expect(pageErrors).toEqual([])
  })

  it('02 a gas reading over its set point reaches the alarm board and pulses on the site plan within 2 s', async ({ annotate }) => {
    const device = 'vtc-ti01-gas-009'
    // The officer looks at the chemical park; the detector is on its plan, calm.
    await page.locator('[data-testid=park-tile][data-park=vtc]').click()
    await page.locator(planDevice(device)).waitFor({ state: 'attached' })
    expect(await page.locator(planPulse(device)).count()).toBe(0)
    await publish(device, 'telemetry', { values: { lel: 5 } }) // connected and reporting, below the set point

    const sent = Date.now()
    await publish(device, 'telemetry', { values: { lel: 30 } })
    const seen = await page.waitForFunction(
      ([rowSel, pulseSel]) => {
        const r = document.querySelector(rowSel!)
        const p = document.querySelector(pulseSel!)
        if (!r || !p || r.getClientRects().length === 0 || p.getClientRects().length === 0) return false
        return getComputedStyle(p.closest('svg')!).animationName === 'alarm-pulse' ? Date.now() : false
      },
      [row(device), planPulse(device)],
      { polling: 'raf', timeout: 15_000 },
    )
    const elapsed = ((await seen.jsonValue()) as number) - sent
    await annotate(`publish → on the board and pulsing on the plan: ${elapsed} ms`)
    console.info(`publish → on the board and pulsing on the plan: ${elapsed} ms`)
    await screenshot(page, 'e2e-02-alarm')
    expect(elapsed, `publish → alarm on the board and pulsing on the plan took ${elapsed} ms; the issue asks for at most 2000 ms`).toBeLessThanOrEqual(2000)

    // The row says what it is: level II (orange, first level of GB/T 50493), 30 %LEL against 25, unacknowledged.
    const r = page.locator(row(device))
    const text = await r.innerText()
    expect(text).toContain('二级')
    expect(text).toContain('气体浓度超限')
    expect(text).toContain('锅炉房可燃气体探测器1号')
    expect(text).toMatch(/30\s*%LEL/)
    expect(text).toMatch(/25\s*%LEL/)
    expect(text).toContain('未确认')
    expect(await page.locator(planDevice(device)).getAttribute('data-level')).toBe('2')
    // The only alarming device of its park: its name is on the plan, at its mark, and none of
    // the plan's other names overlaps it.
    const name = page.locator(`${planDevice(device)} .device-label`)
    expect(await name.textContent({ timeout: 5_000 })).toBe('锅炉房可燃气体探测器1号')
    const nameBox = (await name.boundingBox())!
    const others = await page.locator('.plan-label').evaluateAll((names) => names.map((n) => n.getBoundingClientRect().toJSON() as { x: number; y: number; width: number; height: number }))
    const overlapping = others.filter((o) => o.x < nameBox.x + nameBox.width && nameBox.x < o.x + o.width && o.y < nameBox.y + nameBox.height * 0.8 && nameBox.y + nameBox.height * 0.2 < o.y + o.height)
    expect(overlapping).toEqual([])
    gasAlarmId = (await r.getAttribute('data-alarm'))!
    const a = (await api<Alarm>(t, 'GET', `/api/v1/alarms/${gasAlarmId}`)).body
    expect(a).toMatchObject({ device, level: 2, metric: 'lel', value: 30, ack: 'unacked', condition: 'active' })
    // The header counts it.
    await expect.poll(() => page.title()).toBe('(1) 园区应急指挥')
    // And it sounds: the officer has clicked on the page, and a new orange alarm is two tones.
    await expect.poll(() => page.evaluate(() => (window as unknown as { __tones: number }).__tones)).toBe(2)
    expect(pageErrors).toEqual([])
  })

  it('03 acknowledging is one click on the board (a note is optional); the hub records it', async () => {
    expect(gasAlarmId, 'the alarm of scenario 02').not.toBe('')
    const r = page.locator(`[data-testid=alarm-row][data-alarm="${gasAlarmId}"]`)
    await r.locator('[data-testid=alarm-row-ack]').click()
    await page.locator(`[data-testid=alarm-row][data-alarm="${gasAlarmId}"][data-ack=acked]`).waitFor()
    expect(await r.locator('[data-testid=alarm-row-ack]').count()).toBe(0)
    const text = await r.innerText()
    expect(text).not.toContain('未确认')
    expect(text).toContain('已确认')
    // Acknowledged: still orange on the plan while the gas stands, but it no longer pulses.
    await page.locator(planPulse('vtc-ti01-gas-009')).waitFor({ state: 'detached' })
    expect(await page.locator(planDevice('vtc-ti01-gas-009')).getAttribute('data-level')).toBe('2')
    const acked = (await api<Alarm>(t, 'GET', `/api/v1/alarms/${gasAlarmId}`)).body
    expect(acked.ack).toBe('acked')
    expect(acked.history.filter((s) => s.action === 'ack').map((s) => s.actor)).toEqual(['safety'])
    await screenshot(page, 'e2e-03-acked')

    // With a note: select the alarm, type the note beside the acknowledge button in the details.
    const device = 'vtc-gc03-gas-005'
    await publish(device, 'telemetry', { values: { lel: 28 } })
    await page.locator(row(device)).click()
    const actions = page.locator('[data-testid=alarm-detail] [data-testid=alarm-actions]')
    await actions.waitFor()
    const note = '现场已核实，储罐区加强通风'
    await actions.locator('input[type=text]').first().fill(note)
    await actions.locator('button.primary', { hasText: '确认' }).click()
    await page.locator(`${row(device)}[data-ack=acked]`).waitFor()
    const id = (await page.locator(row(device)).getAttribute('data-alarm'))!
    const withNote = (await api<Alarm>(t, 'GET', `/api/v1/alarms/${id}`)).body
    expect(withNote.ack).toBe('acked')
    expect(withNote.history.find((s) => s.action === 'ack')).toMatchObject({ actor: 'safety', note })
    // The note is in the alarm's history in the details panel.
    await page.locator('[data-testid=alarm-history]', { hasText: note }).waitFor()
    await screenshot(page, 'e2e-03-ack-note')
    expect(pageErrors).toEqual([])
  })

  it('04 in English nothing is left untranslated (only text marked as Chinese data); back in 中文 the labels are Chinese', async () => {
    // The noted alarm stays selected, so its Chinese note is on screen in English too.
    await page.locator('[data-testid=alarm-history]').waitFor()
    await page.locator('button[lang=en]', { hasText: 'English' }).first().click()
    await page.locator('[data-testid=connection]', { hasText: 'Live' }).waitFor()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en')

    const en = await auditLanguage(page)
    await screenshot(page, 'e2e-04-english')
    expect(en.offenders, 'CJK text outside elements marked lang="zh…"').toEqual([])
    const leftover = en.unmarkedText.match(new RegExp(CJK.source, 'gu')) ?? []
    expect(leftover.join(''), 'CJK characters in document.body.innerText outside lang="zh…" elements').toBe('')
    // What is marked Chinese is the people on duty and their shifts (the zone file names them in
    // Chinese only), the language switch's own name and the note typed in Chinese.
    const duty = en.marked.filter((m) => m.within === 'duty-person' || m.within === 'duty-scope')
    expect(duty.length).toBeGreaterThan(0)
    expect(en.marked.filter((m) => !duty.includes(m))).toHaveLength(2)
    expect(en.marked).toEqual(expect.arrayContaining([{ text: '中文', within: '' }, { text: '现场已核实，储罐区加强通风', within: 'alarm-history' }]))
    for (const s of ['Parks', 'Alarms', 'Vanadium-Titanium Chemical Park', 'Geliping Chemical Park', 'Risk grade', 'moderate risk', 'Boiler house combustible gas detector 1', 'Level II', '%LEL', 'Acknowledged']) {
      expect(en.pageText).toContain(s)
    }
    await expect.poll(() => page.title()).toMatch(/^(\(\d+\) )?Park Emergency Command$/)

    await page.locator('button[lang=zh-CN]', { hasText: '中文' }).first().click()
    await page.locator('[data-testid=connection]', { hasText: '实时' }).waitFor()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN')
    const zh = await page.evaluate(() => document.body.innerText)
    for (const s of ['园区', '报警', '风险等级', '钒钛化工园区', '格里坪化工园区', '锅炉房可燃气体探测器1号', '二级', '已确认', '报警记录']) {
      expect(zh).toContain(s)
    }
    expect(zh).not.toContain('Vanadium-Titanium Chemical Park')
    await screenshot(page, 'e2e-04-chinese')
    expect(pageErrors).toEqual([])
  })

  it('05 gas and fire in the boiler house open an incident that takes the stage; a checklist step clicked is done in the hub', async () => {
    await page.locator('[data-testid=detail-close]').click().catch(() => undefined)
    // The leak grows to the second level and the boiler house catches fire: smoke and heat.
    await publish('vtc-ti01-gas-009', 'telemetry', { values: { lel: 60 } })
    await publish('vtc-ti01-fire-011', 'event', { type: 'smoke_alarm', state: 'on' })
    await publish('vtc-ti01-fire-010', 'telemetry', { values: { temp: 75 } })

    const incident = await eventually(async () => {
      const r = await api<{ incidents: Incident[] }>(t, 'GET', '/api/v1/incidents?state=open&park=vtc')
      return r.body.incidents.find((i) => i.area === 'vtc-ti01-blr' && i.hazard === 'gas_fire')
    }, 10_000, 'a gas_fire incident in the boiler house')
    const stage = page.locator(`[data-testid=incident-stage][data-incident="${incident.id}"]`)
    await stage.waitFor({ timeout: 10_000 })
    await stage.getByText('可燃气体泄漏并发火灾').first().waitFor()
    const head = await stage.innerText()
    expect(head).toContain('应急处置')
    expect(head).toContain('锅炉房')
    expect(head).toContain('一级')
    // The stage is the biggest thing: it holds the centre column, the plan is inside it.
    const box = (await stage.boundingBox())!
    expect(box.width).toBeGreaterThan(DESK.width * 0.4)
    expect(box.height).toBeGreaterThan(DESK.height * 0.5)
    await stage.locator(planDevice('vtc-ti01-gas-009')).waitFor({ state: 'attached' })
    await screenshot(page, 'e2e-05-incident')

    const steps = stage.locator('[data-testid=incident-step]')
    await expect.poll(() => steps.count()).toBe(incident.steps.length)
    const first = incident.steps[0]!
    expect(first.done).toBe(false)
    const li = stage.locator(`[data-testid=incident-step][data-step="${first.id}"]`)
    expect(await li.innerText()).toContain(first.text)
    await li.locator('button').click()
    await stage.locator(`[data-testid=incident-step][data-step="${first.id}"].done button[aria-pressed=true]`).waitFor()
    expect(await li.innerText()).toContain('safety')
    await expect.poll(() => stage.locator('[data-testid=incident-step].done').count()).toBe(1)
    const after = (await api<Incident>(t, 'GET', `/api/v1/incidents/${incident.id}`)).body
    expect(after.steps[0]).toMatchObject({ id: first.id, done: true, doneBy: 'safety' })
    expect(after.steps.filter((s) => s.done)).toHaveLength(1)
    await screenshot(page, 'e2e-05-step-done')

    // The stage reads in English too (steps, hazard, place), with nothing left in Chinese.
    await page.locator('button[lang=en]', { hasText: 'English' }).first().click()
    await stage.getByText(first.textEn).first().waitFor()
    const en = await auditLanguage(page)
    await screenshot(page, 'e2e-05-incident-english')
    expect(en.offenders, 'CJK text on the English incident stage').toEqual([])
    // Marked Chinese: the language switch, and hub notes in the timeline that quote a plan's Chinese name.
    expect(en.marked.filter((m) => m.text !== '中文' && m.within !== 'incident-timeline' && m.within !== 'duty-person' && m.within !== 'duty-scope')).toEqual([])
    await page.locator('button[lang=zh-CN]', { hasText: '中文' }).first().click()
    await stage.getByText(first.text).first().waitFor()

    // The overview over the incident: the click's frame keeps the stage as it was (no plan yet),
    // the task after that frame shows the plan with the stage hidden (still in the page), and the
    // task after the plan's frame takes the stage down; back to the stage after.
    const states = await page.evaluate(async () => {
      const now = () => {
        const s = document.querySelector('[data-testid=incident-stage]')
        return { stage: s === null ? 'gone' : s.getClientRects().length === 0 ? 'hidden' : 'shown', plan: document.querySelector('.centre .plan-head') !== null }
      }
      const afterFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)))
      const button = [...document.querySelectorAll('[data-testid=incident-stage] button')].find((b) => b.textContent?.trim() === '查看总览') as HTMLElement
      button.click()
      await new Promise((r) => setTimeout(r)) // the click's updates, before any frame after it
      const click = now()
      await afterFrame()
      const next = now()
      await afterFrame()
      return { click, next, later: now() }
    })
    expect(states).toEqual({ click: { stage: 'shown', plan: false }, next: { stage: 'hidden', plan: true }, later: { stage: 'gone', plan: true } })
    await page.locator('.incident-bar').click()
    await stage.waitFor()
    expect(pageErrors).toEqual([])
  })

  it('06 a viewer sees alarms and the incident but no action on them', async () => {
    // A fresh, unacknowledged alarm in another park: operators get an acknowledge button on it.
    const device = 'glc-h02-gas-005'
    await publish(device, 'telemetry', { values: { lel: 30 } })
    await page.locator(`${row(device)} [data-testid=alarm-row-ack]`).waitFor()

    const viewer = await newPage(LAPTOP)
    extraContexts.push(viewer.context)
    const v = viewer.page
    await signIn(v, t.http, 'viewer', 'viewer-demo')
    const r = v.locator(row(device))
    await r.waitFor()
    expect(await r.getAttribute('data-ack')).toBe('unacked')
    expect(await v.locator('[data-testid=alarm-row]').count()).toBeGreaterThan(3)
    expect(await v.locator('[data-testid=alarm-row] button').count(), 'buttons on the viewer\'s alarm rows').toBe(0)

    await r.click()
    const detail = v.locator('[data-testid=alarm-detail]')
    await detail.waitFor()
    expect(await detail.innerText()).toContain('未确认')
    expect(await detail.locator('[data-testid=alarm-actions]').count()).toBe(0)
    expect(await detail.locator('button, input, select, textarea').count(), 'controls in the viewer\'s alarm details').toBe(0)

    // The open incident is on their screen too, read-only: no step can be ticked, no close.
    await v.locator('button', { hasText: '返回处置页面' }).first().click().catch(() => undefined)
    const stage = v.locator('[data-testid=incident-stage]')
    await stage.waitFor()
    expect(await stage.locator('[data-testid=incident-step] button:not([disabled])').count()).toBe(0)
    expect(await stage.locator('button', { hasText: '结束处置' }).count()).toBe(0)
    await screenshot(v, 'e2e-06-viewer')

    // The hub agrees: a viewer may not acknowledge.
    const viewerToken = await login(t.http, 'viewer', 'viewer-demo')
    const id = (await r.getAttribute('data-alarm'))!
    expect((await api(t, 'POST', `/api/v1/alarms/${id}/ack`, {}, viewerToken)).status).toBe(403)
    expect(pageErrors).toEqual([])
  })

  it('07 a device’s details closed while its trend, set points and history are on their way: the late answers change nothing and throw nothing', async () => {
    // The answers are held until the panel has closed (a slow hub, a slow link). Before, each
    // late answer read the closed panel's device and threw: "Cannot read properties of
    // undefined (reading 'id')", seen now and then in the notifications test under load.
    const { context: ctx, page: p } = await newPage(DESK)
    extraContexts.push(ctx)
    await signIn(p, t.http, 'safety', 'safety-demo')
    let release!: () => void
    const released = new Promise<void>((r) => (release = r))
    const held: string[] = []
    const done: string[] = []
    const late = /\/api\/v1\/(devices\/[^/?]+\/(series|setpoints)|alarms\?.*device=)/
    await p.route(late, async (route) => {
      held.push(new URL(route.request().url()).pathname)
      await released
      await route.continue()
    })
    p.on('requestfinished', (r) => {
      if (late.test(r.url())) done.push(new URL(r.url()).pathname)
    })
    await p.locator('[data-testid=park-tile][data-park=vtc]').click()
    await selectPlanDevice(p, 'vtc-ti01-gas-011')
    await expect.poll(() => held.length, { message: 'series, set points and history asked for' }).toBeGreaterThanOrEqual(3)
    await p.locator('[data-testid=detail-close]').click()
    await p.locator('[data-testid=detail-close]').waitFor({ state: 'detached' })
    release()
    await expect.poll(() => done.length, { message: 'the held answers delivered' }).toBeGreaterThanOrEqual(held.length)
    // A turn of the page's loop for the answers' callbacks.
    await p.evaluate(() => new Promise((r) => setTimeout(r, 100)))
    expect(await p.locator('[data-testid=detail-close]').count()).toBe(0)
    expect(pageErrors).toEqual([])
  })
})
