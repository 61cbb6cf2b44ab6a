import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import { randomBytes } from 'node:crypto'
import { ADMIN_PASSWORD, connectMqtt, eventually, login, startTestHub, type TestHub } from '../support/hub-harness.js'
import { connectLive, type LiveClient } from '../support/live-client.js'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { Incident } from '../../hub/src/model/incident.js'
import { startTestNats, type TestNats } from '../support/cluster-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

/**
 * Parks owned and evaluated once in cluster mode (three in-process hubs, real nats-servers):
 * every park of the zone runs on exactly one node; a gas reading past its set point sent to a
 * node that does not own the park raises one alarm, on the owner; handed over on a clean stop,
 * the next owner holds the same alarm (same id) and the readings after it continue it (no
 * second alarm), and a reading back to normal clears it there. Live view and actions from any
 * node: a socket.io client on a node that does not own the park gets the alarm pushed, GET
 * /alarms there lists it, and an acknowledgement through that node is done by the owner.
 */
const secrets = credentials.devices as Record<string, string>
const device = 'vtc-ti01-gas-009'
const topic = `parks/vtc/vtc-ti01/${device}/telemetry`

describe('cluster parks: owned once, handed over with their alarms', () => {
  let nats: TestNats
  let hubs: TestHub[] = []
  const clients: MqttClient[] = []
  const sockets: LiveClient[] = []
  const db = `t_${randomBytes(6).toString('hex')}`

  beforeAll(async () => {
    nats = await startTestNats()
    hubs = await Promise.all([0, 1, 2].map((i) => startTestHub({ db, env: { HUB_NATS_URL: nats.urls, HUB_NODE_ID: `parks-${i}` } })))
  }, 120_000)
  afterAll(async () => {
    for (const c of clients) c.end(true)
    for (const s of sockets) s.close()
    await Promise.all(hubs.map((h) => h.stop()))
    await nats?.stop()
  })

  const ownerOf = (park: string, among = hubs): TestHub[] => among.filter((h) => h.hub.cluster!.parks.owns(park))

  it('runs every park on one node, raises an alarm once on the owner, shows it and takes alarm and incident actions from another node, keeps it across a hand-over', async () => {
    const parks = hubs[0]!.hub.zone.parks.map((p) => p.id)
    await eventually(() => parks.every((p) => ownerOf(p).length === 1), 30_000, 'every park owned by one node')
    const spread = hubs.map((h) => h.hub.cluster!.parks.stats().owned.length)
    console.log(`parks ${parks.length} spread over the nodes: ${spread.join(' / ')}`)
    const owner = ownerOf('vtc')[0]!
    const other = hubs.find((h) => h !== owner)!
    const third = hubs.find((h) => h !== owner && h !== other)!
    const token = await login(third.http, 'admin', ADMIN_PASSWORD)
    const { socket } = await connectLive(third.http, token)
    sockets.push(socket)
    const pushed: { alarm: Alarm; at: number }[] = []
    socket.on('alarm', (a) => pushed.push({ alarm: a, at: Date.now() }))
    const sentAt = Date.now()
    const c = await connectMqtt(other.mqttUrl, { username: device, password: secrets[device]!, clientId: `${device}-parks` })
    clients.push(c)
    await c.publishAsync(topic, JSON.stringify({ values: { lel: 60 } }), { qos: 1 })
    const alarm = await eventually(() => owner.hub.safety.alarms.list({ state: 'open' }).find((a) => a.device === device), 10_000, 'the alarm on the owner')
    for (const h of hubs) if (h !== owner) expect(h.hub.safety.alarms.list({}).filter((a) => a.device === device)).toEqual([])
    // Live view from a node that does not own the park.
    const seen = await eventually(() => pushed.find((p) => p.alarm.id === alarm.id), 10_000, 'the alarm pushed to a socket on a third node')
    console.log(`alarm: published to node ${other.hub.cluster!.settings.nodeId}, raised on ${owner.hub.cluster!.settings.nodeId}, on a socket of ${third.hub.cluster!.settings.nodeId} ${seen.at - sentAt} ms after the publish`)
    const get = async (path: string, init: RequestInit = {}): Promise<Response> => fetch(`${third.http}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } })
    const listed = (await (await get(`/api/v1/alarms?device=${device}`)).json()) as { alarms: Alarm[] }
    expect(listed.alarms.map((a) => a.id)).toContain(alarm.id)
    // Acknowledged through a node that does not own the park: done by the owner, its answer returned.
    const ack = await get(`/api/v1/alarms/${alarm.id}/ack`, { method: 'POST', body: JSON.stringify({ note: 'seen from node 3' }) })
    expect(ack.status).toBe(200)
    expect(((await ack.json()) as Alarm).ack).toBe('acked')
    expect(owner.hub.safety.alarms.get(alarm.id)!.ack).toBe('acked')
    // An incident opened and commented through that node: held by the owner, listed on the third node.
    const opened = await get('/api/v1/incidents', { method: 'POST', body: JSON.stringify({ park: 'vtc', hazard: 'gas', level: 3, title: 'drill through node 3' }) })
    expect(opened.status).toBe(201)
    const incident = (await opened.json()) as Incident
    expect(owner.hub.safety.incidents.get(incident.id)?.title).toBe('drill through node 3')
    expect(third.hub.safety.incidents.get(incident.id)).toBeUndefined()
    await eventually(async () => ((await (await get('/api/v1/incidents?park=vtc&state=open')).json()) as { incidents: Incident[] }).incidents.some((i) => i.id === incident.id) || undefined, 10_000, 'the incident listed on the third node')
    const commented = await get(`/api/v1/incidents/${incident.id}/comment`, { method: 'POST', body: JSON.stringify({ note: 'from node 3' }) })
    expect(commented.status).toBe(200)
    expect(owner.hub.safety.incidents.get(incident.id)!.timeline.some((e) => JSON.stringify(e).includes('from node 3'))).toBe(true)
    // A clean stop hands the park over: the next owner adopts the same alarm.
    await owner.stop()
    const rest = hubs.filter((h) => h !== owner)
    hubs = rest
    const next = await eventually(() => ownerOf('vtc', rest)[0], 20_000, 'the park on another node')
    const adopted = next.hub.safety.alarms.list({ state: 'open' }).filter((a) => a.device === device)
    expect(adopted.map((a) => a.id)).toEqual([alarm.id])
    // Still past the set point: the same alarm continues, none raised again.
    await c.publishAsync(topic, JSON.stringify({ values: { lel: 61 } }), { qos: 1 })
    // Back to normal: the adopted condition clears on the new owner (the readings after the hand-over applied to it).
    await c.publishAsync(topic, JSON.stringify({ values: { lel: 0 } }), { qos: 1 })
    await eventually(() => next.hub.safety.alarms.get(alarm.id)?.currentLevel === undefined || undefined, 10_000, 'the alarm cleared on the new owner')
    expect(next.hub.safety.alarms.list({}).filter((a) => a.device === device).map((a) => a.id)).toEqual([alarm.id])
  }, 120_000)

  it('lists and finds a park\'s closed alarms and incidents through a node that does not own it (asked of the owner)', async () => {
    const owner = ownerOf('vtc')[0]!
    const other = hubs.find((h) => h !== owner)!
    const token = await login(other.http, 'admin', ADMIN_PASSWORD)
    const call = async (path: string, init: RequestInit = {}): Promise<Response> => fetch(`${other.http}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } })
    const post = async (path: string, body: object): Promise<string> => {
      const r = await call(path, { method: 'POST', body: JSON.stringify(body) })
      return r.status === 200 ? 'ok' : `${r.status} ${await r.text()}`
    }
    const alarm = owner.hub.safety.alarms.list({}).find((a) => a.device === device)!
    // The LEL alarm latches (GB/T 50493): released on site, then resolved and closed.
    expect(await post(`/api/v1/alarms/${alarm.id}/reset`, { note: 'checked on site' })).toBe('ok')
    expect(await post(`/api/v1/alarms/${alarm.id}/resolve`, { cause: 'drill', action: 'none needed' })).toBe('ok')
    expect(await post(`/api/v1/alarms/${alarm.id}/close`, { note: 'drill reviewed' })).toBe('ok')
    expect(owner.hub.safety.alarms.get(alarm.id)!.workflow).toBe('closed')
    // The mirror holds open alarms only: the closed one is asked of the owner.
    const openThere = async (): Promise<Alarm[]> => ((await (await call(`/api/v1/alarms?state=open&device=${device}`)).json()) as { alarms: Alarm[] }).alarms
    await eventually(async () => !(await openThere()).some((a) => a.id === alarm.id) || undefined, 10_000, 'the closed alarm gone from the mirror')
    const closed = (await (await call(`/api/v1/alarms?state=closed&device=${device}`)).json()) as { alarms: Alarm[]; total: number; missing?: string[] }
    expect(closed.alarms.map((a) => [a.id, a.workflow])).toEqual([[alarm.id, 'closed']])
    expect(closed.total).toBe(1)
    expect(closed.missing).toBeUndefined()
    const all = (await (await call('/api/v1/alarms?state=all&park=vtc&limit=1')).json()) as { alarms: Alarm[]; total: number; next: string | null }
    expect(all.total).toBe(owner.hub.safety.alarms.list({ state: 'all', park: 'vtc' }).length)
    expect(all.alarms).toHaveLength(1)
    const one = await call(`/api/v1/alarms/${alarm.id}`)
    expect(one.status).toBe(200)
    expect(((await one.json()) as Alarm).workflow).toBe('closed')
    // An action on it reaches the owner, whose answer it is (a closed alarm takes none: 409, not a 404 from this node).
    expect(await post(`/api/v1/alarms/${alarm.id}/comment`, { note: 'after the close' })).toMatch(/^409 /)
    // An incident closed through the node that does not own its park: listed there with the closed ones, and found by id.
    const incident = owner.hub.safety.incidents.list({ park: 'vtc', state: 'open' }).find((i) => i.title === 'drill through node 3')!
    expect(await post(`/api/v1/incidents/${incident.id}/close`, { summary: 'drill over' })).toBe('ok')
    const closedIncidents = (await (await call('/api/v1/incidents?state=closed&park=vtc')).json()) as { incidents: Incident[]; missing?: string[] }
    expect(closedIncidents.incidents.map((i) => i.id)).toContain(incident.id)
    expect(closedIncidents.missing).toBeUndefined()
    const found = await call(`/api/v1/incidents/${incident.id}`)
    expect(found.status).toBe(200)
    expect(((await found.json()) as Incident).state).toBe('closed')
    expect((await call('/api/v1/alarms/00000000-0000-4000-8000-000000000000')).status).toBe(404)
    // Alarm KPIs cover every park on every node: the owner's park's alarm counted through the other node too.
    const kpi = async (h: TestHub): Promise<{ annunciations: number; top: { device: string }[]; missing?: string[] }> => {
      const t = h === other ? token : await login(h.http, 'admin', ADMIN_PASSWORD)
      return (await fetch(`${h.http}/api/v1/alarms/kpi?window=24h`, { headers: { authorization: `Bearer ${t}` } })).json() as never
    }
    const [there, onOwner] = [await kpi(other), await kpi(owner)]
    expect(there.top.map((t) => t.device)).toContain(device)
    expect(there.annunciations).toBe(onOwner.annunciations)
    expect(there.missing).toBeUndefined()
  }, 60_000)
})
