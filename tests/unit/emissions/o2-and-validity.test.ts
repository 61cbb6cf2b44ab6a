import { describe, expect, it } from 'vitest'
import { correctO2, NO_TO_NO2 } from '../../../hub/src/emissions/o2-correction.js'
import { isValidFlag, monthlyMinValidDays } from '../../../hub/src/emissions/validity.js'
import { hourValue, minutesFromSamples } from '../../../hub/src/emissions/hourly.js'
import { DATA_FLAGS, type DataFlag } from '../../../hub/src/model/vocabulary.js'
import { H0, hourOfSamples, MIN, stack } from './fixtures.js'

describe('reference-oxygen correction (HJ 75-2017)', () => {
  const cases: [number, number, number, number | undefined][] = [
    [30, 9, 6, 37.5], // worked example: 30 × (21 − 6) / (21 − 9) = 30 × 15 / 12
    [30, 6, 6, 30], // at the reference O2 nothing changes
    [100, 3, 6, 83.333333], // less O2 than the reference: corrected down
    [20, 18, 16, 33.333333], // sinter head, reference 16 % (check)
    [20, 20.89, 6, 2727.272727],
    [20, 20.9, 6, undefined], // air: no corrected value
    [20, 21, 6, undefined],
  ]
  it.each(cases)('C %d mg/m³ at O2 %d, reference O2 %d → %s', (c, o2, ref, want) => {
    const got = correctO2(c, o2, ref)
    if (want === undefined) expect(got).toBeUndefined()
    else expect(got).toBeCloseTo(want, 5)
  })
  it('NO is reported as NO2: × 46/30', () => expect(NO_TO_NO2).toBeCloseTo(1.5333, 4))
})

describe('data flags (HJ 212-2017): only N is valid; no flag counts as N', () => {
  const cases: [DataFlag | undefined, boolean][] = [[undefined, true], ...DATA_FLAGS.map((f): [DataFlag, boolean] => [f, f === 'N'])]
  it.each(cases)('%s → valid %s', (flag, valid) => expect(isValidFlag(flag)).toBe(valid))
  it('monthly validity: 25 days, February 23', () => {
    expect(monthlyMinValidDays(2)).toBe(23)
    expect(monthlyMinValidDays(3)).toBe(25)
  })

  it.each(['M', 'C', 'D', 'F', 'S', 'B'] as const)('minutes flagged %s are left out of the hour, counted under their flag', (flag) => {
    const readings = hourOfSamples(H0, (m) => ({ values: { so2: m < 50 ? 20 : 500, o2: 6 }, flags: m < 50 ? { so2: 'N' } : { so2: flag } }))
    const h = hourValue(stack(), H0, minutesFromSamples(readings))
    expect(h.metrics.so2).toEqual({ measured: 20, corrected: 20, validMinutes: 50, valid: true, limit: 35, exceeded: false, exceededBy: null, overRangeMinutes: 0, lowerBound: null, minutes: { N: 50, [flag]: 10 } })
  })

  it('minutes flagged T are left out of the valid mean but are evidence: the lower bound (50 × 20 + 10 × 500) / 60 = 100 is above 35', () => {
    const readings = hourOfSamples(H0, (m) => ({ values: { so2: m < 50 ? 20 : 500, o2: 6 }, flags: m < 50 ? { so2: 'N' } : { so2: 'T' } }))
    const h = hourValue(stack(), H0, minutesFromSamples(readings))
    expect(h.metrics.so2).toEqual({ measured: 20, corrected: 20, validMinutes: 50, valid: true, limit: 35, exceeded: true, exceededBy: 'over_range', overRangeMinutes: 10, lowerBound: 100, minutes: { N: 50, T: 10 } })
  })

  it('flagged samples inside a minute are left out of its mean; the minute stays valid with one N sample', () => {
    const mins = minutesFromSamples([
      { ts: H0, values: { so2: 10 }, flags: { so2: 'N' } },
      { ts: H0 + 5000, values: { so2: 1000 }, flags: { so2: 'C' } },
      { ts: H0 + 10_000, values: { so2: 20 } },
      { ts: H0 + MIN, values: { so2: 999 }, flags: { so2: 'M' } },
    ])
    expect(mins.map((m) => m.metrics.so2)).toEqual([{ sum: 30, n: 2, flagged: { C: 1 } }, { sum: 0, n: 0, flagged: { M: 1 } }])
  })
})

describe('hourly validity: 45 valid minutes', () => {
  const at = (valid: number) => hourValue(stack(), H0, minutesFromSamples(hourOfSamples(H0, (m): { values: Record<string, number>; flags?: Record<string, DataFlag> } => (m < valid ? { values: { so2: 40, nox: 30, pm: 5, o2: 6 } } : { values: { so2: 40, o2: 6 }, flags: { so2: 'D', o2: 'N' } }))))
  it('44 valid minutes: not a valid hour, even above the limit', () => {
    expect(at(44).metrics.so2).toMatchObject({ measured: 40, corrected: 40, validMinutes: 44, valid: false, limit: 35, exceeded: false })
  })
  it('45 valid minutes: a valid hour, exceeded', () => {
    expect(at(45).metrics.so2).toMatchObject({ measured: 40, corrected: 40, validMinutes: 45, valid: true, limit: 35, exceeded: true })
  })

  it('corrects each minute with its own O2; minutes with invalid O2 or O2 ≥ 20.9 do not count for the corrected value', () => {
    const h = hourValue(stack(), H0, minutesFromSamples(hourOfSamples(H0, (m) => {
      if (m < 30) return { values: { so2: 30, o2: 9 } } // 37.5 corrected
      if (m < 50) return { values: { so2: 30, o2: 6 } } // 30
      if (m < 55) return { values: { so2: 30, o2: 21 } } // air: no corrected value
      return { values: { so2: 30, o2: 6 }, flags: { o2: 'C' } } // O2 calibrating
    })))
    expect(h.metrics.so2).toMatchObject({ measured: 30, corrected: 34.5, validMinutes: 50, valid: true, limit: 35, exceeded: false }) // (30 × 37.5 + 20 × 30) / 50; O2: (30 × 9 + 20 × 6 + 5 × 21) / 55 valid minutes
    expect(h.metrics.o2).toMatchObject({ measured: 9, corrected: null, validMinutes: 55, valid: true, limit: null })
  })

  it('NOx from an analyser reporting NO is reported as NO2', () => {
    const h = hourValue(stack({ noxAs: 'NO' }), H0, minutesFromSamples(hourOfSamples(H0, () => ({ values: { nox: 30, o2: 6 } }))))
    expect(h.metrics.nox).toMatchObject({ measured: 46, corrected: 46, exceeded: false })
  })

  it('a stack without a reference O2 compares measured values', () => {
    const h = hourValue(stack({ referenceO2: undefined }), H0, minutesFromSamples(hourOfSamples(H0, () => ({ values: { pm: 12, o2: 15 } }))))
    expect(h.metrics.pm).toMatchObject({ measured: 12, corrected: null, validMinutes: 60, valid: true, limit: 10, exceeded: true })
  })
})
