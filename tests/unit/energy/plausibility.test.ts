import { describe, expect, it } from 'vitest'
import { advance, counterIntervals, summaryUsage, type CounterReading, type StepKind, type SummaryBucket } from '../../../hub/src/energy/counter.js'
import { DEFAULT_MAX_RATE, maxRatesOf } from '../../../hub/src/energy/meter-limits.js'
import { BudgetMonitor, type MeterInfo } from '../../../hub/src/energy/budget-monitor.js'
import { CLEAR_AFTER } from '../../../hub/src/energy/plausibility-alarms.js'
import { EnergyService } from '../../../hub/src/energy/energy-service.js'
import type { MeterMeta } from '../../../hub/src/energy/consumption.js'
import { resolveEnergySettings } from '../../../hub/src/energy/settings.js'
import type { Transition } from '../../../hub/src/model/alarm.js'
import { cal, energyReading, HOUR, local, MIN, zone } from './fixtures.js'
import { memoryStore, type Pt } from './memory-store.js'

/** 600 kWh/h: 10 kWh a minute at most. */
const RATE = 600

describe('a counter step against the rated rate (600 kWh/h → 10 kWh a minute)', () => {
  const cases: [string, number, number, StepKind, number][] = [
    // name, minutes elapsed, step, kind, usage
    ['well below the rate', 1, 5, 'normal', 5],
    ['exactly the rated rate counts', 1, 10, 'normal', 10],
    ['just above the rated rate is a gap', 1, 10.01, 'implausible', 0],
    ['exactly the rate over 2 minutes', 2, 20, 'normal', 20],
    ['just above it over 2 minutes', 2, 20.001, 'implausible', 0],
    ['the issue’s jump, minutes apart', 3, 642_868, 'implausible', 0],
    ['a hair backwards is jitter', 1, -0.0005, 'jitter', 0],
  ]
  it.each(cases)('%s: %d min, %d kWh → %s, uses %d', (_n, min, d, kind, usage) => {
    const a = advance({ baseline: { ts: 0, value: 1000 } }, { ts: min * MIN, value: 1000 + d }, RATE)
    expect(a.kind).toBe(kind)
    expect(a.usage).toBeCloseTo(usage, 9)
    expect(a.limit).toBeCloseTo(10 * min, 9)
  })

  it('a backwards step is a reset (to near zero) or a drop, never negative use', () => {
    expect(advance({ baseline: { ts: 0, value: 50_000 } }, { ts: MIN, value: 3 }, RATE)).toMatchObject({ kind: 'reset', usage: 3 })
    // a "reset" reading above what a new meter can have counted since the last reading: a used meter
    expect(advance({ baseline: { ts: 0, value: 50_000 } }, { ts: MIN, value: 11 }, RATE)).toMatchObject({ kind: 'drop', usage: 0 })
    expect(advance({ baseline: { ts: 0, value: 50_000 } }, { ts: MIN, value: 40_000 }, RATE)).toMatchObject({ kind: 'drop', usage: 0 })
  })

  it('without a rate (∞) the steps are as before: a big forward step counts', () => {
    expect(advance({ baseline: { ts: 0, value: 0 } }, { ts: MIN, value: 1e9 }, Infinity)).toMatchObject({ kind: 'normal', usage: 1e9 })
  })
})

describe('defaults and the zone file’s maxRate', () => {
  it('defaults per carrier; a device’s maxRate wins; kw follows kwh', () => {
    expect(maxRatesOf({})).toEqual(DEFAULT_MAX_RATE)
    expect(maxRatesOf({ maxRate: { kwh: 600 } })).toMatchObject({ kwh: 600, kw: 600, gas_m3: 10_000 })
    expect(maxRatesOf({ maxRate: { kw: 800, gas_m3: 50 } })).toMatchObject({ kwh: 800, kw: 800, gas_m3: 50 })
  })
})

/** The counter: two bases minutes apart (2 283 920 → 1 641 063 → 2 283 931 kWh). */
const A0 = 2_283_920
const B0 = 1_641_063
const alternating = (n: number, t0 = 0): CounterReading[] =>
  Array.from({ length: n }, (_, i) => ({ ts: t0 + i * 2 * MIN, value: i % 2 === 0 ? A0 + (i / 2) * 11 : B0 + ((i - 1) / 2) * 7 }))

describe('a counter alternating between two bases', () => {
  it('the issue’s three readings: 11 kWh of use plus two left-out steps, not 643 000', () => {
    const out = counterIntervals([{ ts: 0, value: A0 }, { ts: 2 * MIN, value: B0 }, { ts: 4 * MIN, value: 2_283_931 }], MIN, 3, DEFAULT_MAX_RATE.kwh)
    expect(out.map((i) => [i.kind, i.usage, i.implausible])).toEqual([['drop', 0, false], ['resumed', 11, true], ])
    expect(out.reduce((a, i) => a + i.usage, 0)).toBe(11)
  })

  it('many alternations: the use of the counter’s own base only', () => {
    const rs = alternating(41) // A at even minutes ×2, 21 A readings: 20 × 11 = 220 kWh
    const out = counterIntervals(rs, 2 * MIN, 3, DEFAULT_MAX_RATE.kwh)
    expect(out.reduce((a, i) => a + i.usage, 0)).toBe(220)
    expect(out.filter((i) => i.implausible)).toHaveLength(20)
    // without plausibility every forward jump counted as use
    const before = counterIntervals(rs, 2 * MIN).reduce((a, i) => a + i.usage, 0)
    expect(before).toBeGreaterThan(20 * 642_000)
  })

  const summarise = (rs: CounterReading[], len: number): SummaryBucket[] => {
    const by = new Map<number, CounterReading[]>()
    for (const x of rs) {
      const b = Math.floor(x.ts / len) * len
      by.set(b, [...(by.get(b) ?? []), x])
    }
    return [...by].map(([start, xs]) => ({ start, end: start + len, s: { first: xs[0]!.value, last: xs[xs.length - 1]!.value, min: Math.min(...xs.map((x) => x.value)), max: Math.max(...xs.map((x) => x.value)), n: xs.length } }))
  }

  const layouts: [string, CounterReading[], number][] = [
    ['all three in one hour', [{ ts: 10 * MIN, value: A0 }, { ts: 12 * MIN, value: B0 }, { ts: 14 * MIN, value: A0 + 11 }], 11],
    ['the drop at an hour’s end, the return in the next', [{ ts: 56 * MIN, value: A0 }, { ts: 58 * MIN, value: B0 }, { ts: 62 * MIN, value: A0 + 11 }], 11],
    ['the drop across the boundary, the return inside', [{ ts: 58 * MIN, value: A0 }, { ts: 61 * MIN, value: B0 }, { ts: 63 * MIN, value: A0 + 11 }], 11],
  ]
  it.each(layouts)('from hourly summaries (as InfluxDB answers): %s → %s kWh', (_n, rs, want) => {
    const [first, ...rest] = rs
    const got = summaryUsage(summarise(rest, HOUR), first, 3 * MIN, DEFAULT_MAX_RATE.kwh)
    expect(got.reduce((a, b) => a + b.usage, 0)).toBeCloseTo(want, 6)
    expect(got.some((b) => b.implausible && b.gap)).toBe(true)
  })

  it('a single wrong reading inside an hour (up 643 000 kWh and back): the hour’s use as counted, the hour marked as holding an implausible step', () => {
    const rs = Array.from({ length: 61 }, (_, i) => ({ ts: i * MIN, value: 1000 + i * 10 + (i === 30 ? 643_000 : 0) }))
    const [first, ...rest] = rs
    const got = summaryUsage(summarise(rest, HOUR), first, 3 * MIN, DEFAULT_MAX_RATE.kwh)
    expect(got.map((b) => [b.usage, b.implausible])).toEqual([[590, true], [10, false]])
    const live = counterIntervals(rs, MIN, 3, DEFAULT_MAX_RATE.kwh)
    expect(live.reduce((a, i) => a + i.usage, 0)).toBe(600)
    expect(live.filter((i) => i.implausible).map((i) => [i.kind, i.usage])).toEqual([['implausible', 0], ['resumed', 20]])
  })

  it('from hourly summaries, three hours of alternation: use of the order of the real use, not 643 000 a step', () => {
    const rs = alternating(91, 0) // 3 hours
    const [first, ...rest] = rs
    const got = summaryUsage(summarise(rest, HOUR), first, 6 * MIN, DEFAULT_MAX_RATE.kwh)
    const total = got.reduce((a, b) => a + b.usage, 0)
    // real use on the counter's own base: 45 × 11 = 495 kWh; summaries cannot tell every step of
    // the other base (7 kWh each) from it, so some of those count too (669 kWh here), never a jump
    expect(total).toBeGreaterThanOrEqual(495)
    expect(total).toBeLessThan(2 * 495)
    expect(summaryUsage(summarise(rest, HOUR), first, 6 * MIN).reduce((a, b) => a + b.usage, 0)).toBeGreaterThan(600_000)
  })
})

describe('the live monitor: meter_implausible (device-health, blue) and budgets on plausible data only', () => {
  const settings = resolveEnergySettings(zone())
  const monitor = () => new BudgetMonitor({ settings, calendar: cal, mainMeter: () => 'ti01-main' })
  const main: MeterInfo = { id: 'ti01-main', park: 'vtc', enterprise: 'ti01', interval: 60, submeter: false, maxRate: { kwh: RATE } }
  const t0 = local(2025, 6, 10, 9)
  const feed = (m: BudgetMonitor, min: number, values: Record<string, number>): Transition[] => m.onReading(energyReading('ti01-main', t0 + min * MIN, values), main, t0 + min * MIN)

  it('a forward step above the rated rate: an alarm with the figures, no use; clears after a run of plausible readings', () => {
    const m = monitor()
    feed(m, 0, { kwh: 1000 })
    expect(feed(m, 1, { kwh: 1010 })).toEqual([]) // exactly the rate
    const out = feed(m, 2, { kwh: 1020.5 }) // 10.5 kWh in a minute
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({ key: 'meter_implausible:ti01-main:kwh', rule: 'meter_plausibility', type: 'meter_implausible', kind: 'activate', level: 4, class: 'device-health', device: 'ti01-main', metric: 'kwh', value: 10.5, threshold: 10 })
    expect(out[0]!.message).toContain('10.5 kWh in 1 min (1,010 → 1,020.5)')
    expect(out[0]!.message).toContain('more than the 10 kWh')
    expect(m.used('e', 'ti01', t0).dayTce * 1000).toBeCloseTo(10 * 0.1229, 9)
    expect(m.leftOut('e', 'ti01', t0).day).toBe(1)
    const later: Transition[] = []
    for (let i = 1; i < CLEAR_AFTER; i++) later.push(...feed(m, 2 + i, { kwh: 1020.5 + i }))
    expect(later).toEqual([])
    later.push(...feed(m, 2 + CLEAR_AFTER, { kwh: 1020.5 + CLEAR_AFTER }))
    expect(later.map((t) => [t.key, t.kind])).toEqual([['meter_implausible:ti01-main:kwh', 'clear']])
  })

  it('history (older than the 10-minute live window, e.g. a backfill) is left out the same way but raises no alarm', () => {
    const m = monitor()
    const now = t0 + 20 * MIN
    const old = (min: number, kwh: number) => m.onReading(energyReading('ti01-main', t0 + min * MIN, { kwh }), main, now)
    old(0, 1000)
    expect(old(9, 1500)).toEqual([]) // 500 kWh in 9 minutes (limit 90), read 11 minutes ago: history
    expect(m.used('e', 'ti01', t0).dayTce).toBe(0)
    expect(m.leftOut('e', 'ti01', t0).day).toBe(1)
    // at exactly the live window's edge it raises
    expect(m.onReading(energyReading('ti01-main', now - 10 * MIN, { kwh: 5000 }), main, now).map((t) => t.type)).toEqual(['meter_implausible'])
  })

  it('a backwards step raises it too, with the figures', () => {
    const m = monitor()
    feed(m, 0, { kwh: A0 })
    const out = feed(m, 2, { kwh: B0 })
    expect(out[0]).toMatchObject({ type: 'meter_implausible', kind: 'activate', level: 4, value: A0 - B0 })
    expect(out[0]!.message).toContain('2,283,920 → 1,641,063 kWh')
  })

  it('the alternating counter adds 11 kWh to the day, not 643 000', () => {
    const m = monitor()
    const big = { ...main, maxRate: undefined }
    m.onReading(energyReading('ti01-main', t0, { kwh: A0 }), big, t0)
    m.onReading(energyReading('ti01-main', t0 + 2 * MIN, { kwh: B0 }), big, t0 + 2 * MIN)
    m.onReading(energyReading('ti01-main', t0 + 4 * MIN, { kwh: A0 + 11 }), big, t0 + 4 * MIN)
    expect(m.used('e', 'ti01', t0).dayTce * 1000).toBeCloseTo(11 * 0.1229, 9)
  })

  it('an active power above the rated power is left out of demand and raises the alarm', () => {
    const m = monitor()
    const out = feed(m, 0, { kw: 601 })
    expect(out[0]).toMatchObject({ type: 'meter_implausible', metric: 'kw', level: 4, value: 601, threshold: 600 })
    expect(feed(m, 1, { kw: 600 })).toEqual([])
  })

  it('a negative counter is left out with the alarm', () => {
    const m = monitor()
    feed(m, 0, { kwh: 1000 })
    expect(feed(m, 1, { kwh: -5 })[0]).toMatchObject({ type: 'meter_implausible', metric: 'kwh' })
    expect(feed(m, 2, { kwh: 1005 })).toEqual([]) // still active, counting good readings
    expect(m.used('e', 'ti01', t0).dayTce * 1000).toBeCloseTo(5 * 0.1229, 9)
  })

  it('budget and demand alarms are level 4, class energy; a budget alarm says what was left out', () => {
    const m = new BudgetMonitor({ settings: resolveEnergySettings(zone()), calendar: cal, mainMeter: () => 'ti01-main' })
    const meter: MeterInfo = { ...main, maxRate: { kwh: 1e9, kw: 1e9 } }
    m.onReading(energyReading('ti01-main', t0, { kwh: 0 }), meter, t0)
    m.onReading(energyReading('ti01-main', t0 + MIN, { kwh: 2e9 }), meter, t0 + MIN) // above 1e9 kWh/h: left out
    const out = m.onReading(energyReading('ti01-main', t0 + 2 * MIN, { kwh: 2e9 + 10_000 / 0.1229 * 0.9 }), meter, t0 + 2 * MIN)
    const budget = out.find((t) => t.rule === 'energy_budget')!
    expect(budget).toMatchObject({ key: 'energy_budget:e:ti01:day:90', level: 4, class: 'energy' })
    expect(budget.message).toContain('1 implausible meter intervals left out')
    const d: Transition[] = []
    const w0 = local(2025, 6, 10, 10)
    for (let i = 0; i <= 15; i++) d.push(...m.onReading(energyReading('ti01-main', w0 + i * MIN, { kw: 1200 }), meter, w0 + i * MIN))
    expect(d.filter((t) => t.rule === 'max_demand').map((t) => [t.type, t.level, t.class])).toEqual([['max_demand_exceeded', 4, 'energy']])
  })
})

describe('suggestions and budgets use plausible data only and say so', () => {
  const meters = new Map<string, MeterMeta>([['ti01-e', { device: 'ti01-e', park: 'vtc', enterprise: 'ti01', submeter: false, intervalSec: 600, maxRate: { kwh: 1000 } }]])
  const now = local(2025, 6, 6, 12)
  /** 100 kWh per 10 minutes (600 kW), with the counter jumping by 643 000 kWh and back on 5 June. */
  function points(): Pt[] {
    const out: Pt[] = []
    const from = local(2025, 5, 31, 23, 50)
    const glitch = local(2025, 6, 5, 10)
    for (let t = from, i = 0; t <= local(2025, 6, 6, 11, 50); t += 10 * MIN, i++) {
      const jump = t === glitch ? 643_000 : 0
      out.push({ device: 'ti01-e', park: 'vtc', enterprise: 'ti01', ts: t, values: { kwh: 500_000 + i * 100 + jump, kw: t === glitch ? 5000 : 600 } })
    }
    return out
  }
  const svc = () => new EnergyService({ settings: resolveEnergySettings(zone()), cal, store: memoryStore(points()), meters: () => meters })

  it('consumption: the glitch day has its ordinary use, and the answer says what was left out', async () => {
    const t = await svc().table({ enterprise: 'ti01' }, local(2025, 6, 4), local(2025, 6, 6), '1d', now)
    // the jump and the fall back both sit in the hour of 10:00: one hourly interval left out
    expect(t.rows.map((r) => [r.label, r.carriers.kwh.amount, r.implausible])).toEqual([['2025-06-04', 14_400, 0], ['2025-06-05', 14_400, 1]])
    expect(t.excluded.intervals).toBe(1)
    expect(t.excluded.reason).toMatch(/rated maximum rate/)
    expect(t.meters[0]!.implausible).toEqual([local(2025, 6, 5, 10)])
  })

  it('intensity (budget use) and suggestions carry the excluded count', async () => {
    const r = await svc().intensity('vtc', local(2025, 6, 1), local(2025, 6, 6), now)
    expect(r.enterprises.find((e) => e.enterprise === 'ti01')!.tce).toBeCloseTo(5 * 14_400 * 0.0001229, 6)
    expect(r.excluded.intervals).toBe(1)
    const s = await svc().suggestions({ enterprise: 'ti01' }, now)
    // the hour with the implausible counter steps, and the 15-minute window with 5000 kW (above the 1000 kW rating)
    expect(s.excluded.intervals).toBe(2)
  })
})
