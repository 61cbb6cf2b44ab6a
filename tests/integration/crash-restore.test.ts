import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Alarm } from '../../hub/src/model/alarm.js'
import { connectMqtt, eventually, login } from '../support/hub-harness.js'
import { startHubProcess, type HubProcess } from '../support/hub-process.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

async function alarms(http: string, token: string): Promise<Alarm[]> {
  const res = await fetch(`${http}/api/v1/alarms?state=all`, { headers: { authorization: `Bearer ${token}` } })
  return ((await res.json()) as { alarms: Alarm[] }).alarms
}

describe('a hub killed with kill -9 comes back with the same alarms in the same states', () => {
  let dataDir: string
  let hub: HubProcess | undefined
  const env = () => ({ HUB_DATA_DIR: dataDir, INFLUX_URL: inject('influxUrl'), INFLUX_DB: `crash_${process.pid}`, HUB_ADMIN_PASSWORD: 'crash-admin-pw' })

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'smartpark-crash-'))
  })
  afterAll(async () => {
    await hub?.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('restores alarms, acknowledgements and the closed-loop state', async () => {
    hub = await startHubProcess(env())
    const devices = ['vtc-ti01-gas-009', 'glc-ca01-gas-001'] as const
    const c1 = await connectMqtt(hub.mqttUrl, { username: devices[0], password: (credentials.devices as Record<string, string>)[devices[0]]! })
    const c2 = await connectMqtt(hub.mqttUrl, { username: devices[1], password: (credentials.devices as Record<string, string>)[devices[1]]! })
    await c1.publishAsync(`parks/vtc/vtc-ti01/${devices[0]}/telemetry`, JSON.stringify({ values: { lel: 60 } }), { qos: 1 })
    await c2.publishAsync(`parks/glc/glc-ca01/${devices[1]}/telemetry`, JSON.stringify({ values: { cl2: 1.2 } }), { qos: 1 })
    const token = await login(hub.http, 'safety', 'safety-demo')
    const raised = await eventually(async () => {
      const a = (await alarms(hub!.http, token)).filter((x) => devices.includes(x.device as never))
      return a.length === 2 ? a : undefined
    }, 10_000, 'two alarms')
    const red = raised.find((a) => a.device === devices[0])!
    const ack = await fetch(`${hub.http}/api/v1/alarms/${red.id}/ack`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ note: '已确认' }) })
    expect(ack.status).toBe(200)
    const disp = await fetch(`${hub.http}/api/v1/alarms/${red.id}/dispatch`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ assignee: '消防一班' }) })
    expect(disp.status).toBe(200)
    const before = (await alarms(hub.http, token)).sort((a, b) => a.id.localeCompare(b.id))
    c1.end(true)
    c2.end(true)

    await hub.kill9()
    hub = await startHubProcess(env())
    const token2 = await login(hub.http, 'safety', 'safety-demo')
    // Every alarm held before the crash is back, in the same state. (Devices of the demo zone that never
    // reported may go offline meanwhile and raise new deadman alarms: those are new, not restored.)
    const beforeIds = new Set(before.map((a) => a.id))
    const after = (await alarms(hub.http, token2)).filter((a) => beforeIds.has(a.id)).sort((a, b) => a.id.localeCompare(b.id))
    expect(after.map((a) => [a.id, a.level, a.condition, a.ack, a.workflow, a.assignee, a.history.length])).toEqual(
      before.map((a) => [a.id, a.level, a.condition, a.ack, a.workflow, a.assignee, a.history.length]),
    )
    expect(after.find((a) => a.id === red.id)).toMatchObject({ level: 1, ack: 'acked', workflow: 'dispatched', assignee: '消防一班' })
  })
})
