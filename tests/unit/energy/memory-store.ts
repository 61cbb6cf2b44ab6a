/** An in-memory stand-in for InfluxDB for the energy service's unit tests. */
import type { EnergyStore } from '../../../hub/src/energy/energy-service.js'
import { CARRIERS, type Carrier } from '../../../hub/src/energy/coefficients.js'
import type { MeterSummaryRow, TagFilter } from '../../../hub/src/energy/energy-store.js'
import { cal, MIN } from './fixtures.js'

export interface Pt { device: string; park: string; enterprise: string; ts: number; values: Partial<Record<Carrier | 'kw', number>> }

/** An in-memory stand-in for InfluxDB that answers like store/energy-repository.ts (rollups are summaries of the same points). */
export function memoryStore(points: Pt[]): EnergyStore & { asked: string[] } {
  const match = (f: TagFilter, p: Pt) => (!f.park || p.park === f.park) && (!f.enterprise || p.enterprise === f.enterprise) && (!f.device || p.device === f.device)
  const asked: string[] = []
  return {
    asked,
    async summaries(f, from, to, source) {
      asked.push(source)
      const bucket = source === 'rollup_1d' ? 'day' : 'hour'
      const by = new Map<string, MeterSummaryRow>()
      for (const p of points.filter((p) => match(f, p) && p.ts >= from && p.ts < to).sort((a, b) => a.ts - b.ts)) {
        const start = cal.startOf(bucket, p.ts)
        const key = `${p.device}|${start}`
        let row = by.get(key)
        if (!row) by.set(key, (row = { device: p.device, park: p.park, enterprise: p.enterprise, start, end: cal.next(bucket, start), counters: {} }))
        for (const c of CARRIERS) {
          const v = p.values[c]
          if (v === undefined) continue
          const s = row.counters[c]
          row.counters[c] = s ? { first: s.first, last: v, min: Math.min(s.min, v), max: Math.max(s.max, v), n: s.n + 1 } : { first: v, last: v, min: v, max: v, n: 1 }
        }
      }
      return [...by.values()]
    },
    async baselines(f, before, lookback) {
      const out = new Map<string, Partial<Record<Carrier, { ts: number; value: number }>>>()
      for (const p of points.filter((p) => match(f, p) && p.ts < before && p.ts >= before - lookback).sort((a, b) => a.ts - b.ts)) {
        const m = out.get(p.device) ?? {}
        for (const c of CARRIERS) if (p.values[c] !== undefined) m[c] = { ts: p.ts, value: p.values[c]! }
        out.set(p.device, m)
      }
      return out
    },
    async gaps(f, from, to, minGap) {
      const out: { device: string; from: number; to: number }[] = []
      const last = new Map<string, number>()
      for (const p of points.filter((p) => match(f, p) && p.ts >= from && p.ts < to).sort((a, b) => a.ts - b.ts)) {
        const l = last.get(p.device)
        if (l !== undefined && p.ts - l > minGap) out.push({ device: p.device, from: l, to: p.ts })
        last.set(p.device, p.ts)
      }
      return out
    },
    async demand(f, from, to) {
      const by = new Map<string, { device: string; enterprise: string; park: string; start: number; sum: number; n: number; max: number }>()
      for (const p of points.filter((p) => match(f, p) && p.ts >= from && p.ts < to && p.values.kw !== undefined)) {
        const start = Math.floor(p.ts / (15 * MIN)) * 15 * MIN
        const k = `${p.device}|${start}`
        const w = by.get(k) ?? { device: p.device, enterprise: p.enterprise, park: p.park, start, sum: 0, n: 0, max: -Infinity }
        w.sum += p.values.kw!
        w.n++
        w.max = Math.max(w.max, p.values.kw!)
        by.set(k, w)
      }
      return [...by.values()].map((w) => ({ device: w.device, enterprise: w.enterprise, park: w.park, start: w.start, kw: w.sum / w.n, kwMax: w.max }))
    },
  }
}

