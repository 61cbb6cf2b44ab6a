/**
 * What the engine keeps per device for the hot path: its place in the hierarchy and its
 * resolved set points compiled into stage configs, built once when the device is added (or
 * the zone changes), so that a reading costs one map lookup per metric.
 */
import type { Device } from '../model/device.js'
import type { Place } from '../model/reading.js'
import { SAFETY_KINDS } from './defaults.js'
import type { RulesOptions } from './options.js'
import { resolveDevice, type ResolvedSetpoints, type SetpointLayers } from './setpoint-resolver.js'
import { setpointKey } from './setpoint-key.js'
import type { StageConfig } from './stages.js'

export interface CompiledMetric {
  setpoints: ResolvedSetpoints
  high: StageConfig | undefined
  low: StageConfig | undefined
  /** Rate of rise (units/min), when the metric has a `rateOfRisePerMin`. */
  ror: StageConfig | undefined
  /** The set-point conditions' keys (setpoint.ts), made once rather than for every reading. */
  keys: { high: string; low: string }
}

export interface DeviceEntry {
  device: Device
  place: Place
  /** A safety device: `device.safety`, else true for gas and fire kinds. */
  safety: boolean
  /** Expected interval between readings, ms. */
  intervalMs: number
  metrics: Map<string, CompiledMetric>
}

export function placeOf(device: Device): Place {
  return { park: device.park, enterprise: device.enterprise, area: device.area, device: device.id, kind: device.kind }
}

export function compileDevice(device: Device, layers: SetpointLayers, options: RulesOptions): DeviceEntry {
  const metrics = new Map<string, CompiledMetric>()
  for (const [metric, sp] of resolveDevice(device, layers)) {
    const timing = { onDelayMs: sp.onDelaySec * 1000, offDelayMs: sp.offDelaySec * 1000 }
    metrics.set(metric, {
      setpoints: sp,
      high: sp.high.length ? { direction: 'high', thresholds: sp.high.map((s) => s.value), deadband: sp.deadband, ...timing } : undefined,
      low: sp.low.length ? { direction: 'low', thresholds: sp.low.map((s) => s.value), deadband: sp.deadband, ...timing } : undefined,
      ror:
        sp.rateOfRisePerMin === undefined
          ? undefined
          : { direction: 'high', thresholds: [sp.rateOfRisePerMin], deadband: options.rateOfRise.deadbandPerMin, ...timing },
      keys: { high: setpointKey(device.id, metric, 'high'), low: setpointKey(device.id, metric, 'low') },
    })
  }
  return {
    device,
    place: placeOf(device),
    safety: device.safety ?? SAFETY_KINDS.has(device.kind),
    intervalMs: device.interval * 1000,
    metrics,
  }
}
