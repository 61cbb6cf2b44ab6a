/**
 * The metric vocabulary of CONTRACT.md, by device kind. Units as the contract gives them.
 */
export const DEVICE_KINDS = ['gas', 'fire', 'emission', 'energy'] as const
export type DeviceKind = (typeof DEVICE_KINDS)[number]

/** Toxic gases with GB/T 50493-2019 / GBZ 2.1-2019 default set points (DOMAIN.md). */
export const TOXIC_GASES = ['h2s', 'co', 'no2', 'cl2', 'so2', 'nh3', 'c6h6', 'hcl'] as const
export type ToxicGas = (typeof TOXIC_GASES)[number]

export const METRICS_BY_KIND: Readonly<Record<DeviceKind, readonly string[]>> = {
  gas: ['lel', ...TOXIC_GASES, 'o2'],
  fire: ['temp', 'smoke'],
  emission: ['so2', 'nox', 'pm', 'o2', 'flow', 'temp'],
  energy: ['kwh', 'kw', 'gas_m3', 'steam_t', 'water_m3'],
}

export const UNITS: Readonly<Record<string, string>> = {
  lel: '%LEL',
  h2s: 'mg/m³', co: 'mg/m³', no2: 'mg/m³', cl2: 'mg/m³', so2: 'mg/m³', nh3: 'mg/m³', c6h6: 'mg/m³', hcl: 'mg/m³',
  o2: '%VOL',
  temp: '°C', smoke: '%obs/m',
  nox: 'mg/m³', pm: 'mg/m³', flow: 'm³/h',
  kwh: 'kWh', kw: 'kW', gas_m3: 'm³', steam_t: 't', water_m3: 'm³',
}

/** Energy metrics that are cumulative counters (consumption = difference of readings). */
export const CUMULATIVE_METRICS: ReadonlySet<string> = new Set(['kwh', 'gas_m3', 'steam_t', 'water_m3'])

/** Discrete fire events (CONTRACT.md, event payload). */
export const EVENT_TYPES = ['smoke_alarm', 'heat_alarm', 'flame', 'manual_call_point', 'panel_fault'] as const
export type EventType = (typeof EVENT_TYPES)[number]

/** HJ 212-2017 data flags; only N counts as valid data (HJ 75). */
export const DATA_FLAGS = ['N', 'F', 'M', 'S', 'D', 'C', 'T', 'B'] as const
export type DataFlag = (typeof DATA_FLAGS)[number]

/** Which metrics a device of a kind may carry. */
export function isMetricOfKind(kind: DeviceKind, metric: string): boolean {
  return METRICS_BY_KIND[kind].includes(metric)
}
