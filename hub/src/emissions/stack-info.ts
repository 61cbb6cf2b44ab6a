/**
 * What the emission room needs of a stack device (kind `emission`): its emission standard
 * resolved to limits and reference O2 (standards.ts, the device's own `limits` and
 * `referenceO2` over the standard's; only for the metrics the stack reports — a standard's
 * limit for a pollutant the stack has no analyser for is not the stack's), the basis its
 * analysers measure on (`basis`, `o2Basis`, default dry; O2 as the concentrations unless
 * said), and its units per metric. Pure.
 */
import type { Device } from '../model/device.js'
import { resolveStandard } from './standards.js'
import type { StackInfo } from './minutes.js'

export function stackInfoOf(d: Device): StackInfo {
  const resolved = resolveStandard(d.emissionStandard, d.limits, d.referenceO2)
  const basis = d.basis ?? 'dry'
  return {
    id: d.id, park: d.park, enterprise: d.enterprise, area: d.area, name: d.name, nameEn: d.nameEn ?? d.name,
    limits: Object.fromEntries(Object.entries(resolved.limits).filter(([m]) => d.metrics.includes(m))), referenceO2: resolved.referenceO2, noxAs: d.noxAs === 'NO' ? 'NO' : 'NO2', intervalSec: d.interval,
    standard: resolved.standard?.id ?? null, basis, o2Basis: d.o2Basis ?? basis, units: { ...(d.units ?? {}) },
  }
}
