import type { Building, Gateway, Park, Rect, ZoneDevice } from '../../../hub/src/model/zone.js'
import type { ToxicGas } from '../../../hub/src/model/vocabulary.js'
import { hashSecret } from '../../../hub/src/config/credentials.js'
import type { Prng } from './prng.js'
import { round1 } from './zone-layout.js'
import {
  CONTROL_AREA, INDUSTRIES, PARKS, STACK_SOURCES, TOXIC_NAMES,
  type AreaTemplate, type EnergyType, type GasMetric, type IndustryTemplate, type ParkTemplate,
} from './zone-catalogue.js'

/**
 * The devices of the demo zone: how many of each kind every area gets (the plan, which also
 * sets how many enterprises each park has), what each device is (kind, type, metrics, name,
 * interval, actuators, CEMS standard, discharge limits), where it stands in its area, and its
 * credentials (MQTT secrets, the gateways meters report through, HJ 212 identities). The
 * site plan it places them on is zone-layout.ts's; zone-generator.ts puts the two together.
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

export interface PlannedArea { tpl: AreaTemplate; control: boolean; specs: { spec: Spec; count: number; weight: number }[] }
export interface PlannedEnterprise { park: ParkTemplate; industry: IndustryTemplate; code: string; areas: PlannedArea[] }

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
export function plan(devices: number): PlannedEnterprise[] {
  const minimum = countPlanned(planEnterprises(1))
  const copies = Math.max(1, Math.ceil(devices / (minimum * DENSITY_BEFORE_MORE_ENTERPRISES)))
  const planned = planEnterprises(copies)
  distributeExtras(planned, devices - countPlanned(planned))
  return planned
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

/**
 * Where generated devices, gateways and their plain secrets go, in the order they are made:
 * each secret is the next draw of the secrets' stream, so the order is part of the output.
 */
export interface DeviceOutput {
  /** The zone's stream of layout numbers, shared with the enterprises' figures: positions in an area. */
  prng: Prng
  /** The secrets' own stream (MQTT secrets, HJ 212 PWs), seeded apart from the layout's in zone-generator.ts. */
  secrets: Prng
  credentials: Credentials
  devices: ZoneDevice[]
  gateways: Gateway[]
}

const newSecret = (out: DeviceOutput): string => out.secrets.bytes(16).toString('base64url')

/** An enterprise's device ids by part (gas, fire, cems, meter): the last sequence number given. */
export type IdCounters = Map<string, number>

/** The gateway of the `index`th enterprise if it is one in GATEWAY_EVERY, which its meters report through. */
export function enterpriseGateway(out: DeviceOutput, index: number, park: string, enterprise: { id: string; name: string }): string | undefined {
  if (index % GATEWAY_EVERY !== 1) return undefined
  const gatewayId = `${enterprise.id}-gw1`
  const secret = newSecret(out)
  out.credentials.gateways[gatewayId] = secret
  out.gateways.push({ id: gatewayId, park, enterprise: enterprise.id, name: `${enterprise.name}能源数据采集网关`, secretHash: hashSecret(secret) })
  return gatewayId
}

/** Where an area's devices go: its ids, its rectangle on the site plan and its stack if it has one. */
export interface AreaSite {
  park: string
  enterprise: string
  area: string
  rect: Rect
  stack: Building | undefined
  /** The enterprise's gateway, if its meters report through one. */
  gateway: string | undefined
  counters: IdCounters
}

/** The planned devices of one area: a stack's CEMS on its stack, the others anywhere in the area. */
export function addAreaDevices(out: DeviceOutput, pa: PlannedArea, at: AreaSite): void {
  const { stack, rect } = at
  const perArea = new Map<string, number>()
  for (const { spec, count } of pa.specs) {
    for (let i = 0; i < count; i++) {
      const key = specKey(spec)
      const n = (perArea.get(key) ?? 0) + 1
      perArea.set(key, n)
      const part = ID_PART[spec.kind]
      const seq = (at.counters.get(part) ?? 0) + 1
      at.counters.set(part, seq)
      const id = `${at.enterprise}-${part}-${String(seq).padStart(3, '0')}`
      const position = spec.kind === 'emission' && stack
        ? { x: stack.rect.x + stack.rect.w / 2, y: stack.rect.y + stack.rect.h / 2 }
        : { x: round1(out.prng.range(rect.x + 2, rect.x + rect.w - 2)), y: round1(out.prng.range(rect.y + 2, rect.y + rect.h - 2)) }
      const d = describe(spec, pa.tpl, n)
      const device: ZoneDevice = { id, kind: d.kind, ...(d.type ? { type: d.type } : {}), park: at.park, enterprise: at.enterprise, area: at.area,
        name: d.name, ...(d.nameEn ? { nameEn: d.nameEn } : {}), metrics: d.metrics, position, interval: d.interval, safety: d.safety!,
        ...(d.actuators ? { actuators: d.actuators } : {}), ...(d.emissionStandard ? { emissionStandard: d.emissionStandard } : {}), ...(d.basis ? { basis: d.basis } : {}) }
      // Emergency shut-off valve interlock on the first two detectors of the area's primary gas.
      if (spec.kind === 'gas' && pa.tpl.valve && spec.gas !== 'o2' && spec.gas === pa.tpl.gases[0] && n <= 2) device.actuators = ['valve']
      if (spec.kind === 'energy' && at.gateway) {
        // Meters on a gateway's field bus have no network credential of their own.
        device.gateway = at.gateway
      } else {
        const secret = newSecret(out)
        out.credentials.devices[id] = secret
        device.secretHash = hashSecret(secret)
      }
      out.devices.push(device)
    }
  }
}

/** An area's tail-gas stack (zone-catalogue.ts), whose CEMS is made after every planned device. */
export interface TailGasStack {
  park: string
  entId: string
  areaId: string
  tpl: NonNullable<AreaTemplate['tailGasStack']>
  rect: Building['rect']
  counters: IdCounters
}

/** The CEMS of a tail-gas stack, numbered after its enterprise's other stacks. */
export function addTailGasStack(out: DeviceOutput, x: TailGasStack): void {
  const seq = (x.counters.get(ID_PART.emission) ?? 0) + 1
  x.counters.set(ID_PART.emission, seq)
  const id = `${x.entId}-${ID_PART.emission}-${String(seq).padStart(3, '0')}`
  const secret = newSecret(out)
  out.credentials.devices[id] = secret
  const { kind, type, name, nameEn, metrics, interval, emissionStandard, basis } = stackDescription(x.tpl)
  out.devices.push({ id, kind, type, park: x.park, enterprise: x.entId, area: x.areaId, name, nameEn, metrics,
    position: { x: x.rect.x + x.rect.w / 2, y: x.rect.y + x.rect.h / 2 }, interval, safety: false, emissionStandard, basis, secretHash: hashSecret(secret) })
}

/** A chemical park's wastewater outlet, in its first enterprise's first area other than the control room. */
export function addWastewaterOutlet(out: DeviceOutput, park: Park): void {
  if (PARKS.find((p) => p.id === park.id)?.kind !== 'chemical') return
  const ent = park.enterprises[0]
  const area = park.areas.find((a) => a.enterprise === ent?.id && !a.id.endsWith(`-${CONTROL_AREA.code}`)) ?? park.areas.find((a) => a.enterprise === ent?.id)
  if (!ent || !area) return
  const id = `${ent.id}-outlet-001`
  const secret = newSecret(out)
  out.credentials.devices[id] = secret
  out.devices.push({ id, kind: 'wastewater', type: 'outlet', park: park.id, enterprise: ent.id, area: area.id,
    name: `${ent.name}废水总排口在线监测`, nameEn: `${ent.nameEn} wastewater outlet monitor`, metrics: [...WASTEWATER_OUTLET.metrics],
    position: { x: round1(area.rect.x + 4), y: round1(area.rect.y + area.rect.h - 4) }, interval: INTERVALS.wastewater, safety: false,
    limits: { ...WASTEWATER_OUTLET.limits }, secretHash: hashSecret(secret) })
}

/** HJ 212 identities (MN and PW) of every CEMS stack and wastewater outlet made so far, in order. */
export function assignHj212(out: DeviceOutput): void {
  let loggers = 0
  for (const d of out.devices) {
    if (d.kind !== 'emission' && d.kind !== 'wastewater') continue
    const pw = out.secrets.bytes(6).toString('base64url')
    d.hj212 = { mn: `${HJ212_MN_PREFIX}${String(++loggers).padStart(8, '0')}`, pw }
    out.credentials.hj212[d.id] = pw
  }
}

/** A park's weather station, at the top middle of its site, under its first enterprise (in no area). */
export function addWeatherStation(out: DeviceOutput, park: Park): void {
  const ent = park.enterprises[0]
  if (!ent) return
  const id = `${park.id}-weather-001`
  const secret = newSecret(out)
  out.credentials.devices[id] = secret
  out.devices.push({ id, kind: 'weather', type: 'station', park: park.id, enterprise: ent.id,
    name: `${park.name}气象站`, nameEn: `${park.nameEn} weather station`, metrics: [...WEATHER_STATION_METRICS],
    position: { x: round1(park.site.width / 2), y: 20 }, interval: INTERVALS.weather, safety: false, secretHash: hashSecret(secret) })
}
