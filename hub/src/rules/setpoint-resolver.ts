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
 */
import type { Device, MetricSetpoints, Setpoints } from '../model/device.js'
import type { Zone } from '../model/zone.js'
import { DEADBAND_FRACTION, DEFAULT_SETPOINTS, GENERIC_TIMING, SAFETY_KINDS } from './defaults.js'

export interface Stage {
  value: number
  level: number
  stage?: string | undefined
}

/** Set points of one metric with every field decided. */
export interface ResolvedSetpoints {
  metric: string
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
export function resolveMetric(device: Pick<Device, 'kind' | 'setpoints'>, metric: string, layers: SetpointLayers): ResolvedSetpoints | undefined {
  const shared = SAFETY_KINDS.has(device.kind)
  const merged = shared
    ? mergeSetpoints(
        DEFAULT_SETPOINTS[device.kind][metric],
        layers.zone?.[metric],
        layers.park?.[metric],
        layers.area?.[metric],
        device.setpoints?.[metric],
      )
    : mergeSetpoints(device.setpoints?.[metric])
  const high = [...(merged.high ?? [])].sort((a, b) => a.value - b.value)
  const low = [...(merged.low ?? [])].sort((a, b) => b.value - a.value)
  if (high.length === 0 && low.length === 0 && merged.rateOfRisePerMin === undefined) return undefined
  const magnitudes = [...high, ...low].map((s) => Math.abs(s.value))
  const fallbackDeadband = magnitudes.length ? Math.min(...magnitudes) * DEADBAND_FRACTION : 0
  return {
    metric,
    high,
    low,
    deadband: merged.deadband ?? fallbackDeadband,
    onDelaySec: merged.onDelaySec ?? GENERIC_TIMING.onDelaySec,
    offDelaySec: merged.offDelaySec ?? GENERIC_TIMING.offDelaySec,
    rateOfRisePerMin: merged.rateOfRisePerMin,
  }
}

/**
 * Resolve every metric of a device that has a rule: its measured metrics (safety kinds) and
 * any metric its own `setpoints` name (all kinds).
 */
export function resolveDevice(device: Pick<Device, 'kind' | 'metrics' | 'setpoints'>, layers: SetpointLayers): Map<string, ResolvedSetpoints> {
  const metrics = new Set<string>(Object.keys(device.setpoints ?? {}))
  if (SAFETY_KINDS.has(device.kind)) for (const m of device.metrics) metrics.add(m)
  const out = new Map<string, ResolvedSetpoints>()
  for (const m of metrics) {
    const r = resolveMetric(device, m, layers)
    if (r) out.set(m, r)
  }
  return out
}
