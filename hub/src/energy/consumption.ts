/**
 * Consumption tables: per meter bucket usage (counter.ts) summed into local hours, days or
 * months (calendar.ts) per enterprise, and for the scope asked (meter, enterprise, park or
 * zone), in native units and in standard coal (GB/T 2589-2020, coefficients.ts).
 *
 * Sub-meters (`Device.submeter`) are listed per meter but left out of enterprise, park and
 * zone totals, which would count their use twice. Water is reported in m³, never in kgce.
 */
import type { LocalCalendar, Period } from './calendar.js'
import { CARRIER_INFO, CARRIERS, round, toKgce, type Carrier, type Coefficients, type ElectricityBasis } from './coefficients.js'
import type { BucketUsage } from './counter.js'

export type Every = '1h' | '1d' | '1mo'
export const PERIOD_OF: Readonly<Record<Every, Period>> = { '1h': 'hour', '1d': 'day', '1mo': 'month' }

export interface MeterMeta {
  device: string
  park: string
  enterprise: string
  submeter: boolean
  intervalSec: number
  /** The zone file's rated maximum rate per metric, per hour (meter-limits.ts); absent: the defaults. */
  maxRate?: Readonly<Record<string, number>> | undefined
}

/** One counter of one meter, bucket by bucket. */
export interface MeterSeries {
  meta: MeterMeta
  carrier: Carrier
  buckets: BucketUsage[]
  /** Time of the reading before the range, when there was one: the meter was counting from then. */
  since?: number | undefined
}

export interface Gap {
  device: string
  from: number
  to: number
}

export interface Amount {
  amount: number
  unit: string
  /** Standard coal, kgce; null for water. */
  kgce: number | null
}
export type Amounts = Record<Carrier, Amount>

export interface Row {
  start: number
  label: string
  carriers: Amounts
  kgce: number
  tce: number
  gap: boolean
  resets: number
  drops: number
  /** Steps left out as implausible (above the meter's rated rate): a gap, never use. */
  implausible: number
}

/** What was left out of the figures as implausible, and why (docs/energy.md). */
export interface Excluded {
  intervals: number
  reason: string
}

export const IMPLAUSIBLE_REASON = 'counter step above what the meter can measure in the elapsed time (its rated maximum rate), or back to a base the counter had left: a glitch or a replaced meter, not use'

export const excludedOf = (intervals: number): Excluded => ({ intervals, reason: IMPLAUSIBLE_REASON })

export interface MeterTotal {
  device: string
  park: string
  enterprise: string
  submeter: boolean
  carriers: Partial<Amounts>
  tce: number
  resets: number[]
  drops: number[]
  /** Starts of the buckets holding a step left out as implausible. */
  implausible: number[]
  gaps: { from: number; to: number }[]
}

export interface EnterpriseTable {
  enterprise: string
  park: string
  rows: Row[]
  total: Omit<Row, 'start' | 'label'>
}

export interface ConsumptionTable {
  period: Period
  rows: Row[]
  total: Omit<Row, 'start' | 'label'>
  enterprises: EnterpriseTable[]
  meters: MeterTotal[]
  /** Implausible steps left out, over every meter in the answer (sub-meters included). */
  excluded: Excluded
}

export interface AggregateOptions {
  cal: LocalCalendar
  period: Period
  from: number
  to: number
  /** Readings stop counting as "present" after this (now): later periods are not gaps. */
  now: number
  coefficients: Coefficients
  basis: ElectricityBasis
  gapFactor: number
  /** Count sub-meters in the totals (a query for one meter). */
  includeSubmeters: boolean
}

interface Acc {
  amounts: Record<Carrier, number>
  gap: boolean
  resets: number
  drops: number
  implausible: number
}

const emptyAcc = (): Acc => ({ amounts: { kwh: 0, gas_m3: 0, steam_t: 0, water_m3: 0 }, gap: false, resets: 0, drops: 0, implausible: 0 })

/** Period starts covering [from, to). */
export function periodStarts(cal: LocalCalendar, period: Period, from: number, to: number): number[] {
  const out: number[] = []
  for (let t = cal.startOf(period, from); t < to; t = cal.next(period, t)) out.push(t)
  return out
}

export function aggregate(series: readonly MeterSeries[], gaps: readonly Gap[], o: AggregateOptions): ConsumptionTable {
  const starts = periodStarts(o.cal, o.period, o.from, o.to)
  const index = new Map(starts.map((s, i) => [s, i]))
  const ends = starts.map((s) => o.cal.next(o.period, s))
  const slots = new Map<number, number | undefined>()
  const slot = (ts: number): number | undefined => {
    if (!slots.has(ts)) slots.set(ts, index.get(o.cal.startOf(o.period, ts)))
    return slots.get(ts)
  }
  const counted = (m: MeterMeta): boolean => o.includeSubmeters || !m.submeter

  const byEnterprise = new Map<string, { park: string; accs: Acc[] }>()
  const meters = new Map<string, { meta: MeterMeta; amounts: Partial<Record<Carrier, number>>; resets: number[]; drops: number[]; implausible: number[]; gaps: { from: number; to: number }[]; firstStart: number; lastEnd: number }>()
  const meterOf = (meta: MeterMeta) => {
    let m = meters.get(meta.device)
    if (!m) meters.set(meta.device, (m = { meta, amounts: {}, resets: [], drops: [], implausible: [], gaps: [], firstStart: Infinity, lastEnd: -Infinity }))
    return m
  }
  const accsOf = (meta: MeterMeta): Acc[] => {
    let e = byEnterprise.get(meta.enterprise)
    if (!e) byEnterprise.set(meta.enterprise, (e = { park: meta.park, accs: starts.map(emptyAcc) }))
    return e.accs
  }

  for (const s of series) {
    const m = meterOf(s.meta)
    const accs = counted(s.meta) ? accsOf(s.meta) : undefined
    if (s.since !== undefined) m.firstStart = Math.min(m.firstStart, s.since)
    for (const b of s.buckets) {
      m.firstStart = Math.min(m.firstStart, b.start)
      const i = slot(b.start)
      if (i === undefined) continue
      m.amounts[s.carrier] = (m.amounts[s.carrier] ?? 0) + b.usage
      if (b.reset) m.resets.push(b.start)
      if (b.drop) m.drops.push(b.start)
      if (b.implausible) m.implausible.push(b.start)
      if (b.gapFrom !== undefined) m.gaps.push({ from: b.gapFrom, to: b.start })
      m.lastEnd = Math.max(m.lastEnd, b.end)
      const a = accs?.[i]
      if (!a) continue
      a.amounts[s.carrier] += b.usage
      a.gap ||= b.gap
      if (b.reset) a.resets++
      if (b.drop) a.drops++
      if (b.implausible) a.implausible++
    }
  }
  for (const g of gaps) {
    const m = meters.get(g.device)
    if (!m) continue
    m.gaps.push({ from: g.from, to: g.to })
    if (!counted(m.meta)) continue
    const accs = accsOf(m.meta)
    starts.forEach((s, i) => {
      if (g.from < ends[i]! && g.to > s) accs[i]!.gap = true
    })
  }
  // Periods before a meter's first reading in the range (none before it), and after it has
  // stopped reporting, have no data from it.
  for (const m of meters.values()) {
    if (!counted(m.meta) || m.lastEnd === -Infinity) continue
    const silentFrom = m.lastEnd + o.gapFactor * m.meta.intervalSec * 1000
    const accs = accsOf(m.meta)
    starts.forEach((s, i) => {
      if ((ends[i]! > silentFrom && s < o.now) || s < m.firstStart) accs[i]!.gap = true
    })
  }

  const toRow = (a: Acc): Omit<Row, 'start' | 'label'> => {
    const carriers = {} as Amounts
    let kgce = 0
    for (const c of CARRIERS) {
      const k = toKgce(c, a.amounts[c], o.coefficients, o.basis)
      if (k !== undefined) kgce += k
      carriers[c] = { amount: round(a.amounts[c], 3), unit: CARRIER_INFO[c].unit, kgce: k === undefined ? null : round(k, 3) }
    }
    return { carriers, kgce: round(kgce, 3), tce: round(kgce / 1000, 6), gap: a.gap, resets: a.resets, drops: a.drops, implausible: a.implausible }
  }
  const sum = (accs: Acc[]): Acc => {
    const t = emptyAcc()
    for (const a of accs) {
      for (const c of CARRIERS) t.amounts[c] += a.amounts[c]
      t.gap ||= a.gap
      t.resets += a.resets
      t.drops += a.drops
      t.implausible += a.implausible
    }
    return t
  }
  const labels = starts.map((t) => o.cal.label(o.period, t))
  const rowsOf = (accs: Acc[]): Row[] => accs.map((a, i) => ({ start: starts[i]!, label: labels[i]!, ...toRow(a) }))

  const enterprises: EnterpriseTable[] = []
  const scopeAccs = starts.map(emptyAcc)
  for (const [enterprise, e] of [...byEnterprise].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    enterprises.push({ enterprise, park: e.park, rows: rowsOf(e.accs), total: toRow(sum(e.accs)) })
    e.accs.forEach((a, i) => {
      const t = scopeAccs[i]!
      for (const c of CARRIERS) t.amounts[c] += a.amounts[c]
      t.gap ||= a.gap
      t.resets += a.resets
      t.drops += a.drops
      t.implausible += a.implausible
    })
  }
  const meterTotals: MeterTotal[] = [...meters.values()].sort((a, b) => (a.meta.device < b.meta.device ? -1 : 1)).map((m) => {
    const carriers: Partial<Amounts> = {}
    let kgce = 0
    for (const c of CARRIERS) {
      const amount = m.amounts[c]
      if (amount === undefined) continue
      const k = toKgce(c, amount, o.coefficients, o.basis)
      if (k !== undefined) kgce += k
      carriers[c] = { amount: round(amount, 3), unit: CARRIER_INFO[c].unit, kgce: k === undefined ? null : round(k, 3) }
    }
    return { device: m.meta.device, park: m.meta.park, enterprise: m.meta.enterprise, submeter: m.meta.submeter, carriers, tce: round(kgce / 1000, 6), resets: m.resets, drops: m.drops, implausible: m.implausible, gaps: mergeGaps(m.gaps) }
  })
  const excluded = excludedOf(meterTotals.reduce((n, m) => n + m.implausible.length, 0))
  return { period: o.period, rows: rowsOf(scopeAccs), total: toRow(sum(scopeAccs)), enterprises, meters: meterTotals, excluded }
}

function mergeGaps(gaps: { from: number; to: number }[]): { from: number; to: number }[] {
  const sorted = [...gaps].sort((a, b) => a.from - b.from)
  const out: { from: number; to: number }[] = []
  for (const g of sorted) {
    const last = out[out.length - 1]
    if (last && g.from <= last.to) last.to = Math.max(last.to, g.to)
    else out.push({ ...g })
  }
  return out
}
