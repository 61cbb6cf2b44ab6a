import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type Socket } from 'node:net'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqttPacket from 'mqtt-packet'
import type { MqttClient } from 'mqtt'
import { api, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'

/**
 * Broker sessions (MQTT 3.1.1 §3.1.2.4, §4.1): a client id is tied to the device that
 * authenticates, a stored session is resumed only by its owner, a device never receives
 * another's commands, retiring a device or replacing its secret ends its sessions, and the
 * broker's state per device and in all is capped.
 */
const gasDevice = (id: string) => ({ id, kind: 'gas', type: 'toxic', park: 'vtc', enterprise: 'vtc-ti01', name: `氯气探测器 ${id}`, metrics: ['cl2'], position: { x: 1, y: 2 }, interval: 5 })
const cmdTopic = (id: string) => `parks/vtc/vtc-ti01/${id}/cmd`
const telemetryTopic = (id: string) => `parks/vtc/vtc-ti01/${id}/telemetry`

type Persistence = { subscriptionsByClient(c: { id: string }): Promise<{ topic: string }[]> }

describe('broker sessions: one device, its own sessions, bounded state', () => {
  let t: TestHub
  const secrets = new Map<string, string>()
  const open: MqttClient[] = []
  const sockets: Socket[] = []

  const provision = async (id: string): Promise<string> => {
    const res = await api<{ secret: string }>(t, 'POST', '/api/v1/devices', gasDevice(id))
    expect(res.status).toBe(201)
    secrets.set(id, res.body.secret)
    return res.body.secret
  }
  const connectAs = async (device: string, clientId: string, clean: boolean, secret = secrets.get(device)!): Promise<{ c: MqttClient; sessionPresent: boolean }> => {
    const { default: mqtt } = await import('mqtt')
    return new Promise((resolve, reject) => {
      const c = mqtt.connect(t.mqttUrl, { username: device, password: secret, clientId, clean, reconnectPeriod: 0, connectTimeout: 5000 })
      c.once('connect', (ack) => {
        open.push(c)
        resolve({ c, sessionPresent: ack.sessionPresent })
      })
      c.once('error', (err) => {
        c.end(true)
        reject(err)
      })
    })
  }
  const end = (c: MqttClient): Promise<void> => new Promise((r) => c.end(false, {}, () => r()))
  const subscribe = (c: MqttClient, topics: string[]): Promise<{ topic: string; qos: number }[]> =>
    new Promise((resolve, reject) =>
      c.subscribe(topics, { qos: 1 }, (err, granted) => {
        // mqtt.js reports a negated topic (SUBACK 0x80) as an error carrying the SUBACK.
        const suback = (err as { packet?: { granted?: number[] } } | null)?.packet?.granted
        if (suback) return resolve(topics.map((topic, i) => ({ topic, qos: suback[i]! })))
        if (err) return reject(err)
        resolve((granted ?? []).map((g) => ({ topic: g.topic, qos: g.qos })))
      }),
    )
  const persistence = (): Persistence => (t.hub.broker.aedes as unknown as { persistence: Persistence }).persistence
  const storedTopics = async (clientId: string): Promise<string[]> => (await persistence().subscriptionsByClient({ id: clientId })).map((s) => s.topic)
  const health = async (): Promise<{ broker: { sessions: { storedSessions: number; qos2InFlight: number; queued: number; refused: Record<string, number> } } }> =>
    ((await api(t, 'GET', '/api/v1/health')).body as never)

  beforeAll(async () => {
    t = await startTestHub({
      env: { HUB_MQTT_QOS2_INFLIGHT_PER_DEVICE: '20', HUB_MQTT_QOS2_INFLIGHT_TOTAL: '50', HUB_MQTT_SESSIONS_PER_DEVICE: '3', HUB_MQTT_QUEUE_PER_SESSION: '5' },
    })
    for (const id of ['bs-a', 'bs-b', 'bs-c', 'bs-d', 'bs-e', 'bs-f', 'bs-g', 'bs-h']) await provision(id)
  })
  afterAll(async () => {
    for (const c of open) c.end(true)
    for (const s of sockets) s.destroy()
    await t.stop()
  })

  it('refuses a second device reusing another device\'s client id or session, and leaves the first\'s session as it was', async () => {
    const a = await connectAs('bs-a', 'bs-a-main', false)
    expect(await subscribe(a.c, [cmdTopic('bs-a')])).toEqual([{ topic: cmdTopic('bs-a'), qos: 1 }])
    await end(a.c)
    // Another device, the other device's exact id or one of its `<id>-suffix` ids.
    await expect(connectAs('bs-b', 'bs-a', false)).rejects.toThrow(/Identifier rejected|Not authorized/i)
    await expect(connectAs('bs-b', 'bs-a-main', false)).rejects.toThrow(/Identifier rejected|Not authorized/i)
    await expect(connectAs('bs-b', 'bs-a-main', true)).rejects.toThrow(/Identifier rejected|Not authorized/i)
    expect(await storedTopics('bs-a-main')).toEqual([cmdTopic('bs-a')])
    const again = await connectAs('bs-a', 'bs-a-main', false)
    expect(again.sessionPresent).toBe(true)
    await end(again.c)
  })

  it('keeps third-party client ids (mosquitto_pub, mqtt.js) for clean sessions only, and never lets another device take one that is in use', async () => {
    const foreign = await connectAs('bs-a', 'mosq-Zx81kq0AbC', true)
    await expect(connectAs('bs-a', 'mosq-persistent1', false)).rejects.toThrow(/Identifier rejected/i)
    // A live clean session under a third-party id is not taken over by another device (MQTT-3.1.4-2 would close it).
    await expect(connectAs('bs-b', 'mosq-Zx81kq0AbC', true)).rejects.toThrow(/Identifier rejected/i)
    expect(foreign.c.connected).toBe(true)
    await end(foreign.c)
    // The README's mosquitto_pub: with the device's id, and with the id it makes up itself (clean session).
    const pub = (args: string[]) => promisify(execFile)('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(t.hub.addresses.mqttPort), '-q', '1', '-m', '{"values":{"cl2":0.1}}', ...args], { timeout: 5000 })
    await pub(['-i', 'bs-a', '-u', 'bs-a', '-P', secrets.get('bs-a')!, '-t', telemetryTopic('bs-a')])
    await pub(['-u', 'bs-a', '-P', secrets.get('bs-a')!, '-t', telemetryTopic('bs-a')])
    await expect(pub(['-i', 'bs-b', '-u', 'bs-a', '-P', secrets.get('bs-a')!, '-t', telemetryTopic('bs-a')])).rejects.toThrow()
  })

  it('never gives a device another device\'s commands, live or queued for its stored session', async () => {
    const b = await connectAs('bs-b', 'bs-b', false)
    // One SUBSCRIBE with another's cmd topic and its own: the first negated (SUBACK 0x80).
    const granted = await subscribe(b.c, [cmdTopic('bs-a'), cmdTopic('bs-b')])
    expect(granted.find((g) => g.topic === cmdTopic('bs-a'))?.qos).toBe(128)
    const got: string[] = []
    b.c.on('message', (topic) => got.push(topic))
    await t.hub.broker.publish(cmdTopic('bs-a'), JSON.stringify({ id: 'c1', command: 'close_valve', params: {}, expiresAt: Date.now() + 60_000 }))
    await end(b.c)
    // While B is away, a command for A, then one for B.
    await t.hub.broker.publish(cmdTopic('bs-a'), JSON.stringify({ id: 'c2', command: 'close_valve', params: {}, expiresAt: Date.now() + 60_000 }))
    await t.hub.broker.publish(cmdTopic('bs-b'), JSON.stringify({ id: 'c3', command: 'sound_siren', params: {}, expiresAt: Date.now() + 60_000 }))
    expect(await storedTopics('bs-b')).toEqual([cmdTopic('bs-b')])
    const { default: mqtt } = await import('mqtt')
    const resumed = mqtt.connect(t.mqttUrl, { username: 'bs-b', password: secrets.get('bs-b')!, clientId: 'bs-b', clean: false, reconnectPeriod: 0 })
    open.push(resumed)
    const received: { topic: string; id: string }[] = []
    resumed.on('message', (topic, payload) => received.push({ topic, id: (JSON.parse(payload.toString()) as { id: string }).id }))
    await eventually(() => received.length >= 1, 5000, 'the queued command for B')
    // A command published after B's own arrives proves the queue was drained in order.
    await t.hub.broker.publish(cmdTopic('bs-b'), JSON.stringify({ id: 'c4', command: 'silence_siren', params: {}, expiresAt: Date.now() + 60_000 }))
    await eventually(() => received.some((r) => r.id === 'c4'), 5000, 'the live command for B')
    expect(got).toEqual([])
    expect(received.map((r) => r.id)).toEqual(['c3', 'c4'])
    await end(resumed)
  })

  it('retiring a device disconnects its live session at once and drops its stored session', async () => {
    const c = await connectAs('bs-c', 'bs-c', false)
    await subscribe(c.c, [cmdTopic('bs-c')])
    const extra = await connectAs('bs-c', 'bs-c-2', false)
    await subscribe(extra.c, [cmdTopic('bs-c')])
    await end(extra.c)
    const closed = new Promise<number>((r) => c.c.once('close', () => r(Date.now())))
    const before = Date.now()
    expect((await api(t, 'DELETE', '/api/v1/devices/bs-c')).status).toBe(200)
    const at = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 3000))])
    expect(at, 'the live session was closed').toBeGreaterThan(0)
    expect(at - before).toBeLessThan(2000)
    expect(await storedTopics('bs-c')).toEqual([])
    expect(await storedTopics('bs-c-2')).toEqual([])
    await expect(connectAs('bs-c', 'bs-c', false)).rejects.toThrow(/Bad username or password|Not authorized/i)
  })

  it('replacing a device\'s secret cuts its sessions, drops its stored session and refuses the old secret', async () => {
    const old = secrets.get('bs-d')!
    const c = await connectAs('bs-d', 'bs-d', false)
    await subscribe(c.c, [cmdTopic('bs-d')])
    const closed = new Promise<void>((r) => c.c.once('close', () => r()))
    const res = await api<{ secret: string }>(t, 'POST', '/api/v1/devices/bs-d/secret', {})
    expect(res.status).toBe(200)
    expect(res.body.secret).not.toBe(old)
    await Promise.race([closed, new Promise((_, rej) => setTimeout(() => rej(new Error('old session still up')), 3000))])
    expect(await storedTopics('bs-d')).toEqual([])
    await expect(connectAs('bs-d', 'bs-d', false, old)).rejects.toThrow(/Bad username or password|Not authorized/i)
    secrets.set('bs-d', res.body.secret)
    const fresh = await connectAs('bs-d', 'bs-d', false)
    expect(fresh.sessionPresent).toBe(false)
    await end(fresh.c)
  })

  /** A raw MQTT 3.1.1 connection (mqtt-packet) that never sends PUBREL. */
  const rawConnect = (device: string, clientId: string, clean: boolean): Promise<{ socket: Socket; closed: Promise<void>; pubrecs: () => number }> =>
    new Promise((resolve, reject) => {
      const socket = connect(t.hub.addresses.mqttPort, '127.0.0.1')
      sockets.push(socket)
      const closed = new Promise<void>((r) => socket.once('close', () => r()))
      const parser = mqttPacket.parser({ protocolVersion: 4 })
      let recs = 0
      parser.on('packet', (p) => {
        if (p.cmd === 'connack') {
          if (p.returnCode === 0) resolve({ socket, closed, pubrecs: () => recs })
          else reject(new Error(`CONNACK ${p.returnCode}`))
        }
        if (p.cmd === 'pubrec') recs++
      })
      socket.on('data', (b: Buffer) => parser.parse(b))
      socket.once('error', reject)
      socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean, clientId, keepalive: 0, username: device, password: Buffer.from(secrets.get(device)!) }))
    })
  const qos2 = (device: string, messageId: number): Buffer =>
    mqttPacket.generate({ cmd: 'publish', topic: telemetryTopic(device), payload: Buffer.from(JSON.stringify({ ts: Date.now(), values: { cl2: 0.1 } })), qos: 2, messageId, retain: false, dup: false })

  it('closes a connection whose QoS 2 publishes are never completed past the cap, and bounds them over many client ids', async () => {
    // One connection: 25 QoS 2 publishes without PUBREL, cap 20 a device.
    const one = await rawConnect('bs-e', 'bs-e-q1', false)
    for (let i = 1; i <= 25; i++) one.socket.write(qos2('bs-e', i))
    await Promise.race([one.closed, new Promise((_, rej) => setTimeout(() => rej(new Error('connection not closed past the QoS 2 cap')), 5000))])
    // Many ids of several devices, each over its share: the total stays within 50.
    for (const device of ['bs-e', 'bs-f', 'bs-g', 'bs-h']) {
      for (let k = 0; k < 3; k++) {
        const conn = await rawConnect(device, `${device}-q${k + 2}`, false).catch(() => undefined)
        if (!conn) continue
        for (let i = 1; i <= 30; i++) conn.socket.write(qos2(device, i))
        await Promise.race([conn.closed, new Promise((r) => setTimeout(r, 1500))])
        conn.socket.destroy()
      }
    }
    const h = await health()
    const s = h.broker.sessions
    expect(s.qos2InFlight).toBeLessThanOrEqual(50)
    // What the broker's persistence holds, packet by packet, is what is counted.
    const store = (t.hub.broker.aedes as unknown as { persistence: { incomingGetPacket(c: { id: string }, p: { messageId: number }): Promise<unknown> } }).persistence
    let held = 0
    for (const device of ['bs-e', 'bs-f', 'bs-g', 'bs-h'])
      for (let k = 1; k <= 4; k++)
        for (let i = 1; i <= 30; i++) if (await store.incomingGetPacket({ id: `${device}-q${k}` }, { messageId: i }).then(() => true, () => false)) held++
    expect(held).toBe(s.qos2InFlight)
    expect(held).toBeGreaterThan(0)
    console.log(`QoS 2 awaiting PUBREL: ${held} held in the broker's persistence (cap 50), ${s.refused.qos2_inflight} refused`)
    expect(s.refused.qos2_inflight ?? 0).toBeGreaterThan(0)
    const metrics = await (await fetch(`${t.http}/metrics`)).text()
    expect(metrics).toMatch(/smartpark_mqtt_sessions_refused_total\{reason="qos2_inflight"\} [1-9]/)
  })

  it('gives a newly provisioned device whose id names another device\'s stored client id a fresh session, not that one', async () => {
    const h = await connectAs('bs-h', 'bs-h-x9', false)
    await subscribe(h.c, [cmdTopic('bs-h')])
    await end(h.c)
    expect(await storedTopics('bs-h-x9')).toEqual([cmdTopic('bs-h')])
    await provision('bs-h-x9')
    await eventually(async () => (await storedTopics('bs-h-x9')).length === 0, 3000, 'the old session dropped')
    const fresh = await connectAs('bs-h-x9', 'bs-h-x9', false)
    expect(fresh.sessionPresent).toBe(false)
    await end(fresh.c)
    // bs-h may no longer use that id: it is another device's now.
    await expect(connectAs('bs-h', 'bs-h-x9', false)).rejects.toThrow(/Not authorized/i)
  })

  it('caps the messages queued for a stored session', async () => {
    const g = await connectAs('bs-g', 'bs-g-queue', false)
    await subscribe(g.c, [cmdTopic('bs-g')])
    await end(g.c)
    const queuedBefore = (await health()).broker.sessions.queued
    for (let i = 0; i < 8; i++) await t.hub.broker.publish(cmdTopic('bs-g'), JSON.stringify({ id: `q${i}`, command: 'sound_siren', params: {}, expiresAt: Date.now() + 60_000 }))
    const h = await health()
    expect(h.broker.sessions.refused.queue_full).toBe(3)
    expect(h.broker.sessions.queued).toBe(queuedBefore + 5)
    const { default: mqtt } = await import('mqtt')
    const back = mqtt.connect(t.mqttUrl, { username: 'bs-g', password: secrets.get('bs-g')!, clientId: 'bs-g-queue', clean: false, reconnectPeriod: 0 })
    open.push(back)
    const ids: string[] = []
    back.on('message', (_topic, payload) => ids.push((JSON.parse(payload.toString()) as { id: string }).id))
    await eventually(() => ids.length >= 5, 5000, 'the five queued commands')
    expect(ids).toEqual(['q0', 'q1', 'q2', 'q3', 'q4'])
    // What other stored sessions hold (bs-a-main keeps bs-a's commands c1, c2) stays; this session's five are acknowledged.
    await eventually(async () => (await health()).broker.sessions.queued === queuedBefore, 5000, 'the queue acknowledged')
    await end(back)
  })

  it('caps the stored sessions a device may open under new client ids (the oldest away is dropped)', async () => {
    for (let i = 0; i < 8; i++) {
      const s = await connectAs('bs-f', `bs-f-s${i}`, false)
      await subscribe(s.c, [cmdTopic('bs-f')])
      await end(s.c)
    }
    let stored = 0
    for (let i = 0; i < 8; i++) if ((await storedTopics(`bs-f-s${i}`)).length > 0) stored++
    expect(stored).toBeLessThanOrEqual(3)
    expect(await storedTopics('bs-f-s7')).toEqual([cmdTopic('bs-f')])
    const h = await health()
    expect(h.broker.sessions.refused.session_dropped).toBeGreaterThan(0)
  })
})

describe('a zone device\'s replaced secret', () => {
  it('holds across a restart, the old one refused; only its hash is saved, its other fields stay the zone file\'s', async () => {
    const credentials = JSON.parse(await readFile(new URL('../../simulators/credentials/demo-zone.json', import.meta.url), 'utf8')) as { devices: Record<string, string> }
    const id = 'vtc-ti01-gas-004'
    const dataDir = await mkdtemp(join(tmpdir(), 'smartpark-secret-'))
    let t = await startTestHub({ dataDir })
    try {
      const res = await api<{ secret: string }>(t, 'POST', `/api/v1/devices/${id}/secret`, {})
      expect(res.status).toBe(200)
      await t.stop({ keepData: true })
      t = await startTestHub({ dataDir })
      const { default: mqtt } = await import('mqtt')
      const tryConnect = (password: string) =>
        new Promise<boolean>((resolve) => {
          const c = mqtt.connect(t.mqttUrl, { username: id, password, clientId: id, reconnectPeriod: 0, connectTimeout: 5000 })
          c.once('connect', () => (c.end(true), resolve(true)))
          c.once('error', () => (c.end(true), resolve(false)))
        })
      expect(await tryConnect(res.body.secret)).toBe(true)
      expect(await tryConnect(credentials.devices[id]!)).toBe(false)
      // Only the secret's hash is kept for it: its other fields stay the zone file's.
      const saved = JSON.parse(await readFile(join(dataDir, 'registry.json'), 'utf8')) as { devices: { device: { id: string } }[]; secrets: { id: string; secretHash: string }[] }
      expect(saved.devices.map((r) => r.device.id)).not.toContain(id)
      expect(saved.secrets.map((r) => r.id)).toEqual([id])
      expect(JSON.stringify(saved)).not.toContain(res.body.secret)
    } finally {
      await t.stop()
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
