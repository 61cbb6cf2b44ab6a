/**
 * Energy carriers metered in the parks and their conversion to standard coal (标准煤),
 * GB/T 2589-2020 综合能耗计算通则. 1 tce = 1000 kgce. Defaults below, each overridable in the
 * zone file (`energy.coefficients`); docs/energy.md gives the sources.
 *
 *   carrier            metric    unit   kgce/unit  source
 *   electricity 当量值  kwh       kWh    0.1229     GB/T 2589-2020 Appendix A (calorific, 3600 kJ/kWh)
 *   electricity 等价值  kwh       kWh    0.3        (check) equivalent value: coal burnt per kWh generated;
 *                                                  it follows the year's national thermal-power figure
 *   natural gas        gas_m3    m³     1.2143     GB/T 2589-2020 Appendix A (gas-field gas, 35 544 kJ/m³)
 *   steam              steam_t   t      128.6      (check) 0.1286 kgce/kg, a common default for low-pressure
 *                                                  steam; better: the supplier's enthalpy × 0.03412 kgce/MJ
 *   water              water_m3  m³     –          not an energy carrier under GB/T 2589: reported in m³ only
 */
export const CARRIERS = ['kwh', 'gas_m3', 'steam_t', 'water_m3'] as const
export type Carrier = (typeof CARRIERS)[number]

/** Carriers that count toward energy use (GB/T 2589): water does not. */
export const ENERGY_CARRIERS: readonly Carrier[] = ['kwh', 'gas_m3', 'steam_t']

export const CARRIER_INFO: Readonly<Record<Carrier, { unit: string; name: string; nameEn: string }>> = {
  kwh: { unit: 'kWh', name: '电', nameEn: 'Electricity' },
  gas_m3: { unit: 'm³', name: '天然气', nameEn: 'Natural gas' },
  steam_t: { unit: 't', name: '蒸汽', nameEn: 'Steam' },
  water_m3: { unit: 'm³', name: '水', nameEn: 'Water' },
}

export type ElectricityBasis = 'calorific' | 'equivalent'

export interface Coefficients {
  /** kgce per kWh, calorific value (当量值). */
  kwh: number
  /** kgce per kWh, equivalent value (等价值). */
  kwhEquivalent: number
  /** kgce per m³ of natural gas. */
  gas_m3: number
  /** kgce per tonne of steam. */
  steam_t: number
}

export const DEFAULT_COEFFICIENTS: Readonly<Coefficients> = {
  kwh: 0.1229,
  kwhEquivalent: 0.3,
  gas_m3: 1.2143,
  steam_t: 128.6,
}

export function resolveCoefficients(overrides: Partial<Coefficients> | undefined): Coefficients {
  return { ...DEFAULT_COEFFICIENTS, ...(overrides ?? {}) }
}

/** kgce per unit of a carrier on the chosen electricity basis; undefined for water (not energy). */
export function kgcePerUnit(carrier: Carrier, c: Coefficients, basis: ElectricityBasis = 'calorific'): number | undefined {
  switch (carrier) {
    case 'kwh': return basis === 'equivalent' ? c.kwhEquivalent : c.kwh
    case 'gas_m3': return c.gas_m3
    case 'steam_t': return c.steam_t
    case 'water_m3': return undefined
  }
}

/** An amount of a carrier in kgce; undefined for water. */
export function toKgce(carrier: Carrier, amount: number, c: Coefficients, basis: ElectricityBasis = 'calorific'): number | undefined {
  const k = kgcePerUnit(carrier, c, basis)
  return k === undefined ? undefined : amount * k
}

export const isCarrier = (m: string): m is Carrier => (CARRIERS as readonly string[]).includes(m)

export function round(x: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
