import type { Area, Building, Enterprise, Gateway, Park, UserEntry, Zone, ZoneDevice } from '../../../hub/src/model/zone.js'
import type { ToxicGas } from '../../../hub/src/model/vocabulary.js'
import { hashSecret } from '../../../hub/src/config/credentials.js'
import { createPrng, type Prng } from './prng.js'
import { DEMO_MAP, parkGeo } from './zone-geo.js'
import {
  CONTROL_AREA, INDUSTRIES, NAME_HEADS, NAME_TAILS, PARKS, STACK_SOURCES, TOXIC_NAMES, ZONE_INFO,
  type AreaTemplate, type EnergyType, type GasMetric, type IndustryTemplate, type ParkTemplate,
} from './zone-catalogue.js'

/**
 * Generates a demo zone modelled on the Panzhihua vanadium-titanium high-tech zone: real
 * park names, invented enterprises, hazardous areas with gas and fire detection, CEMS
 * stacks and energy meters. Pure and deterministic: the same options give the same zone
 * and the same plain secrets (only the salted hashes differ between runs, since
 * `hashSecret` salts with fresh random bytes).
 */

/** Plain secrets for simulators; the zone itself holds only hashes. */
export interface Credentials {
  zone: string
  devices: Record<string, string>
  gateways: Record<string, string>
  /** HJ 212 data loggers' PWs by device id (the MN is the device's `hj212.mn`). */
  hj212: Record<string, string>
}

/**
 * HJ 212-2017 identities of the demo's CEMS stacks and wastewater outlets (their data loggers):
 * MN = `510400` (Panzhihua's administrative division code) + an 8-digit sequence, 14 characters
 * like the standard's own example `LD130133000015` (§6.3.2 allows up to 24); PW 8 characters
 * from the seed (public demo values, like the demo's MQTT secrets).
 */
export const HJ212_MN_PREFIX = '510400'

export interface GenerateZoneOptions {
  /** Wanted device count. Never fewer than the minimum set the parks need (about 200). */
  devices: number
  seed?: number
  users?: UserEntry[]
}

/** Seconds between readings. */
export const INTERVALS = {
  /** Gas detectors: continuous detection, reported every 5 s. */
  gas: 5,
  /** Fire detectors report state every 10 s; alarms come as events at once. */
  fire: 10,
  /**
   * CEMS stacks: the analysers sample at least every 5 s (HJ 75-2017), and the data logger sends
   * real-time data (HJ 212-2017 2011) every 30 s (the RtdInterval of its 1062 example): what
   * reaches the hub, so what its liveness expects. Each minute still holds a sample (HJ 75).
   */
  emission: 30,
  /** Energy meters: cumulative counters, one reading a minute. */
  energy: 60,
  /** Wastewater outlets: HJ 212-2017 real-time data every 30 s (the RtdInterval of its 1062 example). */
  wastewater: 30,
  /** Weather stations: a 10-s mean wind, so a gas footprint follows the wind within seconds (docs/hazard.md). */
  weather: 10,
} as const

/** A park's weather station (model/vocabulary.ts WEATHER_METRICS): wind, air temperature, stability class. */
export const WEATHER_STATION_METRICS = ['wind_speed', 'wind_dir', 'air_temp', 'stability'] as const

/**
 * A park's assembly points (应急集合点), one near each corner of the site, clear of the plots
 * (the layout keeps a 60 m margin): whichever way the wind blows, one of them is upwind.
 */
function musterPointsOf(park: Park): NonNullable<Park['musterPoints']> {
  const [W, H] = [park.site.width, park.site.height]
  return [
    { id: `${park.id}-muster-nw`, name: '西北应急集合点', nameEn: 'North-west assembly point', position: { x: 30, y: 30 } },
    { id: `${park.id}-muster-ne`, name: '东北应急集合点', nameEn: 'North-east assembly point', position: { x: W - 30, y: 30 } },
    { id: `${park.id}-muster-sw`, name: '西南应急集合点', nameEn: 'South-west assembly point', position: { x: 30, y: H - 30 } },
    { id: `${park.id}-muster-se`, name: '东南应急集合点', nameEn: 'South-east assembly point', position: { x: W - 30, y: H - 30 } },
  ]
}

/**
 * The wastewater outlet of a chemical park's first enterprise (企业废水总排口), monitored online
 * (HJ 353-2019): its metrics (model/vocabulary.ts WASTEWATER_METRICS) and its discharge permit's
 * limits in mg/L — demo figures patterned on GB 18918-2002 class 1A (check): COD 50, NH3-N 5,
 * TP 0.5, TN 15 (pH 6–9).
 */
export const WASTEWATER_OUTLET = {
  metrics: ['cod', 'nh3n', 'tp', 'tn', 'ph', 'flow_w'],
  limits: { cod: 50, nh3n: 5, tp: 0.5, tn: 15 },
} as const

/** How much denser detection is, per park kind, when devices are added beyond the minimum. */
const PARK_DENSITY: Readonly<Record<ParkTemplate['kind'], number>> = {
  chemical: 3, circular: 1.5, industrial: 1.5, logistics: 1, education: 1,
}

/** Devices per enterprise copy, relative to the minimum set, before more enterprises are added. */
const DENSITY_BEFORE_MORE_ENTERPRISES = 3
/** One enterprise in this many reports its meters through a gateway. */
const GATEWAY_EVERY = 3

type Spec =
  | { kind: 'gas'; gas: GasMetric }
  | { kind: 'fire'; type: 'smoke' | 'heat' | 'flame' | 'call_point' | 'panel' }
  | { kind: 'emission' }
  | { kind: 'energy'; type: EnergyType; main: boolean }

interface PlannedArea { tpl: AreaTemplate; control: boolean; specs: { spec: Spec; count: number; weight: number }[] }
interface PlannedEnterprise { park: ParkTemplate; industry: IndustryTemplate; code: string; areas: PlannedArea[] }

/** The minimum device set of one area (call points and correlation pairs), plus weights for extra devices. */
function planArea(park: ParkTemplate, industry: IndustryTemplate, tpl: AreaTemplate, control: boolean): PlannedArea {
  const pf = PARK_DENSITY[park.kind]
  const chemical = park.kind === 'chemical'
  const specs: PlannedArea['specs'] = []
  if (control) {
    specs.push({ spec: { kind: 'fire', type: 'smoke' }, count: 1, weight: 0.3 })
    specs.push({ spec: { kind: 'fire', type: 'call_point' }, count: 1, weight: 0 })
    specs.push({ spec: { kind: 'fire', type: 'panel' }, count: 1, weight: 0 })
    for (const type of industry.energy) specs.push({ spec: { kind: 'energy', type, main: true }, count: 1, weight: 0 })
    return { tpl, control, specs }
  }
  // Fire: a single detector raises an alarm; two detectors in one area, or a detector and a
  // call point, confirm it (DOMAIN.md, Fire). Chemical parks' hazardous areas get both.
  const pair = chemical && tpl.hazardous
  tpl.gases.forEach((gas, i) => {
    specs.push({ spec: { kind: 'gas', gas }, count: pair && i === 0 ? 2 : 1, weight: pf * (tpl.hazardous ? 2 : 1) * (i === 0 ? 1.5 : 1) })
  })
  tpl.fire.forEach((type, i) => {
    const count = i === 0 ? 1 : pair ? 1 : 0
    specs.push({ spec: { kind: 'fire', type }, count: pair && tpl.fire.length === 1 ? 2 : count, weight: pf * (tpl.hazardous ? 1.2 : 0.8) })
  })
  if (tpl.hazardous) specs.push({ spec: { kind: 'fire', type: 'call_point' }, count: 1, weight: pf * 0.2 })
  if (tpl.stack) specs.push({ spec: { kind: 'emission' }, count: 1, weight: 0 })
  specs.push({ spec: { kind: 'energy', type: 'electricity', main: false }, count: 0, weight: 1 })
  return { tpl, control, specs }
}

function industryByCode(code: string): IndustryTemplate {
  const found = INDUSTRIES.find((i) => i.code === code)
  if (!found) throw new Error(`zone catalogue: unknown industry ${code}`)
  return found
}

/** Enterprises of every park, `copies` times the park's industry list. */
function planEnterprises(copies: number): PlannedEnterprise[] {
  const out: PlannedEnterprise[] = []
  for (const park of PARKS) {
    let n = 0
    for (let c = 0; c < copies; c++) {
      for (const code of park.industries) {
        n++
        const industry = industryByCode(code)
        const areas = [planArea(park, industry, CONTROL_AREA, true), ...industry.areas.filter((a) => copies > 1 || !a.extended).map((a) => planArea(park, industry, a, false))]
        out.push({ park, industry, code: `${industry.code}${String(n).padStart(2, '0')}`, areas })
      }
    }
  }
  return out
}

const countPlanned = (plan: PlannedEnterprise[]): number =>
  plan.reduce((s, e) => s + e.areas.reduce((t, a) => t + a.specs.reduce((u, x) => u + x.count, 0), 0), 0)

/** Adds `extra` devices over the weighted cells by largest remainder (deterministic). */
function distributeExtras(plan: PlannedEnterprise[], extra: number): void {
  if (extra <= 0) return
  const cells = plan.flatMap((e) => e.areas.flatMap((a) => a.specs.filter((s) => s.weight > 0)))
  const total = cells.reduce((s, c) => s + c.weight, 0)
  const shares = cells.map((c, i) => ({ i, exact: (extra * c.weight) / total }))
  let given = 0
  for (const s of shares) {
    const whole = Math.floor(s.exact)
    cells[s.i]!.count += whole
    given += whole
  }
  shares.sort((a, b) => (b.exact - Math.floor(b.exact)) - (a.exact - Math.floor(a.exact)) || a.i - b.i)
  for (let k = 0; given < extra; k++, given++) cells[shares[k % shares.length]!.i]!.count += 1
}

/** Chooses how many copies of each park's enterprises to build, then spreads the rest as extra detectors. */
function plan(devices: number): PlannedEnterprise[] {
  const minimum = countPlanned(planEnterprises(1))
  const copies = Math.max(1, Math.ceil(devices / (minimum * DENSITY_BEFORE_MORE_ENTERPRISES)))
  const planned = planEnterprises(copies)
  distributeExtras(planned, devices - countPlanned(planned))
  return planned
}

const round1 = (v: number): number => Math.round(v * 10) / 10

interface Layout { rects: Map<PlannedArea, { x: number; y: number; w: number; h: number }>; width: number; height: number }

/**
 * Lays each enterprise's areas out in a row (its plot), the plots in rows with roads between,
 * about half again as wide as high, then spreads them over the site: the rows down its height
 * and each row's plots across its width, the spare room going to the roads. A small park so
 * fills its plan instead of crowding one corner of it.
 */
function layoutPark(enterprises: PlannedEnterprise[]): Layout {
  const MARGIN = 60, ROAD = 30, PAD = 10, GAP = 14
  const plots = enterprises.map((e) => {
    const w = PAD * 2 + e.areas.reduce((s, a) => s + a.tpl.size[0], 0) + GAP * (e.areas.length - 1)
    const h = PAD * 2 + Math.max(...e.areas.map((a) => a.tpl.size[1]))
    return { e, w, h }
  })
  const area = plots.reduce((s, p) => s + (p.w + ROAD) * (p.h + ROAD), 0)
  const rowLimit = Math.max(...plots.map((p) => p.w), Math.sqrt(area * 1.5))
  const rows: { plots: typeof plots; w: number; h: number }[] = []
  for (const p of plots) {
    const row = rows.at(-1)
    if (row && row.w + ROAD + p.w <= rowLimit) {
      row.plots.push(p)
      row.w += ROAD + p.w
      row.h = Math.max(row.h, p.h)
    } else rows.push({ plots: [p], w: p.w, h: p.h })
  }
  const up50 = (v: number): number => Math.ceil(v / 50) * 50
  const contentW = Math.max(0, ...rows.map((r) => r.w))
  const contentH = rows.reduce((s, r) => s + r.h, 0) + ROAD * Math.max(0, rows.length - 1)
  const width = Math.max(1200, up50(contentW + 2 * MARGIN))
  const height = Math.max(800, up50(contentH + 2 * MARGIN))
  const rects: Layout['rects'] = new Map()
  const rowGap = ROAD + (height - 2 * MARGIN - contentH) / (rows.length + 1)
  let y = MARGIN + rowGap - ROAD
  for (const row of rows) {
    const plotGap = ROAD + (width - 2 * MARGIN - row.w) / (row.plots.length + 1)
    let x = MARGIN + plotGap - ROAD
    for (const p of row.plots) {
      let ax = round1(x + PAD)
      for (const a of p.e.areas) {
        rects.set(a, { x: ax, y: round1(y + PAD), w: a.tpl.size[0], h: a.tpl.size[1] })
        ax = round1(ax + a.tpl.size[0] + GAP)
      }
      x += p.w + plotGap
    }
    y += row.h + rowGap
  }
  return { rects, width, height }
}

function structures(areaId: string, tpl: AreaTemplate, r: Area['rect']): Building[] {
  const out: Building[] = []
  const s = tpl.structure
  const stackTpl = tpl.stack ?? tpl.tailGasStack
  const mainW = stackTpl ? r.w - 34 : r.w - 12
  if (s.kind === 'tank') {
    const count = s.count ?? 1
    const cols = Math.max(1, Math.round(Math.sqrt((count * mainW) / (r.h - 12))))
    const rows = Math.ceil(count / cols)
    const cw = mainW / cols, ch = (r.h - 12) / rows
    const side = round1(Math.min(cw, ch, 24) * 0.75)
    for (let i = 0; i < count; i++) {
      const cx = r.x + 6 + cw * ((i % cols) + 0.5), cy = r.y + 6 + ch * (Math.floor(i / cols) + 0.5)
      out.push({ id: `${areaId}-t${i + 1}`, name: `${s.name}${i + 1}`, nameEn: `${s.nameEn} ${i + 1}`, kind: 'tank',
        rect: { x: round1(cx - side / 2), y: round1(cy - side / 2), w: side, h: side } })
    }
  } else {
    out.push({ id: `${areaId}-b1`, name: s.name, nameEn: s.nameEn, kind: s.kind, rect: { x: r.x + 6, y: r.y + 6, w: mainW, h: r.h - 12 } })
  }
  if (stackTpl) {
    out.push({ id: `${areaId}-stk`, name: stackTpl.name, nameEn: stackTpl.nameEn, kind: 'stack', rect: { x: r.x + r.w - 20, y: r.y + 8, w: 10, h: 10 } })
  }
  return out
}

const FIRE_NAMES = {
  smoke: ['点型感烟火灾探测器', 'point smoke detector'],
  heat: ['点型感温火灾探测器', 'point heat detector'],
  flame: ['火焰探测器', 'flame detector'],
  call_point: ['手动火灾报警按钮', 'manual call point'],
} as const
const METER_NAMES: Readonly<Record<EnergyType, readonly [string, string, readonly string[]]>> = {
  electricity: ['总进线电能表', 'Main incoming electricity meter', ['kwh', 'kw']],
  gas: ['天然气流量计', 'Natural gas meter', ['gas_m3']],
  steam: ['蒸汽流量计', 'Steam meter', ['steam_t']],
  water: ['总水表', 'Main water meter', ['water_m3']],
}

/** A stack's CEMS: the metrics, standard and basis of its kind of source. */
function stackDescription(stack: NonNullable<AreaTemplate['stack']>): Omit<ZoneDevice, 'id' | 'park' | 'enterprise' | 'area' | 'position'> {
  const src = STACK_SOURCES[stack.source]
  return { kind: 'emission', type: 'stack', metrics: [...src.metrics], interval: INTERVALS.emission, safety: false,
    name: `${stack.name}烟气排放连续监测系统（CEMS）`, nameEn: `${stack.nameEn} CEMS`, emissionStandard: src.standard, ...(src.basis ? { basis: src.basis } : {}) }
}

/** One device of a spec: kind, type, metrics, name, and what else the kind carries. */
function describe(spec: Spec, tpl: AreaTemplate, n: number): Omit<ZoneDevice, 'id' | 'park' | 'enterprise' | 'area' | 'position'> {
  switch (spec.kind) {
    case 'gas': {
      const g = spec.gas
      const base = { kind: 'gas' as const, metrics: [g], interval: INTERVALS.gas, safety: true }
      if (g === 'lel') return { ...base, type: 'combustible', name: `${tpl.name}可燃气体探测器${n}号`, nameEn: `${tpl.nameEn} combustible gas detector ${n}` }
      if (g === 'o2') return { ...base, type: 'oxygen', name: `${tpl.name}氧气探测器${n}号`, nameEn: `${tpl.nameEn} oxygen detector ${n}` }
      const [zh, en] = TOXIC_NAMES[g as ToxicGas]
      return { ...base, type: 'toxic', name: `${tpl.name}${zh}探测器${n}号`, nameEn: `${tpl.nameEn} ${en} detector ${n}` }
    }
    case 'fire': {
      const base = { kind: 'fire' as const, type: spec.type, interval: INTERVALS.fire, safety: true }
      if (spec.type === 'panel') return { ...base, metrics: [], name: '火灾报警控制器', nameEn: 'Fire alarm control panel', actuators: ['siren'] }
      const [zh, en] = FIRE_NAMES[spec.type]
      const metrics = spec.type === 'smoke' ? ['smoke'] : spec.type === 'heat' ? ['temp'] : []
      return { ...base, metrics, name: `${tpl.name}${zh}${n}号`, nameEn: `${tpl.nameEn} ${en} ${n}` }
    }
    case 'emission':
      return stackDescription(tpl.stack!)
    case 'energy': {
      const [zh, en, metrics] = METER_NAMES[spec.type]
      const base = { kind: 'energy' as const, type: spec.type, metrics: [...metrics], interval: INTERVALS.energy, safety: false }
      if (spec.main) return { ...base, name: zh, nameEn: en }
      return { ...base, name: `${tpl.name}分项电能表${n}号`, nameEn: `${tpl.nameEn} electricity sub-meter ${n}` }
    }
  }
}

const specKey = (s: Spec): string => (s.kind === 'gas' ? `gas:${s.gas}` : s.kind === 'fire' ? `fire:${s.type}` : s.kind === 'energy' ? `energy:${s.type}:${s.main}` : 'emission')
const ID_PART: Readonly<Record<Spec['kind'], string>> = { gas: 'gas', fire: 'fire', emission: 'cems', energy: 'meter' }

function enterpriseName(prng: Prng, industry: IndustryTemplate, used: Set<string>): [string, string] {
  for (let attempt = 0; ; attempt++) {
    const [h, he] = prng.pick(NAME_HEADS)
    const [t, te] = prng.pick(NAME_TAILS)
    const extra = attempt < 40 ? '' : String(attempt)
    const zh = `${h}${t}${extra}${industry.suffix}`
    if (!used.has(zh)) {
      used.add(zh)
      return [zh, `${he}${te}${extra} ${industry.suffixEn}`]
    }
  }
}

export function generateZone(options: GenerateZoneOptions): { zone: Zone; credentials: Credentials } {
  if (!Number.isInteger(options.devices) || options.devices < 1) throw new RangeError('devices must be a positive integer')
  const seed = options.seed ?? 1
  const prng = createPrng(seed)
  // A separate stream for secrets, so that they are reproducible but not the layout's numbers.
  const secretPrng = createPrng((seed ^ 0x5ec2e75) >>> 0)
  const newSecret = (): string => secretPrng.bytes(16).toString('base64url')
  const credentials: Credentials = { zone: ZONE_INFO.id, devices: {}, gateways: {}, hj212: {} }
  const planned = plan(options.devices)
  const parks: Park[] = []
  const gateways: Gateway[] = []
  const devices: ZoneDevice[] = []
  const usedNames = new Set<string>()
  let enterpriseCount = 0
  const tailGas: { park: string; entId: string; areaId: string; tpl: NonNullable<AreaTemplate['tailGasStack']>; rect: Building['rect']; counters: Map<string, number> }[] = []

  for (const pt of PARKS) {
    const mine = planned.filter((e) => e.park === pt)
    const layout = layoutPark(mine)
    const park: Park = {
      id: pt.id, name: pt.name, nameEn: pt.nameEn, kind: pt.kind,
      ...(pt.grade ? { grade: pt.grade, gradeScore: pt.gradeScore, targetGrade: pt.targetGrade } : {}),
      mapPosition: pt.mapPosition,
      site: { width: layout.width, height: layout.height, buildings: [] },
      areas: [], enterprises: [],
    }
    park.site.buildings.push({ id: `${pt.id}-gate-main`, name: '园区主大门', nameEn: 'Main gate', kind: 'gate',
      rect: { x: layout.width / 2 - 15, y: layout.height - 12, w: 30, h: 10 } })
    if (pt.kind === 'chemical') {
      // Closed-park management: hazardous-goods vehicles use their own gate (2022 platform guideline).
      park.site.buildings.push({ id: `${pt.id}-gate-hazmat`, name: '危化品车辆专用出入口', nameEn: 'Hazardous-goods vehicle gate', kind: 'gate',
        rect: { x: 2, y: layout.height / 2 - 15, w: 10, h: 30 } })
    }
    for (const pe of mine) {
      const entId = `${pt.id}-${pe.code}`
      const ind = pe.industry
      const [name, nameEn] = enterpriseName(prng, ind, usedNames)
      const enterprise: Enterprise = {
        id: entId, name, nameEn, industry: ind.industry,
        landMu: prng.int(ind.landMu[0], ind.landMu[1]),
        outputValue: Math.round(prng.range(ind.outputValue[0], ind.outputValue[1]) / 100) * 100,
        employees: prng.int(ind.employees[0], ind.employees[1]),
        majorHazard: ind.majorHazard,
      }
      park.enterprises.push(enterprise)
      let gatewayId: string | undefined
      if (enterpriseCount++ % GATEWAY_EVERY === 1) {
        gatewayId = `${entId}-gw1`
        const secret = newSecret()
        credentials.gateways[gatewayId] = secret
        gateways.push({ id: gatewayId, park: pt.id, enterprise: entId, name: `${name}能源数据采集网关`, secretHash: hashSecret(secret) })
      }
      const counters = new Map<string, number>()
      for (const pa of pe.areas) {
        const rect = layout.rects.get(pa)!
        const areaId = `${entId}-${pa.tpl.code}`
        park.areas.push({ id: areaId, name: pa.tpl.name, nameEn: pa.tpl.nameEn, enterprise: entId, rect })
        const buildings = structures(areaId, pa.tpl, rect)
        park.site.buildings.push(...buildings)
        const stack = buildings.find((b) => b.kind === 'stack')
        if (pa.tpl.tailGasStack && stack) tailGas.push({ park: pt.id, entId, areaId, tpl: pa.tpl.tailGasStack, rect: stack.rect, counters })
        const perArea = new Map<string, number>()
        for (const { spec, count } of pa.specs) {
          for (let i = 0; i < count; i++) {
            const key = specKey(spec)
            const n = (perArea.get(key) ?? 0) + 1
            perArea.set(key, n)
            const part = ID_PART[spec.kind]
            const seq = (counters.get(part) ?? 0) + 1
            counters.set(part, seq)
            const id = `${entId}-${part}-${String(seq).padStart(3, '0')}`
            const position = spec.kind === 'emission' && stack
              ? { x: stack.rect.x + stack.rect.w / 2, y: stack.rect.y + stack.rect.h / 2 }
              : { x: round1(prng.range(rect.x + 2, rect.x + rect.w - 2)), y: round1(prng.range(rect.y + 2, rect.y + rect.h - 2)) }
            const d = describe(spec, pa.tpl, n)
            const device: ZoneDevice = { id, kind: d.kind, ...(d.type ? { type: d.type } : {}), park: pt.id, enterprise: entId, area: areaId,
              name: d.name, ...(d.nameEn ? { nameEn: d.nameEn } : {}), metrics: d.metrics, position, interval: d.interval, safety: d.safety!,
              ...(d.actuators ? { actuators: d.actuators } : {}), ...(d.emissionStandard ? { emissionStandard: d.emissionStandard } : {}), ...(d.basis ? { basis: d.basis } : {}) }
            // Emergency shut-off valve interlock on the first two detectors of the area's primary gas.
            if (spec.kind === 'gas' && pa.tpl.valve && spec.gas !== 'o2' && spec.gas === pa.tpl.gases[0] && n <= 2) device.actuators = ['valve']
            if (spec.kind === 'energy' && gatewayId) {
              // Meters on a gateway's field bus have no network credential of their own.
              device.gateway = gatewayId
            } else {
              const secret = newSecret()
              credentials.devices[id] = secret
              device.secretHash = hashSecret(secret)
            }
            devices.push(device)
          }
        }
      }
    }
    parks.push(park)
  }
  // Tail-gas stacks, then wastewater outlets, last (zone-catalogue.ts): every earlier device keeps its id and secret.
  for (const x of tailGas) {
    const seq = (x.counters.get(ID_PART.emission) ?? 0) + 1
    x.counters.set(ID_PART.emission, seq)
    const id = `${x.entId}-${ID_PART.emission}-${String(seq).padStart(3, '0')}`
    const secret = newSecret()
    credentials.devices[id] = secret
    const { kind, type, name, nameEn, metrics, interval, emissionStandard, basis } = stackDescription(x.tpl)
    devices.push({ id, kind, type, park: x.park, enterprise: x.entId, area: x.areaId, name, nameEn, metrics,
      position: { x: x.rect.x + x.rect.w / 2, y: x.rect.y + x.rect.h / 2 }, interval, safety: false, emissionStandard, basis, secretHash: hashSecret(secret) })
  }
  for (const park of parks) {
    if (PARKS.find((p) => p.id === park.id)?.kind !== 'chemical') continue
    const ent = park.enterprises[0]
    const area = park.areas.find((a) => a.enterprise === ent?.id && !a.id.endsWith(`-${CONTROL_AREA.code}`)) ?? park.areas.find((a) => a.enterprise === ent?.id)
    if (!ent || !area) continue
    const id = `${ent.id}-outlet-001`
    const secret = newSecret()
    credentials.devices[id] = secret
    devices.push({ id, kind: 'wastewater', type: 'outlet', park: park.id, enterprise: ent.id, area: area.id,
      name: `${ent.name}废水总排口在线监测`, nameEn: `${ent.nameEn} wastewater outlet monitor`, metrics: [...WASTEWATER_OUTLET.metrics],
      position: { x: round1(area.rect.x + 4), y: round1(area.rect.y + area.rect.h - 4) }, interval: INTERVALS.wastewater, safety: false,
      limits: { ...WASTEWATER_OUTLET.limits }, secretHash: hashSecret(secret) })
  }

  // HJ 212 identities last, so that every MQTT secret above stays as it was.
  let loggers = 0
  for (const d of devices) {
    if (d.kind !== 'emission' && d.kind !== 'wastewater') continue
    const pw = secretPrng.bytes(6).toString('base64url')
    d.hj212 = { mn: `${HJ212_MN_PREFIX}${String(++loggers).padStart(8, '0')}`, pw }
    credentials.hj212[d.id] = pw
  }

  // A weather station per park and its assembly points, after everything else: every earlier secret stays as it was.
  for (const park of parks) {
    park.musterPoints = musterPointsOf(park)
    const ent = park.enterprises[0]
    if (!ent) continue
    const id = `${park.id}-weather-001`
    const secret = newSecret()
    credentials.devices[id] = secret
    devices.push({ id, kind: 'weather', type: 'station', park: park.id, enterprise: ent.id,
      name: `${park.name}气象站`, nameEn: `${park.nameEn} weather station`, metrics: [...WEATHER_STATION_METRICS],
      position: { x: round1(park.site.width / 2), y: 20 }, interval: INTERVALS.weather, safety: false, secretHash: hashSecret(secret) })
  }

  // On the zone map: each park where its schematic map position puts it (zone-geo.ts).
  for (const park of parks) if (park.mapPosition) park.geo = parkGeo(park.id, park.mapPosition, park.enterprises.length)
  const zone: Zone = {
    id: ZONE_INFO.id, name: ZONE_INFO.name, nameEn: ZONE_INFO.nameEn, timezone: ZONE_INFO.timezone,
    parks, gateways, devices, users: options.users ?? [], map: DEMO_MAP,
  }
  return { zone, credentials }
}
