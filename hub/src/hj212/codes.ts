/**
 * Pollutant codes of HJ 212-2017 (appendix B, table B.1/B.2) and of HJ/T 212-2005 (in
 * brackets in DOMAIN.md "Stack emissions"), mapped to the hub's metrics
 * (model/vocabulary.ts). A code without a metric is stored under its own code and reported.
 * `unit` is the standard's unit of the code's -Rtd/-Avg/-Min/-Max values; `factor` turns it
 * into the hub metric's unit (a00000 flue-gas flow is m³/s in the standard, w00000 wastewater
 * flow L/s; the hub keeps both in m³/h; the 2005 edition's B02 is already m³/h, UNIT_2005);
 * `couUnit` is the unit of -Cou (totals), never converted.
 */
export interface CodeInfo {
  code: string
  edition: 2017 | 2005
  /** The 2017 code of the same pollutant (the code itself for a 2017 code). */
  code2017: string
  kind: 'emission' | 'wastewater'
  metric: string | undefined
  unit: string
  name: string
  /** value in the hub metric's unit = value × factor (1 when absent). */
  factor?: number
  couUnit?: string
}

type Row = [code: string, code2005: string | undefined, kind: 'emission' | 'wastewater', metric: string | undefined, unit: string, name: string, factor?: number, couUnit?: string]

const MG_M3 = 'mg/m³'
const MG_L = 'mg/L'

/** [2017 code, 2005 code, kind, hub metric, unit, name, factor to the hub unit, -Cou unit]. */
const ROWS: Row[] = [
  // Flue gas (HJ 212-2017 table B.1; HJ 75 stack parameters)
  ['a00000', 'B02', 'emission', 'flow', 'm³/s', '废气 flue-gas flow', 3600, 'm³'],
  ['a01011', 'S02', 'emission', 'velocity', 'm/s', '烟气流速 flue-gas velocity'],
  ['a01012', 'S03', 'emission', 'temp', '°C', '烟气温度 flue-gas temperature'],
  ['a01013', 'S08', 'emission', 'pressure', 'kPa', '烟气压力 flue-gas pressure'],
  ['a01014', 'S05', 'emission', 'humidity', '%', '烟气湿度 flue-gas moisture'],
  ['a01015', 'S06', 'emission', undefined, '°C', '制冷温度 cooler temperature'],
  ['a01016', 'S07', 'emission', undefined, 'm²', '烟道截面积 duct cross-section'],
  ['a01017', 'S04', 'emission', undefined, 'kPa', '烟气动压 flue-gas dynamic pressure'],
  ['a19001', 'S01', 'emission', 'o2', '%', '氧气含量 O2'],
  ['a21026', '02', 'emission', 'so2', MG_M3, '二氧化硫 SO2', undefined, 'kg'],
  ['a21002', '03', 'emission', 'nox', MG_M3, '氮氧化物 NOx (as NO2)', undefined, 'kg'],
  ['a34013', '01', 'emission', 'pm', MG_M3, '烟尘 smoke/dust', undefined, 'kg'],
  ['a21005', '04', 'emission', undefined, MG_M3, '一氧化碳 CO', undefined, 'kg'],
  ['a21028', '05', 'emission', undefined, MG_M3, '硫化氢 H2S', undefined, 'kg'],
  ['a21018', '06', 'emission', undefined, MG_M3, '氟化物 fluorides', undefined, 'kg'],
  ['a21017', '07', 'emission', undefined, MG_M3, '氰化物 cyanides', undefined, 'kg'],
  ['a21024', '08', 'emission', 'hcl', MG_M3, '氯化氢 HCl', undefined, 'kg'],
  ['a34038', '09', 'emission', undefined, MG_M3, '沥青烟 asphalt fume', undefined, 'kg'],
  ['a21001', '10', 'emission', undefined, MG_M3, '氨 NH3', undefined, 'kg'],
  ['a21022', '11', 'emission', 'cl2', MG_M3, '氯气 Cl2', undefined, 'kg'],
  ['a21003', undefined, 'emission', undefined, MG_M3, '一氧化氮 NO', undefined, 'kg'],
  ['a21004', undefined, 'emission', undefined, MG_M3, '二氧化氮 NO2', undefined, 'kg'],
  ['a05001', '30', 'emission', undefined, MG_M3, '二氧化碳 CO2', undefined, 'kg'],
  ['a24087', '25', 'emission', undefined, MG_M3, '碳氢化合物 total hydrocarbons', undefined, 'kg'],
  ['a24088', undefined, 'emission', 'nmhc', MG_M3, '非甲烷总烃 non-methane hydrocarbons', undefined, 'kg'],
  ['a05002', undefined, 'emission', undefined, MG_M3, '甲烷 methane', undefined, 'kg'],
  ['a01001', undefined, 'emission', undefined, '°C', '温度 ambient temperature'],
  ['a01002', undefined, 'emission', undefined, '%', '湿度 ambient humidity'],
  ['a01006', undefined, 'emission', undefined, 'kPa', '气压 ambient pressure'],
  ['a01007', undefined, 'emission', undefined, 'm/s', '风速 wind speed'],
  ['a01008', undefined, 'emission', undefined, '°', '风向 wind direction'],
  // Wastewater (HJ 212-2017 table B.2)
  ['w00000', 'B01', 'wastewater', 'flow_w', 'L/s', '污水 wastewater flow', 3.6, 'm³'],
  ['w01018', '011', 'wastewater', 'cod', MG_L, '化学需氧量 COD', undefined, 'kg'],
  ['w21003', '060', 'wastewater', 'nh3n', MG_L, '氨氮 NH3-N', undefined, 'kg'],
  ['w01001', '001', 'wastewater', 'ph', 'pH', 'pH 值 pH'],
  ['w01010', undefined, 'wastewater', undefined, '°C', '水温 water temperature'],
  ['w21011', '101', 'wastewater', 'tp', MG_L, '总磷 total phosphorus', undefined, 'kg'],
  ['w21001', '065', 'wastewater', 'tn', MG_L, '总氮 total nitrogen', undefined, 'kg'],
  ['w01012', '003', 'wastewater', undefined, MG_L, '悬浮物 suspended solids', undefined, 'kg'],
  ['w01017', '010', 'wastewater', undefined, MG_L, '五日生化需氧量 BOD5', undefined, 'kg'],
  ['w01019', undefined, 'wastewater', undefined, MG_L, '高锰酸盐指数 permanganate index', undefined, 'kg'],
  ['w22001', '080', 'wastewater', undefined, MG_L, '石油类 petroleum', undefined, 'kg'],
]

/**
 * Where a 2005 code's unit is not its 2017 twin's: HJ/T 212-2005 sends flue-gas flow B02 in
 * m³/h (HJ 212-2017 a00000: m³/s). Seen in 2005-edition CEMS packets of several makers:
 * B02-Rtd=508166.63 beside a velocity S02 of 11 m/s, 29163.11 beside 11.73 m/s — m³/s would
 * be a river, m³/h a stack (tests/unit/hj212/third-party-packets.test.ts).
 */
const UNIT_2005: Readonly<Record<string, { unit: string; factor: number }>> = {
  B02: { unit: 'm³/h', factor: 1 },
}

const TABLE = new Map<string, CodeInfo>()
for (const [code, code2005, kind, metric, unit, name, factor, couUnit] of ROWS) {
  const base = { kind, metric, unit, name, ...(factor !== undefined ? { factor } : {}), ...(couUnit !== undefined ? { couUnit } : {}) }
  TABLE.set(code, { code, edition: 2017, code2017: code, ...base })
  if (code2005 !== undefined) TABLE.set(code2005, { code: code2005, edition: 2005, code2017: code, ...base, ...UNIT_2005[code2005] })
}

/** A code of either edition; undefined when neither table has it (stored under its code). */
export function lookupCode(code: string): CodeInfo | undefined {
  return TABLE.get(code)
}

/** Every code the hub knows (both editions). */
export function knownCodes(): CodeInfo[] {
  return [...TABLE.values()]
}

/** The 2017 code a metric comes from (for re-framing upstream); undefined when none. */
export function codeOfMetric(metric: string): string | undefined {
  for (const info of TABLE.values()) if (info.edition === 2017 && info.metric === metric) return info.code
  return undefined
}
