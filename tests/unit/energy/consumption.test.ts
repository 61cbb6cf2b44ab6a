import { describe, expect, it } from 'vitest'
import { aggregate, type MeterMeta, type MeterSeries } from '../../../hub/src/energy/consumption.js'
import { DEFAULT_COEFFICIENTS } from '../../../hub/src/energy/coefficients.js'
import type { BucketUsage } from '../../../hub/src/energy/counter.js'
import { cal, HOUR, local } from './fixtures.js'

const meta = (device: string, enterprise: string, extra: Partial<MeterMeta> = {}): MeterMeta => ({ device, park: 'vtc', enterprise, submeter: false, intervalSec: 60, ...extra })
const bucket = (start: number, usage: number, extra: Partial<BucketUsage> = {}): BucketUsage => ({ start, end: start + HOUR, usage, reset: false, drop: false, implausible: false, gap: false, gapFrom: undefined, ...extra })
/** Hourly buckets from local 2025-01-01 22:00 to 02:00 the next day. */
const hours = [22, 23, 24, 25].map((h) => local(2025, 1, 1, h))

const opts = (period: 'hour' | 'day' | 'month', extra = {}) => ({
  cal, period, from: local(2025, 1, 1), to: local(2025, 1, 3), now: local(2025, 1, 3), coefficients: DEFAULT_COEFFICIENTS, basis: 'calorific' as const, gapFactor: 3, includeSubmeters: false, ...extra,
})

describe('consumption tables', () => {
  const series: MeterSeries[] = [
    { meta: meta('m-kwh', 'ti01'), carrier: 'kwh', buckets: hours.map((h) => bucket(h, 1000)) },
    { meta: meta('m-gas', 'ti01'), carrier: 'gas_m3', buckets: hours.map((h) => bucket(h, 100)) },
    { meta: meta('m-water', 'ti01'), carrier: 'water_m3', buckets: hours.map((h) => bucket(h, 10)) },
    { meta: meta('m-sub', 'ti01', { submeter: true }), carrier: 'kwh', buckets: hours.map((h) => bucket(h, 400)) },
    { meta: meta('v-steam', 'v02'), carrier: 'steam_t', buckets: [bucket(hours[3]!, 2, { reset: true })] },
  ]

  it('sums hours into local days across midnight, per enterprise and in total', () => {
    const t = aggregate(series, [], opts('day'))
    expect(t.rows.map((r) => r.label)).toEqual(['2025-01-01', '2025-01-02'])
    const [d1, d2] = t.rows
    expect(d1!.carriers.kwh).toEqual({ amount: 2000, unit: 'kWh', kgce: 245.8 })
    expect(d1!.carriers.gas_m3).toEqual({ amount: 200, unit: 'm³', kgce: 242.86 })
    expect(d1!.carriers.water_m3).toEqual({ amount: 20, unit: 'm³', kgce: null })
    expect(d1!.tce).toBeCloseTo((245.8 + 242.86) / 1000, 9)
    // day 2 adds v02's steam: 2 t × 128.6 kgce/t
    expect(d2!.carriers.steam_t.kgce).toBeCloseTo(257.2, 9)
    expect(d2!.resets).toBe(1)
    expect(t.total.carriers.kwh.amount).toBe(4000) // the sub-meter is not added
    expect(t.enterprises.map((e) => [e.enterprise, e.total.tce])).toEqual([['ti01', 0.97732], ['v02', 0.2572]])
    expect(t.meters.find((m) => m.device === 'm-sub')).toMatchObject({ submeter: true, carriers: { kwh: { amount: 1600 } } })
  })

  it('a query for one sub-meter counts it', () => {
    const t = aggregate(series.filter((s) => s.meta.device === 'm-sub'), [], opts('month', { includeSubmeters: true }))
    expect(t.rows.map((r) => [r.label, r.carriers.kwh.amount])).toEqual([['2025-01', 1600]])
  })

  it('marks gaps: from the raw gap list, and after a meter stops reporting', () => {
    const t = aggregate(series.slice(0, 1), [{ device: 'm-kwh', from: hours[0]! + 10 * 60_000, to: hours[0]! + 30 * 60_000 }], opts('hour', { from: hours[0]!, to: local(2025, 1, 2, 4), now: local(2025, 1, 2, 4) }))
    expect(t.rows.map((r) => [r.label.slice(11), r.gap])).toEqual([['22:00', true], ['23:00', false], ['00:00', false], ['01:00', false], ['02:00', true], ['03:00', true]])
    expect(t.meters[0]!.gaps).toEqual([{ from: hours[0]! + 10 * 60_000, to: hours[0]! + 30 * 60_000 }])
  })
})

describe('periods without data from a meter', () => {
  it('periods before its first reading are gaps unless a reading before the range shows it was counting', () => {
    const s = (since?: number): MeterSeries[] => [{ meta: meta('m', 'ti01'), carrier: 'kwh', since, buckets: [bucket(local(2025, 1, 2, 3), 10)] }]
    const o = opts('hour', { from: local(2025, 1, 2, 1), to: local(2025, 1, 2, 4), now: local(2025, 1, 2, 4) })
    expect(aggregate(s(), [], o).rows.map((r) => r.gap)).toEqual([true, true, false])
    expect(aggregate(s(local(2025, 1, 1, 23)), [], o).rows.map((r) => r.gap)).toEqual([false, false, false])
  })
})
