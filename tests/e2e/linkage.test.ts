/**
 * Linkage on the incident stage, end to end: a gas leak with fire in the boiler house opens an
 * incident whose plan sounds the panel's siren by itself and proposes closing the two shut-off
 * valves. The responder confirms one proposal with one click (确认执行) and dismisses the other
 * with a reason (驳回); the hub publishes exactly one valve command; a viewer sees the proposals
 * without buttons. Screenshots: test-results/e2e-linkage-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Incident } from '../../hub/src/model/incident.js'
import { api, connectMqtt, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }
import { auditLanguage, DESK, ensureDashboardBuilt, launchBrowser, screenshot, signIn } from './browser.js'

const P = 'parks/vtc/vtc-ti01'
const VALVE_A = 'vtc-ti01-gas-009'
const VALVE_B = 'vtc-ti01-gas-010'
const PANEL = 'vtc-ti01-fire-003'
const SMOKE = 'vtc-ti01-fire-011'
const HEAT = 'vtc-ti01-fire-010'
const secret = (id: string): string => (credentials.devices as Record<string, string>)[id]!

describe('dashboard end to end: a proposed valve command confirmed on the incident stage', () => {
  let t: TestHub
  let browser: Browser
  const contexts: BrowserContext[] = []
  const clients = new Map<string, MqttClient>()
  const received = new Map<string, string[]>()
  const pageErrors: string[] = []
  let incident: Incident

  async function device(id: string): Promise<MqttClient> {
    const c = await connectMqtt(t.mqttUrl, { username: id, password: secret(id), clientId: id })
    clients.set(id, c)
    received.set(id, [])
    await c.subscribeAsync(`${P}/${id}/cmd`, { qos: 1 })
    c.on('message', (_topic, payload) => {
      const body = JSON.parse(payload.toString()) as { id: string; command: string }
      received.get(id)!.push(body.command)
      void c.publishAsync(`${P}/${id}/event`, JSON.stringify({ type: 'command_ack', state: 'on', id: body.id, command: body.command }), { qos: 1 })
    })
    await c.publishAsync(`${P}/${id}/status`, 'online', { qos: 1, retain: true })
    return c
  }

  async function page(user: string, password: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: DESK, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    contexts.push(ctx)
    const p = await ctx.newPage()
    p.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`))
    await signIn(p, t.http, user, password)
    return p
  }

  beforeAll(async () => {
    await ensureDashboardBuilt()
    t = await startTestHub({ dashboard: true, env: { HUB_DEADMAN_INTERVALS: '1000' } })
    browser = await launchBrowser()
    for (const id of [VALVE_A, VALVE_B, PANEL, SMOKE, HEAT]) await device(id)
    await eventually(async () => {
      const devices = (await api<{ devices: { id: string; online: boolean }[] }>(t, 'GET', '/api/v1/devices?park=vtc&enterprise=vtc-ti01')).body.devices
      return [VALVE_A, VALVE_B, PANEL].every((id) => devices.find((d) => d.id === id)?.online)
    }, 10_000, 'the devices online')
  }, 60_000)

  afterAll(async () => {
    for (const c of clients.values()) c.end(true)
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close()
    await t?.stop()
  })

  it('the responder sees two proposals, confirms one with 确认执行 and dismisses the other with a reason; one valve command is published', async () => {
    const responder = await page('responder', 'responder-demo')
    await clients.get(VALVE_A)!.publishAsync(`${P}/${VALVE_A}/telemetry`, JSON.stringify({ values: { lel: 60 } }), { qos: 1 })
    await clients.get(SMOKE)!.publishAsync(`${P}/${SMOKE}/event`, JSON.stringify({ type: 'smoke_alarm', state: 'on' }), { qos: 1 })
    await clients.get(HEAT)!.publishAsync(`${P}/${HEAT}/telemetry`, JSON.stringify({ values: { temp: 75 } }), { qos: 1 })
    incident = await eventually(async () => {
      const list = (await api<{ incidents: Incident[] }>(t, 'GET', '/api/v1/incidents?state=open&park=vtc')).body.incidents
      const i = list.find((x) => x.hazard === 'gas_fire')
      return i?.commands.some((c) => c.command === 'sound_siren' && c.state === 'acknowledged') ? i : undefined
    }, 10_000, 'a gas_fire incident with its siren acknowledged')
    const [a, b] = incident.commands.filter((c) => c.command === 'close_valve')
    expect([a?.state, b?.state]).toEqual(['proposed', 'proposed'])

    const stage = responder.locator(`[data-testid=incident-stage][data-incident="${incident.id}"]`)
    await stage.waitFor({ timeout: 10_000 })
    const proposals = stage.locator('[data-testid=proposal]')
    await expect.poll(() => proposals.count()).toBe(2)
    // The automatic siren is marked as such in the commands list, acknowledged.
    const siren = stage.locator('[data-testid=incident-command]', { hasText: '启动声光报警' })
    await expect.poll(() => siren.innerText()).toMatch(/自动执行 · 警示设备[\s\S]*已回执/)
    expect(received.get(VALVE_A)).toEqual([])
    expect(received.get(VALVE_B)).toEqual([])
    expect(await stage.locator('[data-testid=proposal-offline]').count()).toBe(0) // both valves are online
    await screenshot(responder, 'e2e-linkage-01-proposed')

    // A viewer sees the same proposals, without the buttons to decide them.
    const viewer = await page('viewer', 'viewer-demo')
    const seen = viewer.locator(`[data-testid=incident-stage][data-incident="${incident.id}"] [data-testid=proposal]`)
    await expect.poll(() => seen.count(), { timeout: 10_000 }).toBe(2)
    expect(await seen.locator('button').count()).toBe(0)
    await screenshot(viewer, 'e2e-linkage-02-viewer')

    // One click confirms the first proposal.
    await stage.locator(`[data-testid=proposal][data-command="${a!.id}"] button`, { hasText: '确认执行' }).click()
    await stage.locator(`[data-testid=incident-command][data-command="${a!.id}"][data-state=acknowledged]`).waitFor({ timeout: 10_000 })
    expect(await stage.locator(`[data-testid=incident-command][data-command="${a!.id}"]`).innerText()).toMatch(/responder 确认[\s\S]*已回执/)
    expect(received.get(VALVE_A)).toEqual(['close_valve'])
    await expect.poll(() => proposals.count()).toBe(1)

    // The second is dismissed with a reason; the button waits for one.
    const second = stage.locator(`[data-testid=proposal][data-command="${b!.id}"]`)
    await second.locator('button', { hasText: '驳回' }).click()
    const confirmDismiss = second.locator('button[type=submit]')
    expect(await confirmDismiss.isDisabled()).toBe(true)
    await second.locator('input').fill('该阀门下游在检修，已现场手动隔离')
    await confirmDismiss.click()
    await stage.locator(`[data-testid=incident-command][data-command="${b!.id}"][data-state=dismissed]`).waitFor({ timeout: 10_000 })
    await expect.poll(() => proposals.count()).toBe(0)
    await screenshot(responder, 'e2e-linkage-03-confirmed')

    const after = (await api<Incident>(t, 'GET', `/api/v1/incidents/${incident.id}`)).body
    expect(after.commands.find((c) => c.id === a!.id)).toMatchObject({ state: 'acknowledged', confirmedBy: 'responder' })
    expect(after.commands.find((c) => c.id === b!.id)).toMatchObject({ state: 'dismissed', dismissedBy: 'responder', dismissNote: '该阀门下游在检修，已现场手动隔离' })
    expect(received.get(VALVE_A)).toEqual(['close_valve'])
    expect(received.get(VALVE_B)).toEqual([])

    // In English the same stage has no untranslated label.
    await responder.locator('button[lang=en]', { hasText: 'English' }).first().click()
    await expect.poll(() => stage.locator(`[data-testid=incident-command][data-command="${a!.id}"]`).innerText()).toMatch(/confirmed by responder/)
    const en = await auditLanguage(responder)
    expect(en.offenders, 'CJK text on the English incident stage').toEqual([])
    await screenshot(responder, 'e2e-linkage-04-english')
    expect(pageErrors).toEqual([])
  }, 60_000)
})
