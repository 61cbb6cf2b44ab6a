import type { Reading } from '../../../hub/src/model/reading.js'
import type { DataFlag } from '../../../hub/src/model/vocabulary.js'
import type { StackInfo } from '../../../hub/src/emissions/hourly.js'

export const MIN = 60_000
export const HOUR = 3_600_000
/** 2025-06-10 10:00 Asia/Shanghai. */
export const H0 = Date.UTC(2025, 5, 10, 2)

export function stack(extra: Partial<StackInfo> = {}): StackInfo {
  return {
    id: 'vtc-ti01-cems-001', park: 'vtc', enterprise: 'ti01', area: 'blr', name: '锅炉烟囱 CEMS', nameEn: 'Boiler stack CEMS',
    limits: { so2: 35, nox: 50, pm: 10 }, referenceO2: 6, noxAs: 'NO2', intervalSec: 5,
    standard: null, basis: 'dry', o2Basis: 'dry', units: {}, ...extra,
  }
}

export function sample(ts: number, values: Record<string, number>, flags?: Record<string, DataFlag>): Reading {
  return { device: 'vtc-ti01-cems-001', park: 'vtc', enterprise: 'ti01', area: 'blr', kind: 'emission', ts, values, flags }
}

/** One hour of 5-second samples; `minute` gives each minute's values and flags (undefined: no samples). */
export function hourOfSamples(start: number, minute: (m: number) => { values: Record<string, number>; flags?: Record<string, DataFlag> } | undefined): Reading[] {
  const out: Reading[] = []
  for (let m = 0; m < 60; m++) {
    const x = minute(m)
    if (!x) continue
    for (let s = 0; s < 60; s += 5) out.push(sample(start + m * MIN + s * 1000, x.values, x.flags))
  }
  return out
}
