import { describe, expect, it } from 'vitest'
import { gasCatalogue, hazardRank, parseGasCatalogue, toCanonical, defaultRange } from '../../../hub/src/catalogue/gas-catalogue.js'
import { METRICS_BY_KIND, TOXIC_GASES, TOXIC_METRICS, UNITS } from '../../../hub/src/model/vocabulary.js'

const cat = gasCatalogue()

describe('the catalogue holds today’s gases and the chemical park’s others', () => {
  const required = [...TOXIC_GASES, 'cocl2', 'hcn', 'hf', 'h2', 'ch4', 'c2h4', 'c3h8', 'c7h8', 'c8h10', 'ch3oh', 'c2h3cl']
  it.each(required)('%s is in the catalogue and a gas-device metric', (id) => {
    expect(cat.get(id)?.id).toBe(id)
    expect(METRICS_BY_KIND.gas).toContain(id)
    expect(UNITS[id]).toBe(cat.get(id)?.toxic ? 'mg/m³' : '%LEL')
  })

  // DOMAIN.md / GBZ 2.1-2019: OEL = MAC where set, else PC-TWA (CO 20, not its PC-STEL 30).
  const OEL: [string, number, number | undefined][] = [
    ['h2s', 10, 430], ['co', 20, 1700], ['no2', 5, 96], ['cl2', 1, 88], ['so2', 5, 270],
    ['nh3', 20, 360], ['c6h6', 6, 9800], ['hcl', 7.5, 150], ['cocl2', 0.5, 8], ['hcn', 1, 56], ['hf', 2, 25],
  ]
  it.each(OEL)('%s: OEL %s mg/m³, IDLH %s', (id, oel, idlh) => {
    expect(cat.oel(id)).toBe(oel)
    expect(cat.get(id)?.idlh).toBe(idlh)
    expect(TOXIC_METRICS.has(id)).toBe(true)
  })

  it('combustible and toxic flags (GB/T 50493 §3.0.1)', () => {
    const rows: [string, boolean, boolean][] = [
      ['h2s', true, true], ['co', true, true], ['cl2', false, true], ['hcl', false, true], ['h2', true, false],
      ['ch4', true, false], ['lel', true, false], ['lel_m', true, false], ['o2', false, false], ['temp', false, false],
    ]
    for (const [m, combustible, toxic] of rows) expect([m, cat.isCombustible(m), cat.isToxic(m)]).toEqual([m, combustible, toxic])
  })

  it('released together: Cl2 and HCl at chlorination, both ways; not Cl2 and H2S', () => {
    expect(cat.releasedTogether('cl2', 'hcl')).toBe(true)
    expect(cat.releasedTogether('hcl', 'cl2')).toBe(true)
    expect(cat.releasedTogether('cl2', 'cl2')).toBe(true)
    expect(cat.releasedTogether('cl2', 'h2s')).toBe(false)
    expect(cat.releasedTogether('o2', 'o2')).toBe(false)
    expect(cat.releasesOf('hcl').map((r) => r.id)).toEqual(['chlorination', 'vinyl-chloride'])
  })

  it('toxic before combustible before oxygen at equal level (GB/T 50493 §3.0.2)', () => {
    expect(['o2', 'lel', 'temp', 'co', 'cl2'].sort((a, b) => hazardRank(a) - hazardRank(b))).toEqual(['co', 'cl2', 'lel', 'o2', 'temp'])
  })

  it('default ranges in the metric’s unit', () => {
    expect(defaultRange('h2s')).toEqual([0, 150])
    expect(defaultRange('lel')).toEqual([0, 100])
    expect(defaultRange('lel_m')).toEqual([0, 5])
    expect(defaultRange('kwh')).toBeUndefined()
  })
})

describe('units: ppm at 20 °C, 101.325 kPa (24.04 L/mol, GBZ 2.1)', () => {
  const rows: [metric: string, unit: string | undefined, value: number, want: number][] = [
    ['h2s', 'ppm', 10, 14.18], // 10 × 34.08 / 24.04
    ['h2s', 'ppm', 7.05, 9.99], // just under the first level 10 mg/m³
    ['h2s', 'ppm', 7.06, 10.01], // just over
    ['h2s', 'mg/m³', 10, 10],
    ['h2s', undefined, 10, 10],
    ['cl2', 'ppm', 1, 2.95], // 70.90 / 24.04
    ['co', 'ppb', 1000, 1.17],
    ['ch4', '%VOL', 1.25, 25], // 1.25 %VOL of a 5 %VOL LEL
    ['ch4', 'ppm', 25_000, 50],
    ['h2', '%LEL', 30, 30],
  ]
  it.each(rows)('%s %s %s → %s', (metric, unit, value, want) => {
    expect(toCanonical(metric, unit, value)).toBeCloseTo(want, 2)
  })

  it('a unit a metric cannot be given in: NaN, and a problem naming the possible ones', () => {
    expect(toCanonical('lel', 'ppm', 5)).toBeNaN()
    expect(toCanonical('cl2', '%LEL', 5)).toBeNaN()
    expect(cat.unitProblem('cl2', '%LEL')).toBe('cl2 cannot be given in %LEL (one of mg/m³, ppm, ppb)')
    expect(cat.unitProblem('lel_m', 'LEL·m')).toBeUndefined()
  })
})

describe('a bad catalogue stops start-up with a message naming the entry', () => {
  const good = (over: string) => `gases:
  - id: h2s
    names: { zh: 硫化氢, en: hydrogen sulphide }
    cas: 7783-06-4
    molarMass: 34.08
    mac: 10
    combustible: true
    lel: 4
    toxic: true
    unit: mg/m³
    range: [0, 150]
${over}`
  const others = ['co', 'no2', 'cl2', 'so2', 'nh3', 'c6h6', 'hcl']
    .map((id) => `  - { id: ${id}, names: { zh: x, en: x }, cas: 10-11-1, molarMass: 30, pcTwa: 5, combustible: false, toxic: true, unit: mg/m³, range: [0, 10] }`)
    .join('\n')
  const rows: [label: string, text: string, message: RegExp][] = [
    ['no OEL', good(others + '\n  - { id: xx, names: { zh: x, en: x }, cas: 10-11-1, molarMass: 30, combustible: false, toxic: true, unit: mg/m³, range: [0, 10] }'), /\/gases\/8 \(xx\): a toxic gas needs an OEL/],
    ['no LEL', good(others + '\n  - { id: xx, names: { zh: x, en: x }, cas: 10-11-1, molarMass: 30, combustible: true, toxic: false, unit: "%LEL", range: [0, 100] }'), /\(xx\): a combustible gas needs its LEL/],
    ['duplicate', good(others + '\n  - { id: co, names: { zh: x, en: x }, cas: 10-11-1, molarMass: 30, pcTwa: 5, combustible: false, toxic: true, unit: mg/m³, range: [0, 10] }'), /duplicate gas id co/],
    ['wrong unit', good(others + '\n  - { id: xx, names: { zh: x, en: x }, cas: 10-11-1, molarMass: 30, pcTwa: 1, combustible: false, toxic: true, unit: "%LEL", range: [0, 10] }'), /\(xx\): a toxic gas is kept in mg\/m³/],
    ['negative molar mass', good(others.replace('molarMass: 30', 'molarMass: -1')), /\/gases\/1\/molarMass \(co\)/],
    ['missing today’s gas', good(others.replace(/.*id: hcl.*/, '')), /toxic gas hcl .* missing/],
    ['unknown released gas', good(others + '\nreleases:\n  - { id: p, names: { zh: x, en: x }, gases: [cl2, zz] }'), /releases\/0\/gases\/1 \(p\): unknown gas zz/],
    ['o2 as a gas', good(others + '\n  - { id: o2, names: { zh: x, en: x }, cas: 10-11-1, molarMass: 32, pcTwa: 1, combustible: false, toxic: true, unit: mg/m³, range: [0, 10] }'), /o2 is a gas-device metric of its own/],
    ['unknown field', good(others.replace('pcTwa: 5', 'pcTWA: 5')), /gases\/1 \(co\): unknown field pcTWA/],
  ]
  it.each(rows)('%s', (_label, text, message) => {
    expect(() => parseGasCatalogue(text, 'gases.yaml')).toThrow(message)
  })

  it('the same text, corrected, loads', () => {
    expect(parseGasCatalogue(good(others), 'gases.yaml').all()).toHaveLength(8)
  })
})
