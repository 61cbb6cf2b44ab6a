import { describe, expect, it } from 'vitest'
import { deviceGasProblem, exceedanceLines, layerProblem } from '../../../hub/src/catalogue/device-gas-settings.js'
import { parseZone } from '../../../hub/src/config/zone-file.js'
import type { Device, MetricSetpoints } from '../../../hub/src/model/device.js'
import { demoZone, device, engineWith, type ZoneLayers } from '../rules/fixtures.js'

/**
 * GB/T 50493-2019 §5.5.2 ceilings, written out here (not read from the code): combustible
 * 25 / 50 %LEL, open path 1 / 2 LEL·m, toxic 1× / 2× OEL (MAC else PC-TWA), and 5 % / 10 % IDLH
 * where the detector's range cannot reach the OEL.
 */
const CEILINGS: [metric: string, first: number, second: number, unit: string, range?: [number, number]][] = [
  ['lel', 25, 50, '%LEL'],
  ['ch4', 25, 50, '%LEL'],
  ['lel_m', 1, 2, 'LEL·m'],
  ['h2s', 10, 20, 'mg/m³'],
  ['co', 20, 40, 'mg/m³'], // PC-TWA 20, not PC-STEL 30
  ['cl2', 1, 2, 'mg/m³'],
  ['hcl', 7.5, 15, 'mg/m³'],
  ['cocl2', 0.5, 1, 'mg/m³'],
  ['hcn', 1, 2, 'mg/m³'],
  ['hf', 2, 4, 'mg/m³'],
  ['c2h3cl', 10, 20, 'mg/m³'],
  ['h2s', 21.5, 43, 'mg/m³', [0, 15]], // range tops out under 2 × OEL: 5 % / 10 % of IDLH 430
  ['h2s', 21.5, 43, 'mg/m³', [12, 500]], // range starts above the OEL
  ['cl2', 4.4, 8.8, 'mg/m³', [0, 1.5]], // IDLH 88
]

const gasDevice = (metric: string, sp: MetricSetpoints, range?: [number, number]): Device =>
  device('g-1', 'gas', [metric], { setpoints: { [metric]: sp }, ranges: range && { [metric]: range } })

describe('set-point overrides at and around the standard’s ceilings', () => {
  for (const [metric, first, second, unit, range] of CEILINGS) {
    const label = `${metric}${range ? ` range ${range.join('–')}` : ''}`
    const cases: [string, number, number, string | undefined][] = [
      ['both at the ceilings', first, second, undefined],
      ['both below', first * 0.9, second * 0.9, undefined],
      ['first just above', first * 1.01, second, `first-level ceiling of ${first} ${unit}`],
      ['second just above', first, second * 1.01, `second-level ceiling of ${second} ${unit}`],
    ]
    it.each(cases)(`${label}: %s`, (_l, v1, v2, refused) => {
      const problem = deviceGasProblem(gasDevice(metric, { high: [{ value: v1, level: 2 }, { value: v2, level: 1 }] }, range))
      if (refused === undefined) expect(problem).toBeUndefined()
      else {
        expect(problem?.path).toBe(`/setpoints/${metric}`)
        expect(problem?.problem).toContain(refused)
        expect(problem?.problem).toContain('GB/T 50493-2019 §5.5.2')
      }
    })
    it(`${label}: defaults are the ceilings`, () => {
      const d = device('g-1', 'gas', [metric], { ranges: range && { [metric]: range } })
      const sp = engineWith([d]).effectiveSetpoints('g-1')?.get(metric)
      expect(sp?.high.map((s) => [s.value, s.level, s.source?.layer])).toEqual([[first, 2, 'standard'], [second, 1, 'standard']])
      expect(sp?.unit).toBe(unit)
    })
  }

  it('a single stage is judged against the first-level ceiling', () => {
    expect(deviceGasProblem(gasDevice('lel', { high: [{ value: 40, level: 1 }] }))?.problem).toContain('first-level ceiling of 25 %LEL')
  })

  it('exceedsStandard with a reason stands, and is shown and listed for the audit', () => {
    const d = gasDevice('h2s', { high: [{ value: 12, level: 2 }, { value: 24, level: 1 }], exceedsStandard: true, reason: 'process background 11 mg/m³, approved by safety officer Li 2026-12-01' })
    expect(deviceGasProblem(d)).toBeUndefined()
    expect(exceedanceLines(d)).toEqual([expect.stringMatching(/^h2s: 12 > 10 mg\/m³, 24 > 20 mg\/m³ \(GB\/T 50493-2019 §5\.5\.2\(3\).*reason: process background/)])
    const sp = engineWith([d]).effectiveSetpoints('g-1')?.get('h2s')
    expect(sp?.high.map((s) => s.source)).toEqual([
      expect.objectContaining({ layer: 'device', ceiling: 10, exceedsStandard: true, reason: expect.stringMatching(/^process background/) }),
      expect.objectContaining({ layer: 'device', ceiling: 20, exceedsStandard: true }),
    ])
  })

  it.each([
    ['exceedsStandard without a reason', { exceedsStandard: true }, /exceedsStandard needs a reason/],
    ['exceedsStandard with a blank reason', { exceedsStandard: true, reason: '  ' }, /exceedsStandard needs a reason/],
    ['a reason without exceedsStandard', { reason: 'because' }, /ceiling of 10 mg\/m³/],
  ] as const)('%s is refused', (_l, extra, message) => {
    expect(deviceGasProblem(gasDevice('h2s', { high: [{ value: 12, level: 2 }], ...extra }))?.problem).toMatch(message)
  })

  it('oxygen and fire set points have no ceiling here; an emission stack’s so2 is not a workplace set point', () => {
    expect(deviceGasProblem(gasDevice('o2', { low: [{ value: 18, level: 2 }] }))).toBeUndefined()
    expect(deviceGasProblem(device('h-1', 'fire', ['temp'], { setpoints: { temp: { high: [{ value: 90, level: 2 }] } } }))).toBeUndefined()
    expect(deviceGasProblem(device('s-1', 'emission', ['so2'], { setpoints: { so2: { high: [{ value: 200, level: 3 }] } } }))).toBeUndefined()
  })

  it('shared layers are judged against the catalogue’s default ranges', () => {
    expect(layerProblem({ cl2: { high: [{ value: 1, level: 2 }, { value: 2, level: 1 }] } })).toBeUndefined()
    expect(layerProblem({ cl2: { high: [{ value: 1.5, level: 2 }, { value: 3, level: 1 }] } })?.problem).toContain('ceiling of 1 mg/m³')
  })
})

describe('declared units of a gas detector', () => {
  it.each([
    [{ h2s: 'ppm' }, undefined],
    [{ h2s: 'mg/m³' }, undefined],
    [{ h2s: '%LEL' }, 'h2s cannot be given in %LEL (one of mg/m³, ppm, ppb)'],
    [{ lel: 'ppm' }, 'lel cannot be given in ppm (one of %LEL)'],
    [{ co: 'ppm' }, 'unit for co, which the device does not measure'],
  ] as const)('%j → %s', (units, problem) => {
    expect(deviceGasProblem(device('g-1', 'gas', ['h2s', 'lel'], { units }))?.problem).toBe(problem)
  })
})

describe('the zone file refuses an override above a ceiling, naming where and the ceiling', () => {
  const zoneText = (layers: Parameters<typeof demoZone>[0], devices: Device[] = []) => JSON.stringify(demoZone(layers, devices))
  it.each([
    ['zone', { zone: { lel: { high: [{ value: 30, level: 2 }, { value: 50, level: 1 }] } } }, '/setpoints/lel', 'first-level ceiling of 25 %LEL'],
    ['park', { park: { h2s: { high: [{ value: 10, level: 2 }, { value: 25, level: 1 }] } } }, '/parks/0/setpoints/h2s', 'second-level ceiling of 20 mg/m³'],
    ['area', { area: { cl2: { high: [{ value: 2, level: 2 }] } } }, '/parks/0/areas/0/setpoints/cl2', 'first-level ceiling of 1 mg/m³'],
  ] as [string, ZoneLayers, string, string][])('%s layer', (_l, layers, path, ceiling) => {
    expect(() => parseZone(zoneText(layers), 'zone.json')).toThrow(`zone.json: ${path}: `)
    expect(() => parseZone(zoneText(layers), 'zone.json')).toThrow(ceiling)
  })

  it('a device override, and its declared units', () => {
    const over = device('g-1', 'gas', ['h2s'], { setpoints: { h2s: { high: [{ value: 11, level: 2 }] } } })
    expect(() => parseZone(zoneText({}, [over]), 'zone.json')).toThrow('zone.json: /devices/0/setpoints/h2s: h2s set point 11 mg/m³ is above the standard\'s first-level ceiling of 10 mg/m³')
    const units = device('g-2', 'gas', ['h2s'], { units: { h2s: 'ppx' } })
    expect(() => parseZone(zoneText({}, [units]), 'zone.json')).toThrow('zone.json: /devices/0/units/h2s: h2s cannot be given in ppx')
  })

  it('with exceedsStandard and a reason the zone loads', () => {
    const layers = { park: { h2s: { high: [{ value: 12, level: 2 }, { value: 24, level: 1 }], exceedsStandard: true, reason: 'background' } } }
    expect(parseZone(zoneText(layers), 'zone.json').parks[0]?.setpoints?.h2s?.reason).toBe('background')
  })
})

describe('a detector’s own range is in the unit it reports', () => {
  it('0–10 ppm Cl2 reaches 29.5 mg/m³: the OEL levels stand; 0–0.6 ppm (1.77 mg/m³) cannot reach 2 mg/m³: 5 % / 10 % IDLH', () => {
    const levels = (range: [number, number]) =>
      engineWith([device('c-1', 'gas', ['cl2'], { units: { cl2: 'ppm' }, ranges: { cl2: range } })]).effectiveSetpoints('c-1')?.get('cl2')?.high.map((s) => s.value)
    expect(levels([0, 10])).toEqual([1, 2])
    expect(levels([0, 0.6])).toEqual([4.4, 8.8])
    expect(deviceGasProblem(device('c-2', 'gas', ['cl2'], { units: { cl2: 'ppm' }, ranges: { cl2: [0, 0.6] }, setpoints: { cl2: { high: [{ value: 4.4, level: 2 }] } } }))).toBeUndefined()
  })
})
