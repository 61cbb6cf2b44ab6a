import { connect, type Socket } from 'node:net'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import YAML from 'yaml'
import { Deframer, frame } from '../../hub/src/hj212/frame.js'
import { buildDataSegment, formatDataTime, parseDataSegment, type Hj212Packet } from '../../hub/src/hj212/packet.js'
import type { Hj212Stats } from '../../hub/src/hj212/counters.js'
import { api, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'

/**
 * HJ 212-2017 data loggers through a real hub (docs/hj212.md): a real TCP client sends packets
 * as loggers do — the two DOMAIN.md packets' shapes, packets split at every byte, several in one
 * segment, a bad CRC, a wrong PW — and reads the hub's answers with their CRC checked; what it
 * sent is then in InfluxDB with its flags, an unknown code under its own name and reported.
 */
const STACK = 'vtc-ti01-cems-001'
const OUTLET = 'vtc-ti01-outlet-001'
const STACK_MN = '010000A8900016F000169DC0' // DOMAIN.md packet 1
const STACK_PW = '100000'
const OUTLET_MN = 'LD130133000015' // DOMAIN.md packet 2
const OUTLET_PW = '123456'
const TZ = 'Asia/Shanghai'

/** A logger's side of a TCP connection: sends bytes, collects the hub's answers (deframed: CRC checked). */
class Logger {
  readonly answers: Hj212Packet[] = []
  readonly rejects: string[] = []
  private readonly deframer = new Deframer()
  closed = false
  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true)
    socket.on('data', (b: Buffer) => {
      const r = this.deframer.push(b)
      for (const x of r.rejects) this.rejects.push(x.reason)
      for (const seg of r.segments) {
        const p = parseDataSegment(seg)
        if (p.ok) this.answers.push(p.packet)
        else this.rejects.push(p.reason)
      }
    })
    socket.on('close', () => (this.closed = true))
    socket.on('error', () => undefined)
  }
  static open(port: number): Promise<Logger> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new Logger(s)))
      s.once('error', reject)
    })
  }
  write(b: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(b, (err) => (err ? reject(err) : resolve())))
  }
  answersTo(qn: string, cn = '9014'): Hj212Packet[] {
    return this.answers.filter((a) => a.qn === qn && a.cn === cn)
  }
  end(): void {
    this.socket.destroy()
  }
}

describe('HJ 212 listener through a real hub', () => {
  let t: TestHub
  let dir: string
  let port: number
  let qnSeq = 0
  // Minutes in the past: every packet's DataTime is its own minute.
  const base = Math.floor((Date.now() - 24 * 3_600_000) / 60_000) * 60_000
  let minute = 0
  const nextTs = (): number => base + minute++ * 60_000
  const qn = (): string => `20240101000000${String(++qnSeq).padStart(3, '0')}`.slice(-17).padStart(17, '2')
  const health = async (): Promise<Hj212Stats> => {
    const r = await api<{ hj212: Hj212Stats }>(t, 'GET', '/api/v1/health')
    if (r.status !== 200 || !r.body.hj212) throw new Error(`health answered ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`)
    return r.body.hj212
  }
  const query = async <T>(q: string): Promise<T[]> => (await t.hub.influx.query(q)) as unknown as T[]

  const stackPacket = (o: { ts: number; qn?: string; flag?: number; pw?: string; cp?: string }): string =>
    frame(buildDataSegment({
      ...(o.qn !== undefined ? { qn: o.qn } : {}), st: '31', cn: '2011', pw: o.pw ?? STACK_PW, mn: STACK_MN, flag: o.flag ?? 5,
      cp: o.cp ?? `DataTime=${formatDataTime(o.ts, TZ)};a21026-Rtd=35.2,a21026-ZsRtd=40.1,a21026-Flag=N;a21002-Rtd=50.5,a21002-Flag=D;a19001-Rtd=8.5,a19001-Flag=N`,
    }))

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hj212-listener-'))
    const zone = YAML.parse(await readFile(new URL('../../hub/zones/demo-zone.yaml', import.meta.url), 'utf8')) as { devices: Record<string, unknown>[] }
    for (const d of zone.devices) {
      if (d.id === STACK) d.hj212 = { mn: STACK_MN, pw: STACK_PW }
      if (d.id === OUTLET) d.hj212 = { mn: OUTLET_MN, pw: OUTLET_PW, sources: ['127.0.0.0/8', '::1'] }
    }
    await writeFile(join(dir, 'zone.yaml'), YAML.stringify(zone))
    t = await startTestHub({ env: { HUB_CONFIG: join(dir, 'zone.yaml'), HUB_HJ212_PORT: '0', HUB_HJ212_FLOOD_BYTES: '4096' }, dataDir: join(dir, 'data') })
    port = t.hub.addresses.hj212Port!
  })

  afterAll(async () => {
    await t?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps the PW as a secret: 0600 in the data dir, never in the device list', async () => {
    const file = join(dir, 'data', 'hj212', 'logger-secrets.json')
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect(JSON.parse(await readFile(file, 'utf8')).pw[STACK]).toBe(STACK_PW)
    const list = await api<{ devices: { id: string; hj212?: Record<string, unknown> }[] }>(t, 'GET', '/api/v1/devices?limit=1000')
    const stack = list.body.devices.find((d) => d.id === STACK)!
    expect(stack.hj212).toEqual({ mn: STACK_MN })
    expect(JSON.stringify(list.body)).not.toContain(STACK_PW)
    expect(JSON.stringify(list.body)).not.toContain(`"pw"`)
  })

  it('takes the DOMAIN.md packets\' shapes: 2011 of the 2005 codes (17-digit DataTime) and the 1062 with QN and Flag=5', async () => {
    const l = await Logger.open(port)
    const ts = nextTs() + 817
    const wastewater = `ST=32;CN=2011;PW=${OUTLET_PW};MN=${OUTLET_MN};CP=&&DataTime=${formatDataTime(ts, TZ, true)};B01-Rtd=36.91;011-Rtd=231.0,011-Flag=N;060-Rtd=1.803,060-Flag=N&&`
    const q1 = '20160801085857223'
    await l.write(frame(wastewater) + frame(`QN=${q1};ST=32;CN=1062;PW=${STACK_PW};MN=${STACK_MN};Flag=5;CP=&&RtdInterval=30&&`))
    await eventually(() => l.answersTo(q1, '9013').length === 1, 10_000, 'notice answer to the 1062')
    const rows = await eventually(async () => {
      const r = await query<{ cod: number; nh3n: number; flow_w: number; cod_flag: string; time: Date }>(`SELECT * FROM wastewater WHERE device='${OUTLET}'`)
      return r.length ? r : undefined
    }, 15_000, 'wastewater reading in InfluxDB')
    expect(rows[0]).toMatchObject({ cod: 231, nh3n: 1.803, cod_flag: 'N' })
    expect(rows[0]!.flow_w).toBeCloseTo(36.91 * 3.6, 6)
    expect(rows[0]!.time.getTime()).toBe(ts)
    l.end()
  })

  it('answers 9014 with a good CRC, after each packet split at every byte boundary; the readings are in InfluxDB with their flags', async () => {
    const l = await Logger.open(port)
    const sample = stackPacket({ ts: nextTs(), qn: qn() })
    const times: number[] = []
    for (let cut = 1; cut < sample.length; cut++) {
      const ts = nextTs()
      times.push(ts)
      const q = qn()
      const bytes = Buffer.from(stackPacket({ ts, qn: q }))
      await l.write(bytes.subarray(0, cut))
      await new Promise((r) => setImmediate(r))
      await l.write(bytes.subarray(cut))
    }
    await eventually(() => l.answers.filter((a) => a.cn === '9014').length >= times.length, 20_000, '9014 for every split packet')
    for (const a of l.answers) expect(a).toMatchObject({ st: '91', cn: '9014', mn: STACK_MN, pw: STACK_PW, flag: 4 })
    expect(l.rejects).toEqual([])
    const rows = await eventually(async () => {
      const r = await query<{ so2: number; so2_zs: number; nox: number; nox_flag: string; so2_flag: string; time: Date }>(`SELECT * FROM emission WHERE device='${STACK}' AND time >= ${times[0]}ms AND time <= ${times.at(-1)}ms`)
      return r.length === times.length ? r : undefined
    }, 20_000, 'every split packet in InfluxDB')
    expect(rows.map((r) => r.time.getTime())).toEqual(times)
    expect(rows[0]).toMatchObject({ so2: 35.2, so2_zs: 40.1, nox: 50.5, nox_flag: 'D', so2_flag: 'N' })
    l.end()
  })

  it('takes several packets in one segment, resynchronises after a bad CRC and counts it', async () => {
    const before = await health()
    const l = await Logger.open(port)
    const qs = Array.from({ length: 10 }, () => qn())
    const good = qs.map((q) => stackPacket({ ts: nextTs(), qn: q }))
    const bad = stackPacket({ ts: nextTs(), qn: qn() }).replace(/[0-9A-F]{4}\r\n$/, 'FFFF\r\n')
    await l.write(good.slice(0, 5).join('') + bad + 'noise' + good.slice(5).join(''))
    await eventually(() => qs.every((q) => l.answersTo(q).length === 1), 10_000, '9014 for the ten good packets')
    const after = await health()
    expect(after.rejects.bad_crc - before.rejects.bad_crc).toBe(1)
    expect(after.rejects.garbage - before.rejects.garbage).toBe(1)
    expect(after.accepted - before.accepted).toBe(10)
    l.end()
  })

  it('refuses a wrong PW and an unknown MN, answers 9011 QnRtn 3 / 4, keeps nothing and counts them', async () => {
    const before = await health()
    const l = await Logger.open(port)
    const ts = nextTs()
    const q1 = qn()
    const q2 = qn()
    await l.write(stackPacket({ ts, qn: q1, pw: 'wrong1' }))
    await l.write(frame(buildDataSegment({ qn: q2, st: '31', cn: '2011', pw: STACK_PW, mn: 'NOBODY', flag: 5, cp: `DataTime=${formatDataTime(ts, TZ)};a21026-Rtd=1` })))
    await eventually(() => l.answersTo(q1, '9011').length === 1 && l.answersTo(q2, '9011').length === 1, 10_000, '9011 answers')
    expect(l.answersTo(q1, '9011')[0]!.cp.fields.get('QnRtn')).toBe('3')
    expect(l.answersTo(q2, '9011')[0]!.cp.fields.get('QnRtn')).toBe('4')
    expect(l.answersTo(q1)).toEqual([])
    const after = await health()
    expect(after.rejects.wrong_pw - before.rejects.wrong_pw).toBe(1)
    expect(after.rejects.unknown_mn - before.rejects.unknown_mn).toBe(1)
    // a good packet after it, on the same connection, is kept: the refused one never was
    const q3 = qn()
    await l.write(stackPacket({ ts: nextTs(), qn: q3 }))
    await eventually(() => l.answersTo(q3).length === 1, 10_000, 'answer to the good packet')
    expect((await query(`SELECT * FROM emission WHERE device='${STACK}' AND time = ${ts}ms`)).length).toBe(0)
    l.end()
  })

  it('stores an unknown code under its own name and reports it; a hourly 2061 lands in emission_logger', async () => {
    const l = await Logger.open(port)
    const ts = nextTs()
    const q1 = qn()
    await l.write(stackPacket({ ts, qn: q1, cp: `DataTime=${formatDataTime(ts, TZ)};a21026-Rtd=12.5,a21026-Flag=N;a99999-Rtd=7.25,a99999-Flag=M` }))
    const hour = Math.floor((Date.now() - 5 * 3_600_000) / 3_600_000) * 3_600_000
    const q2 = qn()
    await l.write(frame(buildDataSegment({ qn: q2, st: '31', cn: '2061', pw: STACK_PW, mn: STACK_MN, flag: 5, cp: `DataTime=${formatDataTime(hour, TZ)};a21026-Avg=10.5,a21026-Min=8,a21026-Max=13,a21026-ZsAvg=12,a21026-Cou=1.25,a21026-Flag=N;a00000-Avg=20,a00000-Cou=72000` })))
    await eventually(() => l.answersTo(q1).length === 1 && l.answersTo(q2).length === 1, 10_000, 'answers')
    const rows = await eventually(async () => {
      const r = await query<{ a99999: number; a99999_flag: string; so2: number }>(`SELECT * FROM emission WHERE device='${STACK}' AND time = ${ts}ms`)
      return r.length ? r : undefined
    }, 15_000, 'unknown code in InfluxDB')
    expect(rows[0]).toMatchObject({ a99999: 7.25, a99999_flag: 'M', so2: 12.5 })
    await eventually(async () => ((await health())?.unknownCodes?.a99999 ?? 0) >= 1, 10_000, 'a99999 reported in health')
    await eventually(async () => /smartpark_hj212_unknown_code_values_total\{code="a99999"\} [1-9]/.test(await fetch(`${t.http}/metrics`).then((r) => r.text())), 10_000, 'a99999 reported in /metrics')
    const hourly = await eventually(async () => {
      const r = await query<Record<string, unknown>>(`SELECT * FROM emission_logger WHERE device='${STACK}' AND "interval"='hour'`)
      return r.length ? r : undefined
    }, 15_000, 'hourly logger values in InfluxDB')
    expect(hourly[0]).toMatchObject({ so2_avg: 10.5, so2_min: 8, so2_max: 13, so2_zs: 12, so2_cou: 1.25, so2_flag: 'N', flow_avg: 72_000, flow_cou: 72_000 })
    expect((hourly[0]!.time as Date).getTime()).toBe(hour)
    l.end()
  })

  it('forgets a retired device\'s PW and refuses its MN from then on', async () => {
    const before = await health()
    expect((await api(t, 'DELETE', `/api/v1/devices/${OUTLET}`)).status).toBe(200)
    const file = join(dir, 'data', 'hj212', 'logger-secrets.json')
    expect(JSON.parse(await readFile(file, 'utf8')).pw[OUTLET]).toBeUndefined()
    const l = await Logger.open(port)
    const q = qn()
    await l.write(frame(`QN=${q};ST=32;CN=2011;PW=${OUTLET_PW};MN=${OUTLET_MN};Flag=5;CP=&&DataTime=${formatDataTime(nextTs(), TZ)};011-Rtd=1&&`))
    await eventually(() => l.answersTo(q, '9011').length === 1, 10_000, 'refusal')
    expect((await health()).rejects.unknown_mn - before.rejects.unknown_mn).toBe(1)
    l.end()
  })

  it('closes a connection that floods garbage, and counts connections', async () => {
    const before = await health()
    const l = await Logger.open(port)
    await l.write(Buffer.alloc(8192, 0x41))
    await eventually(() => l.closed, 10_000, 'flooding connection closed')
    const after = await eventually(async () => {
      const h = await health()
      return h.connections.closedFlood > before.connections.closedFlood ? h : undefined
    }, 10_000, 'flood counted')
    expect(after.connections.accepted).toBeGreaterThan(before.connections.accepted)
  })
})
