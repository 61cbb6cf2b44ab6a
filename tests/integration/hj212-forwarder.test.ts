import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import YAML from 'yaml'
import type { MqttClient } from 'mqtt'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }
import { formatDataTime, parseDataTime } from '../../hub/src/hj212/packet.js'
import { api, connectMqtt, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import { FakeHj212Platform } from '../support/fake-hj212-platform.js'

/**
 * Store and forward to an upstream platform (docs/hj212.md, "Forwarding"), through a real hub:
 * MQTT readings of a stack go up as HJ 212-2017 2011 packets under the park's MN and the
 * upstream's PW, to a fake platform that is a real TCP server. Every packet arrives with a
 * valid CRC (the codec deframes it) and the reading's own time as DataTime; the platform going
 * away for a while, a missing 9014 answer, and the hub restarting with a backlog lose nothing.
 */
const STACK = 'vtc-ti01-cems-001'
const TZ = 'Asia/Shanghai'
const PW = 'up-pw-42'
const secret = (id: string): string => (credentials.devices as Record<string, string>)[id]!

type Status = { id: string; connected: boolean; backlog: number; sent: number; answered: number; resent: number; lastAnswer: { cn: string } | null; pwSet: boolean }

describe('HJ 212 forwarding to an upstream platform through a real hub', () => {
  let t: TestHub
  let dir: string
  let zoneFile: string
  let mqtt: MqttClient
  const platform = new FakeHj212Platform()
  // Minutes in the past, one reading a minute: each reading's DataTime is unique.
  const base = Math.floor((Date.now() - 6 * 3_600_000) / 60_000) * 60_000
  let n = 0
  const sentTimes: number[] = []

  const publish = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i++) {
      const ts = base + n++ * 60_000
      sentTimes.push(ts)
      await mqtt.publishAsync(`parks/vtc/vtc-ti01/${STACK}/telemetry`, JSON.stringify({ ts, values: { so2: 12.5, nox: 30, flow: 360_000, o2: 9 }, flags: { so2: 'C' } }), { qos: 1 })
    }
  }
  const status = async (): Promise<Status> => (await api<{ upstreams: Status[] }>(t, 'GET', '/api/v1/hj212/upstreams')).body.upstreams[0]!
  const receivedTimes = (): Set<number> => new Set(platform.packets.filter((p) => p.cn === '2011').map((p) => parseDataTime(p.cp.dataTime!, TZ)!))
  const allArrived = async (what: string): Promise<void> => {
    await eventually(() => sentTimes.every((ts) => receivedTimes().has(ts)), 20_000, what)
    await eventually(async () => (await status()).backlog === 0, 10_000, `${what}: backlog empty`)
  }

  beforeAll(async () => {
    await platform.start()
    dir = await mkdtemp(join(tmpdir(), 'hj212-forwarder-'))
    const zone = YAML.parse(await readFile(new URL('../../hub/zones/demo-zone.yaml', import.meta.url), 'utf8')) as Record<string, unknown>
    zone.hj212 = { ...(zone.hj212 as object | undefined), upstreams: [{ id: 'sepb', name: 'provincial platform', host: '127.0.0.1', port: platform.port, mn: 'PARK0000000001', devices: [STACK], answerTimeoutSec: 1, retries: 1 }] }
    zoneFile = join(dir, 'zone.yaml')
    await writeFile(zoneFile, YAML.stringify(zone))
    t = await startTestHub({ env: { HUB_CONFIG: zoneFile }, dataDir: join(dir, 'data') })
    mqtt = await connectMqtt(t.mqttUrl, { username: STACK, password: secret(STACK), clientId: STACK })
  })

  afterAll(async () => {
    await mqtt?.endAsync()
    await t?.stop()
    await platform.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('holds packets until the PW is set; the PW is kept 0600 and never read back', async () => {
    await publish(3)
    await eventually(async () => (await status()).backlog === 3, 10_000, 'three packets queued')
    expect(platform.packets).toHaveLength(0)
    const s0 = await api<{ upstreams: Record<string, unknown>[] }>(t, 'GET', '/api/v1/hj212/upstreams')
    expect(s0.body.upstreams[0]!.pwSet).toBe(false)
    expect(s0.body.upstreams[0]!.missingPw).toBe('upstream sepb')
    expect((await api(t, 'PUT', '/api/v1/hj212/upstreams/sepb/pw', { pw: 'bad;pw' })).status).toBe(400)
    expect((await api(t, 'PUT', '/api/v1/hj212/upstreams/nope/pw', { pw: PW })).status).toBe(404)
    expect((await api(t, 'PUT', '/api/v1/hj212/upstreams/sepb/pw', { pw: PW })).status).toBe(204)
    const file = join(t.dataDir, 'hj212', 'upstream-secrets.json')
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    await allArrived('the first three')
    const s1 = await api(t, 'GET', '/api/v1/hj212/upstreams')
    expect(JSON.stringify(s1.body)).not.toContain(PW)
    expect((s1.body as { upstreams: Status[] }).upstreams[0]!.pwSet).toBe(true)
  })

  it('frames each reading as a 2017 2011 packet: the park MN and PW, the original DataTime, the standard units and flags', async () => {
    const p = platform.packets.find((x) => x.cp.dataTime === formatDataTime(sentTimes[0]!, TZ))!
    expect(p).toBeDefined()
    expect(p.cn).toBe('2011')
    expect(p.st).toBe('31')
    expect(p.mn).toBe('PARK0000000001')
    expect(p.pw).toBe(PW)
    expect(p.flag).toBe(5) // 2017 edition, answer wanted
    expect(p.qn).toMatch(/^\d{17}$/)
    expect(p.cp.pollutants.get('a21026')?.get('Rtd')).toBe('12.5')
    expect(p.cp.pollutants.get('a21026')?.get('Flag')).toBe('C')
    expect(p.cp.pollutants.get('a21002')?.get('Flag')).toBe('N')
    // 360,000 m³/h goes up as the standard's m³/s.
    expect(p.cp.pollutants.get('a00000')?.get('Rtd')).toBe('100')
    expect(platform.rejects).toBe(0)
    const s = await status()
    expect(s.connected).toBe(true)
    expect(s.lastAnswer?.cn).toBe('9014')
  })

  it('a packet the platform does not answer is sent again until it is', async () => {
    const before = await status()
    platform.silence = 1
    await publish(1)
    await allArrived('the unanswered one')
    const after = await status()
    expect(after.resent).toBeGreaterThan(before.resent)
    const last = formatDataTime(sentTimes.at(-1)!, TZ)
    const copies = platform.packets.filter((p) => p.cp.dataTime === last)
    expect(copies.length).toBe(2)
    expect(copies[0]!.qn).toBe(copies[1]!.qn)
  })

  it('keeps everything while the platform is down and sends it after, oldest first', async () => {
    await platform.stop()
    await eventually(async () => !(await status()).connected, 10_000, 'the hub sees the platform gone')
    const from = sentTimes.length
    await publish(20)
    await eventually(async () => (await status()).backlog === 20, 10_000, 'twenty waiting')
    await platform.restart()
    await allArrived('the backlog after the outage')
    const order = platform.packets.map((p) => parseDataTime(p.cp.dataTime!, TZ)!).filter((ts) => ts >= sentTimes[from]!)
    expect(order).toEqual([...order].sort((a, b) => a - b))
  })

  it('a backlog survives a restart of the hub', async () => {
    await platform.stop()
    await eventually(async () => !(await status()).connected, 10_000, 'platform gone again')
    await publish(5)
    await eventually(async () => (await status()).backlog === 5, 10_000, 'five waiting')
    await mqtt.endAsync()
    await t.stop({ keepData: true })
    await platform.restart()
    t = await startTestHub({ env: { HUB_CONFIG: zoneFile }, dataDir: join(dir, 'data') })
    mqtt = await connectMqtt(t.mqttUrl, { username: STACK, password: secret(STACK), clientId: STACK })
    await allArrived('the backlog after the restart')
    // Nothing lost: every reading's DataTime arrived.
    expect(sentTimes.filter((ts) => !receivedTimes().has(ts))).toEqual([])
  })
})
