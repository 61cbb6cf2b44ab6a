import { describe, expect, it } from 'vitest'
import { DEFAULT_COEFFICIENTS, kgcePerUnit, resolveCoefficients, toKgce, type Carrier } from '../../../hub/src/energy/coefficients.js'
import { resolveEnergySettings } from '../../../hub/src/energy/settings.js'
import { zone } from './fixtures.js'

describe('standard coal coefficients (GB/T 2589-2020)', () => {
  const cases: [Carrier, number, 'calorific' | 'equivalent', number | undefined][] = [
    ['kwh', 1000, 'calorific', 122.9], // 0.1229 kgce/kWh, 当量值
    ['kwh', 1000, 'equivalent', 300], // 0.3 kgce/kWh, 等价值 (check)
    ['gas_m3', 1000, 'calorific', 1214.3], // 1.2143 kgce/m³
    ['steam_t', 10, 'calorific', 1286], // 0.1286 kgce/kg = 128.6 kgce/t (check)
    ['water_m3', 1000, 'calorific', undefined], // water is not energy
  ]
  it.each(cases)('%s: %d units on the %s basis → %s kgce', (carrier, amount, basis, kgce) => {
    const k = toKgce(carrier, amount, DEFAULT_COEFFICIENTS, basis)
    if (kgce === undefined) expect(k).toBeUndefined()
    else expect(k).toBeCloseTo(kgce, 9)
  })

  it('per-unit defaults are those of DOMAIN.md', () => {
    expect(kgcePerUnit('kwh', DEFAULT_COEFFICIENTS)).toBe(0.1229)
    expect(kgcePerUnit('kwh', DEFAULT_COEFFICIENTS, 'equivalent')).toBe(0.3)
    expect(kgcePerUnit('gas_m3', DEFAULT_COEFFICIENTS)).toBe(1.2143)
    expect(kgcePerUnit('steam_t', DEFAULT_COEFFICIENTS)).toBe(128.6)
    expect(kgcePerUnit('water_m3', DEFAULT_COEFFICIENTS)).toBeUndefined()
  })

  it('the zone file overrides single coefficients and the basis', () => {
    expect(resolveCoefficients({ steam_t: 110 })).toEqual({ ...DEFAULT_COEFFICIENTS, steam_t: 110 })
    const s = resolveEnergySettings(zone({ energy: { coefficients: { kwhEquivalent: 0.305 }, electricityBasis: 'equivalent' } }))
    expect(s.basis).toBe('equivalent')
    expect(kgcePerUnit('kwh', s.coefficients, s.basis)).toBe(0.305)
  })
})

describe('budgets from the zone file, demo budgets otherwise', () => {
  it('keeps configured budgets, derives demo ones from output value, none without output value', () => {
    const s = resolveEnergySettings(zone())
    expect(s.enterprises.get('ti01')!.budgets).toEqual({ dailyTce: 10, monthlyTce: 200, maxDemandKw: 1000, source: 'zone' })
    // 36 500 万元 × 0.5 tce/万元 = 18 250 tce a year: 50 a day, 1520.83 a month; no demand limit.
    const v02 = s.enterprises.get('v02')!.budgets
    expect(v02.source).toBe('demo')
    expect(v02.dailyTce).toBeCloseTo(50, 9)
    expect(v02.monthlyTce).toBeCloseTo(18_250 / 12, 9)
    expect(v02.maxDemandKw).toBeUndefined()
    expect(s.enterprises.get('h02')!.budgets.source).toBe('none')
    expect(s.parks.get('vtc')!.budgets.dailyTce).toBe(30)
    expect(s.parks.get('glc')!.budgets.source).toBe('none')
  })

  it('demoBudgetIntensity 0 turns demo budgets off', () => {
    const s = resolveEnergySettings(zone({ energy: { demoBudgetIntensity: 0 } }))
    expect(s.enterprises.get('v02')!.budgets.source).toBe('none')
  })
})
