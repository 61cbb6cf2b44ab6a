import { describe, expect, it } from 'vitest'
import { brief, device, engineWith, reading, s } from './fixtures.js'

/**
 * GB/T 50493-2019 set points (DOMAIN.md): combustible 25 / 50 %LEL; toxic first level = 1 ×
 * OEL, second level = 2 × OEL (mg/m³, GBZ 2.1-2019). First level → orange 2, second → red 1.
 * Written out here, not read from defaults.ts, so a wrong default fails.
 */
const GB50493: [metric: string, first: number, second: number][] = [
  ['lel', 25, 50],
  ['h2s', 10, 20],
  ['co', 20, 40],
  ['no2', 5, 10],
  ['cl2', 1, 2],
  ['so2', 5, 10],
  ['nh3', 20, 40],
  ['c6h6', 6, 12],
  ['hcl', 7.5, 15],
]

type Expect = { level: number; threshold: number } | null

function gasCases(first: number, second: number): [label: string, value: number, want: Expect][] {
  return [
    ['just below first', first * 0.99, null],
    ['at first', first, { level: 2, threshold: first }],
    ['just above first', first * 1.01, { level: 2, threshold: first }],
    ['just below second', second * 0.99, { level: 2, threshold: first }],
    ['at second', second, { level: 1, threshold: second }],
    ['just above second', second * 1.01, { level: 1, threshold: second }],
  ]
}

function single(metric: string, kind: 'gas' | 'fire', value: number) {
  const d = device('det-1', kind, [metric])
  const engine = engineWith([d])
  return engine.onReading(reading(d, s(0), { [metric]: value }), s(0))
}

describe('GB/T 50493-2019 gas set points, one reading from normal', () => {
  for (const [metric, first, second] of GB50493) {
    describe(metric, () => {
      for (const [label, value, want] of gasCases(first, second)) {
        it(`${label} (${value}) → ${want ? `level ${want.level} at ${want.threshold}` : 'none'}`, () => {
          const out = single(metric, 'gas', value)
          if (!want) {
            expect(out).toEqual([])
            return
          }
          expect(out.map(brief)).toEqual([{ key: `det-1:${metric}:high`, kind: 'activate', level: want.level, threshold: want.threshold, value }])
          expect(out[0]?.type).toBe('gas_high')
          expect(out[0]?.rule).toBe('setpoint')
        })
      }
    })
  }
})

describe('oxygen 19.5 / 23.5 %VOL (check), orange', () => {
  const cases: [value: number, want: { dir: 'low' | 'high'; threshold: number } | null][] = [
    [19.6, null],
    [19.5, { dir: 'low', threshold: 19.5 }],
    [19.4, { dir: 'low', threshold: 19.5 }],
    [20.9, null],
    [23.4, null],
    [23.5, { dir: 'high', threshold: 23.5 }],
    [23.6, { dir: 'high', threshold: 23.5 }],
  ]
  for (const [value, want] of cases) {
    it(`o2 ${value} → ${want ? `o2_${want.dir}` : 'none'}`, () => {
      const out = single('o2', 'gas', value)
      if (!want) return expect(out).toEqual([])
      expect(out.map(brief)).toEqual([{ key: `det-1:o2:${want.dir}`, kind: 'activate', level: 2, threshold: want.threshold, value }])
      expect(out[0]?.type).toBe(`o2_${want.dir}`)
    })
  }
})

describe('fire detectors: 57 °C fixed heat, 10 %obs/m smoke, orange', () => {
  const cases: [metric: string, value: number, want: number | null][] = [
    ['temp', 56.9, null],
    ['temp', 57, 57],
    ['temp', 80, 57],
    ['smoke', 9.9, null],
    ['smoke', 10, 10],
  ]
  for (const [metric, value, want] of cases) {
    it(`${metric} ${value} → ${want ?? 'none'}`, () => {
      const out = single(metric, 'fire', value)
      if (want === null) return expect(out).toEqual([])
      expect(out.map(brief)).toEqual([{ key: `det-1:${metric}:high`, kind: 'activate', level: 2, threshold: want, value }])
      expect(out[0]?.type).toBe('fire')
    })
  }
})

describe('emission and energy devices get no default set points', () => {
  it('a CEMS stack’s so2, o2 and temp raise nothing, even with a zone so2 override', () => {
    const stack = device('stack-1', 'emission', ['so2', 'nox', 'pm', 'o2', 'flow', 'temp'])
    const engine = engineWith([stack], undefined, { zone: { so2: { high: [{ value: 1, level: 2 }] } } })
    expect(engine.onReading(reading(stack, s(0), { so2: 500, o2: 8, temp: 140, nox: 300 }), s(0))).toEqual([])
    expect(engine.effectiveSetpoints('stack-1')?.size).toBe(0)
  })

  it('an energy meter raises nothing', () => {
    const meter = device('meter-1', 'energy', ['kwh', 'kw'])
    const engine = engineWith([meter])
    expect(engine.onReading(reading(meter, s(0), { kwh: 1e9, kw: 5000 }), s(0))).toEqual([])
  })

  it('explicit device set points are honoured on any metric', () => {
    const stack = device('stack-2', 'emission', ['so2'], { setpoints: { so2: { high: [{ value: 100, level: 3 }] } } })
    const engine = engineWith([stack])
    expect(engine.onReading(reading(stack, s(0), { so2: 99.9 }), s(0))).toEqual([])
    const out = engine.onReading(reading(stack, s(1), { so2: 100 }), s(1))
    expect(out.map(brief)).toEqual([{ key: 'stack-2:so2:high', kind: 'activate', level: 3, threshold: 100, value: 100 }])
    expect(out[0]?.type).toBe('so2_high')
  })
})
