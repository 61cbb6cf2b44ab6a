import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import { eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }
import { groupKey } from '../../hub/src/rules/communications-alarm.js'

/**
 * Every device of one area dropping off the network at once (their wills fire) is one
 * communications alarm with the devices listed, not an alarm per device; the devices stay
 * offline in park risk; the alarm clears when they are back.
 */
const secrets = credentials.devices as Record<string, string>

describe('a mass disconnect', () => {
  let t: TestHub
  let clients: MqttClient[] = []
  beforeAll(async () => {
    t = await startTestHub({ env: { HUB_DEADMAN_INTERVALS: '1000' } })
  })
  afterAll(async () => {
    for (const c of clients) c.end(true)
    await t.stop()
  })

  it('is one communications alarm listing its devices, the gap still in park risk', async () => {
    // The area with the most devices that have credentials of their own.
    const byGroup = new Map<string, string[]>()
    const size = new Map<string, number>()
    for (const r of t.hub.registry.all()) {
      const k = groupKey(r.device)
      size.set(k, (size.get(k) ?? 0) + 1)
      if (secrets[r.device.id] && k.startsWith('area:')) byGroup.set(k, [...(byGroup.get(k) ?? []), r.device.id])
    }
    const [group, ids] = [...byGroup].sort((a, b) => b[1].length - a[1].length)[0]!
    const trip = Math.max(3, Math.min(10, Math.ceil(size.get(group)! / 2)))
    console.log(`${group}: ${ids.length} devices with credentials of ${size.get(group)}; trips at ${trip}`)
    expect(ids.length).toBeGreaterThanOrEqual(trip)
    const devices = ids.map((id) => t.hub.registry.get(id)!.device)
    const park = devices[0]!.park
    const statusTopic = (d: (typeof devices)[number]): string => `parks/${d.park}/${d.enterprise}/${d.id}/status`
    const connectAll = (): Promise<MqttClient[]> => Promise.all(devices.map((d) => mqtt.connectAsync(t.mqttUrl, {
      username: d.id, password: secrets[d.id], clientId: d.id, reconnectPeriod: 0,
      will: { topic: statusTopic(d), payload: Buffer.from('offline'), qos: 1, retain: true },
    })))
    clients = await connectAll()
    await Promise.all(clients.map((c, i) => c.publishAsync(statusTopic(devices[i]!), 'online', { qos: 1, retain: true })))
    await eventually(() => devices.every((d) => t.hub.registry.get(d.id)?.state.online === true), 10_000, 'the devices online')
    const onlineBefore = t.hub.safety.risk.get(park)!.devicesOnline

    // The network goes: every connection dropped without a DISCONNECT, every will fires.
    for (const c of clients) (c as unknown as { stream: { destroy(): void } }).stream.destroy()
    const listed = await eventually(() => {
      const comms = t.hub.safety.alarms.list({ state: 'all' }).filter((a) => a.type === 'communications_loss' && a.condition === 'active')
      return comms.length === 1 && comms[0]!.devices?.length === ids.length ? comms : undefined
    }, 15_000, 'one communications alarm listing every device')
    const alarm = listed[0]!
    console.log(`communications alarm: level ${alarm.level}, ${alarm.devices!.length} devices; history ${alarm.history.map((s) => s.action).join(', ')}`)
    expect([...alarm.devices!].sort()).toEqual([...ids].sort())
    expect(alarm.park).toBe(park)
    // The device alarms raised before the trip are suppressed by design; none annunciated.
    const offline = t.hub.safety.alarms.list({ state: 'all' }).filter((a) => a.type === 'device_offline' && ids.includes(a.device))
    expect(offline.length).toBeLessThan(trip)
    expect(offline.every((a) => a.suppressed)).toBe(true)
    expect(t.hub.safety.alarms.list({ state: 'active' }).filter((a) => a.type === 'device_offline' && ids.includes(a.device))).toEqual([])
    // The gap stays visible in park risk: the devices offline, the park coloured.
    const risk = await eventually(() => {
      const r = t.hub.safety.risk.get(park)!
      return r.devicesOnline === onlineBefore - ids.length ? r : undefined
    }, 5000, 'park risk counting the devices offline')
    expect(risk.level).not.toBeNull()
    expect(risk.reasons.some((r) => r.alarm === alarm.id)).toBe(true)

    // Back: the alarm clears.
    clients = await connectAll()
    await Promise.all(clients.map((c, i) => c.publishAsync(statusTopic(devices[i]!), 'online', { qos: 1, retain: true })))
    await eventually(() => t.hub.safety.alarms.get(alarm.id)?.condition === 'cleared', 15_000, 'the communications alarm cleared')
  })
})
