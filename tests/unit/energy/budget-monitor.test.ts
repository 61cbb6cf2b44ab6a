import { describe, expect, it } from 'vitest'
import { BudgetMonitor, type MeterInfo } from '../../../hub/src/energy/budget-monitor.js'
import { resolveEnergySettings } from '../../../hub/src/energy/settings.js'
import type { Transition } from '../../../hub/src/model/alarm.js'
import { cal, energyReading, local, MIN, zone } from './fixtures.js'

/** Meters rated far above these tests' steps (budgets in a few minutes); plausibility has its own tests below. */
const BIG = { kwh: 1e12, water_m3: 1e12 }
const meter = (id: string, extra: Partial<MeterInfo> = {}): MeterInfo => ({ id, park: 'vtc', enterprise: 'ti01', interval: 60, submeter: false, maxRate: BIG, ...extra })
const monitor = () => new BudgetMonitor({ settings: resolveEnergySettings(zone()), calendar: cal, mainMeter: (e) => (e === 'ti01' ? 'ti01-main' : undefined) })
const brief = (t: Transition) => ({ key: t.key, kind: t.kind, level: t.level, value: t.value, threshold: t.threshold, device: t.device, enterprise: t.enterprise })

/** kWh that make `tce` of standard coal at 0.1229 kgce/kWh. */
const kwhFor = (tce: number): number => (tce * 1000) / 0.1229

describe('daily budget: 90 % and 100 % (level 4, blue)', () => {
  const day = local(2025, 6, 10)
  it('raises at 90 %, then at 100 %, once each; clears both when the day rolls over', () => {
    const m = monitor()
    const main = meter('ti01-main')
    const at = (min: number) => day + 8 * 60 * MIN + min * MIN
    const out: Transition[] = []
    out.push(...m.onReading(energyReading('ti01-main', at(0), { kwh: 100_000 }), main, at(0)))
    out.push(...m.onReading(energyReading('ti01-main', at(1), { kwh: 100_000 + kwhFor(8.9) }), main, at(1)))
    expect(out).toEqual([])
    out.push(...m.onReading(energyReading('ti01-main', at(2), { kwh: 100_000 + kwhFor(9.0) }), main, at(2)))
    out.push(...m.onReading(energyReading('ti01-main', at(3), { kwh: 100_000 + kwhFor(9.5) }), main, at(3)))
    expect(out.map(brief)).toEqual([{ key: 'energy_budget:e:ti01:day:90', kind: 'activate', level: 4, value: 9, threshold: 9, device: 'ti01-main', enterprise: 'ti01' }])
    expect(out[0]).toMatchObject({ rule: 'energy_budget', type: 'energy_budget_exceeded', metric: 'tce_day', park: 'vtc', ts: at(2) })
    out.length = 0
    out.push(...m.onReading(energyReading('ti01-main', at(4), { kwh: 100_000 + kwhFor(10) }), main, at(4)))
    expect(out.map(brief)).toEqual([{ key: 'energy_budget:e:ti01:day:100', kind: 'activate', level: 4, value: 10, threshold: 10, device: 'ti01-main', enterprise: 'ti01' }])
    expect(m.used('e', 'ti01', at(4)).dayTce).toBeCloseTo(10, 9)
    const next = local(2025, 6, 11, 0, 0, 10)
    expect(m.tick(next).filter((t) => t.key.includes(':day:')).map((t) => [t.key, t.kind])).toEqual([
      ['energy_budget:e:ti01:day:90', 'clear'], ['energy_budget:e:ti01:day:100', 'clear'],
    ])
  })

  it('the park budget sums its enterprises; park alarms name the park', () => {
    const m = monitor()
    const a = meter('ti01-main')
    const b = meter('v02-main', { enterprise: 'v02' })
    const t0 = day + 9 * 3600_000
    m.onReading(energyReading('ti01-main', t0, { kwh: 0 }), a, t0)
    m.onReading(energyReading('v02-main', t0, { kwh: 0 }, { enterprise: 'v02' }), b, t0)
    m.onReading(energyReading('ti01-main', t0 + MIN, { kwh: kwhFor(5) }), a, t0 + MIN)
    const out = m.onReading(energyReading('v02-main', t0 + MIN, { kwh: kwhFor(22) }, { enterprise: 'v02' }), b, t0 + MIN)
    // park vtc: 27 tce of 30 → 90 %
    expect(out.filter((t) => t.key.startsWith('energy_budget:p:')).map(brief)).toEqual([{ key: 'energy_budget:p:vtc:day:90', kind: 'activate', level: 4, value: 27, threshold: 27, device: 'vtc', enterprise: 'vtc' }])
  })

  it('water and sub-meters do not count; readings of another day count for that day only', () => {
    const m = monitor()
    const t0 = day + 9 * 3600_000
    m.onReading(energyReading('ti01-water', t0, { water_m3: 0 }), meter('ti01-water'), t0)
    m.onReading(energyReading('ti01-water', t0 + MIN, { water_m3: 1e9 }), meter('ti01-water'), t0 + MIN)
    m.onReading(energyReading('ti01-sub', t0, { kwh: 0 }), meter('ti01-sub', { submeter: true }), t0)
    m.onReading(energyReading('ti01-sub', t0 + MIN, { kwh: 1e9 }), meter('ti01-sub', { submeter: true }), t0 + MIN)
    const y = t0 - 86_400_000
    m.onReading(energyReading('ti01-main', y, { kwh: 0 }), meter('ti01-main'), t0)
    const out = m.onReading(energyReading('ti01-main', y + MIN, { kwh: kwhFor(50) }), meter('ti01-main'), t0)
    expect(out).toEqual([])
    expect(m.used('e', 'ti01', t0).dayTce).toBe(0)
    expect(m.used('e', 'ti01', y).dayTce).toBeCloseTo(50, 9)
  })

  it('monthly budget: use adds up over days of the month', () => {
    const m = monitor()
    const main = meter('ti01-main')
    const out: Transition[] = []
    for (let d = 1; d <= 20; d++) {
      const t = local(2025, 6, d, 12)
      out.push(...m.onReading(energyReading('ti01-main', t, { kwh: kwhFor(9.5 * d) }), main, t))
    }
    // 19 days × 9.5 tce after the first reading = 180.5 tce ≥ 90 % of 200
    expect(out.filter((t) => t.key.includes(':month:')).map((t) => [t.key, t.kind, t.value])).toEqual([['energy_budget:e:ti01:month:90', 'activate', 180.5]])
  })

  it('seed restates every budget condition once (alarms left from before a restart follow the figures)', () => {
    const m = monitor()
    const now = local(2025, 6, 10, 12)
    const out = m.seed({ usage: [{ scope: 'e', id: 'ti01', dayKgce: 9500, monthKgce: 50_000 }], baselines: [{ device: 'ti01-main', carrier: 'kwh', ts: now - MIN, value: 1000 }] }, now)
    const ti = out.filter((t) => t.enterprise === 'ti01').map((t) => [t.key, t.kind])
    expect(ti).toEqual([
      ['energy_budget:e:ti01:day:90', 'activate'], ['energy_budget:e:ti01:day:100', 'clear'],
      ['energy_budget:e:ti01:month:90', 'clear'], ['energy_budget:e:ti01:month:100', 'clear'],
    ])
    // the baseline makes the next reading count
    const next = m.onReading(energyReading('ti01-main', now, { kwh: 1000 + kwhFor(0.5) }), meter('ti01-main'), now)
    expect(next.map((t) => [t.key, t.kind])).toEqual([['energy_budget:e:ti01:day:100', 'activate']])
  })
})

describe('maximum demand over 15-minute windows (level 4, blue, class energy)', () => {
  const w0 = local(2025, 6, 10, 10)
  it('raises when a window’s mean kW is above the contracted 1000 kW, clears on a window at or below', () => {
    const m = monitor()
    const main = meter('ti01-main')
    const feed = (min: number, kw: number) => m.onReading(energyReading('ti01-main', w0 + min * MIN, { kw }), main, w0 + min * MIN)
    const out: Transition[] = []
    for (let i = 0; i < 15; i++) out.push(...feed(i, i < 5 ? 1200 : 950)) // mean 1033.3
    expect(out).toEqual([]) // not judged until the window is over
    out.push(...feed(15, 900))
    expect(out.map(brief)).toEqual([{ key: 'max_demand:e:ti01', kind: 'activate', level: 4, value: 1033.333, threshold: 1000, device: 'ti01-main', enterprise: 'ti01' }])
    expect(out[0]).toMatchObject({ rule: 'max_demand', type: 'max_demand_exceeded', metric: 'kw', ts: w0 + 15 * MIN, class: 'energy' })
    out.length = 0
    for (let i = 16; i < 30; i++) out.push(...feed(i, 990))
    out.push(...feed(30, 990))
    expect(out.map((t) => [t.key, t.kind, t.value])).toEqual([['max_demand:e:ti01', 'clear', 984]]) // (900 + 14 × 990) / 15
  })

  it('from kWh when the meter has no kW; a silent meter’s window is judged at tick', () => {
    const m = monitor()
    const main = meter('ti01-main')
    for (let i = 0; i <= 14; i++) m.onReading(energyReading('ti01-main', w0 + i * MIN, { kwh: 1000 + i * 20 }), main, w0 + i * MIN) // 20 kWh a minute = 1200 kW
    expect(m.tick(w0 + 15 * MIN + 59_000)).toEqual([])
    const out = m.tick(w0 + 16 * MIN)
    expect(out.map((t) => [t.key, t.kind, t.value])).toEqual([['max_demand:e:ti01', 'activate', 1200]])
  })
})
