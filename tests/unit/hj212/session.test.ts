import { loggerRows } from '../../../hub/src/store/logger-points.js'
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Device } from '../../../hub/src/model/device.js'
import type { Durable } from '../../../hub/src/journal/journal.js'
import { Deframer, frame } from '../../../hub/src/hj212/frame.js'
import { LoggerDirectory } from '../../../hub/src/hj212/logger-directory.js'
import { startHj212Listener, type Hj212Listener } from '../../../hub/src/hj212/listener.js'
import { buildDataSegment, formatDataTime, parseDataSegment, type Hj212Packet } from '../../../hub/src/hj212/packet.js'
import type { LoggerAggregate } from '../../../hub/src/hj212/types.js'
import { eventually } from '../../support/hub-harness.js'
import { thirdParty } from './third-party-packets.js'

/** The listener with the journal in the test's hand: a Durable the test releases. */
class HeldDurable implements Durable {
  private waiting: (() => void)[] = []
  done = false
  whenDurable(cb: () => void): void {
    if (this.done) cb()
    else this.waiting.push(cb)
  }
  release(): void {
    this.done = true
    for (const cb of this.waiting.splice(0)) cb()
  }
}

const TZ = 'Asia/Shanghai'
const stack: Device = { id: 's1', kind: 'emission', park: 'p', enterprise: 'e', name: 's', metrics: ['so2', 'o2'], position: { x: 0, y: 0 }, interval: 30, hj212: { mn: 'MN1' } }
const fenced: Device = { ...stack, id: 's2', hj212: { mn: 'MN2', sources: ['192.0.2.0/24'] } }

async function client(port: number): Promise<{ socket: Socket; answers: Hj212Packet[]; closed: () => boolean }> {
  const answers: Hj212Packet[] = []
  const d = new Deframer()
  let closed = false
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s))
    s.once('error', reject)
  })
  socket.on('data', (b: Buffer) => {
    for (const seg of d.push(b).segments) {
      const p = parseDataSegment(seg)
      if (p.ok) answers.push(p.packet)
    }
  })
  socket.on('close', () => (closed = true))
  socket.on('error', () => undefined)
  return { socket, answers, closed: () => closed }
}

describe('Hj212Session over TCP', () => {
  let listener: Hj212Listener | undefined
  const held: HeldDurable[] = []
  const kept: { device: string; items: unknown[] }[] = []
  const lines: string[] = []
  const aggs: LoggerAggregate[] = []
  const forwarded: string[] = []
  const warnings: string[] = []

  async function start(limits: Record<string, number> = {}): Promise<Hj212Listener> {
    listener = await startHj212Listener({
      host: '127.0.0.1', port: 0, clock: Date.now, timeZone: TZ, log: { warn: (_o, m) => warnings.push(m) },
      directory: new LoggerDirectory({ all: () => [stack, fenced].map((device) => ({ device })), version: 1 }, (id) => (id === 's1' || id === 's2' ? 'pw' : undefined)),
      ingest: {
        fromProtocol(device, items) {
          // so2 = 999 plays a reading ingest refuses (say ts_future): nothing kept.
          if ((items[0] as { values: Record<string, unknown> }).values.so2 === 999) return { kept: 0, durable: undefined, refused: false }
          kept.push({ device: device.id, items: [...items] })
          const h = new HeldDurable()
          held.push(h)
          return { kept: items.length, durable: h, refused: false }
        },
      },
      rows: loggerRows((l) => {
        lines.push(...l)
        const h = new HeldDurable()
        held.push(h)
        return h
      }),
      onAggregate: (a) => aggs.push(a),
      onDataPacket: (p) => forwarded.push(p.qn!),
      limits,
    })
    return listener
  }
  const packet = (o: { qn: string; cn?: string; mn?: string; flag?: number; cp?: string; pnum?: number; pno?: number }): string =>
    frame(buildDataSegment({ qn: o.qn, st: '31', cn: o.cn ?? '2011', pw: 'pw', mn: o.mn ?? 'MN1', flag: o.flag ?? 5, ...(o.pnum ? { pnum: o.pnum, pno: o.pno! } : {}), cp: o.cp ?? `DataTime=${formatDataTime(Date.now() - 60_000, TZ)};a21026-Rtd=1.5,a21026-Flag=N` }))

  afterEach(async () => {
    await listener?.close()
    listener = undefined
    held.length = 0
    kept.length = 0
    lines.length = 0
    aggs.length = 0
    forwarded.length = 0
    warnings.length = 0
  })

  it('says in its log, once a minute per address, that a bad CRC is CRC-16/MODBUS (a third-party simulator), and goes on', async () => {
    const l = await start()
    const c = await client(l.port)
    const modbus = thirdParty('python-simulator-modbus-crc').packet
    c.socket.write(modbus + modbus)
    c.socket.write(packet({ qn: '20240101000000009' }))
    await eventually(() => held.length === 1, 5000, 'the good packet kept')
    expect(l.counters.rejectCount('bad_crc')).toBe(2)
    expect(warnings.filter((w) => w.includes('CRC-16/MODBUS'))).toHaveLength(1)
    c.socket.write('##00x1garbage\r\n')
    await eventually(() => warnings.some((w) => w.includes('not a well-framed packet')), 5000, 'a framing warning')
    c.socket.destroy()
  })

  it('sends the 9014 only once the journal says the data is durable', async () => {
    const l = await start()
    const c = await client(l.port)
    c.socket.write(packet({ qn: '20240101000000001' }))
    await eventually(() => held.length === 1, 5000, 'data handed to ingest')
    expect(kept[0]).toMatchObject({ device: 's1', items: [{ values: { so2: 1.5 }, flags: { so2: 'N' } }] })
    // a heartbeat (no data) is answered at once, the data packet not yet
    c.socket.write(packet({ qn: '20240101000000002', cn: '9999', cp: '' }))
    await eventually(() => c.answers.some((a) => a.cn === '9013'), 5000, 'heartbeat answer')
    expect(c.answers.filter((a) => a.cn === '9014')).toEqual([])
    held[0]!.release()
    await eventually(() => c.answers.some((a) => a.cn === '9014' && a.qn === '20240101000000001'), 5000, '9014 after durable')
    c.socket.destroy()
  })

  it('does not answer a packet whose Flag asks for none, and joins split packets before keeping them', async () => {
    const l = await start()
    const c = await client(l.port)
    const dt = formatDataTime(Date.now() - 120_000, TZ)
    c.socket.write(packet({ qn: '20240101000000003', cn: '2051', flag: 7, pnum: 2, pno: 1, cp: `DataTime=${dt};a21026-Avg=1` }))
    c.socket.write(packet({ qn: '20240101000000003', cn: '2051', flag: 7, pnum: 2, pno: 2, cp: `DataTime=${dt};a19001-Avg=9` }))
    await eventually(() => lines.length === 1, 5000, 'the joined minute packet')
    expect(aggs[0]).toMatchObject({ device: 's1', interval: 'minute', values: { so2: { avg: 1 }, o2: { avg: 9 } } })
    held[0]!.release()
    await eventually(() => c.answers.filter((a) => a.cn === '9014').length === 2, 5000, 'one answer per part')
    c.socket.write(packet({ qn: '20240101000000004', flag: 4 }))
    await eventually(() => held.length === 2, 5000, 'second packet kept')
    held[1]!.release()
    c.socket.write(packet({ qn: '20240101000000005', cn: '9999', cp: '' }))
    await eventually(() => c.answers.some((a) => a.qn === '20240101000000005'), 5000, 'heartbeat answer')
    expect(c.answers.some((a) => a.qn === '20240101000000004')).toBe(false)
    c.socket.destroy()
  })

  it('answers a packet whose every value ingest refused, counting it no_values, neither accepted nor forwarded', async () => {
    const l = await start()
    const c = await client(l.port)
    c.socket.write(packet({ qn: '20240101000000020', cp: `DataTime=${formatDataTime(Date.now() - 60_000, TZ)};a21026-Rtd=999` }))
    await eventually(() => c.answers.some((a) => a.cn === '9014' && a.qn === '20240101000000020'), 5000, 'answer')
    expect(l.counters.rejectCount('no_values')).toBe(1)
    expect(l.counters.accepted).toBe(0)
    c.socket.write(packet({ qn: '20240101000000021' }))
    await eventually(() => held.length === 1, 5000, 'a good one kept')
    expect(forwarded).toEqual(['20240101000000021'])
    expect(l.counters.accepted).toBe(1)
    c.socket.destroy()
  })

  it('answers a 1013 time request with 1012 and the time', async () => {
    const l = await start()
    const c = await client(l.port)
    c.socket.write(packet({ qn: '20240101000000006', cn: '1013', cp: '' }))
    const a = await eventually(() => c.answers.find((x) => x.cn === '1012'), 5000, '1012')
    expect(a.cp.fields.get('SystemTime')).toMatch(/^\d{14}$/)
    c.socket.destroy()
  })

  it('refuses an MN from an address outside its sources', async () => {
    const l = await start()
    const c = await client(l.port)
    c.socket.write(packet({ qn: '20240101000000007', mn: 'MN2' }))
    await eventually(() => l.counters.rejectCount('source_refused') === 1, 5000, 'source refused')
    expect(kept).toEqual([])
    c.socket.destroy()
  })

  it('survives fuzzed data segments in good frames: every one a packet or a reject, and the session still answers', async () => {
    const l = await start({ maxPendingAnswers: 100_000 })
    const c = await client(l.port)
    let seed = 77
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
    const keys = ['QN=20240101000000001', 'ST=31', 'CN=2011', 'CN=2051', 'CN=2061', 'CN=2031', 'CN=2021', 'CN=1013', 'CN=9014', 'CN=x', 'PW=pw', 'PW=no', 'MN=MN1', 'MN=MN9', 'Flag=5', 'Flag=7', 'Flag=z', 'PNUM=2', 'PNO=1', 'PNO=9', 'CP=&&', '&&', ';', ',']
    const cpItems = ['DataTime=20240101000000', 'DataTime=2024', 'DataTime=99999999999999', 'a21026-Rtd=1', 'a21026-Rtd=x', 'a21026-Flag=Q', 'a19001-Avg=2', 'a99999-Rtd=3', '-Rtd=1', 'a21026-=1', '=', 'Zz', 'SB1-RS=1', 'a21026-ZsRtd=', 'w00000-Cou=1e3']
    const segments: string[] = []
    for (let i = 0; i < 3000; i++) {
      const head = Array.from({ length: Math.floor(rnd() * 8) }, () => pick(keys)).join(';')
      const cp = Array.from({ length: Math.floor(rnd() * 6) }, () => pick(cpItems)).join(pick([';', ',']))
      segments.push(rnd() < 0.7 ? `${head};CP=&&${cp}&&` : head + cp)
    }
    c.socket.write(segments.map((x) => frame(x)).join(''))
    const parseRejects = ['no_cp', 'cp_unterminated', 'cp_item', 'header_item', 'no_cn', 'bad_cn', 'bad_flag', 'bad_pnum'] as const
    await eventually(() => l.counters.packets + parseRejects.reduce((a, r) => a + l.counters.rejectCount(r), 0) === segments.length, 10_000, 'every segment counted')
    for (const h of held) h.release()
    c.socket.write(packet({ qn: '20240101000000099', cn: '9999', cp: '' }))
    await eventually(() => c.answers.some((a) => a.qn === '20240101000000099'), 5000, 'still answering')
    expect(c.closed()).toBe(false)
    c.socket.destroy()
  })

  it('closes an idle connection and one that keeps failing to authenticate', async () => {
    const l = await start({ idleMs: 200, maxAuthFailures: 3 })
    const idle = await client(l.port)
    await eventually(() => idle.closed(), 5000, 'idle connection closed')
    expect(l.counters.connections.closedIdle).toBe(1)
    const bad = await client(l.port)
    for (let i = 0; i < 3; i++) bad.socket.write(packet({ qn: `2024010100000001${i}`, mn: 'NOPE' }))
    await eventually(() => bad.closed(), 5000, 'failing connection closed')
    expect(l.counters.connections.closedAuth).toBe(1)
    expect(l.counters.rejectCount('unknown_mn')).toBe(3)
    await eventually(() => l.counters.connections.open === 0, 5000, 'none open')
  })
})
