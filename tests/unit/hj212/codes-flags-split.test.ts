import { describe, expect, it } from 'vitest'
import { codeOfMetric, lookupCode } from '../../../hub/src/hj212/codes.js'
import { hjFlagToDataFlag } from '../../../hub/src/hj212/flags.js'
import { parseDataSegment, type Hj212Packet } from '../../../hub/src/hj212/packet.js'
import { SplitAssembler } from '../../../hub/src/hj212/split-packets.js'

/** DOMAIN.md "Stack emissions": 2017 code, 2005 code, hub metric. */
const CODES: [string, string | undefined, string, 'emission' | 'wastewater'][] = [
  ['a21026', '02', 'so2', 'emission'],
  ['a21002', '03', 'nox', 'emission'],
  ['a34013', '01', 'pm', 'emission'],
  ['a19001', 'S01', 'o2', 'emission'],
  ['a00000', 'B02', 'flow', 'emission'],
  ['a01012', 'S03', 'temp', 'emission'],
  ['a01011', 'S02', 'velocity', 'emission'],
  ['a01013', 'S08', 'pressure', 'emission'],
  ['a01014', 'S05', 'humidity', 'emission'],
  ['a24088', undefined, 'nmhc', 'emission'],
  ['w01018', '011', 'cod', 'wastewater'],
  ['w21003', '060', 'nh3n', 'wastewater'],
  ['w00000', 'B01', 'flow_w', 'wastewater'],
  ['w21011', '101', 'tp', 'wastewater'],
  ['w21001', '065', 'tn', 'wastewater'],
  ['w01001', '001', 'ph', 'wastewater'],
]

describe('pollutant codes', () => {
  it.each(CODES)('%s (2005: %s) → %s', (c2017, c2005, metric, kind) => {
    expect(lookupCode(c2017)).toMatchObject({ code: c2017, edition: 2017, metric, kind })
    if (c2005) expect(lookupCode(c2005)).toMatchObject({ code: c2005, edition: 2005, metric, kind })
    expect(codeOfMetric(metric)).toBe(c2017)
  })
  it('converts the flows from the standard m³/s and L/s to the hub m³/h', () => {
    expect(lookupCode('a00000')).toMatchObject({ unit: 'm³/s', factor: 3600, couUnit: 'm³' })
    expect(lookupCode('w00000')).toMatchObject({ unit: 'L/s', factor: 3.6, couUnit: 'm³' })
  })
  it('knows codes without a metric and not codes nobody defined', () => {
    expect(lookupCode('a21005')).toMatchObject({ metric: undefined, kind: 'emission' })
    expect(lookupCode('a99999')).toBeUndefined()
    expect(lookupCode('')).toBeUndefined()
  })
})

describe('data flags', () => {
  it.each(['N', 'F', 'M', 'S', 'D', 'C', 'T', 'B'])('%s is a reading flag', (f) => expect(hjFlagToDataFlag(f)).toBe(f))
  it.each(['', 'n', 'X', 'NN', 'Z'])('%j is not', (f) => expect(hjFlagToDataFlag(f)).toBeUndefined())
})

function part(pno: number, pnum: number, cp: string, qn = '20240301101500000'): Hj212Packet {
  const r = parseDataSegment(`QN=${qn};ST=31;CN=2051;PW=1;MN=M1;Flag=7;PNUM=${pnum};PNO=${pno};CP=&&${cp}&&`)
  if (!r.ok) throw new Error(r.reason)
  return r.packet
}

describe('SplitAssembler', () => {
  it('passes whole packets through', () => {
    const r = parseDataSegment('CN=2011;Flag=5;CP=&&a21026-Rtd=1&&')
    if (!r.ok) throw new Error()
    expect(new SplitAssembler().add(r.packet, 0)).toBe(r.packet)
  })
  it('joins parts in any order, once all arrived', () => {
    const s = new SplitAssembler()
    expect(s.add(part(3, 3, 'a34013-Avg=3'), 0)).toBeUndefined()
    expect(s.add(part(1, 3, 'DataTime=20240301101400;a21026-Avg=1'), 1)).toBeUndefined()
    expect(s.add(part(1, 3, 'DataTime=20240301101400;a21026-Avg=1'), 1)).toBeUndefined() // resent part
    const whole = s.add(part(2, 3, 'a21002-Avg=2,a21002-Flag=N'), 2)
    expect(whole?.cp.dataTime).toBe('20240301101400')
    expect([...whole!.cp.pollutants.keys()].sort()).toEqual(['a21002', 'a21026', 'a34013'])
    expect(whole!.pnum).toBeUndefined()
    expect(s.pendingGroups).toBe(0)
  })
  it('keeps packets with different QN apart and expires unfinished ones', () => {
    const s = new SplitAssembler({ timeoutMs: 1000 })
    s.add(part(1, 2, 'a21026-Avg=1', 'Q1'), 0)
    s.add(part(1, 2, 'a21026-Avg=1', 'Q2'), 500)
    expect(s.pendingGroups).toBe(2)
    expect(s.expire(1000)).toBe(1)
    expect(s.add(part(2, 2, 'a21026-Avg=9', 'Q2'), 1100)?.cp.pollutants.get('a21026')?.get('Avg')).toBe('9')
  })
  it('refuses impossible parts and bounds its memory', () => {
    const s = new SplitAssembler({ maxGroups: 2, maxParts: 10 })
    expect(s.add(part(5, 3, 'x-Avg=1'), 0)).toBeUndefined()
    expect(s.add(part(1, 11, 'x-Avg=1'), 0)).toBeUndefined()
    s.add(part(1, 2, 'x-Avg=1', 'A'), 0)
    s.add(part(1, 2, 'x-Avg=1', 'B'), 0)
    s.add(part(1, 2, 'x-Avg=1', 'C'), 0)
    expect(s.refused).toBe(3)
    expect(s.pendingGroups).toBe(2)
  })
})
