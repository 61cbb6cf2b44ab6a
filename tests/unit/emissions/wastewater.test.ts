import { describe, expect, it } from 'vitest'
import type { Device } from '../../../hub/src/model/device.js'
import type { Reading } from '../../../hub/src/model/reading.js'
import type { DataFlag } from '../../../hub/src/model/vocabulary.js'
import { DEFAULT_PH_RANGE, outletInfoOf, WastewaterMonitor } from '../../../hub/src/emissions/wastewater.js'
import { outletHours, outletMeans } from '../../../hub/src/emissions/outlet-hourly.js'
import { physicalBounds } from '../../../hub/src/ingest/ranges.js'
import { alarmClassOf } from '../../../hub/src/model/alarm-class.js'
import { METRICS_BY_KIND, UNITS } from '../../../hub/src/model/vocabulary.js'
import { defaultSetpoints } from '../../../hub/src/rules/defaults.js'
import { H0, HOUR, MIN } from './fixtures.js'

const outletDevice: Device = {
  id: 'vtc-ti01-outlet-001', kind: 'wastewater', type: 'outlet', park: 'vtc', enterprise: 'vtc-ti01', area: 'vtc-ti01-blr', name: '废水总排口',
  metrics: ['cod', 'nh3n', 'tp', 'tn', 'ph', 'flow_w'], position: { x: 0, y: 0 }, interval: 30, limits: { cod: 50, nh3n: 5, tp: 0.5, tn: 15 },
}
const outlet = outletInfoOf(outletDevice)
const reading = (ts: number, values: Record<string, number>, flags?: Record<string, DataFlag>): Reading =>
  ({ device: outlet.id, park: 'vtc', enterprise: 'vtc-ti01', area: 'vtc-ti01-blr', kind: 'wastewater', ts, values, flags })

/** An hour of readings every 30 s with `values`, then the first reading of the next hour (which closes it). */
function hour(mon: WastewaterMonitor, start: number, values: (i: number) => Record<string, number>, flags?: (i: number) => Record<string, DataFlag> | undefined) {
  const out = []
  for (let i = 0; i < 120; i++) out.push(...mon.onReading(reading(start + i * 30_000, values(i), flags?.(i)), outlet))
  return out
}

describe('the wastewater kind', () => {
  it('has its metrics, units and physical bounds, no set-point defaults, and environmental alarms', () => {
    expect(METRICS_BY_KIND.wastewater).toEqual(['cod', 'nh3n', 'tp', 'tn', 'ph', 'flow_w'])
    expect(['cod', 'nh3n', 'tp', 'tn', 'ph', 'flow_w'].map((m) => UNITS[m])).toEqual(['mg/L', 'mg/L', 'mg/L', 'mg/L', 'pH', 'm³/h'])
    expect(physicalBounds('ph')).toEqual([-2, 16])
    expect(physicalBounds('cod')).toEqual([-10, 1e6])
    for (const m of METRICS_BY_KIND.wastewater) expect(defaultSetpoints('wastewater', m), m).toBeUndefined()
    expect(alarmClassOf('emission', 'emission_exceedance', 'wastewater')).toBe('environmental')
    expect(alarmClassOf('data_quality', 'device_fault', 'wastewater')).toBe('device-health')
  })
  it('takes the permit’s limits of the metrics it measures, and pH 6–9 unless the permit says otherwise', () => {
    expect(outlet).toMatchObject({ limits: { cod: 50, nh3n: 5, tp: 0.5, tn: 15 }, phRange: DEFAULT_PH_RANGE })
    expect(outletInfoOf({ ...outletDevice, metrics: ['cod', 'ph'], limits: { cod: 60, tp: 1, ph: 8.5, ph_min: 6.5 } })).toMatchObject({ limits: { cod: 60 }, phRange: [6.5, 8.5] })
  })
})

describe('wastewater hourly averages against the permit', () => {
  it('raises for an hourly mean above the limit and clears at the next hour within it', () => {
    const mon = new WastewaterMonitor()
    expect(hour(mon, H0, () => ({ cod: 40, nh3n: 2, ph: 7.2, flow_w: 200 }))).toEqual([])
    // Hour 2: COD 40 for 30 min, 70 for 30 → mean 55 > 50.
    const first = hour(mon, H0 + HOUR, (i) => ({ cod: i < 60 ? 40 : 70, nh3n: 2, ph: 7.2 }))
    expect(first.map((t) => [t.kind, t.metric])).toEqual([['clear', 'cod'], ['clear', 'nh3n'], ['clear', 'ph']]) // hour 1 judged within
    const raised = hour(mon, H0 + 2 * HOUR, () => ({ cod: 40, nh3n: 2, ph: 7.2 }))
    expect(raised).toEqual([expect.objectContaining({ kind: 'activate', rule: 'emission', type: 'emission_exceedance', level: 3, metric: 'cod', value: 55, threshold: 50, ts: H0 + 2 * HOUR, device: outlet.id })])
    expect(raised[0]!.message).toContain('Wastewater COD hourly mean 55 mg/L')
    const cleared = mon.onReading(reading(H0 + 3 * HOUR, { cod: 40 }), outlet)
    expect(cleared).toEqual([expect.objectContaining({ kind: 'clear', metric: 'cod', value: 40 })])
  })
  it('counts only valid samples: an hour of maintenance (M) says nothing; pH outside 6–9 either way', () => {
    const mon = new WastewaterMonitor()
    hour(mon, H0, () => ({ cod: 40, ph: 7 }))
    const afterMaint = hour(mon, H0 + HOUR, () => ({ cod: 90, ph: 5.5 }), () => ({ cod: 'M', ph: 'M' }))
    expect(afterMaint.filter((t) => t.kind === 'activate')).toEqual([])
    const acid = hour(mon, H0 + 2 * HOUR, () => ({ cod: 40, ph: 5.5 }))
    expect(acid).toEqual([]) // the maintenance hour judged nothing
    const next = mon.tick(H0 + 4 * HOUR + 2 * MIN)
    expect(next).toEqual([expect.objectContaining({ kind: 'activate', metric: 'ph', value: 5.5, threshold: 6 })])
    expect(next[0]!.message).toContain('outside the permit\'s 6–9')
  })
})

describe('an outlet’s hours for the API: the hub’s means, the logger’s 2061, the range’s mean', () => {
  const label = (s: number): string => String(s)
  const agg = (start: number, m: Record<string, number>) => ({ start, metrics: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { sum: v * 120, n: 120 }])) })
  const hub = [agg(H0, { cod: 40, ph: 7.2, flow_w: 100 }), agg(H0 + HOUR, { cod: 60, ph: 5.5, flow_w: 300 })]

  it('judges each hour against the permit and pH 6–9, the logger’s value counting where it sent one, differing hours flagged', () => {
    const logger = [{ start: H0, metrics: { cod: { avg: 40 } } }, { start: H0 + HOUR, metrics: { cod: { avg: 45, flag: 'N' } } }]
    const hours = outletHours(outlet, [H0, H0 + HOUR], label, hub, logger)
    expect(hours[0]!.metrics.cod).toEqual({ value: 40, valid: true, limit: 50, exceeded: false })
    expect(hours[0]!.differs).toEqual([])
    expect(hours[1]!.metrics.cod).toEqual({ value: 45, valid: true, limit: 50, exceeded: false })
    expect(hours[1]!.sources).toMatchObject({ cod: 'logger', ph: 'hub' })
    expect(hours[1]!.alternate.cod).toEqual({ value: 60, valid: true, limit: 50, exceeded: true })
    expect(hours[1]!.differs).toEqual([{ metric: 'cod', reason: 'value', logger: 45, hub: 60 }])
    expect(hours[1]!.metrics.ph).toEqual({ value: 5.5, valid: true, limit: 9, exceeded: true })
    const byHub = outletHours({ ...outlet, hourlyAuthority: 'hub' }, [H0, H0 + HOUR], label, hub, logger)
    expect(byHub[1]!.metrics.cod).toMatchObject({ value: 60, exceeded: true })
  })
  it('weights the range’s concentrations by the hours’ flow, pH and flow as plain means', () => {
    const hours = outletHours({ ...outlet, hourlyAuthority: 'hub' }, [H0, H0 + HOUR, H0 + 2 * HOUR], label, hub, [])
    const mean = outletMeans(outlet, hours)
    expect(mean.cod).toEqual({ value: 55, flowWeighted: true, hours: 2, limit: 50, exceeded: true }) // (40 × 100 + 60 × 300) / 400
    expect(mean.ph).toEqual({ value: 6.35, flowWeighted: false, hours: 2, limit: 9, exceeded: false })
    expect(mean.flow_w).toMatchObject({ value: 200, flowWeighted: false })
    expect(mean.nh3n).toMatchObject({ value: null, hours: 0, exceeded: false })
    // An hour without a flow: the plain mean.
    const noFlow = outletHours({ ...outlet, hourlyAuthority: 'hub' }, [H0, H0 + HOUR], label, [agg(H0, { cod: 40 }), agg(H0 + HOUR, { cod: 60, flow_w: 300 })], [])
    expect(outletMeans(outlet, noFlow).cod).toMatchObject({ value: 50, flowWeighted: false })
  })
})
