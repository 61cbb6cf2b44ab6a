import { describe, expect, it } from 'vitest'
import type { Device } from '../../../hub/src/model/device.js'
import { parseDataSegment, parseDataTime } from '../../../hub/src/hj212/packet.js'
import { DataLoggerModel } from '../../../simulators/src/hj212/data-logger.js'

const stack: Device = {
  id: 'stk-1', kind: 'emission', park: 'p', enterprise: 'e', name: 'stack', metrics: ['so2', 'nox', 'pm', 'o2', 'flow', 'temp'],
  position: { x: 0, y: 0 }, interval: 5, referenceO2: 6,
}
const TZ = 'Asia/Shanghai'
// 2026-03-01 10:00:00 in Shanghai.
const T0 = Date.UTC(2026, 2, 1, 2, 0, 0)

function run(model: DataLoggerModel, seconds: number, values: (t: number) => Record<string, number>, flags?: (t: number) => Record<string, 'N' | 'C' | 'D' | 'M'> | undefined) {
  const out: ReturnType<typeof parseDataSegment>[] = []
  for (let s = 0; s <= seconds; s += 5) {
    const t = T0 + s * 1000
    for (const seg of model.sample(t, values(t), flags?.(t) as never)) out.push(parseDataSegment(seg))
  }
  return out.map((r) => {
    if (!r.ok) throw new Error(r.reason)
    return r.packet
  })
}

describe('simulated HJ 212 data logger', () => {
  it('sends 2011 every 30 s and 2051 for each closed minute with Avg/Min/Max/Cou/Flag, in the standard units', () => {
    const m = new DataLoggerModel(stack, { mn: 'MN0001', pw: '123456' }, { timeZone: TZ })
    const packets = run(m, 125, (t) => ({ so2: 10 + ((t - T0) / 1000) % 10, nox: 20, pm: 3, o2: 9, flow: 360_000, temp: 50 }))
    const rtd = packets.filter((p) => p.cn === '2011')
    expect(rtd.length).toBe(5) // 0, 30, 60, 90, 120 s
    expect(rtd[0]!.cp.dataTime).toBe('20260301100000')
    expect(rtd[0]!.cp.pollutants.get('a21026')?.get('Rtd')).toBe('10')
    // ZsRtd at reference O2 6 %: 10 × (21 − 6) / (21 − 9) = 12.5
    expect(rtd[0]!.cp.pollutants.get('a21026')?.get('ZsRtd')).toBe('12.5')
    // Flow in m³/s: 360,000 m³/h = 100 m³/s.
    expect(rtd[0]!.cp.pollutants.get('a00000')?.get('Rtd')).toBe('100')
    expect(rtd[0]!.flag).toBe(5) // 2017 edition, answer wanted
    const minutes = packets.filter((p) => p.cn === '2051')
    expect(minutes.map((p) => p.cp.dataTime)).toEqual(['20260301100000', '20260301100100'])
    const so2 = minutes[0]!.cp.pollutants.get('a21026')!
    expect(Number(so2.get('Min'))).toBe(10)
    expect(Number(so2.get('Max'))).toBe(15)
    expect(so2.get('Flag')).toBe('N')
    expect(Number(so2.get('Cou'))).toBeGreaterThan(0)
    expect(Number(minutes[0]!.cp.pollutants.get('a00000')!.get('Cou'))).toBeCloseTo(360_000 * (55 / 3600), 0)
    expect(parseDataTime(minutes[1]!.cp.dataTime!, TZ)).toBe(T0 + 60_000)
  })

  it('a minute mostly under calibration is flagged C; an hour closes as 2061', () => {
    const m = new DataLoggerModel(stack, { mn: 'MN0001', pw: '123456' }, { timeZone: TZ })
    const packets = run(m, 3605, () => ({ so2: 10, nox: 20, o2: 9 }), (t) => (t - T0 < 50_000 ? { so2: 'C' } : undefined))
    const first = packets.find((p) => p.cn === '2051')!
    expect(first.cp.pollutants.get('a21026')!.get('Flag')).toBe('C')
    expect(first.cp.pollutants.get('a21002')!.get('Flag')).toBe('N')
    const hour = packets.filter((p) => p.cn === '2061')
    expect(hour).toHaveLength(1)
    expect(hour[0]!.cp.dataTime).toBe('20260301100000')
    expect(hour[0]!.cp.pollutants.get('a21026')!.get('Avg')).toBe('10')
  })

  it('splits a packet longer than the limit into PNUM/PNO pieces sharing QN and DataTime', () => {
    const m = new DataLoggerModel(stack, { mn: 'MN0001', pw: '123456' }, { timeZone: TZ, maxDataBytes: 300 })
    const packets = run(m, 0, () => ({ so2: 10.123, nox: 20.456, pm: 3.789, o2: 9.1, flow: 360_000, temp: 50.5 }))
    expect(packets.length).toBeGreaterThan(1)
    expect(new Set(packets.map((p) => p.qn)).size).toBe(1)
    expect(packets.map((p) => p.pno)).toEqual(packets.map((_, i) => i + 1))
    expect(packets.every((p) => p.pnum === packets.length && (p.flag! & 2) === 2 && p.cp.dataTime === '20260301100000')).toBe(true)
    expect(packets.flatMap((p) => [...p.cp.pollutants.keys()]).sort()).toEqual(['a00000', 'a01012', 'a19001', 'a21002', 'a21026', 'a34013'])
    for (const p of packets) expect(p.raw.length).toBeLessThanOrEqual(300)
  })
})
