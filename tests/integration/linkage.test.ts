/**
 * Linkage is proposed, a person confirms it (GB/T 50493 §3.0.8), through a real hub, real MQTT
 * devices and a real socket.io client: a plan's valve command waits for confirmation (no `cmd`
 * publish before, exactly one after), the fire panel's siren sounds by itself, a viewer's and an
 * energy manager's confirmation are refused, a dismissal needs a note, a command to an offline
 * device fails visibly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import type { MqttClient } from 'mqtt'
import type { Incident, IncidentCommand } from '../../hub/src/model/incident.js'
import type { ClientToServerEvents, ServerToClientEvents } from '../../hub/src/model/live-events.js'
import { api, connectMqtt, eventually, login, startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

type Client = Socket<ServerToClientEvents, ClientToServerEvents>
type Cmd = { id: string; command: string; params: Record<string, unknown>; expiresAt: number }

const P = 'parks/vtc/vtc-ti01'
const VALVE_A = 'vtc-ti01-gas-009' // combustible detector with a shut-off valve, boiler house
const VALVE_B = 'vtc-ti01-gas-010' // the same, second valve of the boiler house
const PANEL = 'vtc-ti01-fire-003' // the enterprise's fire alarm panel, drives the sirens
const SMOKE = 'vtc-ti01-fire-011'
const HEAT = 'vtc-ti01-fire-010'
const OFFLINE_VALVE = 'vtc-ti01-gas-006' // tank farm valve, never connected
const secret = (id: string): string => (credentials.devices as Record<string, string>)[id]!

describe('linkage: proposed by the plan, confirmed by a person', () => {
  let t: TestHub
  const clients: MqttClient[] = []
  let socket: Client
  /** Every cmd each device received, in order. */
  const received = new Map<string, Cmd[]>()
  /** Every incident the responder's socket was told of. */
  const events: Incident[] = []

  /** A device that says it is online (retained status, as its will message says offline), listens on its cmd topic and acknowledges. */
  const device = async (id: string): Promise<MqttClient> => {
    const c = await connectMqtt(t.mqttUrl, { username: id, password: secret(id), clientId: id, will: { topic: `${P}/${id}/status`, payload: Buffer.from('offline'), qos: 1, retain: true } })
    clients.push(c)
    received.set(id, [])
    await c.subscribeAsync(`${P}/${id}/cmd`, { qos: 1 })
    c.on('message', (_topic, payload) => {
      const body = JSON.parse(payload.toString()) as Cmd
      received.get(id)!.push(body)
      void c.publishAsync(`${P}/${id}/event`, JSON.stringify({ type: 'command_ack', state: 'on', id: body.id, command: body.command }), { qos: 1 })
    })
    await c.publishAsync(`${P}/${id}/status`, 'online', { qos: 1, retain: true })
    return c
  }
  const incident = async (id: string): Promise<Incident> => (await api<Incident>(t, 'GET', `/api/v1/incidents/${id}`)).body
  const decide = (token: string, inc: string, cmd: string, action: 'confirm' | 'dismiss', body?: unknown) =>
    api<Incident & { message?: string }>(t, 'POST', `/api/v1/incidents/${inc}/commands/${cmd}/${action}`, body, token)

  beforeAll(async () => {
    t = await startTestHub()
    for (const id of [VALVE_A, VALVE_B, PANEL, SMOKE, HEAT]) await device(id)
    const token = await login(t.http, 'responder', 'responder-demo')
    socket = await new Promise<Client>((resolve, reject) => {
      const s: Client = io(t.http, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false })
      s.once('snapshot', () => resolve(s))
      s.once('connect_error', reject)
    })
    socket.on('incident', (i) => events.push(i))
    await eventually(async () => {
      const devices = (await api<{ devices: { id: string; online: boolean }[] }>(t, 'GET', '/api/v1/devices?park=vtc&enterprise=vtc-ti01')).body.devices
      return [VALVE_A, VALVE_B, PANEL].every((id) => devices.find((d) => d.id === id)?.online)
    }, 10_000, 'the devices online')
  })
  afterAll(async () => {
    socket?.close()
    for (const c of clients) c.end(true)
    await t.stop()
  })

  it('sounds the siren by itself, publishes no valve command before a person confirms it and exactly one after', async () => {
    // A second-level leak (60 %LEL ≥ 50, GB/T 50493) and a fire in the boiler house: gas_fire, red.
    await clients[0]!.publishAsync(`${P}/${VALVE_A}/telemetry`, JSON.stringify({ values: { lel: 60 } }), { qos: 1 })
    await clients[3]!.publishAsync(`${P}/${SMOKE}/event`, JSON.stringify({ type: 'smoke_alarm', state: 'on' }), { qos: 1 })
    await clients[4]!.publishAsync(`${P}/${HEAT}/telemetry`, JSON.stringify({ values: { temp: 75 } }), { qos: 1 })

    // The siren is a warning device: automatic, published, acknowledged by the panel.
    const opened = await eventually(async () => {
      const list = (await api<{ incidents: Incident[] }>(t, 'GET', '/api/v1/incidents?state=open&park=vtc')).body.incidents
      const i = list.find((x) => x.area === 'vtc-ti01-blr' && x.hazard === 'gas_fire')
      return i?.commands.some((c) => c.command === 'sound_siren' && c.state === 'acknowledged') ? i : undefined
    }, 10_000, 'a gas_fire incident whose siren the panel acknowledged')
    const siren = opened.commands.find((c) => c.command === 'sound_siren')!
    expect(siren).toMatchObject({ device: PANEL, automatic: true, movesPlant: false, sentBy: 'system' })
    expect(siren.confirmedBy).toBeUndefined()
    expect(received.get(PANEL)!.map((c) => c.command)).toEqual(['sound_siren'])
    expect(received.get(PANEL)![0]!.expiresAt).toBe(siren.expiresAt)

    // The valves are proposals: the panel's round trip is done and still no valve heard anything.
    const valves = opened.commands.filter((c) => c.command === 'close_valve')
    expect(valves.map((c) => [c.device, c.state, c.automatic, c.movesPlant])).toEqual([[VALVE_A, 'proposed', false, true], [VALVE_B, 'proposed', false, true]])
    expect(received.get(VALVE_A)).toEqual([])
    expect(received.get(VALVE_B)).toEqual([])
    // The live event carries the proposals.
    await eventually(() => events.some((e) => e.id === opened.id && e.commands.filter((c) => c.state === 'proposed').length === 2), 5000, 'the incident event with two proposals')

    // A viewer and an energy manager may not confirm; nothing is published.
    const viewer = await login(t.http, 'viewer', 'viewer-demo')
    const energy = await login(t.http, 'energy', 'energy-demo')
    const [a, b] = valves as [IncidentCommand, IncidentCommand]
    expect((await decide(viewer, opened.id, a.id, 'confirm')).status).toBe(403)
    expect((await decide(energy, opened.id, a.id, 'confirm')).status).toBe(403)
    expect((await decide(viewer, opened.id, b.id, 'dismiss', { note: 'no' })).status).toBe(403)
    expect((await incident(opened.id)).commands.filter((c) => c.state === 'proposed')).toHaveLength(2)

    // The responder confirms one with one click: who and when on the command, one publish.
    const responder = await login(t.http, 'responder', 'responder-demo')
    const before = Date.now()
    const confirmed = await decide(responder, opened.id, a.id, 'confirm', {})
    expect(confirmed.status).toBe(200)
    const mine = confirmed.body.commands.find((c) => c.id === a.id)!
    expect(mine).toMatchObject({ confirmedBy: 'responder', sentBy: 'responder' })
    expect(mine.confirmedAt).toBeGreaterThanOrEqual(before)
    await eventually(async () => (await incident(opened.id)).commands.find((c) => c.id === a.id)?.state === 'acknowledged', 10_000, 'the valve acknowledged')
    expect(received.get(VALVE_A)!.map((c) => [c.id, c.command])).toEqual([[a.id, 'close_valve']])
    expect(received.get(VALVE_A)![0]!.expiresAt).toBeGreaterThan(mine.confirmedAt!)
    expect(received.get(VALVE_B)).toEqual([])
    await eventually(() => events.some((e) => e.commands.some((c) => c.id === a.id && c.confirmedBy === 'responder' && c.state === 'acknowledged')), 5000, 'the incident event with the confirmation')

    // A second click is refused and publishes nothing more.
    expect((await decide(responder, opened.id, a.id, 'confirm')).status).toBe(409)

    // The safety officer dismisses the other (a note is required); it is never published.
    const safety = await login(t.http, 'safety', 'safety-demo')
    expect((await decide(safety, opened.id, b.id, 'dismiss', {})).status).toBe(400)
    const dismissed = await decide(safety, opened.id, b.id, 'dismiss', { note: '该阀门下游在检修，已由现场手动隔离' })
    expect(dismissed.status).toBe(200)
    expect(dismissed.body.commands.find((c) => c.id === b.id)).toMatchObject({ state: 'dismissed', dismissedBy: 'safety', dismissNote: '该阀门下游在检修，已由现场手动隔离' })
    expect((await decide(responder, opened.id, b.id, 'confirm')).status).toBe(409)

    // A command by hand to a valve that never came online fails visibly; nothing is published to it.
    const offline = await api<Incident>(t, 'POST', `/api/v1/incidents/${opened.id}/commands`, { device: OFFLINE_VALVE, command: 'close_valve' }, responder)
    expect(offline.status).toBe(200)
    expect(offline.body.commands.at(-1)).toMatchObject({ device: OFFLINE_VALVE, state: 'failed', result: 'failed: device offline' })

    // The audit log has the confirmation and the refusals, with who.
    const audit = (await api<{ entries: { user: string; action: string; ok: boolean; target?: string }[] }>(t, 'GET', '/api/v1/audit?limit=50')).body.entries
    const confirms = audit.filter((e) => e.action.endsWith('/confirm'))
    expect(confirms.filter((e) => e.ok).map((e) => e.user)).toEqual(['responder'])
    expect(confirms.filter((e) => !e.ok).map((e) => e.user).sort()).toEqual(['energy', 'responder', 'responder', 'viewer'])

    // Still exactly one publish to each valve-side device.
    const final = await incident(opened.id)
    expect(received.get(VALVE_A)).toHaveLength(1)
    expect(received.get(VALVE_B)).toEqual([])
    expect(final.timeline.map((e) => e.action)).toEqual(expect.arrayContaining(['command_proposed', 'command_confirmed', 'command_sent', 'command_ack', 'command_dismissed', 'command_failed']))
  }, 30_000)
})
