import type { ToxicGas } from '../../../hub/src/model/vocabulary.js'

/**
 * What the zone generator builds from: the parks the Panzhihua plans name (国家钒钛高新区,
 * "one zone, many parks"), the industries they host, and each industry's hazardous areas.
 * Park names are real; enterprises are invented (no real company names). The hazards are
 * those of the real processes: chlorine and hydrogen chloride around molten-salt
 * chlorination, CO and SO2 around roasting and smelting, hydrogen and natural gas as
 * combustibles, stacks from roasting, sintering and boilers.
 */

export type GasMetric = 'lel' | ToxicGas | 'o2'
export type FireType = 'smoke' | 'heat' | 'flame'
export type EnergyType = 'electricity' | 'gas' | 'steam' | 'water'
export type StackSource = 'boiler' | 'coal_power' | 'sinter' | 'roasting' | 'chlorination'
export type ParkKind = 'chemical' | 'industrial' | 'logistics' | 'education' | 'circular'

/**
 * The emission standard each kind of stack is held to (hub/src/emissions/standards.ts gives
 * its limits and reference O2; HJ 75 compares hourly O2-corrected averages with them), the
 * metrics its CEMS reports, and the basis its analysers measure on (default dry).
 */
export const STACK_SOURCES: Readonly<Record<StackSource, { standard: string; metrics: readonly string[]; basis?: 'wet' }>> = {
  /** An enterprise's gas-fired boiler: GB 13271-2014, 3.5 % O2. */
  boiler: { standard: 'GB13271-2014/gas', metrics: ['so2', 'nox', 'pm', 'o2', 'flow', 'temp'] },
  /** Coal power, ultra-low emission: 10 / 35 / 50 at 6 % O2. */
  coal_power: { standard: 'ultra-low/coal-power', metrics: ['so2', 'nox', 'pm', 'o2', 'flow', 'temp'] },
  /** Steel sinter head, ultra-low (hourly): 10 / 35 / 50 at 16 % O2. */
  sinter: { standard: 'ultra-low/sinter-head', metrics: ['so2', 'nox', 'pm', 'o2', 'flow', 'temp'] },
  /** Vanadium-slag roasting kilns: held to the sinter-head ultra-low row, 16 % O2 (check). */
  roasting: { standard: 'ultra-low/sinter-head', metrics: ['so2', 'nox', 'pm', 'o2', 'flow', 'temp'] },
  /**
   * Tail gas of molten-salt chlorination after the caustic scrubber: GB 31573-2015 with HCl
   * and Cl2, compared as measured (check). The gas leaves the scrubber near saturation; its
   * hot-wet analysers report wet, with the moisture (HJ 212 a01014).
   */
  chlorination: { standard: 'GB31573-2015/tail-gas', metrics: ['hcl', 'cl2', 'so2', 'pm', 'o2', 'flow', 'temp', 'humidity'], basis: 'wet' },
}

export interface AreaTemplate {
  code: string
  name: string
  nameEn: string
  /** Width and height on the site plan, metres. */
  size: readonly [number, number]
  /** Process area with a release or fire source: gets call points and, in chemical parks, the correlation minimum. */
  hazardous: boolean
  /** Gases monitored there; the first is the primary one. */
  gases: readonly GasMetric[]
  /** Fire detector types suited to the area; at least one. */
  fire: readonly FireType[]
  /** Built only when the zone is scaled past its smallest size (secondary, lower-risk areas). */
  extended?: boolean
  /** The primary gas's first detectors drive an emergency shut-off valve interlock (紧急切断阀联锁). */
  valve?: boolean
  stack?: { source: StackSource; name: string; nameEn: string }
  /**
   * A process tail-gas stack (chlorination), added to the catalogue after the demo zone was
   * first published: its CEMS is generated after every other device, so that adding it kept
   * every earlier device's id and demo secret.
   */
  tailGasStack?: { source: StackSource; name: string; nameEn: string }
  structure: { kind: 'unit' | 'building' | 'tank'; name: string; nameEn: string; count?: number }
}

export interface IndustryTemplate {
  code: string
  industry: string
  suffix: string
  suffixEn: string
  landMu: readonly [number, number]
  /** Annual output value, 万元. */
  outputValue: readonly [number, number]
  employees: readonly [number, number]
  majorHazard: boolean
  energy: readonly EnergyType[]
  areas: readonly AreaTemplate[]
}

export interface ParkTemplate {
  id: string
  name: string
  nameEn: string
  kind: ParkKind
  /** Assessed grade and score out of 100, 化工园区安全风险排查治理导则 (2023): C is 70–<85, D is ≥ 85. */
  grade?: 'A' | 'B' | 'C' | 'D'
  gradeScore?: number
  targetGrade?: 'A' | 'B' | 'C' | 'D'
  /** Schematic position on the zone overview map, km east and south of a reference point. */
  mapPosition: { x: number; y: number }
  /** Industry codes of the park's enterprises at the smallest scale, in order. */
  industries: readonly string[]
}

const unit = (name: string, nameEn: string): AreaTemplate['structure'] => ({ kind: 'unit', name, nameEn })
const tanks = (name: string, nameEn: string, count: number): AreaTemplate['structure'] => ({ kind: 'tank', name, nameEn, count })
const building = (name: string, nameEn: string): AreaTemplate['structure'] => ({ kind: 'building', name, nameEn })

export const INDUSTRIES: readonly IndustryTemplate[] = [
  {
    code: 'ti', industry: '钛白粉（熔盐氯化法）', suffix: '钛白化工有限公司', suffixEn: 'Titanium Dioxide Chemical Co., Ltd.',
    landMu: [300, 650], outputValue: [80_000, 260_000], employees: [400, 1200], majorHazard: true,
    energy: ['electricity', 'gas', 'steam', 'water'],
    areas: [
      { code: 'chl', name: '氯化车间', nameEn: 'Chlorination unit', size: [150, 90], hazardous: true,
        gases: ['cl2', 'hcl', 'co'], fire: ['heat', 'flame'], structure: unit('熔盐氯化炉', 'Molten-salt chlorinator'),
        tailGasStack: { source: 'chlorination', name: '氯化尾气烟囱', nameEn: 'Chlorination tail-gas stack' } },
      { code: 'tank', name: '液氯罐区', nameEn: 'Liquid chlorine tank farm', size: [110, 70], hazardous: true,
        gases: ['cl2'], fire: ['heat', 'flame'], valve: true, structure: tanks('液氯储罐', 'Liquid chlorine tank', 4) },
      { code: 'blr', name: '锅炉房', nameEn: 'Boiler house', size: [70, 50], hazardous: true,
        gases: ['lel', 'co'], fire: ['heat', 'smoke'], valve: true,
        stack: { source: 'boiler', name: '锅炉烟囱', nameEn: 'Boiler stack' }, structure: building('锅炉房', 'Boiler house') },
    ],
  },
  {
    code: 'ca', industry: '氯碱化工', suffix: '氯碱化工有限公司', suffixEn: 'Chlor-Alkali Co., Ltd.',
    landMu: [200, 450], outputValue: [50_000, 150_000], employees: [300, 800], majorHazard: true,
    energy: ['electricity', 'steam', 'water'],
    areas: [
      { code: 'elz', name: '电解车间', nameEn: 'Electrolysis unit', size: [140, 80], hazardous: true,
        gases: ['cl2', 'lel'], fire: ['smoke', 'flame'], structure: unit('离子膜电解槽', 'Membrane cell room') },
      { code: 'hcl', name: '氯化氢合成车间', nameEn: 'HCl synthesis unit', size: [90, 60], hazardous: true,
        gases: ['hcl', 'lel'], fire: ['heat', 'flame'], valve: true, structure: unit('氯化氢合成炉', 'HCl synthesis furnace') },
    ],
  },
  {
    code: 'v', industry: '钒渣提钒', suffix: '钒业有限公司', suffixEn: 'Vanadium Co., Ltd.',
    landMu: [150, 400], outputValue: [40_000, 180_000], employees: [250, 700], majorHazard: false,
    energy: ['electricity', 'gas', 'steam', 'water'],
    areas: [
      { code: 'rst', name: '焙烧车间', nameEn: 'Roasting unit', size: [150, 70], hazardous: true,
        gases: ['co', 'so2'], fire: ['heat', 'smoke'],
        stack: { source: 'roasting', name: '焙烧窑烟囱', nameEn: 'Roasting kiln stack' }, structure: unit('回转焙烧窑', 'Rotary roasting kiln') },
      { code: 'prc', name: '沉钒车间', nameEn: 'Vanadium precipitation unit', size: [100, 60], hazardous: true,
        gases: ['nh3'], fire: ['smoke', 'heat'], structure: building('沉钒厂房', 'Precipitation building') },
    ],
  },
  {
    code: 'gc', industry: '绿色精细化工', suffix: '绿色化工有限公司', suffixEn: 'Green Chemicals Co., Ltd.',
    landMu: [100, 300], outputValue: [20_000, 90_000], employees: [120, 400], majorHazard: true,
    energy: ['electricity', 'gas', 'steam', 'water'],
    areas: [
      { code: 'rx', name: '反应车间', nameEn: 'Reaction unit', size: [110, 70], hazardous: true,
        gases: ['lel', 'c6h6'], fire: ['flame', 'heat'], valve: true, structure: unit('反应釜区', 'Reactor bay') },
      { code: 'tank', name: '溶剂罐区', nameEn: 'Solvent tank farm', size: [100, 70], hazardous: true,
        gases: ['lel', 'c6h6'], fire: ['flame', 'heat'], valve: true, structure: tanks('溶剂储罐', 'Solvent tank', 6) },
      { code: 'wwt', name: '污水处理站', nameEn: 'Wastewater treatment', size: [80, 50], hazardous: false,
        gases: ['h2s', 'nh3'], fire: ['smoke'], structure: unit('污水处理池', 'Treatment basins') },
    ],
  },
  {
    code: 'h', industry: '氢能', suffix: '氢能科技有限公司', suffixEn: 'Hydrogen Energy Co., Ltd.',
    landMu: [60, 180], outputValue: [10_000, 60_000], employees: [60, 220], majorHazard: true,
    energy: ['electricity', 'water'],
    areas: [
      { code: 'h2', name: '氢气站', nameEn: 'Hydrogen station', size: [80, 60], hazardous: true,
        gases: ['lel', 'o2'], fire: ['flame', 'heat'], valve: true, structure: tanks('氢气储罐', 'Hydrogen vessel', 3) },
      { code: 'elz', name: '电解水制氢车间', nameEn: 'Water electrolysis unit', size: [100, 60], hazardous: true,
        gases: ['lel'], fire: ['flame', 'smoke'], structure: unit('碱性电解槽', 'Alkaline electrolysers') },
    ],
  },
  {
    code: 'ta', industry: '钛及钛合金', suffix: '钛合金材料有限公司', suffixEn: 'Titanium Alloy Materials Co., Ltd.',
    landMu: [120, 350], outputValue: [30_000, 120_000], employees: [200, 600], majorHazard: false,
    energy: ['electricity', 'gas', 'water'],
    areas: [
      { code: 'mlt', name: '真空熔炼车间', nameEn: 'Vacuum melting shop', size: [120, 70], hazardous: true,
        gases: ['o2', 'co'], fire: ['heat', 'flame'], structure: unit('真空自耗电弧炉', 'Vacuum arc furnaces') },
      { code: 'ar', extended: true, name: '氩气站', nameEn: 'Argon station', size: [50, 40], hazardous: false,
        gases: ['o2'], fire: ['smoke'], structure: tanks('液氩储罐', 'Liquid argon tank', 2) },
      { code: 'frg', name: '锻造车间', nameEn: 'Forging shop', size: [120, 60], hazardous: true,
        gases: ['lel', 'co'], fire: ['heat'], valve: true, structure: building('锻造厂房', 'Forging hall') },
    ],
  },
  {
    code: 'wc', industry: '钒钛耐磨铸件', suffix: '耐磨材料有限公司', suffixEn: 'Wear-Resistant Castings Co., Ltd.',
    landMu: [80, 250], outputValue: [15_000, 70_000], employees: [150, 450], majorHazard: false,
    energy: ['electricity', 'gas', 'water'],
    areas: [
      { code: 'mlt', name: '熔炼车间', nameEn: 'Melting shop', size: [110, 60], hazardous: true,
        gases: ['co'], fire: ['heat', 'flame'], structure: unit('中频感应炉', 'Induction furnaces') },
      { code: 'ht', extended: true, name: '热处理车间', nameEn: 'Heat-treatment shop', size: [90, 60], hazardous: true,
        gases: ['lel', 'co'], fire: ['heat'], structure: building('热处理厂房', 'Heat-treatment hall') },
      { code: 'grs', name: '燃气调压站', nameEn: 'Gas pressure-regulating station', size: [40, 30], hazardous: true,
        gases: ['lel'], fire: ['flame'], valve: true, structure: unit('调压撬', 'Regulator skid') },
    ],
  },
  {
    code: 'rc', industry: '钒钛磁铁矿综合利用', suffix: '资源循环利用有限公司', suffixEn: 'Resource Recycling Co., Ltd.',
    landMu: [250, 600], outputValue: [40_000, 160_000], employees: [300, 900], majorHazard: true,
    energy: ['electricity', 'gas', 'water'],
    areas: [
      { code: 'snt', name: '烧结车间', nameEn: 'Sinter plant', size: [160, 80], hazardous: true,
        gases: ['co', 'so2'], fire: ['heat'],
        stack: { source: 'sinter', name: '烧结机头烟囱', nameEn: 'Sinter head stack' }, structure: unit('带式烧结机', 'Sinter strand') },
      { code: 'gh', name: '煤气柜区', nameEn: 'Gas holder', size: [70, 70], hazardous: true,
        gases: ['co', 'lel'], fire: ['flame'], valve: true, structure: tanks('转炉煤气柜', 'Converter-gas holder', 1) },
    ],
  },
  {
    code: 'pw', industry: '资源综合利用发电', suffix: '热电有限公司', suffixEn: 'Thermal Power Co., Ltd.',
    landMu: [200, 500], outputValue: [30_000, 120_000], employees: [150, 400], majorHazard: true,
    energy: ['electricity', 'steam', 'water'],
    areas: [
      { code: 'blr', name: '锅炉岛', nameEn: 'Boiler island', size: [130, 80], hazardous: true,
        gases: ['co'], fire: ['heat', 'smoke'],
        stack: { source: 'coal_power', name: '电厂烟囱', nameEn: 'Power plant stack' }, structure: unit('循环流化床锅炉', 'CFB boiler') },
      { code: 'nh3', name: '脱硝氨区', nameEn: 'SCR ammonia area', size: [60, 40], hazardous: true,
        gases: ['nh3'], fire: ['heat'], valve: true, structure: tanks('液氨储罐', 'Liquid ammonia tank', 2) },
      { code: 'coal', extended: true, name: '输煤栈桥', nameEn: 'Coal conveyor gallery', size: [140, 30], hazardous: false,
        gases: ['co'], fire: ['heat', 'smoke'], structure: unit('输煤皮带', 'Coal belt conveyor') },
    ],
  },
  {
    code: 'oe', industry: '光电材料', suffix: '光电科技有限公司', suffixEn: 'Optoelectronics Co., Ltd.',
    landMu: [80, 220], outputValue: [20_000, 100_000], employees: [200, 800], majorHazard: false,
    energy: ['electricity', 'water'],
    areas: [
      { code: 'fab', extended: true, name: '洁净厂房', nameEn: 'Cleanroom fab', size: [130, 70], hazardous: false,
        gases: ['nh3'], fire: ['smoke'], structure: building('洁净厂房', 'Cleanroom building') },
      { code: 'sgs', name: '特气站', nameEn: 'Specialty gas station', size: [50, 40], hazardous: true,
        gases: ['nh3', 'lel'], fire: ['flame', 'smoke'], valve: true, structure: unit('特气柜', 'Gas cabinets') },
      { code: 'acid', name: '酸洗间', nameEn: 'Acid etching room', size: [60, 40], hazardous: false,
        gases: ['no2', 'hcl'], fire: ['smoke'], structure: building('酸洗间', 'Etching room') },
    ],
  },
  {
    code: 'lg', industry: '危化品物流', suffix: '危化品物流有限公司', suffixEn: 'Hazardous-Goods Logistics Co., Ltd.',
    landMu: [100, 300], outputValue: [8_000, 40_000], employees: [80, 300], majorHazard: true,
    energy: ['electricity', 'water'],
    areas: [
      { code: 'load', name: '装卸区', nameEn: 'Loading bay', size: [120, 60], hazardous: true,
        gases: ['lel', 'nh3'], fire: ['flame', 'heat'], valve: true, structure: unit('装卸鹤位', 'Loading arms') },
      { code: 'pkg', name: '危化品车辆停车场', nameEn: 'Hazmat vehicle parking', size: [140, 80], hazardous: true,
        gases: ['lel', 'h2s'], fire: ['flame'], structure: unit('停车位', 'Parking bays') },
      { code: 'wh', extended: true, name: '仓库', nameEn: 'Warehouse', size: [120, 70], hazardous: false,
        gases: ['co'], fire: ['smoke', 'heat'], structure: building('丙类仓库', 'Class C warehouse') },
    ],
  },
]

/** The enterprise's own control building: fire alarm control panel, main meters, call point. */
export const CONTROL_AREA: AreaTemplate = {
  code: 'ctl', name: '中控楼', nameEn: 'Control building', size: [50, 40], hazardous: false,
  gases: [], fire: ['smoke'], structure: building('中控楼', 'Control building'),
}

export const ZONE_INFO = {
  id: 'pzh-vti',
  name: '攀枝花国家钒钛高新区',
  nameEn: 'Panzhihua National Vanadium-Titanium High-Tech Zone',
  timezone: 'Asia/Shanghai',
} as const

/** Parks named by the plans; map positions are schematic (km). */
export const PARKS: readonly ParkTemplate[] = [
  { id: 'vtc', name: '钒钛化工园区', nameEn: 'Vanadium-Titanium Chemical Park', kind: 'chemical',
    grade: 'C', gradeScore: 78, targetGrade: 'D', mapPosition: { x: 26, y: 48 }, industries: ['ti', 'v', 'gc'] },
  { id: 'glc', name: '格里坪化工园区', nameEn: 'Geliping Chemical Park', kind: 'chemical',
    grade: 'C', gradeScore: 73.5, targetGrade: 'D', mapPosition: { x: 6, y: 38 }, industries: ['ca', 'h', 'gc'] },
  { id: 'nsc', name: '南山循环经济开发区', nameEn: 'Nanshan Circular Economy Development Zone', kind: 'circular',
    mapPosition: { x: 22, y: 58 }, industries: ['rc', 'pw'] },
  { id: 'ybv', name: '盐边县钒钛产业开发区', nameEn: 'Yanbian County Vanadium-Titanium Industrial Development Zone', kind: 'industrial',
    mapPosition: { x: 12, y: 26 }, industries: ['v'] },
  { id: 'xgi', name: '西区格里坪工业园区', nameEn: 'Xiqu Geliping Industrial Park', kind: 'industrial',
    mapPosition: { x: 10, y: 44 }, industries: ['wc', 'ta'] },
  { id: 'mbi', name: '米易县白马工业园区', nameEn: 'Miyi County Baima Industrial Park', kind: 'industrial',
    mapPosition: { x: 55, y: 10 }, industries: ['oe', 'h'] },
  { id: 'jjl', name: '金江物流园区', nameEn: 'Jinjiang Logistics Park', kind: 'logistics',
    mapPosition: { x: 36, y: 60 }, industries: ['lg'] },
]

/** Invented brand syllables for enterprise names, with their pinyin. */
export const NAME_HEADS: readonly (readonly [string, string])[] = [
  ['恒', 'Heng'], ['锦', 'Jin'], ['瀚', 'Han'], ['泓', 'Hong'], ['睿', 'Rui'], ['嘉', 'Jia'], ['启', 'Qi'], ['岚', 'Lan'],
  ['拓', 'Tuo'], ['晟', 'Sheng'], ['钧', 'Jun'], ['昊', 'Hao'], ['沐', 'Mu'], ['朗', 'Lang'], ['骏', 'Jun'], ['蔚', 'Wei'],
  ['峻', 'Jun'], ['澄', 'Cheng'], ['凯', 'Kai'], ['聿', 'Yu'],
]
export const NAME_TAILS: readonly (readonly [string, string])[] = [
  ['钒', 'fan'], ['钛', 'tai'], ['源', 'yuan'], ['川', 'chuan'], ['达', 'da'], ['宇', 'yu'], ['泰', 'tai'], ['信', 'xin'],
  ['盛', 'sheng'], ['远', 'yuan'], ['丰', 'feng'], ['湾', 'wan'], ['峰', 'feng'], ['诚', 'cheng'], ['锐', 'rui'], ['岩', 'yan'],
  ['江', 'jiang'], ['晖', 'hui'], ['弘', 'hong'], ['石', 'shi'],
]

export const TOXIC_NAMES: Readonly<Record<ToxicGas, readonly [string, string]>> = {
  h2s: ['硫化氢', 'H2S'], co: ['一氧化碳', 'CO'], no2: ['二氧化氮', 'NO2'], cl2: ['氯气', 'Cl2'],
  so2: ['二氧化硫', 'SO2'], nh3: ['氨气', 'NH3'], c6h6: ['苯', 'benzene'], hcl: ['氯化氢', 'HCl'],
}
