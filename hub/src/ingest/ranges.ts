/**
 * Physically plausible ranges per metric. A value outside is a sensor or encoding fault, not
 * a measurement: it is rejected (`value_out_of_range`) rather than stored or alarmed on.
 * Bounds are generous on purpose — a detector's zero drift may read slightly negative.
 */
export const METRIC_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  lel: [-10, 120], // %LEL; detectors over-range above 100
  h2s: [-10, 1e5], co: [-10, 1e5], no2: [-10, 1e5], cl2: [-10, 1e5],
  so2: [-10, 1e6], nh3: [-10, 1e5], c6h6: [-10, 1e5], hcl: [-10, 1e5], // mg/m³
  o2: [0, 100], // %VOL
  temp: [-60, 2000], // °C: ambient to stack and flame
  smoke: [0, 100], // %obs/m
  nox: [-10, 1e6], pm: [-10, 1e6], // mg/m³ at the stack
  flow: [0, 1e9], // m³/h
  kwh: [0, 1e15], gas_m3: [0, 1e15], steam_t: [0, 1e15], water_m3: [0, 1e15], // cumulative counters
  kw: [-1e7, 1e7], // active power; negative when a site exports
}
