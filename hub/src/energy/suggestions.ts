/**
 * Energy-optimisation suggestions (节能建议), each with the figures behind it, from one
 * enterprise's recent hourly electricity, daily standard coal and 15-minute demand. Pure.
 *
 *   base_load          night (00:00–06:00) mean load ≥ 50 % of the day's (08:00–20:00): what
 *                      bringing it down to 50 % would save per day
 *   peak_shift         share of kWh in peak tariff periods above the peak periods' share of
 *                      the day: what shifting 10 % of peak kWh to the valley would save
 *                      (prices from the tariff, tariff.ts — check them)
 *   demand_near_limit  15-minute demand within 90 % of the contracted maximum demand
 *   unusual_day        a recent day's tce above 1.3 × and 2 σ over the mean of the same
 *                      weekday in the 4 weeks before it (at least 2 of them with full data)
 */
import type { LocalCalendar } from './calendar.js'
import { round } from './coefficients.js'
import type { ScopeInfo } from './settings.js'
import { periodAt, priceOf, type ResolvedTariff } from './tariff.js'

export type SuggestionKind = 'base_load' | 'peak_shift' | 'demand_near_limit' | 'unusual_day'

export interface Suggestion {
  id: string
  enterprise: string
  park: string
  kind: SuggestionKind
  title: string
  titleEn: string
  text: string
  textEn: string
  figures: Record<string, number | string | null>
}

export interface SuggestionData {
  enterprise: ScopeInfo
  /** Electricity per local hour (kWh), counted meters; gap hours are left out of means. */
  hourly: { start: number; kwh: number; gap: boolean }[]
  /** Standard coal per local day (tce). */
  daily: { start: number; tce: number; gap: boolean }[]
  /** Enterprise demand per 15-minute window (kW). */
  demand: { start: number; kw: number }[]
  tariff: ResolvedTariff
  cal: LocalCalendar
  /** kgce per kWh used for the savings figures. */
  kgcePerKwh: number
  now: number
}

export const SUGGESTION_DEFAULTS = {
  nightHours: [0, 6] as const,
  dayHours: [8, 20] as const,
  baseLoadRatio: 0.5,
  shiftShare: 0.1,
  demandNear: 0.9,
  unusualRatio: 1.3,
  unusualSigma: 2,
  recentDays: 7,
  baselineWeeks: 4,
}
export type SuggestionOptions = typeof SUGGESTION_DEFAULTS

const pct = (x: number): string => `${round(x * 100, 1)}%`

export function suggest(d: SuggestionData, o: SuggestionOptions = SUGGESTION_DEFAULTS): Suggestion[] {
  return [baseLoad(d, o), peakShift(d, o), demandNearLimit(d, o), ...unusualDays(d, o)].filter((s): s is Suggestion => s !== undefined)
}

function make(d: SuggestionData, kind: SuggestionKind, suffix: string, t: Omit<Suggestion, 'id' | 'enterprise' | 'park' | 'kind'>): Suggestion {
  return { id: `${kind}:${d.enterprise.id}${suffix}`, enterprise: d.enterprise.id, park: d.enterprise.park, kind, ...t }
}

function baseLoad(d: SuggestionData, o: SuggestionOptions): Suggestion | undefined {
  let nightKwh = 0, nightH = 0, dayKwh = 0, dayH = 0
  for (const h of d.hourly) {
    if (h.gap) continue
    const hour = d.cal.parts(h.start).hour
    if (hour >= o.nightHours[0] && hour < o.nightHours[1]) {
      nightKwh += h.kwh
      nightH++
    } else if (hour >= o.dayHours[0] && hour < o.dayHours[1]) {
      dayKwh += h.kwh
      dayH++
    }
  }
  if (nightH === 0 || dayH === 0 || dayKwh <= 0) return undefined
  const nightKw = nightKwh / nightH
  const dayKw = dayKwh / dayH
  const ratio = nightKw / dayKw
  if (ratio < o.baseLoadRatio) return undefined
  const nightLen = o.nightHours[1] - o.nightHours[0]
  const excessKwhPerDay = Math.max(0, nightKw - o.baseLoadRatio * dayKw) * nightLen
  const f = { nightKw: round(nightKw, 1), dayKw: round(dayKw, 1), ratio: round(ratio, 3), targetRatio: o.baseLoadRatio, excessKwhPerDay: round(excessKwhPerDay, 1), excessKgcePerDay: round(excessKwhPerDay * d.kgcePerKwh, 1), nightHours: '00:00–06:00', dayHours: '08:00–20:00' }
  return make(d, 'base_load', '', {
    title: '夜间基础负荷偏高', titleEn: 'High night-time base load',
    text: `夜间（00:00–06:00）平均负荷 ${f.nightKw} kW，为白天（08:00–20:00）平均负荷 ${f.dayKw} kW 的 ${pct(ratio)}。请核查夜间仍在运行的照明、空压机、循环水泵和待机设备；若夜间负荷降至白天的 ${pct(o.baseLoadRatio)}，每天约可节电 ${f.excessKwhPerDay} kWh（${f.excessKgcePerDay} kgce）。`,
    textEn: `Mean night load (00:00–06:00) is ${f.nightKw} kW, ${pct(ratio)} of the daytime mean (08:00–20:00) of ${f.dayKw} kW. Check lighting, compressors, circulation pumps and idling equipment left running at night; bringing the night load down to ${pct(o.baseLoadRatio)} of daytime would save about ${f.excessKwhPerDay} kWh (${f.excessKgcePerDay} kgce) a day.`,
    figures: f,
  })
}

function peakShift(d: SuggestionData, o: SuggestionOptions): Suggestion | undefined {
  const kwh = { peak: 0, flat: 0, valley: 0 }
  const starts: number[] = []
  for (const h of d.hourly) {
    // Hours without readings (before a meter's first reading, or silent) are not days of history.
    if (h.gap) continue
    const p = d.cal.parts(h.start)
    kwh[periodAt(d.tariff, p.hour, p.minute)] += h.kwh
    starts.push(h.start)
  }
  const total = kwh.peak + kwh.flat + kwh.valley
  if (total <= 0 || kwh.peak <= 0) return undefined
  const peakShare = kwh.peak / total
  const peakHoursShare = d.tariff.byMinute.filter((k) => k === 'peak').length / 1440
  if (peakShare <= peakHoursShare) return undefined
  const days = Math.max(1, new Set(starts.map((s) => d.cal.dayKey(s))).size)
  const pricePeak = priceOf(d.tariff, 'peak')
  const priceValley = priceOf(d.tariff, 'valley')
  const shiftKwh = kwh.peak * o.shiftShare
  const saving = shiftKwh * (pricePeak - priceValley)
  const f = {
    days, peakKwh: round(kwh.peak, 1), flatKwh: round(kwh.flat, 1), valleyKwh: round(kwh.valley, 1), peakShare: round(peakShare, 4), peakHoursShare: round(peakHoursShare, 4),
    shiftShare: o.shiftShare, shiftKwh: round(shiftKwh, 1), pricePeak: round(pricePeak, 4), priceValley: round(priceValley, 4), savingYuan: round(saving, 2), savingYuanPer30Days: round((saving * 30) / days, 2),
  }
  return make(d, 'peak_shift', '', {
    title: '峰时段用电占比偏高', titleEn: 'Large share of use in peak tariff periods',
    text: `近 ${days} 天峰时段用电 ${f.peakKwh} kWh，占 ${pct(peakShare)}（峰时段占全天时长的 ${pct(peakHoursShare)}）。将峰时段用电的 ${pct(o.shiftShare)}（${f.shiftKwh} kWh）移至谷时段（如错峰安排电炉、破碎、充电等可调负荷），按峰 ${f.pricePeak} 元/kWh、谷 ${f.priceValley} 元/kWh 计，可节省电费约 ${f.savingYuan} 元（折合每 30 天 ${f.savingYuanPer30Days} 元）。电价请以现行分时电价文件核对。`,
    textEn: `Over the last ${days} days ${f.peakKwh} kWh (${pct(peakShare)}) fell in peak periods, which are ${pct(peakHoursShare)} of the day. Moving ${pct(o.shiftShare)} of it (${f.shiftKwh} kWh) to valley hours (furnaces, crushers, charging and other flexible loads) would save about ${f.savingYuan} yuan at ${f.pricePeak} yuan/kWh peak and ${f.priceValley} yuan/kWh valley (${f.savingYuanPer30Days} yuan per 30 days). Check the prices against the tariff in force.`,
    figures: f,
  })
}

function demandNearLimit(d: SuggestionData, o: SuggestionOptions): Suggestion | undefined {
  const limit = d.enterprise.budgets.maxDemandKw
  if (limit === undefined || d.demand.length === 0) return undefined
  let max = d.demand[0]!
  let near = 0
  for (const w of d.demand) {
    if (w.kw > max.kw) max = w
    if (w.kw >= o.demandNear * limit) near++
  }
  if (max.kw < o.demandNear * limit) return undefined
  const f = { maxDemandKw: round(max.kw, 1), at: d.cal.minuteLabel(max.start), contractedKw: limit, ratio: round(max.kw / limit, 4), windowsNearLimit: near, nearShare: o.demandNear }
  return make(d, 'demand_near_limit', '', {
    title: '需量接近合同最大需量', titleEn: 'Demand close to the contracted maximum',
    text: `15 分钟平均需量最高 ${f.maxDemandKw} kW（${f.at}），为合同最大需量 ${limit} kW 的 ${pct(f.ratio)}；共有 ${near} 个 15 分钟时段达到 ${pct(o.demandNear)} 以上。建议错开大功率设备启动、设置需量控制，或评估调整合同需量。`,
    textEn: `The highest 15-minute demand was ${f.maxDemandKw} kW (${f.at}), ${pct(f.ratio)} of the contracted ${limit} kW; ${near} windows reached ${pct(o.demandNear)} or more. Stagger the start of large loads, add demand control, or review the contracted demand.`,
    figures: f,
  })
}

function unusualDays(d: SuggestionData, o: SuggestionOptions): Suggestion[] {
  const out: Suggestion[] = []
  const today = d.cal.startOf('day', d.now)
  const byDay = new Map(d.daily.map((x) => [d.cal.dayKey(x.start), x]))
  const recent = d.daily.filter((x) => x.start < today).sort((a, b) => b.start - a.start).slice(0, o.recentDays)
  for (const day of recent) {
    if (day.gap) continue
    const base: number[] = []
    const p = d.cal.parts(day.start)
    for (let k = 1; k <= o.baselineWeeks; k++) {
      const b = byDay.get(d.cal.dayKey(d.cal.instant(p.year, p.month, p.day - 7 * k, 12)))
      if (b && !b.gap) base.push(b.tce)
    }
    if (base.length < 2) continue
    const mean = base.reduce((a, b) => a + b, 0) / base.length
    const sd = Math.sqrt(base.reduce((a, b) => a + (b - mean) ** 2, 0) / (base.length - 1))
    if (mean <= 0 || day.tce <= mean * o.unusualRatio || day.tce <= mean + o.unusualSigma * sd) continue
    const label = d.cal.dayKey(day.start)
    const f = { day: label, weekday: p.weekday, tce: round(day.tce, 3), baselineTce: round(mean, 3), baselineSd: round(sd, 3), ratio: round(day.tce / mean, 3), baselineDays: base.length }
    out.push(make(d, 'unusual_day', `:${label}`, {
      title: '单日能耗异常偏高', titleEn: 'A day far above its weekday baseline',
      text: `${label} 综合能耗 ${f.tce} tce，为此前 ${base.length} 个同星期日均值 ${f.baselineTce} tce 的 ${pct(f.ratio)}（标准差 ${f.baselineSd} tce）。请核查当天的生产安排、设备故障或计量异常。`,
      textEn: `On ${label} energy use was ${f.tce} tce, ${pct(f.ratio)} of the mean of the ${base.length} same weekdays before it (${f.baselineTce} tce, σ ${f.baselineSd} tce). Check that day's production plan, equipment faults or metering problems.`,
      figures: f,
    }))
  }
  return out
}
