import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import YAML from 'yaml'
import type { MqttClient } from 'mqtt'
import type { Alarm } from '../../hub/src/model/alarm.js'
import { api, connectMqtt, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import { deviceSecret } from '../support/notify-zone.js'

/** A zone file without a notify section: the hub as before (no notifier, no files), the notify API empty. */
let t: TestHub
let dir: string
let mq: MqttClient

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smartpark-no-notify-'))
  const zone = YAML.parse(await readFile(new URL('../../hub/zones/demo-zone.yaml', import.meta.url), 'utf8')) as Record<string, unknown>
  delete zone.notify
  await writeFile(join(dir, 'zone.yaml'), YAML.stringify(zone))
  t = await startTestHub({ env: { HUB_CONFIG: join(dir, 'zone.yaml') } })
})

afterAll(async () => {
  mq?.end(true)
  await t?.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('a zone without notifications', () => {
  it('raises alarms as before, with no notification steps, and answers the notify API with nothing', async () => {
    expect(t.hub.notify).toBeUndefined()
    const device = 'vtc-ti01-gas-009'
    mq = await connectMqtt(t.mqttUrl, { username: device, password: await deviceSecret(device) })
    await mq.publishAsync(`parks/vtc/vtc-ti01/${device}/telemetry`, JSON.stringify({ values: { lel: 30 } }), { qos: 1 })
    const alarm = await eventually(async () => (await api<{ alarms: Alarm[] }>(t, 'GET', `/api/v1/alarms?state=open&device=${device}`)).body.alarms[0], 5000, 'the alarm')
    const acked = (await api<Alarm>(t, 'POST', `/api/v1/alarms/${alarm.id}/ack`, {})).body
    expect(acked.history.map((s) => s.action)).toEqual(['raise', 'ack'])
    expect((await api(t, 'GET', `/api/v1/alarms/${alarm.id}/escalation`)).body).toEqual({ alarm: alarm.id, state: 'none', tier: null, next: null, stoppedBy: null, via: null })
    expect((await api(t, 'GET', '/api/v1/notify/duty')).body).toMatchObject({ entries: [] })
    expect((await api(t, 'GET', '/api/v1/notify/channels')).body).toEqual({ channels: [] })
    expect((await api(t, 'GET', '/api/v1/notify/log')).body).toEqual({ entries: [] })
    expect((await api(t, 'PUT', '/api/v1/notify/rosters/vtc', { scope: 'vtc', people: [], shifts: [] })).status).toBe(409)
    expect((await api(t, 'GET', '/api/v1/ack/a1.x.y')).status).toBe(409)
    expect(existsSync(join(t.dataDir, 'notify'))).toBe(false)
  })

  it('records where an acknowledgement came from: a browser\'s request is the dashboard, a script\'s the API', async () => {
    const first = (await api<{ alarms: Alarm[] }>(t, 'GET', '/api/v1/alarms?state=open&device=vtc-ti01-gas-009')).body.alarms[0]!
    expect(first.history.find((s) => s.action === 'ack')?.channel).toBe('api')
    const device = 'vtc-gc03-gas-001'
    const c = await connectMqtt(t.mqttUrl, { username: device, password: await deviceSecret(device) })
    await c.publishAsync(`parks/vtc/vtc-gc03/${device}/telemetry`, JSON.stringify({ values: { lel: 30 } }), { qos: 1 })
    c.end(true)
    const alarm = await eventually(async () => (await api<{ alarms: Alarm[] }>(t, 'GET', `/api/v1/alarms?state=open&device=${device}`)).body.alarms[0], 5000, 'the second alarm')
    const res = await fetch(`${t.http}/api/v1/alarms/${alarm.id}/ack`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0', 'sec-fetch-mode': 'cors', 'sec-fetch-site': 'same-origin' },
      body: '{}',
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as Alarm).history.filter((s) => s.action === 'ack').at(-1)?.channel).toBe('dashboard')
  })
})
