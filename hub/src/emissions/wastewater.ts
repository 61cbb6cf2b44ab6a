/**
 * Wastewater outlets (device kind `wastewater`, model/vocabulary.ts): their hourly averages
 * judged against the discharge permit's limits, live. Pure.
 *
 * Limits come from the outlet's discharge permit, per device in `limits` (mg/L for `cod`,
 * `nh3n`, `tp`, `tn`); there are no defaults. pH is held to a range, 6–9 unless the permit says
 * otherwise (GB 8978-1996 table 4 and GB 18918-2002 table 1 both give 6–9): `limits.ph` is its
 * upper end, `limits.ph_min` its lower end.
 *
 * The hour (HJ 355-2019 / HJ 356-2019, check): wet-chemistry analysers (COD, NH3-N, TP, TN)
 * measure in cycles of up to 2 hours and the logger repeats the last result between them, so an
 * hour's value is the mean of its valid samples (flag N, or none) and an hour with at least one
 * valid sample has a value — the 45-minute rule of HJ 75 is for flue gas and does not apply.
 * Samples flagged otherwise (F M S D C T B) are not counted.
 *
 *   hour with a value above the limit (pH outside its range)  → activate (rule `emission`, type
 *                                                               `emission_exceedance`, yellow)
 *   hour with a value within                                  → clear
 *   hour without a valid sample                               → nothing
 *
 * An hour is judged when the outlet's first reading of a later hour arrives, or at `tick` two
 * minutes after it ended. Samples of an hour already judged are left out of the live judgement.
 */
import { ALARM_LEVEL, type Transition } from '../model/alarm.js'
import type { Device } from '../model/device.js'
import type { Reading } from '../model/reading.js'
import { isValidFlag } from './validity.js'

export const WASTEWATER_POLLUTANTS = ['cod', 'nh3n', 'tp', 'tn'] as const
/** pH range of GB 8978-1996 table 4 and GB 18918-2002 table 1. */
export const DEFAULT_PH_RANGE: readonly [number, number] = [6, 9]
const HOUR = 3_600_000
const GRACE_MS = 2 * 60_000

export interface OutletInfo {
  id: string
  park: string
  enterprise: string
  area: string | undefined
  metrics: readonly string[]
  /** Which hourly value counts where the outlet's logger sends 2061 (logger-hours.ts). */
  hourlyAuthority: 'logger' | 'hub'
  /** Upper limit per pollutant, mg/L (the permit's). */
  limits: Partial<Record<string, number>>
  phRange: readonly [number, number]
}

export function outletInfoOf(d: Device): OutletInfo {
  const l = d.limits ?? {}
  const limits: Partial<Record<string, number>> = {}
  for (const m of WASTEWATER_POLLUTANTS) if (l[m] !== undefined && d.metrics.includes(m)) limits[m] = l[m]
  return {
    id: d.id, park: d.park, enterprise: d.enterprise, area: d.area, metrics: d.metrics, hourlyAuthority: d.hj212?.hourlyAuthority ?? 'logger',
    limits, phRange: [l.ph_min ?? DEFAULT_PH_RANGE[0], l.ph ?? DEFAULT_PH_RANGE[1]],
  }
}

const NAMES: Record<string, [string, string]> = { cod: ['化学需氧量', 'COD'], nh3n: ['氨氮', 'NH3-N'], tp: ['总磷', 'Total phosphorus'], tn: ['总氮', 'Total nitrogen'], ph: ['pH', 'pH'] }

interface OutletHour {
  outlet: OutletInfo
  hour: number
  sums: Map<string, { sum: number; n: number }>
}

export class WastewaterMonitor {
  private readonly hours = new Map<string, OutletHour>()
  private readonly state = new Map<string, boolean>()

  constructor(private readonly hourOf: (ts: number) => number = (ts) => Math.floor(ts / HOUR) * HOUR) {}

  onReading(r: Reading, outlet: OutletInfo): Transition[] {
    const hour = this.hourOf(r.ts)
    let h = this.hours.get(outlet.id)
    if (h && hour < h.hour) return []
    const out: Transition[] = []
    if (h && hour > h.hour) {
      out.push(...this.close(h))
      h = undefined
    }
    if (!h) this.hours.set(outlet.id, (h = { outlet, hour, sums: new Map() }))
    h.outlet = outlet
    for (const [m, v] of Object.entries(r.values)) {
      if (!Number.isFinite(v) || !isValidFlag(r.flags?.[m])) continue
      const s = h.sums.get(m) ?? { sum: 0, n: 0 }
      s.sum += v
      s.n++
      h.sums.set(m, s)
    }
    return out
  }

  tick(now: number): Transition[] {
    const out: Transition[] = []
    for (const [id, h] of this.hours) {
      if (now < h.hour + HOUR + GRACE_MS) continue
      out.push(...this.close(h))
      this.hours.delete(id)
    }
    return out
  }

  private close(h: OutletHour): Transition[] {
    const out: Transition[] = []
    const o = h.outlet
    const judged: [string, number, boolean, number][] = []
    for (const m of WASTEWATER_POLLUTANTS) {
      const s = h.sums.get(m)
      const limit = o.limits[m]
      if (!s || s.n === 0 || limit === undefined) continue
      const mean = s.sum / s.n
      judged.push([m, mean, mean > limit, limit])
    }
    const ph = h.sums.get('ph')
    if (ph && ph.n > 0) {
      const mean = ph.sum / ph.n
      const low = mean < o.phRange[0]
      judged.push(['ph', mean, low || mean > o.phRange[1], low ? o.phRange[0] : o.phRange[1]])
    }
    for (const [m, mean, exceeded, limit] of judged) {
      const key = `wastewater:${o.id}:${m}`
      if (this.state.get(key) === exceeded) continue
      this.state.set(key, exceeded)
      const value = Math.round(mean * 1000) / 1000
      const [zh, en] = NAMES[m] ?? [m, m]
      const unit = m === 'ph' ? '' : ' mg/L'
      const limitText = m === 'ph' ? `${o.phRange[0]}–${o.phRange[1]}` : `${limit}${unit}`
      out.push({
        key, rule: 'emission', type: 'emission_exceedance', kind: exceeded ? 'activate' : 'clear', level: ALARM_LEVEL.yellow,
        park: o.park, enterprise: o.enterprise, area: o.area, device: o.id, metric: m, value, threshold: limit, ts: h.hour + HOUR,
        message: exceeded ? `废水${zh}小时均值 ${value}${unit} 超出排污许可限值 ${limitText} / Wastewater ${en} hourly mean ${value}${unit} outside the permit's ${limitText}` : undefined,
      })
    }
    return out
  }
}
