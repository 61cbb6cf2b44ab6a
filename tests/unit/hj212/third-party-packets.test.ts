import { describe, expect, it } from 'vitest'
import type { Device } from '../../../hub/src/model/device.js'
import { dataAnswer, QN_RTN, requestAnswer } from '../../../hub/src/hj212/answers.js'
import { crcHex, hj212Crc } from '../../../hub/src/hj212/crc.js'
import { Deframer, frame } from '../../../hub/src/hj212/frame.js'
import { LoggerDirectory, type LoggerPoint } from '../../../hub/src/hj212/logger-directory.js'
import { flagBits, parseDataSegment, parseDataTime, type Hj212Packet } from '../../../hub/src/hj212/packet.js'
import { SplitAssembler } from '../../../hub/src/hj212/split-packets.js'
import { aggregates, realtimeItems } from '../../../hub/src/hj212/to-readings.js'
import type { LoggerAggregate } from '../../../hub/src/hj212/types.js'
import { loggerAggregateLine } from '../../../hub/src/store/logger-points.js'
import { THIRD_PARTY, thirdParty } from './third-party-packets.js'

/**
 * Packets of others' making (third-party-packets.ts): each published packet is framed as the
 * hub frames a TCP stream, its CRC checked (a wrong one refused with its reason), parsed, and
 * its values mapped to the hub's metrics and units by one logger carrying a stack and an outlet.
 */
const TZ = 'Asia/Shanghai'
const base = { park: 'p', enterprise: 'e', position: { x: 0, y: 0 }, interval: 30 }
const stack: Device = { ...base, id: 'a-stack', kind: 'emission', name: 'stack', metrics: ['so2', 'nox', 'pm', 'o2', 'flow', 'velocity', 'temp', 'pressure', 'humidity', 'nmhc', 'hcl'], hj212: { mn: 'X' } }
const outlet: Device = { ...base, id: 'b-outlet', kind: 'wastewater', name: 'outlet', metrics: ['cod', 'nh3n', 'tp', 'tn', 'ph', 'flow_w'], hj212: { mn: 'X' } }
const point: LoggerPoint = new LoggerDirectory({ all: () => [stack, outlet].map((device) => ({ device })), version: 1 }, () => 'pw').point('X')!

function deframe(text: string): { segments: string[]; rejects: string[]; modbusCrc: boolean } {
  const r = new Deframer().push(Buffer.from(text, 'utf8'))
  return { segments: r.segments, rejects: r.rejects.map((x) => x.reason), modbusCrc: r.rejects.some((x) => x.modbusCrc) }
}
function packetOf(id: string): Hj212Packet {
  const { segments } = deframe(thirdParty(id).packet)
  expect(segments).toHaveLength(1)
  const r = parseDataSegment(segments[0]!)
  if (!r.ok) throw new Error(r.reason)
  return r.packet
}
/** A published packet whose framing is wrong, framed again around its data segment (to read its values). */
function reframed(id: string): Hj212Packet {
  const text = thirdParty(id).packet
  const r = parseDataSegment(text.slice(6, text.lastIndexOf('&&') + 2))
  if (!r.ok) throw new Error(r.reason)
  expect(deframe(frame(r.packet.raw)).segments).toEqual([r.packet.raw])
  return r.packet
}
const rtd = (p: Hj212Packet, d: Device) => realtimeItems(p, point, 0).byDevice.get(d)
const agg = (p: Hj212Packet, d: Device): LoggerAggregate | undefined => aggregates(p, point, 0, 'hour').byDevice.get(d)

describe('third-party packets: framing and CRC', () => {
  it.each(THIRD_PARTY.map((p) => [p.id, p] as const))('%s', (_id, p) => {
    const { segments, rejects, modbusCrc } = deframe(p.packet)
    expect(modbusCrc).toBe(p.modbusCrc === true)
    const data = p.packet.slice(6, p.packet.lastIndexOf('&&') + 2)
    if (p.frame === 'ok') {
      expect(rejects).toEqual([])
      expect(segments).toEqual([data])
      expect(crcHex(hj212Crc(data))).toBe(p.packet.slice(-6, -2).toUpperCase())
      const parsed = parseDataSegment(segments[0]!)
      expect(parsed.ok).toBe(true)
    } else {
      expect(p.why).toBeDefined()
      expect(segments).toEqual([])
      expect(rejects).toEqual([p.frame])
      // The data segment itself parses: only the framing is wrong.
      expect(parseDataSegment(data).ok).toBe(true)
    }
  })

  it('one stream of every published packet, cut every 7 bytes: the good ones come out in order, each bad one is one reject', () => {
    const all = Buffer.from(THIRD_PARTY.map((p) => p.packet).join(''), 'utf8')
    const d = new Deframer()
    const segments: string[] = []
    const rejects: string[] = []
    for (let i = 0; i < all.length; i += 7) {
      const r = d.push(all.subarray(i, i + 7))
      segments.push(...r.segments)
      rejects.push(...r.rejects.map((x) => x.reason))
    }
    expect(segments.map((s) => parseDataSegment(s).ok)).toEqual(THIRD_PARTY.filter((p) => p.frame === 'ok').map(() => true))
    expect(segments).toHaveLength(THIRD_PARTY.filter((p) => p.frame === 'ok').length)
    expect(rejects).toEqual(THIRD_PARTY.filter((p) => p.frame !== 'ok').map((p) => p.frame))
    expect(d.overStandardPackets).toBe(1) // the 1,045-byte split piece
  })
})

describe('third-party packets: header, times, flags', () => {
  it('2005 packets without QN or Flag; a 17-digit DataTime in the zone time zone', () => {
    const p = packetOf('xiaoyao-2005-wastewater-rtd')
    expect(p).toMatchObject({ st: '32', cn: '2011', pw: '123456', mn: 'LD130133000015' })
    expect(p.qn).toBeUndefined()
    expect(flagBits(p.flag)).toEqual({ answer: false, split: false, version: 0 })
    expect(parseDataTime(p.cp.dataTime!, TZ)).toBe(Date.parse('2016-08-24T00:38:17+08:00'))
  })
  it('Flag=9 (edition bits 000010) and Flag=8 are read as asking and not asking for an answer', () => {
    expect(flagBits(packetOf('java-netty-2017-water-hour-flag9').flag)).toEqual({ answer: true, split: false, version: 2 })
    expect(flagBits(packetOf('python-platform-answer-9014').flag)).toEqual({ answer: false, split: false, version: 2 })
  })
  it("the standard's 1062 example: a field, no pollutants", () => {
    const p = packetOf('standard-annex-1062')
    expect(p.cp.fields.get('RtdInterval')).toBe('30')
    expect(p.cp.pollutants.size).toBe(0)
  })
  it('split pieces: zero-padded PNO/PNUM without the D bit, and Flag=2 with PNUM/PNO, wait for their other piece', () => {
    const s = new SplitAssembler()
    const piece = packetOf('java-t212mapper-split-piece')
    expect([piece.pnum, piece.pno]).toEqual([2, 2])
    expect(s.add(piece, 0)).toBeUndefined()
    const big = packetOf('java-parser-2005-split-minute')
    expect([big.pnum, big.pno, flagBits(big.flag).split]).toEqual([2, 1, true])
    expect(s.add(big, 0)).toBeUndefined()
    expect(s.pendingGroups).toBe(2)
  })
  it('answers of other platforms parse as 9014', () => {
    expect(packetOf('cpp-hj212def-answer-9014')).toMatchObject({ st: '91', cn: '9014', qn: '20201008154743635' })
    expect(packetOf('python-platform-answer-9014')).toMatchObject({ st: '91', cn: '9014', qn: '20260706103512345' })
  })
})

describe('third-party packets: metrics and units', () => {
  it('2005 wastewater real-time: B01 L/s → flow_w m³/h, 011 COD, 060 NH3-N', () => {
    expect(rtd(packetOf('xiaoyao-2005-wastewater-rtd'), outlet)).toEqual({ ts: 0, values: { flow_w: 36.91 * 3.6, cod: 231, nh3n: 1.803 }, flags: { cod: 'N', nh3n: 'N' } })
  })
  it('2005 codes a device has no metric for are kept under their 2017 code: one name for one pollutant', () => {
    const onlySo2: Device = { ...stack, id: 'c-only-so2', metrics: ['so2'], hj212: { mn: 'Y' } }
    const p2 = new LoggerDirectory({ all: () => [{ device: onlySo2 }], version: 1 }, () => 'pw').point('Y')!
    const out = realtimeItems(packetOf('java-2005-cems-rtd-qn'), p2, 0)
    expect(out.byDevice.get(onlySo2)!.values).toMatchObject({ so2: 20.34, a01012: 147.12, a01013: 1.349, a01011: 6.38, a00000: 3600 / 3600, a34013: 25.21, a34013_zs: 63.6616 })
    expect(out.unknownCodes).toContain('a00000')
    expect(out.unknownCodes).not.toContain('S08')
  })
  it('2005 CEMS real-time: B02 is m³/h in the 2005 edition (kept as is), S-codes, ZsRtd as <metric>_zs', () => {
    const v = rtd(packetOf('java-2005-cems-rtd-qn'), stack)!.values
    expect(v).toEqual({ temp: 147.12, pressure: 1.349, humidity: 8, o2: 14.913, velocity: 6.38, flow: 3600, pm: 25.21, pm_zs: 63.6616, so2: 20.34, so2_zs: 51.0317, nox: 50.5467, nox_zs: 125.051 })
    // 508,166.63 beside 11 m/s and 29,163.11 beside 11.73 m/s: m³/h (m³/s would be thousands of times a power plant's flue gas).
    expect(rtd(reframed('c-acq-2005-cems-rtd-guangzhou'), stack)!.values).toMatchObject({ flow: 508166.63, velocity: 11, so2: 2, so2_zs: 20 })
    const c = realtimeItems(reframed('c-acq-2005-cems-rtd'), point, 0)
    expect(c.byDevice.get(stack)!.values).toMatchObject({ flow: 29163.11, velocity: 11.73, so2: 2.48, so2_zs: 10.96, LD3: 29163.11, LD4: 99.23 })
    expect(c.unknownCodes.sort()).toEqual(['LD3', 'LD4', 'LD5', 'LD6'])
  })
  it('2005 flags D on every value, a ZsRtd group apart from its Rtd', () => {
    const item = rtd(packetOf('js-2005-cems-rtd-faults'), stack)!
    expect(item.values).toMatchObject({ pm: 0, pm_zs: 0, so2_zs: 0, nox_zs: 0, flow: 0 })
    expect(new Set(Object.values(item.flags!))).toEqual(new Set(['D']))
  })
  it('vendor codes: Load and Nh3-scr (a dash in the code, read as Nh3-scr-Rtd) are kept under their codes', () => {
    const p = packetOf('c-acq-fujian-vendor-codes')
    expect(p.cp.pollutants.get('Nh3-scr')).toEqual(new Map([['Rtd', '4.12656']]))
    const out = realtimeItems(p, point, 0)
    expect(out.byDevice.get(stack)!.values).toMatchObject({ o2: 20.9595, velocity: 2.40558, flow: 321518, Load: 0, 'Nh3-scr': 4.12656 })
    expect(out.invalid).toBe(0)
  })
  it('2017 stack real-time: a00000 m³/s → flow m³/h, codes without a metric kept under their code', () => {
    const out = realtimeItems(packetOf('php-2017-voc-stack-rtd'), point, 0)
    expect(out.byDevice.get(stack)!.values).toMatchObject({ flow: 5.407 * 3600, velocity: 7.072, pressure: -0.052, temp: 6.48, nmhc: 0.804, humidity: 0.97, a05002: 0 })
    expect(out.unknownCodes).toEqual(['a05002'])
    const faults = rtd(packetOf('java-2017-stack-rtd-faults'), stack)!
    expect(faults.values).toMatchObject({ hcl: 0, hcl_zs: 0, a21005: 0, a21018: 0, a01017: 0 })
    expect(Object.keys(faults.flags!)).toHaveLength(13)
  })
  it('2017 wastewater real-time and ambient-air codes go to the outlet and the stack', () => {
    const out = realtimeItems(packetOf('python-socket-2017-wastewater-rtd'), point, 0)
    expect(out.byDevice.get(outlet)!.values).toMatchObject({ ph: 15.294, nh3n: 78.741, tp: 92.488 })
    const air = realtimeItems(packetOf('java-t212mapper-air-short-codes'), point, 0)
    expect(air.unknownCodes).toHaveLength(7)
    expect(realtimeItems(packetOf('xiaoyao-readme-generator'), point, 0).byDevice.get(stack)!.values).toEqual({ ele01: 1, ele02: 0 })
  })
  it('2005 wastewater hour and minute: B01 L/s, whose Cou in m³ is Avg × the period (the unit checked by the logger itself)', () => {
    const hour = agg(reframed('java-socket-2005-wastewater-hour'), outlet)!
    expect(hour.values.flow_w).toEqual({ avg: 208.01 * 3.6, min: 204.5 * 3.6, max: 214.2 * 3.6, cou: 748.84 })
    expect(hour.values.flow_w!.avg! / hour.values.flow_w!.cou!).toBeCloseTo(1, 3) // 1 h of m³/h = the hour's m³
    expect(hour.values).toMatchObject({ ph: { avg: 7.17, cou: 0 }, cod: { avg: 23.2, cou: 17.37 }, nh3n: { avg: 3.2 }, tp: { avg: 0.062 }, tn: { avg: 4.01 } })
    // B11 is in no table: it goes to the logger's first device (docs/hj212.md), here the stack.
    expect(agg(reframed('java-socket-2005-wastewater-hour'), stack)!.values).toEqual({ B11: { avg: 21941455.5, min: 21941081, max: 21941830 } })
    expect(hour.units).toMatchObject({ flow_w: 'm³/h', flow_w_cou: 'm³', cod_cou: 'kg' })
    const minute = aggregates(packetOf('php-2005-wastewater-minute'), point, 0, 'minute').byDevice.get(outlet)!
    expect((minute.values.flow_w!.avg! / 60) / minute.values.flow_w!.cou!).toBeCloseTo(1, 3) // 1 min of m³/h = the minute's m³
  })
  it('2017 hour with Flag=9 and ambient-air minutes: metrics where the devices take them, codes elsewhere', () => {
    const h = aggregates(packetOf('java-netty-2017-water-hour-flag9'), point, 0, 'hour')
    expect(h.byDevice.get(outlet)!.values).toMatchObject({ ph: { avg: 7.64 }, tp: { avg: 0.042 }, tn: { avg: 3.04 }, nh3n: { avg: 0.16 } })
    expect(h.unknownCodes.length).toBe(11)
    expect(agg(packetOf('go-2017-air-minute'), stack)!.values).toMatchObject({ so2: { avg: 6 }, a34004: { avg: 14 } })
  })
  it('a suffix sent twice keeps its first value (w00000-Avg, then the totaliser under the same name)', () => {
    const v = agg(packetOf('java-netty-2017-wastewater-minute'), outlet)!.values
    expect(v.flow_w).toEqual({ avg: 66.09 * 3.6, min: 392.51 * 3.6, max: 403.98 * 3.6, cou: 237.91 })
    expect(v.cod).toEqual({ avg: 196, min: 196, max: 196, cou: 46.63 })
  })
  it('ZsMin and ZsMax are kept beside ZsAvg; 2005 codes without a metric under their 2017 code (30 CO2 → a05001), others under their own; flags D and T', () => {
    const out = aggregates(packetOf('java-parser-2005-split-minute'), point, 0, 'minute')
    const a = out.byDevice.get(stack)!
    expect(a.values.pm).toEqual({ avg: 0, min: 0, max: 0, cou: 0, zsAvg: 0, zsMin: 0, zsMax: 0 })
    expect(a.flags).toMatchObject({ flow: 'D', pm: 'D', '33': 'T', a05001: 'N' })
    expect(out.unknownCodes).toEqual(['a05001', '31', '32', '33', '34', '35', '36', '37'])
    expect(loggerAggregateLine(a)).toContain('pm_zsmin=0,pm_zsmax=0')
  })
  it('2021 status (SBn-RS) is read as groups of the status codes', () => {
    for (const id of ['php-2005-status', 'java-socket-2005-status']) {
      const p = packetOf(id)
      expect(p.cn).toBe('2021')
      expect([...p.cp.pollutants.keys()]).toEqual(['SB1', 'SB2', 'SB3', 'SB4', 'SB5', 'SB6', 'SB7', 'SB8'])
      expect(p.cp.pollutants.get('SB1')!.get('RS')).toBe('0')
    }
  })
})

describe('answers in the edition of the packet answered', () => {
  const seg = (text: string): string => {
    const r = deframe(text)
    expect(r.rejects).toEqual([])
    return r.segments[0]!
  }
  it('a 2017 packet: QN in the header, Flag=4, empty CP (HJ 212-2017 appendix C; as the platforms above answer)', () => {
    const p = packetOf('java-netty-2017-wastewater-minute')
    expect(seg(dataAnswer(p))).toBe('QN=20241130114316059;ST=91;CN=9014;PW=123456;MN=23923493201019;Flag=4;CP=&&&&')
  })
  it('a 2005 packet asking for an answer (Flag=1): QN and CN inside CP, Flag=0, as a 2005 platform (a Mina "hbp" receiver) answers', () => {
    const p = parseDataSegment('QN=20040516010101001;ST=32;CN=2051;PW=123456;MN=88888880000001;Flag=1;CP=&&DataTime=20040516010000;011-Avg=1.1&&')
    if (!p.ok) throw new Error(p.reason)
    expect(seg(dataAnswer(p.packet))).toBe('ST=91;CN=9014;PW=123456;MN=88888880000001;Flag=0;CP=&&QN=20040516010101001;CN=2051&&')
    expect(seg(requestAnswer(p.packet, QN_RTN.wrongPw))).toBe('ST=91;CN=9011;PW=123456;MN=88888880000001;Flag=0;CP=&&QN=20040516010101001;QnRtn=3&&')
  })
})
