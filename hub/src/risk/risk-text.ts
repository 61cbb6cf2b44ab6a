/**
 * Reason texts for the four-colour risk level, zh-CN first and English: "what · where", e.g.
 * `可燃气体二级报警 · 氯化车间` / `Combustible gas level-2 alarm · chlorination unit`.
 * Gas alarm stages are GB/T 50493-2019's: 一级 (first level) and 二级 (second level); the
 * default alarm levels of DOMAIN.md map second level → red (1), first level → orange (2).
 */
import type { Alarm } from '../model/alarm.js'
import type { Device } from '../model/device.js'
import type { Park } from '../model/zone.js'

export interface Bilingual {
  text: string
  textEn: string
}

const SUBSTANCES: Readonly<Record<string, readonly [string, string]>> = {
  lel: ['可燃气体', 'Combustible gas'],
  h2s: ['硫化氢', 'Hydrogen sulphide'],
  co: ['一氧化碳', 'Carbon monoxide'],
  no2: ['二氧化氮', 'Nitrogen dioxide'],
  cl2: ['氯气', 'Chlorine'],
  so2: ['二氧化硫', 'Sulphur dioxide'],
  nh3: ['氨气', 'Ammonia'],
  c6h6: ['苯', 'Benzene'],
  hcl: ['氯化氢', 'Hydrogen chloride'],
  o2: ['氧气', 'Oxygen'],
  nox: ['氮氧化物', 'Nitrogen oxides'],
  pm: ['颗粒物', 'Particulate matter'],
  temp: ['温度', 'Temperature'],
  smoke: ['烟雾', 'Smoke'],
  flow: ['流量', 'Flow'],
  kw: ['有功功率', 'Active power'],
}

const TYPES: Readonly<Record<string, readonly [string, string]>> = {
  o2_low: ['氧含量过低', 'Oxygen low'],
  o2_high: ['氧含量过高', 'Oxygen high'],
  fire: ['火灾报警', 'Fire alarm'],
  fire_confirmed: ['火灾确认', 'Confirmed fire'],
  gas_confirmed: ['气体泄漏确认', 'Confirmed gas leak'],
  gas_fire: ['气体泄漏并发火灾', 'Gas leak with fire'],
  smoke_alarm: ['感烟探测器报警', 'Smoke detector alarm'],
  heat_alarm: ['感温探测器报警', 'Heat detector alarm'],
  flame: ['火焰探测器报警', 'Flame detector alarm'],
  manual_call_point: ['手动报警按钮动作', 'Manual call point activated'],
  panel_fault: ['火灾报警控制器故障', 'Fire alarm panel fault'],
  rate_of_rise: ['温升速率报警', 'Rate-of-rise alarm'],
  temp_high: ['温度过高', 'High temperature'],
  device_offline: ['设备离线', 'Device offline'],
  // A safety device's fault or maintenance is a monitoring gap (GB/T 50493 §3.0.3: a fault signalled apart from the alarm).
  device_fault: ['设备故障（监测缺口）', 'Device fault (monitoring gap)'],
  out_of_service: ['设备停用维护（监测缺口）', 'Device out of service (monitoring gap)'],
  data_quality: ['数据质量异常', 'Data quality problem'],
  deadman: ['数据中断', 'No data received'],
  emission_exceedance: ['排放超标', 'Emission limit exceeded'],
  energy_budget: ['能耗超预算', 'Energy budget exceeded'],
  energy_budget_exceeded: ['能耗超预算', 'Energy budget exceeded'],
  demand_limit: ['需量超限', 'Demand limit exceeded'],
  max_demand_exceeded: ['需量超限', 'Maximum demand exceeded'],
  journal_filling: ['数据缓存将满', 'Data journal filling up'],
}

/** What the alarm is, without the place. */
export function describeAlarmKind(a: Pick<Alarm, 'type' | 'metric' | 'level'>): Bilingual {
  const substance = a.metric !== undefined ? SUBSTANCES[a.metric] : undefined
  if (a.type === 'gas_high' || a.type === 'gas') {
    const [zh, en] = substance ?? ['气体', 'Gas']
    // GB/T 50493-2019: 二级 (second level) is the higher set point → red; 一级 → orange.
    // Said as "reached the set point" so it is not read against the warning-level badge beside it.
    if (a.level === 1) return { text: `${zh}达到二级报警值`, textEn: `${en} at the second alarm set point` }
    if (a.level === 2) return { text: `${zh}达到一级报警值`, textEn: `${en} at the first alarm set point` }
    return { text: `${zh}报警`, textEn: `${en} alarm` }
  }
  if (a.type === 'gas_low' && substance) {
    return { text: `${substance[0]}低限报警`, textEn: `${substance[1]} low alarm` }
  }
  if (a.type === 'emission_exceedance' && substance) {
    return { text: `${substance[0]}排放超标`, textEn: `${substance[1]} emission limit exceeded` }
  }
  const known = TYPES[a.type]
  if (known) return { text: known[0], textEn: known[1] }
  // The rules' generic types: `${metric}_high`, `${metric}_low`, `${metric}_rate_of_rise`.
  const generic = /^([a-z0-9]+)_(high|low|rate_of_rise)$/.exec(a.type)
  const named = generic ? SUBSTANCES[generic[1]!] : undefined
  if (generic && named) {
    if (generic[2] === 'high') return { text: `${named[0]}过高`, textEn: `${named[1]} high` }
    if (generic[2] === 'low') return { text: `${named[0]}过低`, textEn: `${named[1]} low` }
    return { text: `${named[0]}上升速率报警`, textEn: `${named[1]} rate-of-rise alarm` }
  }
  return { text: `${a.type}报警`, textEn: `${a.type} alarm` }
}

/** Where: the area, else the device, else the enterprise, else the device id. */
export function placeOf(
  park: Park,
  at: { area?: string | undefined; device?: string | undefined; enterprise?: string | undefined },
  device: Device | undefined,
): Bilingual {
  const area = at.area !== undefined ? park.areas.find((x) => x.id === at.area) : undefined
  if (area) return { text: area.name, textEn: area.nameEn ?? area.name }
  if (device) return { text: device.name, textEn: device.nameEn ?? device.name }
  const ent = at.enterprise !== undefined ? park.enterprises.find((e) => e.id === at.enterprise) : undefined
  if (ent) return { text: ent.name, textEn: ent.nameEn }
  const id = at.device ?? park.id
  return { text: id, textEn: id }
}

/** A latched alarm (cleared, awaiting reset; ISA-18.2 latching alarm, GB 16808 复位): what it was, and that it waits. */
export function latchedText(what: Bilingual): Bilingual {
  return { text: `${what.text}（已锁存，待复位）`, textEn: `${what.textEn} (latched, awaiting reset)` }
}

export function joinPlace(what: Bilingual, where: Bilingual): Bilingual {
  return { text: `${what.text} · ${where.text}`, textEn: `${what.textEn} · ${where.textEn}` }
}

export function deviceOfflineText(device: Device): Bilingual {
  return {
    text: `安全监测设备离线 · ${device.name}`,
    textEn: `Safety device offline · ${device.nameEn ?? device.name}`,
  }
}

export function moreOfflineText(count: number, where: Bilingual): Bilingual {
  return {
    text: `另有 ${count} 台安全监测设备离线 · ${where.text}`,
    textEn: `${count} more safety devices offline · ${where.textEn}`,
  }
}

export function blindSpotText(offline: number, total: number, where: Bilingual): Bilingual {
  const pct = Math.round((offline / total) * 100)
  return {
    text: `监测盲区：${offline}/${total} 台安全设备离线（${pct}%） · ${where.text}`,
    textEn: `Monitoring blind spot: ${offline} of ${total} safety devices offline (${pct} %) · ${where.textEn}`,
  }
}
