/**
 * Effective set points of a device, per metric, field by field:
 *
 *   kind defaults ← zone.setpoints ← park.setpoints ← area.setpoints ← device.setpoints
 *
 * A later layer overrides an earlier one per field (`high`, `low`, `deadband`, `onDelaySec`,
 * `offDelaySec`, `rateOfRisePerMin`); a stage list (`high` or `low`) is replaced whole.
 *
 * Zone, park and area layers are keyed by metric name only, and names collide across kinds
 * (a gas detector's `so2` is a workplace set point, a CEMS stack's `so2` an emission
 * concentration). So the shared layers apply to safety kinds (gas, fire) only; emission and
 * energy devices take nothing but their own `device.setpoints`.
 *
 * Every resolved stage says where it comes from (`source`): the standard's clause for a
 * default, or the layer of the override that set it, with the standard's ceiling of that
 * stage and, for an override let above it, `exceedsStandard` and its `reason`.
 */
import { ownRangeOf } from '../catalogue/device-gas-settings.js'
import { gasCatalogue } from '../catalogue/gas-catalogue.js'
import { ceilingOf, standardLevels, type StandardLevels } from '../catalogue/setpoint-ceilings.js'
import type { Device, MetricSetpoints, Setpoints } from '../model/device.js'
import type { SetpointLayer, SetpointSource, SourcedStage } from '../model/setpoint-source.js'
import { UNITS } from '../model/vocabulary.js'
import type { Zone } from '../model/zone.js'
import { DEADBAND_FRACTION, defaultSetpoints, GENERIC_TIMING, SAFETY_KINDS } from './defaults.js'

export type { SetpointLayer, SetpointSource } from '../model/setpoint-source.js'
export type Stage = SourcedStage

/** Set points of one metric with every field decided. */
export interface ResolvedSetpoints {
  metric: string
  /** The unit of the values (readings declared in ppm are converted to it first). */
  unit: string | undefined
  /** High stages, mildest first (ascending value). */
  high: Stage[]
  /** Low stages, mildest first (descending value). */
  low: Stage[]
  deadband: number
  onDelaySec: number
  offDelaySec: number
  rateOfRisePerMin: number | undefined
}

/** The shared layers that apply to one device. */
export interface SetpointLayers {
  zone: Setpoints | undefined
  park: Setpoints | undefined
  area: Setpoints | undefined
}

/** Index of a zone's park and area layers, built once per zone. */
export class SetpointLayerIndex {
  private readonly parks = new Map<string, Setpoints | undefined>()
  private readonly areas = new Map<string, Setpoints | undefined>()

  constructor(private readonly zone: Pick<Zone, 'setpoints' | 'parks'>) {
    for (const park of zone.parks) {
      this.parks.set(park.id, park.setpoints)
      for (const area of park.areas) this.areas.set(`${park.id}:${area.id}`, area.setpoints)
    }
  }

  layersFor(device: Pick<Device, 'park' | 'area'>): SetpointLayers {
    return {
      zone: this.zone.setpoints,
      park: this.parks.get(device.park),
      area: device.area === undefined ? undefined : this.areas.get(`${device.park}:${device.area}`),
    }
  }
}

const FIELDS = ['high', 'low', 'deadband', 'onDelaySec', 'offDelaySec', 'rateOfRisePerMin'] as const

/** Merge layers field by field; undefined layers and fields are skipped. */
export function mergeSetpoints(...layers: (MetricSetpoints | undefined)[]): MetricSetpoints {
  const out: MetricSetpoints = {}
  for (const layer of layers) {
    if (!layer) continue
    for (const f of FIELDS) {
      const v = layer[f]
      if (v !== undefined) (out as Record<string, unknown>)[f] = v
    }
  }
  return out
}

/**
 * Resolve one metric; `undefined` when the metric has no high, low or rate-of-rise set
 * point (no rule).
 */
export function resolveMetric(device: Pick<Device, 'kind' | 'setpoints' | 'ranges' | 'units'>, metric: string, layers: SetpointLayers): ResolvedSetpoints | undefined {
  const shared = SAFETY_KINDS.has(device.kind)
  const range = ownRangeOf(device, metric)
  const defaults = shared ? defaultSetpoints(device.kind, metric, range) : undefined
  const overrides: [SetpointLayer, MetricSetpoints | undefined][] = shared
    ? [['zone', layers.zone?.[metric]], ['park', layers.park?.[metric]], ['area', layers.area?.[metric]], ['device', device.setpoints?.[metric]]]
    : [['device', device.setpoints?.[metric]]]
  const merged = mergeSetpoints(defaults?.setpoints, ...overrides.map(([, sp]) => sp))
  const levels = device.kind === 'gas' ? standardLevels(gasCatalogue(), metric, range) : undefined
  const sourceOf = (dir: 'high' | 'low'): SetpointSource => {
    const over = overrides.findLast(([, sp]) => sp?.[dir] !== undefined)
    if (!over) return defaults?.source ?? { layer: 'device' }
    const sp = over[1] as MetricSetpoints
    return { layer: over[0], clause: levels?.clause, exceedsStandard: sp.exceedsStandard, reason: sp.exceedsStandard ? sp.reason : undefined }
  }
  const high = withSources([...(merged.high ?? [])].sort((a, b) => a.value - b.value), sourceOf('high'), levels)
  const low = withSources([...(merged.low ?? [])].sort((a, b) => b.value - a.value), sourceOf('low'), undefined)
  if (high.length === 0 && low.length === 0 && merged.rateOfRisePerMin === undefined) return undefined
  const magnitudes = [...high, ...low].map((s) => Math.abs(s.value))
  const fallbackDeadband = magnitudes.length ? Math.min(...magnitudes) * DEADBAND_FRACTION : 0
  return {
    metric,
    unit: UNITS[metric],
    high,
    low,
    deadband: merged.deadband ?? fallbackDeadband,
    onDelaySec: merged.onDelaySec ?? GENERIC_TIMING.onDelaySec,
    offDelaySec: merged.offDelaySec ?? GENERIC_TIMING.offDelaySec,
    rateOfRisePerMin: merged.rateOfRisePerMin,
  }
}

/** Stages with their source; high stages of a metric the standard bounds carry their ceiling. */
function withSources(stages: Stage[], source: SetpointSource, levels: StandardLevels | undefined): Stage[] {
  return stages.map((s, i) => {
    const ceiling = levels && ceilingOf(levels, i)
    const over = source.exceedsStandard === true && ceiling !== undefined && s.value > ceiling
    return { ...s, source: { ...source, ceiling, exceedsStandard: over || undefined, reason: over ? source.reason : undefined } }
  })
}

/**
 * Resolve every metric of a device that has a rule: its measured metrics (safety kinds) and
 * any metric its own `setpoints` name (all kinds).
 */
export function resolveDevice(device: Pick<Device, 'kind' | 'metrics' | 'setpoints' | 'ranges' | 'units'>, layers: SetpointLayers): Map<string, ResolvedSetpoints> {
  const metrics = new Set<string>(Object.keys(device.setpoints ?? {}))
  if (SAFETY_KINDS.has(device.kind)) for (const m of device.metrics) metrics.add(m)
  const out = new Map<string, ResolvedSetpoints>()
  for (const m of metrics) {
    const r = resolveMetric(device, m, layers)
    if (r) out.set(m, r)
  }
  return out
}
