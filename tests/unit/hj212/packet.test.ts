import { describe, expect, it } from 'vitest'
import {
  buildDataSegment, flagBits, formatDataTime, parseDataSegment, parseDataTime, type Hj212Packet,
} from '../../../hub/src/hj212/packet.js'
import { CHECKED } from './checked-packets.js'

function parse(data: string): Hj212Packet {
  const r = parseDataSegment(data)
  if (!r.ok) throw new Error(`refused: ${r.reason}`)
  return r.packet
}
const group = (p: Hj212Packet, code: string): Record<string, string> => Object.fromEntries(p.cp.pollutants.get(code) ?? [])

const HEAD = 'QN=20240301101500123;ST=31;CN=%CN%;PW=123456;MN=88888880000001;Flag=5;CP=&&'

/** One row per command the listener takes (HJ 212-2017 table 7 / appendix C). */
const COMMANDS: { cn: string; cp: string; fields: Record<string, string>; pollutants: Record<string, Record<string, string>> }[] = [
  {
    cn: '2011', // real-time data
    cp: 'DataTime=20240301101500;a21026-Rtd=35.2,a21026-ZsRtd=40.1,a21026-Flag=N;a19001-Rtd=8.1,a19001-Flag=N',
    fields: { DataTime: '20240301101500' },
    pollutants: { a21026: { Rtd: '35.2', ZsRtd: '40.1', Flag: 'N' }, a19001: { Rtd: '8.1', Flag: 'N' } },
  },
  {
    cn: '2051', // minute data
    cp: 'DataTime=20240301101400;a21002-Min=20.0,a21002-Avg=25.5,a21002-Max=31.0,a21002-ZsAvg=30.2,a21002-Cou=0.0021,a21002-Flag=N',
    fields: { DataTime: '20240301101400' },
    pollutants: { a21002: { Min: '20.0', Avg: '25.5', Max: '31.0', ZsAvg: '30.2', Cou: '0.0021', Flag: 'N' } },
  },
  {
    cn: '2061', // hourly data
    cp: 'DataTime=20240301090000;a34013-Avg=4.2,a34013-Min=3.0,a34013-Max=5.1,a34013-Cou=0.44,a34013-Flag=N;a00000-Avg=25.0,a00000-Cou=90000',
    fields: { DataTime: '20240301090000' },
    pollutants: { a34013: { Avg: '4.2', Min: '3.0', Max: '5.1', Cou: '0.44', Flag: 'N' }, a00000: { Avg: '25.0', Cou: '90000' } },
  },
  {
    cn: '2031', // daily data
    cp: 'DataTime=20240229000000;w01018-Avg=45.1,w01018-Cou=12.5;w00000-Cou=880.1',
    fields: { DataTime: '20240229000000' },
    pollutants: { w01018: { Avg: '45.1', Cou: '12.5' }, w00000: { Cou: '880.1' } },
  },
  {
    cn: '2021', // device status
    cp: 'DataTime=20240301101500;SB1-RS=1;SB2-RS=0',
    fields: { DataTime: '20240301101500' },
    pollutants: { SB1: { RS: '1' }, SB2: { RS: '0' } },
  },
  { cn: '9014', cp: '', fields: {}, pollutants: {} }, // data answer
  { cn: '9011', cp: 'QnRtn=1', fields: { QnRtn: '1' }, pollutants: {} }, // request answer
  { cn: '9012', cp: 'ExeRtn=1', fields: { ExeRtn: '1' }, pollutants: {} }, // execution result
  { cn: '1062', cp: 'RtdInterval=30', fields: { RtdInterval: '30' }, pollutants: {} },
]

describe('parseDataSegment: commands', () => {
  it.each(COMMANDS)('CN=$cn', ({ cn, cp, fields, pollutants }) => {
    const data = HEAD.replace('%CN%', cn) + cp + '&&'
    const p = parse(data)
    expect(p).toMatchObject({ qn: '20240301101500123', st: '31', cn, pw: '123456', mn: '88888880000001', flag: 5, raw: data })
    expect(Object.fromEntries(p.cp.fields)).toEqual(fields)
    expect(p.cp.dataTime).toBe(fields.DataTime)
    expect(Object.fromEntries([...p.cp.pollutants].map(([c, g]) => [c, Object.fromEntries(g)]))).toEqual(pollutants)
    // what buildDataSegment makes parses back the same
    expect(buildDataSegment({ qn: p.qn!, st: p.st!, cn, pw: p.pw!, mn: p.mn!, flag: p.flag!, cp })).toBe(data)
  })

  it('takes the checked packets (a 2005-code 2011 with a 17-digit DataTime; a 1062 with QN)', () => {
    const [a, b] = CHECKED.map((x) => parse(x.slice(6, 6 + Number(x.slice(2, 6)))))
    expect(a).toMatchObject({ qn: '20160801085857223', cn: '1062', flag: 5, mn: '010000A8900016F000169DC0' })
    expect(a!.cp.fields.get('RtdInterval')).toBe('30')
    expect(b).toMatchObject({ st: '32', cn: '2011', pw: '123456', mn: 'LD130133000015' })
    expect(b!.qn).toBeUndefined()
    expect(b!.flag).toBeUndefined()
    expect(b!.cp.dataTime).toBe('20160824003817000')
    expect(group(b!, 'B01')).toEqual({ Rtd: '36.91' })
    expect(group(b!, '011')).toEqual({ Rtd: '231.0', Flag: 'N' })
    expect(group(b!, '060')).toEqual({ Rtd: '1.803', Flag: 'N' })
  })

  it('takes heartbeats and log-ins with an empty CP', () => {
    expect(parse('ST=91;CN=9013;PW=123456;MN=M1;Flag=4;CP=&&&&').cp.pollutants.size).toBe(0)
    expect(parse('QN=20240301101500000;ST=31;CN=1011;PW=123456;MN=M1;Flag=5;CP=&&&&').cn).toBe('1011')
  })

  it('reads PNUM and PNO', () => {
    const p = parse('QN=20240301101500000;ST=31;CN=2051;PW=1;MN=M1;Flag=7;PNUM=3;PNO=2;CP=&&a21026-Avg=1&&')
    expect(p).toMatchObject({ pnum: 3, pno: 2, flag: 7 })
  })

  const BAD: [string, string][] = [
    ['ST=31;CN=2011;PW=1;MN=M1', 'no_cp'],
    ['ST=31;CN=2011;CP=&&a21026-Rtd=1', 'cp_unterminated'],
    ['ST=31;PW=1;CP=&&&&', 'no_cn'],
    ['ST=31;CN=20x1;CP=&&&&', 'bad_cn'],
    ['ST=31;CN=2011;Flag=A;CP=&&&&', 'bad_flag'],
    ['ST=31;CN=2011;Flag=300;CP=&&&&', 'bad_flag'],
    ['ST=31;CN=2011;PNUM=x;CP=&&&&', 'bad_pnum'],
    ['ST=31;CN;CP=&&&&', 'header_item'],
    ['CN=2011;CP=&&a21026-Rtd&&', 'cp_item'],
  ]
  it.each(BAD)('refuses %s as %s', (data, reason) => {
    expect(parseDataSegment(data)).toEqual({ ok: false, reason })
  })
})

describe('flagBits', () => {
  it.each([
    [undefined, { answer: false, split: false, version: 0 }],
    [0, { answer: false, split: false, version: 0 }],
    [4, { answer: false, split: false, version: 1 }],
    [5, { answer: true, split: false, version: 1 }],
    [6, { answer: false, split: true, version: 1 }],
    [7, { answer: true, split: true, version: 1 }],
    [1, { answer: true, split: false, version: 0 }],
  ])('Flag=%s', (flag, bits) => expect(flagBits(flag)).toEqual(bits))
})

describe('DataTime', () => {
  it('reads 14 and 17 digits in the zone time zone', () => {
    expect(parseDataTime('20160824003817', 'Asia/Shanghai')).toBe(Date.UTC(2016, 7, 23, 16, 38, 17))
    expect(parseDataTime('20160824003817123', 'Asia/Shanghai')).toBe(Date.UTC(2016, 7, 23, 16, 38, 17, 123))
    expect(parseDataTime('20160824003817', 'UTC')).toBe(Date.UTC(2016, 7, 24, 0, 38, 17))
    // a zone with daylight saving: New York in July is UTC-4, in January UTC-5
    expect(parseDataTime('20240701120000', 'America/New_York')).toBe(Date.UTC(2024, 6, 1, 16))
    expect(parseDataTime('20240101120000', 'America/New_York')).toBe(Date.UTC(2024, 0, 1, 17))
  })
  it.each(['2016082400381', '201608240038170', '20161324003817', '20160431000000', '20160824246000', 'abcdefghijklmn'])(
    'refuses %s', (s) => expect(parseDataTime(s, 'Asia/Shanghai')).toBeUndefined())
  it('formats back', () => {
    const ms = Date.UTC(2016, 7, 23, 16, 38, 17, 45)
    expect(formatDataTime(ms, 'Asia/Shanghai')).toBe('20160824003817')
    expect(formatDataTime(ms, 'Asia/Shanghai', true)).toBe('20160824003817045')
  })
})

describe('parseDataSegment fuzzing', () => {
  it('never throws on random text or cut packets: every input is a packet or a reason', () => {
    let seed = 4242
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
    const alphabet = 'QNSTCPWMFlag=;,&-0123456789aw.RtdAvgx'
    const good = HEAD.replace('%CN%', '2011') + COMMANDS[0]!.cp + '&&'
    const reasons = new Map<string, number>()
    for (let i = 0; i < 5000; i++) {
      let s: string
      if (i % 2 === 0) s = good.slice(0, Math.floor(rnd() * good.length))
      else s = Array.from({ length: Math.floor(rnd() * 120) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('')
      const r = parseDataSegment(s)
      const key = r.ok ? 'ok' : r.reason
      reasons.set(key, (reasons.get(key) ?? 0) + 1)
    }
    expect([...reasons.values()].reduce((a, b) => a + b, 0)).toBe(5000)
    expect(reasons.get('no_cp')).toBeGreaterThan(0)
  })
})
