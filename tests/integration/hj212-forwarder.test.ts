import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import YAML from 'yaml'
import type { MqttClient } from 'mqtt'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }
import { connect, type Socket } from 'node:net'
import { Deframer, frame } from '../../hub/src/hj212/frame.js'
import { buildDataSegment, formatDataTime, parseDataSegment, parseDataTime, type Hj212Packet } from '../../hub/src/hj212/packet.js'
import { api, connectMqtt, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import { FakeHj212Platform } from '../support/fake-hj212-platform.js'

/**
 * Store and forward to upstream platforms (docs/hj212.md, "Forwarding"), through a real hub:
 * MQTT readings of a stack without a logger go up as HJ 212-2017 2011 packets under the park's
 * MN and the upstream's PW; a logger's packets (2005 codes, a split hourly packet) go up to a
 * second platform under the logger's own MN and PW, in 2017 codes. The platforms are real TCP
 * servers. Every packet arrives with a valid CRC (the codec deframes it) and its original
 * DataTime; the platform going away, a missing 9014 answer and the hub restarting with a
 * backlog lose nothing.
 */
const STACK = 'vtc-ti01-cems-001'
/** A stack whose data logger speaks HJ 212 to the hub (the demo zone's identity). */
const LOGGER = 'vtc-v02-cems-001'
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
  const city = new FakeHj212Platform()
  let logger: { mn: string; pw: string }
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
  const status = async (id = 'sepb'): Promise<Status> => (await api<{ upstreams: Status[] }>(t, 'GET', '/api/v1/hj212/upstreams')).body.upstreams.find((u) => u.id === id)!
  const receivedTimes = (): Set<number> => new Set(platform.packets.filter((p) => p.cn === '2011').map((p) => parseDataTime(p.cp.dataTime!, TZ)!))
  const allArrived = async (what: string): Promise<void> => {
    await eventually(() => sentTimes.every((ts) => receivedTimes().has(ts)), 20_000, what)
    await eventually(async () => (await status()).backlog === 0, 10_000, `${what}: backlog empty`)
  }

  beforeAll(async () => {
    await platform.start()
    await city.start()
    dir = await mkdtemp(join(tmpdir(), 'hj212-forwarder-'))
    const zone = YAML.parse(await readFile(new URL('../../hub/zones/demo-zone.yaml', import.meta.url), 'utf8')) as { devices: { id: string; hj212?: { mn: string; pw: string } }[]; hj212?: object }
    // STACK reports over MQTT only (no logger); LOGGER's logger speaks HJ 212.
    delete zone.devices.find((d) => d.id === STACK)!.hj212
    logger = zone.devices.find((d) => d.id === LOGGER)!.hj212!
    zone.hj212 = {
      ...zone.hj212,
      upstreams: [
        { id: 'sepb', name: 'provincial platform', host: '127.0.0.1', port: platform.port, mn: 'PARK0000000001', devices: [STACK], answerTimeoutSec: 1, retries: 1 },
        { id: 'city', host: '127.0.0.1', port: city.port, devices: [LOGGER], commands: ['2011', '2061'], answerTimeoutSec: 1, maxDataBytes: 400 },
      ],
    }
    zoneFile = join(dir, 'zone.yaml')
    await writeFile(zoneFile, YAML.stringify(zone))
    t = await startTestHub({ env: { HUB_CONFIG: zoneFile, HUB_HJ212_PORT: '0' }, dataDir: join(dir, 'data') })
    mqtt = await connectMqtt(t.mqttUrl, { username: STACK, password: secret(STACK), clientId: STACK })
  })

  afterAll(async () => {
    await mqtt?.endAsync()
    await t?.stop()
    await platform.stop()
    await city.stop()
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
    // Audited: who set which upstream's PW, never the PW itself.
    const audit = await api<{ entries: { action: string; target?: string; user: string }[] }>(t, 'GET', '/api/v1/audit?action=hj212.upstream_pw')
    expect(audit.body.entries.map((e) => [e.action, e.target, e.user])).toEqual([['hj212.upstream_pw', 'sepb', 'admin']])
    expect(JSON.stringify(audit.body)).not.toContain(PW)
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
    t = await startTestHub({ env: { HUB_CONFIG: zoneFile, HUB_HJ212_PORT: '0' }, dataDir: join(dir, 'data') })
    mqtt = await connectMqtt(t.mqttUrl, { username: STACK, password: secret(STACK), clientId: STACK })
    await allArrived('the backlog after the restart')
    // Nothing lost: every reading's DataTime arrived.
    expect(sentTimes.filter((ts) => !receivedTimes().has(ts))).toEqual([])
  })

  it("a logger's packets go up under its own MN and PW, in 2017 codes, split packets joined and split again, with their DataTime", async () => {
    const port = t.hub.addresses.hj212Port!
    const socket: Socket = connect({ host: '127.0.0.1', port })
    await new Promise((r) => socket.once('connect', r))
    const answers: Hj212Packet[] = []
    const d = new Deframer()
    socket.on('data', (c: Buffer) => {
      for (const seg of d.push(c).segments) {
        const r = parseDataSegment(seg)
        if (r.ok) answers.push(r.packet)
      }
    })
    const rtdAt = Math.floor((Date.now() - 3_600_000) / 1000) * 1000
    const hourAt = Math.floor((Date.now() - 5 * 3_600_000) / 3_600_000) * 3_600_000
    const rtdTime = formatDataTime(rtdAt, TZ)
    const hourTime = formatDataTime(hourAt, TZ)
    const seg = (qn: string, cn: string, cp: string, extra: { flag?: number; pnum?: number; pno?: number } = {}): string =>
      frame(buildDataSegment({ qn, st: '31', cn, pw: logger.pw, mn: logger.mn, flag: extra.flag ?? 5, ...extra, cp }))
    // Real-time data in 2005 codes (02 SO2, 03 NOx, B02 flow, S01 O2).
    socket.write(seg('20260101000000001', '2011', `DataTime=${rtdTime};02-Rtd=21.5,02-Flag=N;03-Rtd=40.1,03-Flag=D;B02-Rtd=95.5,B02-Flag=N;S01-Rtd=8.8,S01-Flag=N`))
    // Minute data: this upstream does not take 2051.
    socket.write(seg('20260101000000002', '2051', `DataTime=${hourTime};a21026-Avg=20.0,a21026-Min=19.0,a21026-Max=21.0,a21026-Flag=N`))
    // An hourly packet in two pieces (Flag 7: 2017, split, answer wanted).
    const groups = ['a21026', 'a21002', 'a34013', 'a19001', 'a00000', 'a01012'].map((c, i) => `${c}-Avg=${10 + i}.5,${c}-Min=${9 + i}.0,${c}-Max=${12 + i}.0,${c}-ZsAvg=${11 + i}.25,${c}-Cou=${i}.125,${c}-Flag=N`)
    socket.write(seg('20260101000000003', '2061', `DataTime=${hourTime};${groups.slice(0, 3).join(';')}`, { flag: 7, pnum: 2, pno: 1 }))
    socket.write(seg('20260101000000003', '2061', `DataTime=${hourTime};${groups.slice(3).join(';')}`, { flag: 7, pnum: 2, pno: 2 }))
    await eventually(() => answers.filter((a) => a.cn === '9014').length >= 4, 10_000, 'the hub answers 9014 to each packet and piece')
    socket.destroy()
    await eventually(() => city.packets.some((p) => p.cn === '2011') && city.packets.filter((p) => p.cn === '2061').length >= 2, 15_000, 'the logger packets at the city platform')
    await eventually(async () => (await status('city')).backlog === 0, 10_000, 'city backlog empty')
    const rtd = city.packets.find((p) => p.cn === '2011')!
    expect(rtd.mn).toBe(logger.mn)
    expect(rtd.pw).toBe(logger.pw)
    expect(rtd.cp.dataTime).toBe(rtdTime)
    expect(rtd.qn).not.toBe('20260101000000001')
    expect([...rtd.cp.pollutants.keys()].sort()).toEqual(['a00000', 'a19001', 'a21002', 'a21026'])
    expect(rtd.cp.pollutants.get('a21026')!.get('Rtd')).toBe('21.5')
    expect(rtd.cp.pollutants.get('a21002')!.get('Flag')).toBe('D')
    // B02 is m³/h in the 2005 edition, a00000 m³/s in 2017: 95.5 m³/h goes up as 0.02652778 m³/s.
    expect(rtd.cp.pollutants.get('a00000')!.get('Rtd')).toBe('0.02652778')
    expect(city.packets.some((p) => p.cn === '2051')).toBe(false)
    // The hour: joined by the listener, split again at this platform's 400 bytes, every value kept.
    const hour = city.packets.filter((p) => p.cn === '2061')
    expect(hour.every((p) => p.cp.dataTime === hourTime && p.pnum === hour.length && ((p.flag ?? 0) & 2) === 2)).toBe(true)
    expect(new Set(hour.map((p) => p.qn)).size).toBe(1)
    expect(hour.flatMap((p) => [...p.cp.pollutants.keys()]).sort()).toEqual(['a00000', 'a01012', 'a19001', 'a21002', 'a21026', 'a34013'])
    expect(hour.find((p) => p.cp.pollutants.has('a34013'))!.cp.pollutants.get('a34013')!.get('ZsAvg')).toBe('13.25')
    for (const p of hour) expect(p.raw.length).toBeLessThanOrEqual(400)
    expect(city.rejects).toBe(0)
  })
})
