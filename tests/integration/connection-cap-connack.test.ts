import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type Socket } from 'node:net'
import mqttPacket from 'mqtt-packet'
import { eventually, influxQuery, startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

/**
 * Past its connection cap the hub answers a new MQTT connection with CONNACK "server
 * unavailable" (MQTT 3.1.1 return code 3), counts it, and keeps answering HTTP and writing the
 * readings of the devices it holds; health and /metrics say the process's open-file limits.
 */
const CAP = 48
const secrets = credentials.devices as Record<string, string>

interface Answer { returnCode: number | undefined; socket: Socket }

/** A raw MQTT 3.1.1 CONNECT; resolves with the CONNACK's return code (undefined: closed without one). */
function mqttConnect(port: number, id: string): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const parser = mqttPacket.parser({ protocolVersion: 4 })
    let settled = false
    const settle = (returnCode: number | undefined): void => {
      if (!settled) resolve({ returnCode, socket })
      settled = true
    }
    parser.on('packet', (p: mqttPacket.Packet) => p.cmd === 'connack' && settle(p.returnCode))
    socket.on('data', (b: Buffer) => parser.parse(b))
    socket.on('error', () => undefined)
    socket.once('close', () => settle(undefined))
    socket.once('connect', () => socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: id, keepalive: 60, username: id, password: Buffer.from(secrets[id] ?? '') })))
  })
}

interface Health { connections: { open: { total: number; mqtt: number }; refused: Record<string, number>; serverUnavailable: number; limits: { total: number; openFiles: { soft: number | null; hard: number | null; reserve: number | null } } } }

describe('past the connection cap', () => {
  let t: TestHub
  const sockets: Socket[] = []
  beforeAll(async () => {
    t = await startTestHub({ env: { HUB_MAX_CONNECTIONS: String(CAP) } })
  })
  afterAll(async () => {
    for (const s of sockets) s.destroy()
    await t.stop()
  })

  it('refuses MQTT with CONNACK 3, counted, while HTTP answers and readings are written', async () => {
    const ids = Object.keys(secrets).filter((id) => t.hub.registry.get(id) !== undefined).slice(0, CAP + 20)
    expect(ids.length).toBe(CAP + 20)
    const answers: Answer[] = []
    for (const id of ids) {
      const a = await mqttConnect(t.hub.addresses.mqttPort, id)
      sockets.push(a.socket)
      answers.push(a)
    }
    const codes = answers.reduce<Record<string, number>>((m, a) => ((m[String(a.returnCode)] = (m[String(a.returnCode)] ?? 0) + 1), m), {})
    console.log(`${ids.length} MQTT connections against a cap of ${CAP}: CONNACK return codes`, codes)
    const refused = codes['3'] ?? 0
    expect(codes['0']).toBeGreaterThan(0)
    expect(refused).toBeGreaterThanOrEqual(20)
    expect((codes['0'] ?? 0) + refused).toBe(ids.length)

    // HTTP still answers (MQTT leaves it room under the cap), with the count and the limits.
    const res = await fetch(`${t.http}/api/v1/health`, { headers: { authorization: `Bearer ${t.adminToken}` } })
    expect(res.status).toBe(200)
    const h = (await res.json()) as Health
    expect(h.connections.serverUnavailable).toBe(refused)
    expect(h.connections.refused.total_cap).toBeGreaterThanOrEqual(refused)
    expect(h.connections.limits.total).toBe(CAP)
    expect(h.connections.limits.openFiles.reserve).toBe(512)
    expect(h.connections.limits.openFiles.soft).toBeGreaterThan(0)
    expect(h.connections.limits.openFiles.hard).toBeGreaterThanOrEqual(h.connections.limits.openFiles.soft!)
    const metrics = await (await fetch(`${t.http}/metrics`)).text()
    expect(metrics).toContain(`smartpark_mqtt_server_unavailable_total ${refused}`)
    expect(metrics).toMatch(/smartpark_open_files_limit\{kind="soft"\} \d+/)
    expect(metrics).toMatch(/smartpark_open_files_limit\{kind="reserve"\} 512/)

    // A held device's reading, published while the cap refuses others, is written to InfluxDB.
    const i = answers.findIndex((a, k) => a.returnCode === 0 && t.hub.registry.get(ids[k]!)!.device.metrics.includes('lel'))
    const id = ids[i]!
    const d = t.hub.registry.get(id)!.device
    const ts = Date.now() - 60_000
    answers[i]!.socket.write(mqttPacket.generate({ cmd: 'publish', topic: `parks/${d.park}/${d.enterprise}/${id}/telemetry`, payload: JSON.stringify({ ts, values: { lel: 4 } }), qos: 1, messageId: 1, retain: false, dup: false }))
    const stored = await eventually(async () => {
      const rows = await influxQuery(t.hub.addresses.influxUrl, t.hub.settings.influx.db, `SELECT "lel" FROM "gas" WHERE "device" = '${id}' AND time = ${ts}ms`)
      return rows.length > 0 ? rows : undefined
    }, 10_000, 'the reading in InfluxDB')
    expect(stored.length).toBe(1)
    // Refused clients were closed by the hub after their answer.
    await eventually(() => answers.filter((a) => a.returnCode === 3).every((a) => a.socket.destroyed || a.socket.readableEnded), 10_000, 'the refused connections closed')
  })
})
