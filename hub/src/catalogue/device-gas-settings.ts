/**
 * Checks of the gas settings a zone file or a provisioning request gives: the units a gas
 * detector declares, and set-point overrides against the standard's ceilings (GB/T 50493-2019
 * §5.5.2; setpoint-ceilings.ts). One place, so the zone file and the API refuse alike.
 */
import type { Device, MetricSetpoints, Setpoints } from '../model/device.js'
import { gasCatalogue, toCanonical } from './gas-catalogue.js'
import { ceilingProblem, stagesAboveCeiling, standardLevels } from './setpoint-ceilings.js'

export interface SettingProblem {
  /** JSON pointer inside the device or layer, e.g. `/setpoints/h2s`. */
  path: string
  problem: string
}

/**
 * A gas detector's own measuring range of a metric in the metric's unit: `ranges` are in the
 * unit the device reports, converted like its readings (a 0–100 ppm H2S detector reaches
 * 141.76 mg/m³). Undefined when it gives none (the catalogue's default then applies).
 */
export function ownRangeOf(device: Pick<Device, 'kind' | 'ranges' | 'units'>, metric: string): [number, number] | undefined {
  const own = device.ranges?.[metric]
  if (!own) return undefined
  if (device.kind !== 'gas') return [own[0], own[1]]
  const unit = device.units?.[metric]
  return [toCanonical(metric, unit, own[0]), toCanonical(metric, unit, own[1])]
}

/** Set points of one metric under the standard's ceilings, for a detector with `range`. */
function setpointProblem(metric: string, sp: MetricSetpoints, range: readonly [number, number] | undefined): SettingProblem | undefined {
  const problem = ceilingProblem(metric, sp, standardLevels(gasCatalogue(), metric, range))
  return problem === undefined ? undefined : { path: `/setpoints/${metric}`, problem }
}

/**
 * A shared layer (zone, park or area `setpoints`): it applies to every safety device below it,
 * so it is judged against the catalogue's default ranges.
 */
export function layerProblem(setpoints: Setpoints | undefined): SettingProblem | undefined {
  for (const [metric, sp] of Object.entries(setpoints ?? {})) {
    const p = setpointProblem(metric, sp, undefined)
    if (p) return p
  }
  return undefined
}

/** A gas detector's declared units and its own set points; other kinds have nothing to check here. */
export function deviceGasProblem(device: Device): SettingProblem | undefined {
  if (device.kind !== 'gas') return undefined
  const cat = gasCatalogue()
  for (const [metric, unit] of Object.entries(device.units ?? {})) {
    if (!device.metrics.includes(metric)) return { path: `/units/${metric}`, problem: `unit for ${metric}, which the device does not measure` }
    const problem = cat.unitProblem(metric, unit)
    if (problem) return { path: `/units/${metric}`, problem }
  }
  for (const [metric, sp] of Object.entries(device.setpoints ?? {})) {
    const p = setpointProblem(metric, sp, ownRangeOf(device, metric))
    if (p) return p
  }
  return undefined
}

/** Overrides of a set of `setpoints` kept above the standard's ceilings, one line per metric (for the audit log). */
function exceedances(setpoints: Setpoints | undefined, rangeOf: (metric: string) => readonly [number, number] | undefined): string[] {
  const out: string[] = []
  for (const [metric, sp] of Object.entries(setpoints ?? {})) {
    const levels = standardLevels(gasCatalogue(), metric, rangeOf(metric))
    const above = stagesAboveCeiling(sp, levels)
    if (above.length && levels)
      out.push(`${metric}: ${above.map((s) => `${s.value} > ${s.ceiling} ${levels.unit}`).join(', ')} (${levels.clause}); reason: ${sp.reason ?? ''}`)
  }
  return out
}

/** The overrides a gas detector keeps above the standard's ceilings, one line each (for the audit log). */
export function exceedanceLines(device: Device): string[] {
  return device.kind === 'gas' ? exceedances(device.setpoints, (m) => ownRangeOf(device, m)) : []
}

/** The overrides of a shared layer (zone, park, area) kept above the standard's ceilings, judged against default ranges. */
export function layerExceedanceLines(setpoints: Setpoints | undefined): string[] {
  return exceedances(setpoints, () => undefined)
}
