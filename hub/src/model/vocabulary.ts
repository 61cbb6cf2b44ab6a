/**
 * The metric vocabulary of CONTRACT.md, by device kind. Units as the contract gives them.
 * `wastewater`: a wastewater outlet monitored online (HJ 353/HJ 355, reported over HJ 212-2017
 * with the system code 32), its metrics WASTEWATER_METRICS below.
 * `weather`: a park's weather station, the wind and air the hazard footprint is drawn with
 * (hub/src/hazard/, docs/hazard.md), its metrics WEATHER_METRICS below.
 */
export const DEVICE_KINDS = ['gas', 'fire', 'emission', 'energy', 'wastewater', 'weather'] as const
export type DeviceKind = (typeof DEVICE_KINDS)[number]

/**
 * The toxic gases the demo zone and the simulators play (DOMAIN.md's set-point table). The
 * hub's full list of gases is the gas catalogue (hub/catalogue/gases.yaml): it must hold
 * these, and at start each of its gases joins the gas metrics, units and toxic metrics below
 * (`addGasMetric`). Code that asks "is this metric a toxic gas" reads `TOXIC_METRICS`.
 */
export const TOXIC_GASES = ['h2s', 'co', 'no2', 'cl2', 'so2', 'nh3', 'c6h6', 'hcl'] as const
export type ToxicGas = (typeof TOXIC_GASES)[number]

/**
 * Gas-device metrics that are not gases of the catalogue: `lel` combustible gas in %LEL
 * (point detector), `lel_m` combustible gas in LEL·m (open-path detector, GB/T 50493-2019
 * §5.5.2(5)), `o2` oxygen in %VOL (a hazard of its own, never a combustible gas).
 */
export const GAS_BASE_METRICS = ['lel', 'lel_m', 'o2'] as const

const gasMetrics: string[] = ['lel', 'lel_m', ...TOXIC_GASES, 'o2']
const toxicMetrics = new Set<string>(TOXIC_GASES)

/** Gas metrics that are toxic gases: today's, and the catalogue's once it is loaded. */
export const TOXIC_METRICS: ReadonlySet<string> = toxicMetrics

/**
 * A wastewater outlet's metrics and the HJ 212-2017 codes they come from (table B.2 of the
 * 2017 edition; the 2005 codes in brackets, (check) — the codec maps both, hub/src/hj212/codes.ts):
 *
 * | metric   | HJ 212-2017        | what                                   | unit  |
 * |----------|--------------------|----------------------------------------|-------|
 * | `cod`    | w01018 (011)       | chemical oxygen demand, COD(Cr)        | mg/L  |
 * | `nh3n`   | w21003 (060)       | ammonia nitrogen, NH3-N                | mg/L  |
 * | `tp`     | w21011 (101)       | total phosphorus                       | mg/L  |
 * | `tn`     | w21001 (065)       | total nitrogen                         | mg/L  |
 * | `ph`     | w01001 (001)       | pH                                     | pH    |
 * | `flow_w` | w00000 (B01)       | wastewater flow                        | m³/h  |
 *
 * `flow_w`, not `flow`: a stack's `flow` is flue gas in m³/h of standard-state gas; a
 * wastewater flow is water. HJ 212-2017 gives w00000 in L/s (its -Cou in m³): the listener
 * converts to m³/h (× 3.6) where the logger sends L/s (check the logger's own unit).
 */
export const WASTEWATER_METRICS = ['cod', 'nh3n', 'tp', 'tn', 'ph', 'flow_w'] as const
export type WastewaterMetric = (typeof WASTEWATER_METRICS)[number]

/**
 * A weather station's metrics (docs/hazard.md):
 *
 * | metric       | what                                                                     | unit |
 * |--------------|--------------------------------------------------------------------------|------|
 * | `wind_speed` | mean wind speed at about 10 m                                            | m/s  |
 * | `wind_dir`   | where the wind blows FROM, degrees clockwise from north (meteorological) | °    |
 * | `air_temp`   | air temperature                                                          | °C   |
 * | `stability`  | Pasquill–Gifford stability class A–F as 1–6, when the station gives one  | –    |
 */
export const WEATHER_METRICS = ['wind_speed', 'wind_dir', 'air_temp', 'stability'] as const
export type WeatherMetric = (typeof WEATHER_METRICS)[number]

export const METRICS_BY_KIND: Readonly<Record<DeviceKind, readonly string[]>> = {
  gas: gasMetrics,
  fire: ['temp', 'smoke'],
  // pressure, velocity and nmhc: the stack parameters and NMHC of HJ 212 loggers (a01013, a01011, a24088)
  emission: ['so2', 'nox', 'pm', 'o2', 'flow', 'temp', 'humidity', 'hcl', 'cl2', 'pressure', 'velocity', 'nmhc'],
  energy: ['kwh', 'kw', 'gas_m3', 'steam_t', 'water_m3'],
  wastewater: WASTEWATER_METRICS,
  weather: WEATHER_METRICS,
}

const units: Record<string, string> = {
  lel: '%LEL', lel_m: 'LEL·m',
  h2s: 'mg/m³', co: 'mg/m³', no2: 'mg/m³', cl2: 'mg/m³', so2: 'mg/m³', nh3: 'mg/m³', c6h6: 'mg/m³', hcl: 'mg/m³',
  o2: '%VOL',
  temp: '°C', smoke: '%obs/m',
  nox: 'mg/m³', pm: 'mg/m³', flow: 'm³/h', humidity: '%', // flue-gas moisture, % by volume (HJ 212 a01014)
  pressure: 'kPa', velocity: 'm/s', nmhc: 'mg/m³', // flue-gas static pressure, velocity (HJ 75), non-methane hydrocarbons
  kwh: 'kWh', kw: 'kW', gas_m3: 'm³', steam_t: 't', water_m3: 'm³',
  cod: 'mg/L', nh3n: 'mg/L', tp: 'mg/L', tn: 'mg/L', ph: 'pH', flow_w: 'm³/h',
  wind_speed: 'm/s', wind_dir: '°', air_temp: '°C', stability: '', // stability: the class number 1–6 (A–F), no unit
}
/** The unit a metric is kept and judged in (a gas detector declaring ppm is converted to it first). */
export const UNITS: Readonly<Record<string, string>> = units

/**
 * A gas of the catalogue becomes a metric of gas devices, with its unit (mg/m³ for toxic
 * gases, %LEL for gases only combustible). Called by the catalogue when it is loaded; a
 * gas already known keeps its place.
 */
export function addGasMetric(id: string, unit: string, toxic: boolean): void {
  if (!gasMetrics.includes(id)) gasMetrics.splice(gasMetrics.length - 1, 0, id) // before o2
  units[id] = unit
  if (toxic) toxicMetrics.add(id)
  else toxicMetrics.delete(id)
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

/**
 * A pollutant code an HJ 212 device may send that no metric of its takes, kept under the code
 * (HJ 212-2017 table codes such as `a99999`, vendor codes such as `Load` or `Nh3-scr`): short,
 * alphanumeric with inner dashes, never a name InfluxDB or the hub's tags use (docs/hj212.md).
 */
export const HJ212_EXTRA_CODE = /^(?!(?:time|park|enterprise|device|area|interval|cn)$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,14}[A-Za-z0-9])?$/i
