import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type Socket } from 'node:net'
import mqttPacket from 'mqtt-packet'
import { startTestHub, type TestHub } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

/**
 * Health (`connections.pacing`) and /metrics say what the MQTT connect pacing does
 * (broker/connect-pacing.ts): connections started, waiting, started in the last second, refused
 * at once for a wait too long, the first one's wait and the longest wait.
 */
const secrets = credentials.devices as Record<string, string>

interface Pacing { waiting: number; ratePerSecond: number; started: number; refusedBusy: number; refusing: number; admittedLastSecond: number; oldestWaitMs: number; longestWaitMs: number }

/** A raw MQTT 3.1.1 CONNECT; resolves with the CONNACK's return code (undefined: closed without one). */
function mqttConnect(port: number, id: string, sockets: Socket[]): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    sockets.push(socket)
    const parser = mqttPacket.parser({ protocolVersion: 4 })
    parser.on('packet', (p: mqttPacket.Packet) => p.cmd === 'connack' && resolve(p.returnCode))
    socket.on('data', (b: Buffer) => parser.parse(b))
    socket.on('error', () => undefined)
    socket.once('close', () => resolve(undefined))
    socket.once('connect', () => socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: id, keepalive: 60, username: id, password: Buffer.from(secrets[id] ?? '') })))
  })
}

describe('connect pacing in health and /metrics', () => {
  let t: TestHub
  const sockets: Socket[] = []
  beforeAll(async () => {
    t = await startTestHub()
  })
  afterAll(async () => {
    for (const s of sockets) s.destroy()
    await t.stop()
  })

  it('counts the connections it started and the wait of those that came at once', async () => {
    const health = async (): Promise<Pacing> => {
      const res = await fetch(`${t.http}/api/v1/health`, { headers: { authorization: `Bearer ${t.adminToken}` } })
      expect(res.status).toBe(200)
      return ((await res.json()) as { connections: { pacing: Pacing } }).connections.pacing
    }
    const before = await health()
    expect(before).toMatchObject({ waiting: 0, started: 0, refusedBusy: 0, refusing: 0, oldestWaitMs: 0 })
    // 200 devices connecting at once.
    const ids = Object.keys(secrets).filter((id) => t.hub.registry.get(id) !== undefined).slice(0, 200)
    expect(ids.length).toBe(200)
    const codes = await Promise.all(ids.map((id) => mqttConnect(t.hub.addresses.mqttPort, id, sockets)))
    expect(codes.filter((c) => c === 0).length).toBe(200)
    const after = await health()
    expect(after.started).toBe(200)
    expect(after.waiting).toBe(0)
    expect(after.refusedBusy).toBe(0)
    // Whether any had to wait depends on how fast the sockets were accepted (a loaded machine spreads them out): the unit test covers the wait.
    expect(after.longestWaitMs).toBeGreaterThanOrEqual(0)
    expect(after.ratePerSecond).toBeGreaterThan(0)
    const metrics = await (await fetch(`${t.http}/metrics`)).text()
    expect(metrics).toContain('smartpark_mqtt_connect_started_total 200')
    expect(metrics).toContain('smartpark_mqtt_connect_waiting 0')
    expect(metrics).toContain('smartpark_mqtt_connect_refusing 0')
    expect(metrics).toContain('smartpark_mqtt_connect_refused_busy_total 0')
    expect(metrics).toMatch(/smartpark_mqtt_connect_rate \d+/)
    expect(metrics).toMatch(/smartpark_mqtt_connect_admitted_last_second \d+/)
    expect(metrics).toMatch(/smartpark_mqtt_connect_wait_seconds\{of="longest"\} [\d.]+/)
    expect(metrics).toContain('smartpark_mqtt_connect_wait_seconds{of="oldest_waiting"} 0')
  })
})
