import { describe, expect, it } from 'vitest'
import { isPpm, ppmToMgPerM3, STANDARD_MOLAR_VOLUME, wetToDry } from '../../../hub/src/emissions/basis.js'
import { hourValue, minutesFromSamples } from '../../../hub/src/emissions/hourly.js'
import { stackInfoOf } from '../../../hub/src/emissions/stack-info.js'
import { EMISSION_STANDARDS, resolveStandard } from '../../../hub/src/emissions/standards.js'
import type { Device } from '../../../hub/src/model/device.js'
import { H0, hourOfSamples, stack } from './fixtures.js'

describe('wet → dry with the flue gas moisture (HJ 75-2017): C_dry = C_wet / (1 − Xsw)', () => {
  const cases: [number, number | undefined, number | undefined][] = [
    [80, 0, 80],
    [80, 12, 90.909091], // 80 / 0.88
    [100, 20, 125],
    [100, 50, 200],
    [100, 99.9, 100_000],
    [100, 100, undefined], // no dry gas left: no value
    [100, 100.1, undefined],
    [100, -0.1, undefined],
    [100, Number.NaN, undefined],
    [100, undefined, undefined], // no moisture in the minute
  ]
  it.each(cases)('%d wet at %s %% moisture → %s dry', (wet, h, want) => {
    const got = wetToDry(wet, h)
    if (want === undefined) expect(got).toBeUndefined()
    else expect(got).toBeCloseTo(want, 5)
  })
})

describe('stack ppm → mg/m³ at the standard state, 273.15 K and 101.325 kPa (22.4 L/mol), not 20 °C (24.04)', () => {
  it('uses 22.4 L/mol', () => expect(STANDARD_MOLAR_VOLUME).toBe(22.4))
  const cases: [string, number, number | undefined][] = [
    ['so2', 100, 285.982143], // 100 × 64.06 / 22.4 (at 24.04 L/mol it would be 266.47)
    ['nox', 100, 205.357143], // as NO2, M = 46
    ['hcl', 10, 16.276786], // 36.46
    ['cl2', 1, 3.165179], // 70.9
    ['pm', 10, undefined], // particulates have no ppm
    ['o2', 10, undefined],
  ]
  it.each(cases)('%s %d ppm → %s mg/m³', (metric, ppm, want) => {
    const got = ppmToMgPerM3(metric, ppm)
    if (want === undefined) expect(got).toBeUndefined()
    else expect(got).toBeCloseTo(want, 5)
  })
  it.each([['ppm', true], ['PPM', true], [' ppm ', true], ['mg/m³', false], ['mg/m3', false], [undefined, false]] as const)('unit %s is ppm: %s', (u, want) => expect(isPpm(u)).toBe(want))
})

describe('the emission-standards table: limits (mg/m³, standard-state dry) and reference O2', () => {
  const cases: [string, number | null, Record<string, number>][] = [
    ['GB13271-2014/coal', 9, { pm: 50, so2: 300, nox: 300 }],
    ['GB13271-2014/gas', 3.5, { pm: 20, so2: 50, nox: 200 }],
    ['GB13223-2011/coal-new', 6, { pm: 30, so2: 100, nox: 100 }],
    ['GB13223-2011/coal-existing', 6, { pm: 30, so2: 200, nox: 100 }],
    ['GB13223-2011/coal-new-sichuan', 6, { pm: 30, so2: 200, nox: 100 }],
    ['GB13223-2011/coal-existing-sichuan', 6, { pm: 30, so2: 400, nox: 100 }],
    ['ultra-low/coal-power', 6, { pm: 10, so2: 35, nox: 50 }],
    ['ultra-low/sinter-head', 16, { pm: 10, so2: 35, nox: 50 }],
    ['GB31573-2015/tail-gas', null, { pm: 30, so2: 400, nox: 200, hcl: 20, cl2: 5 }],
    ['as-measured', null, {}],
  ]
  it.each(cases)('%s: reference O2 %s, limits %o', (id, ref, limits) => {
    const s = EMISSION_STANDARDS.get(id)!
    expect(s.referenceO2).toBe(ref)
    expect(s.limits).toEqual(limits)
  })
  it('holds exactly these standards; only the tail-gas figures are marked (check)', () => {
    expect([...EMISSION_STANDARDS.keys()]).toEqual(cases.map((c) => c[0]))
    expect([...EMISSION_STANDARDS.values()].filter((s) => s.check).map((s) => s.id)).toEqual(['GB31573-2015/tail-gas'])
  })
  it('a device\'s limits and reference O2 override single figures of its standard', () => {
    expect(resolveStandard('GB13271-2014/gas', { nox: 150 }, undefined)).toMatchObject({
      limits: { pm: 20, so2: 50, nox: 150 }, referenceO2: 3.5, limitSource: { pm: 'standard', so2: 'standard', nox: 'device' },
    })
    expect(resolveStandard(undefined, { so2: 35 }, 6)).toMatchObject({ standard: null, limits: { so2: 35 }, referenceO2: 6 })
    expect(resolveStandard('GB31573-2015/tail-gas', undefined, undefined).referenceO2).toBeUndefined()
  })
})

describe('a stack device read for the emission room', () => {
  const base: Device = { id: 's1', kind: 'emission', park: 'p', enterprise: 'e', name: 'S', metrics: ['so2', 'o2'], position: { x: 0, y: 0 }, interval: 5 }
  const cases: [Partial<Device>, { basis: string; o2Basis: string; referenceO2: number | undefined; so2: number | undefined }][] = [
    [{}, { basis: 'dry', o2Basis: 'dry', referenceO2: undefined, so2: undefined }],
    [{ basis: 'wet' }, { basis: 'wet', o2Basis: 'wet', referenceO2: undefined, so2: undefined }],
    [{ basis: 'dry', o2Basis: 'wet' }, { basis: 'dry', o2Basis: 'wet', referenceO2: undefined, so2: undefined }],
    [{ emissionStandard: 'GB13271-2014/coal' }, { basis: 'dry', o2Basis: 'dry', referenceO2: 9, so2: 300 }],
    [{ emissionStandard: 'GB13271-2014/coal', limits: { so2: 200 }, referenceO2: 6 }, { basis: 'dry', o2Basis: 'dry', referenceO2: 6, so2: 200 }],
  ]
  it.each(cases)('%o → %o', (extra, want) => {
    const s = stackInfoOf({ ...base, ...extra })
    expect({ basis: s.basis, o2Basis: s.o2Basis, referenceO2: s.referenceO2, so2: s.limits.so2 }).toEqual(want)
  })
  it('keeps only the limits of the metrics the stack reports (no NOx or PM analyser: no NOx or PM limit)', () => {
    expect(stackInfoOf({ ...base, emissionStandard: 'GB13271-2014/coal' }).limits).toEqual({ so2: 300 })
  })
})

describe('hourly values on a standard-state dry basis', () => {
  const wet = stack({ basis: 'wet', o2Basis: 'wet', limits: { so2: 100 }, referenceO2: 6 })
  const hour = (s: ReturnType<typeof stack>, minute: (m: number) => { values: Record<string, number>; flags?: Record<string, 'N' | 'T' | 'C'> } | undefined) =>
    hourValue(s, H0, minutesFromSamples(hourOfSamples(H0, minute)))

  // SO2 wet W at 12 % moisture, O2 wet 7.92 % (dry 9 %): dry W / 0.88, corrected × 15 / 12.
  const cases: [number, number, boolean][] = [
    [70.4, 100, false], // 80 dry → exactly the limit: not above it
    [70.41, 100.014, true],
    [80, 113.636, true], // judged dry: 113.6 > 100 — as measured wet it would be 80 × 15 / 13.08 = 91.7, below
  ]
  it.each(cases)('SO2 %d mg/m³ wet → %d at 6 %% O2 dry; exceeded %s', (so2, corrected, exceeded) => {
    const h = hour(wet, () => ({ values: { so2, o2: 7.92, humidity: 12 } }))
    expect(h.metrics.so2).toMatchObject({ corrected, valid: true, validMinutes: 60, exceeded })
    expect(h.metrics.o2.measured).toBeCloseTo(9, 6)
  })

  it('a dry analyser with an in-situ (wet) O2 probe: only O2 is converted', () => {
    const h = hour(stack({ basis: 'dry', o2Basis: 'wet', limits: { so2: 100 } }), () => ({ values: { so2: 80, o2: 7.92, humidity: 12 } }))
    expect(h.metrics.so2).toMatchObject({ measured: 80, corrected: 100, exceeded: false })
  })

  it.each([[44, false], [45, true]] as const)('a wet stream with moisture in %d minutes: valid %s; the others are invalid for want of humidity', (withHumidity, valid) => {
    const h = hour(wet, (m): { values: Record<string, number> } => ({ values: m < withHumidity ? { so2: 80, o2: 7.92, humidity: 12 } : { so2: 80, o2: 7.92 } }))
    expect(h.metrics.so2).toMatchObject({ validMinutes: withHumidity, valid, exceeded: valid, minutes: { N: withHumidity, humidity: 60 - withHumidity } })
  })

  it('a moisture flagged C (calibration) is no moisture', () => {
    const h = hour(wet, () => ({ values: { so2: 80, o2: 7.92, humidity: 12 }, flags: { humidity: 'C' } }))
    expect(h.metrics.so2).toMatchObject({ validMinutes: 0, valid: false, corrected: null, minutes: { humidity: 60 } })
  })

  // SO2 in ppm at the reference O2: the limit 100 mg/m³ is 100 × 22.4 / 64.06 = 34.967 ppm.
  it.each([[34.9, 99.808, false], [34.97, 100.008, true]] as const)('SO2 %d ppm → %d mg/m³; exceeded %s', (ppm, mg, exceeded) => {
    const h = hour(stack({ units: { so2: 'ppm' }, limits: { so2: 100 } }), () => ({ values: { so2: ppm, o2: 6 } }))
    expect(h.metrics.so2).toMatchObject({ measured: mg, corrected: mg, exceeded })
  })

  it('NOx in ppm is mg/m³ as NO2 (× 46 / 22.4) whatever the analyser measures', () => {
    for (const noxAs of ['NO', 'NO2'] as const) {
      const h = hour(stack({ units: { nox: 'ppm' }, noxAs, referenceO2: undefined }), () => ({ values: { nox: 100 } }))
      expect(h.metrics.nox.measured).toBeCloseTo(205.357, 3)
    }
  })

  // Chlorination tail gas, no reference O2: compared as measured (dry).
  const tail = stackInfoOf({ id: 't', kind: 'emission', park: 'p', enterprise: 'e', name: 'T', metrics: ['hcl', 'cl2'], position: { x: 0, y: 0 }, interval: 5, emissionStandard: 'GB31573-2015/tail-gas' })
  it.each([['hcl', 20, false], ['hcl', 20.001, true], ['cl2', 5, false], ['cl2', 5.01, true]] as const)('tail gas %s %d mg/m³ as measured → exceeded %s (no O2 needed)', (metric, v, exceeded) => {
    const h = hour(tail, () => ({ values: { [metric]: v } }))
    expect(h.metrics[metric]).toMatchObject({ measured: v, corrected: null, valid: true, exceeded })
  })
})

describe('over-range (T) minutes: exceedance evidence, never silent', () => {
  const s = stack({ limits: { so2: 100 }, referenceO2: undefined })
  const hour = (n: number, t: number, nValue: number, tValue: number) =>
    hourValue(s, H0, minutesFromSamples(hourOfSamples(H0, (m) => (m < n ? { values: { so2: nValue } } : m < n + t ? { values: { so2: tValue }, flags: { so2: 'T' } } : undefined))))

  const cases: [number, number, number, number, { valid: boolean; exceeded: boolean; exceededBy: string | null; lowerBound: number | null }][] = [
    [40, 4, 50, 300, { valid: false, exceeded: false, exceededBy: null, lowerBound: 72.727 }], // 44 minutes in all: not judged
    [40, 5, 50, 300, { valid: false, exceeded: false, exceededBy: null, lowerBound: 77.778 }], // 45, but (40 × 50 + 5 × 300) / 45 below 100
    [35, 10, 50, 300, { valid: false, exceeded: true, exceededBy: 'over_range', lowerBound: 105.556 }], // 45, lower bound above 100
    [50, 10, 120, 300, { valid: true, exceeded: true, exceededBy: 'mean', lowerBound: 150 }], // the valid mean is above already
    [60, 0, 100, 0, { valid: true, exceeded: false, exceededBy: null, lowerBound: null }], // at the limit, no T
  ]
  it.each(cases)('%d valid minutes + %d T minutes (%d, %d mg/m³) → %o', (n, t, nv, tv, want) => {
    const h = hour(n, t, nv, tv)
    expect(h.metrics.so2).toMatchObject({ ...want, overRangeMinutes: t, validMinutes: n })
    expect(h.metrics.so2.minutes).toEqual({ N: n, ...(t ? { T: t } : {}), ...(n + t < 60 ? { missing: 60 - n - t } : {}) })
  })
})
