import { describe, expect, it } from 'vitest'
import { EnergyService, type EnergyStore } from '../../../hub/src/energy/energy-service.js'
import { resolveEnergySettings } from '../../../hub/src/energy/settings.js'
import type { MeterMeta } from '../../../hub/src/energy/consumption.js'
import { memoryStore, type Pt } from './memory-store.js'
import { cal, DAY, local, MIN, zone } from './fixtures.js'

const meters = new Map<string, MeterMeta>([
  ['ti01-e', { device: 'ti01-e', park: 'vtc', enterprise: 'ti01', submeter: false, intervalSec: 600 }],
  ['ti01-g', { device: 'ti01-g', park: 'vtc', enterprise: 'ti01', submeter: false, intervalSec: 600 }],
])

/** Electricity: 100 kWh per 10 minutes (600 kW); gas 10 m³ per 10 minutes; the electricity meter is replaced at local 2025-06-03 12:00. */
function readings(from: number, to: number): Pt[] {
  const out: Pt[] = []
  const swap = local(2025, 6, 3, 12)
  for (let t = from, i = 0; t <= to; t += 10 * MIN, i++) {
    const kwh = t < swap ? 500_000 + i * 100 : (t - swap) / (10 * MIN) * 100
    out.push({ device: 'ti01-e', park: 'vtc', enterprise: 'ti01', ts: t, values: { kwh, kw: 600 } })
    out.push({ device: 'ti01-g', park: 'vtc', enterprise: 'ti01', ts: t, values: { gas_m3: 1000 + i * 10 } })
  }
  return out
}

describe('energy service over a store', () => {
  const settings = resolveEnergySettings(zone())
  const now = local(2025, 6, 6, 12)
  const pts = readings(local(2025, 5, 31, 23, 50), local(2025, 6, 6, 11, 50))

  it('daily kWh and kgce from counters, through a meter replacement, across local midnight', async () => {
    const svc = new EnergyService({ settings, cal, store: memoryStore(pts), meters: () => meters })
    const t = await svc.table({ enterprise: 'ti01' }, local(2025, 6, 1), local(2025, 6, 6), '1d', now)
    // 144 ten-minute steps a day × 100 kWh = 14 400 kWh; on 3 June the new meter's first reading is 0 (a reset: use 0)
    expect(t.rows.map((r) => [r.label, r.carriers.kwh.amount, r.carriers.kwh.kgce, r.carriers.gas_m3.amount])).toEqual([
      ['2025-06-01', 14_400, 1769.76, 1440], ['2025-06-02', 14_400, 1769.76, 1440], ['2025-06-03', 14_300, 1757.47, 1440],
      ['2025-06-04', 14_400, 1769.76, 1440], ['2025-06-05', 14_400, 1769.76, 1440],
    ])
    expect(t.rows[2]!.resets).toBe(1)
    expect(t.rows.every((r) => !r.gap)).toBe(true)
    expect(t.total.tce).toBeCloseTo((14_400 * 4 + 14_300) * 0.0001229 + 7200 * 0.0012143, 6)
    expect(t.sources.map((s) => s.source)).toEqual(['raw'])
  })

  it('long ranges stitch rollups and raw, with the same result', async () => {
    const store = memoryStore(pts)
    const plan = { rawMaxMs: DAY, hourlyMaxMs: 3 * DAY, dailyRollup: true }
    const svc = new EnergyService({ settings, cal, store, meters: () => meters, plan })
    const t = await svc.table({ park: 'vtc' }, local(2025, 6, 1), local(2025, 6, 7), '1d', now)
    expect(t.sources.map((x) => [x.source, cal.minuteLabel(x.from), cal.minuteLabel(x.to)])).toEqual([
      ['rollup_1d', '2025-06-01 00:00', '2025-06-05 00:00'], ['raw', '2025-06-05 00:00', '2025-06-07 00:00'],
    ])
    expect(store.asked).toEqual(['rollup_1d', 'raw'])
    const h = await new EnergyService({ settings, cal, store: memoryStore(pts), meters: () => meters, plan }).table({ park: 'vtc' }, local(2025, 6, 4), local(2025, 6, 6, 12), '1h', now)
    expect(h.sources.map((x) => x.source)).toEqual(['rollup_1h', 'raw'])
    expect(h.total.carriers.kwh.amount).toBe(14_400 * 2 + 7200)
    // 6 June: 72 ten-minute steps up to 11:50 (now 12:00)
    expect(t.rows.map((r) => r.carriers.kwh.amount)).toEqual([14_400, 14_400, 14_300, 14_400, 14_400, 7200])
  })

  it('hourly rows, with a gap when a meter is silent', async () => {
    const holed = pts.filter((p) => !(p.device === 'ti01-e' && p.ts > local(2025, 6, 2, 3, 5) && p.ts < local(2025, 6, 2, 5, 5)))
    const svc = new EnergyService({ settings, cal, store: memoryStore(holed), meters: () => meters })
    const t = await svc.table({ meter: 'ti01-e' }, local(2025, 6, 2, 2), local(2025, 6, 2, 7), '1h', now)
    expect(t.rows.map((r) => [r.label.slice(11), r.carriers.kwh.amount, r.gap])).toEqual([
      ['02:00', 600, false], ['03:00', 100, true], ['04:00', 0, true], ['05:00', 1700, true], ['06:00', 600, false],
    ]) // readings 03:10–05:00 missing: the step 03:00 → 05:10 (1300 kWh) belongs to the hour of 05:10
    expect(t.meters[0]!.gaps).toEqual([{ from: local(2025, 6, 2, 3), to: local(2025, 6, 2, 5, 10) }])
  })

  it('intensity and the budget seed', async () => {
    const svc = new EnergyService({ settings, cal, store: memoryStore(pts), meters: () => meters })
    const r = await svc.intensity('vtc', local(2025, 6, 1), local(2025, 6, 3), now)
    const ti = r.enterprises.find((e) => e.enterprise === 'ti01')!
    expect(ti.tce).toBeCloseTo(2 * (14_400 * 0.0001229 + 1440 * 0.0012143), 6)
    expect(ti.budget.tce).toBe(20)
    const seed = await svc.budgetSeed(now)
    const e = seed.usage.find((u) => u.scope === 'e' && u.id === 'ti01')!
    // 6 June up to 11:50: 72 steps of 100 kWh and 10 m³ (the one ending at 00:00 included)
    expect(e.dayKgce).toBeCloseTo(72 * (100 * 0.1229 + 10 * 1.2143), 6)
    expect(seed.baselines.find((b) => b.device === 'ti01-e')).toMatchObject({ carrier: 'kwh', ts: local(2025, 6, 6, 11, 50) })
  })
})
