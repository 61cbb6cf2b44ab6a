/**
 * What the engine keeps per device for the hot path: its place in the hierarchy and its
 * resolved set points compiled into stage configs, built once when the device is added (or
 * the zone changes), so that a reading costs one map lookup per metric.
 */
import type { Device } from '../model/device.js'
import type { Place } from '../model/reading.js'
import { SAFETY_KINDS } from './defaults.js'
import type { RulesOptions } from './options.js'
import { flatJoin } from '../model/flat-join.js'
import { resolveDevice, resolveMetric, type ResolvedSetpoints, type SetpointLayerIndex, type SetpointLayers } from './setpoint-resolver.js'
import { setpointKey } from './setpoint-key.js'
import type { StageConfig } from './stages.js'

export interface CompiledMetric {
  metric: string
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
  /**
   * Its metrics' compiled set points, found by `compiledMetric`. An array, not a Map: most
   * devices have one or two metrics, and a Map with its hash table was ≈ 180 B a device (a
   * 100,000-device zone: 17.6 MB of the engine's heap, heap snapshot); the array ≈ 56 B.
   */
  metrics: readonly CompiledMetric[]
}

/** A device's compiled set points of one metric (a scan of its few metrics). */
export function compiledMetric(entry: DeviceEntry | undefined, metric: string): CompiledMetric | undefined {
  if (!entry) return undefined
  for (const cm of entry.metrics) if (cm.metric === metric) return cm
  return undefined
}

export function placeOf(device: Device): Place {
  return { park: device.park, enterprise: device.enterprise, area: device.area, device: device.id, kind: device.kind }
}

/** What a metric's resolved set points compile to, shared by every device whose resolution is the same. */
type SharedMetric = Omit<CompiledMetric, 'keys' | 'metric'>

/**
 * Compiled set points by their resolution (JSON), per options: most devices of one kind and
 * metric in one area resolve to the same set points, and each device held its own copy of
 * them, their stages with their sources, and the stage configs — about 600 B of a device's
 * 1.2 KB in the rules engine (a 100,000-device zone: 116 MB of heap for the engine). Shared
 * objects are frozen: nothing may change one device's set points through another's.
 */
const shared = new WeakMap<RulesOptions, Map<string, SharedMetric>>()

function sharedMetric(sp: ResolvedSetpoints, options: RulesOptions): SharedMetric {
  let byText = shared.get(options)
  if (!byText) shared.set(options, (byText = new Map()))
  const text = JSON.stringify(sp)
  let m = byText.get(text)
  if (!m) {
    const timing = { onDelayMs: sp.onDelaySec * 1000, offDelayMs: sp.offDelaySec * 1000 }
    m = deepFreeze({
      setpoints: sp,
      high: sp.high.length ? { direction: 'high', thresholds: sp.high.map((s) => s.value), deadband: sp.deadband, ...timing } : undefined,
      low: sp.low.length ? { direction: 'low', thresholds: sp.low.map((s) => s.value), deadband: sp.deadband, ...timing } : undefined,
      ror:
        sp.rateOfRisePerMin === undefined
          ? undefined
          : { direction: 'high', thresholds: [sp.rateOfRisePerMin], deadband: options.rateOfRise.deadbandPerMin, ...timing },
    } satisfies SharedMetric)
    byText.set(text, m)
  }
  return m
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v)
    for (const x of Object.values(v)) deepFreeze(x)
  }
  return v
}

export function compileDevice(device: Device, layers: SetpointLayers, options: RulesOptions): DeviceEntry {
  return entryOf(device, [...resolveDevice(device, layers)].map(([metric, sp]) => [metric, sharedMetric(sp, options)]))
}

/**
 * Compiles devices against one zone's set-point layers (a new one for new layers). A safety
 * metric with no set point and no measuring range of the device's own resolves the same for
 * every device of its kind under the same layers, so it is resolved once per kind, metric and
 * the park and area layers that apply (a park or area with set points of its own):
 * a 100,155-device zone was 1.9 – 2.1 s of resolving and writing each resolution as JSON (the
 * shared objects' key) before a restarted hub listened, a gap in the monitoring.
 */
export class DeviceCompiler {
  private readonly byLayers = new Map<string, SharedMetric | null>()

  constructor(
    private readonly layers: SetpointLayerIndex,
    private readonly options: RulesOptions,
  ) {}

  compile(device: Device): DeviceEntry {
    if (!SAFETY_KINDS.has(device.kind)) return compileDevice(device, this.layers.layersFor(device), this.options)
    const metrics: [string, SharedMetric][] = []
    const layers = this.layers.layersFor(device)
    // As resolveDevice takes them: the metrics its own set points name, then those it measures.
    for (const metric of new Set([...Object.keys(device.setpoints ?? {}), ...device.metrics])) {
      const m = device.setpoints?.[metric] === undefined && device.ranges?.[metric] === undefined ? this.placeShared(device, metric, layers) : this.resolved(device, metric, layers)
      if (m) metrics.push([metric, m])
    }
    return entryOf(device, metrics)
  }

  private placeShared(device: Device, metric: string, layers: SetpointLayers): SharedMetric | null {
    // The layers that apply, by where they are set: a park or area without set points of its own adds nothing.
    const key = flatJoin('\u0000', layers.park ? device.park : '', layers.area ? `${device.park}:${device.area}` : '', device.kind, metric)
    let m = this.byLayers.get(key)
    if (m === undefined) this.byLayers.set(key, (m = this.resolved(device, metric, layers)))
    return m
  }

  private resolved(device: Device, metric: string, layers: SetpointLayers): SharedMetric | null {
    const sp = resolveMetric(device, metric, layers)
    return sp ? sharedMetric(sp, this.options) : null
  }
}

function entryOf(device: Device, shared: [string, SharedMetric][]): DeviceEntry {
  // Made by `map`, whose array is its length (a pushed-to array keeps room for 17).
  const metrics = shared.map(([metric, m]): CompiledMetric => ({
    metric, setpoints: m.setpoints, high: m.high, low: m.low, ror: m.ror, keys: { high: setpointKey(device.id, metric, 'high'), low: setpointKey(device.id, metric, 'low') },
  }))
  return {
    device,
    place: placeOf(device),
    safety: device.safety ?? SAFETY_KINDS.has(device.kind),
    intervalMs: device.interval * 1000,
    metrics,
  }
}
