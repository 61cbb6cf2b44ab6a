/**
 * A gas release's estimated hazard footprint on a park's site plan (docs/hazard.md): what the
 * hub serves at GET /api/v1/parks/:park/footprint and pushes as the `footprint` live event.
 * Coordinates are the site plan's metres (x east, y south: the plan's north is up).
 */

/** Pasquill–Gifford stability classes, A (very unstable) to F (moderately stable). */
export const STABILITY_CLASSES = ['A', 'B', 'C', 'D', 'E', 'F'] as const
export type StabilityClass = (typeof STABILITY_CLASSES)[number]

/** Why no footprint is drawn for a park (the panel says it). */
export const NO_FOOTPRINT_REASONS = [
  'no_gas_alarm',
  'no_weather_station',
  'no_weather_reading',
  'weather_stale',
  'no_levels',
  'no_readings',
] as const
export type NoFootprintReason = (typeof NO_FOOTPRINT_REASONS)[number]

/**
 * What limits an estimate, shown beside it:
 * - `dense_gas`: the gas is much heavier than air (or released as a dense cloud): it slumps and
 *   flows along the ground and down slopes; a Gaussian plume does not hold.
 * - `heavier_than_air`: modestly heavier than air (e.g. H2S, HCl): near the source it may lie low.
 * - `low_wind`: wind under 1 m/s; the plume is computed at 1 m/s and its direction is poorly known.
 * - `default_stability`: the station gives no stability class; neutral D is assumed.
 * - `one_detector`: one detector reads the gas: the source distance is the standard's placement
 *   distance, not a fit, and the release rate is uncertain by a factor of 3 either way.
 * - `beyond_10km`: a contour reaches the 10 km the dispersion curves are fitted to; cut there.
 */
export const FOOTPRINT_CAVEATS = ['dense_gas', 'heavier_than_air', 'low_wind', 'default_stability', 'one_detector', 'beyond_10km'] as const
export type FootprintCaveat = (typeof FOOTPRINT_CAVEATS)[number]

/** A closed polygon, [x, y] pairs in metres on the site plan. */
export type PlanPolygon = [number, number][]

export interface FootprintWind {
  station: string
  /** m/s, as read (the model uses at least 1 m/s). */
  speed: number
  /** Where the wind blows from, degrees clockwise from north. */
  fromDeg: number
  /** Spread of the direction over the last 10 minutes (circular standard deviation, at least 10°). */
  spreadDeg: number
  stability: StabilityClass
  stabilitySource: 'station' | 'default'
  airTemp?: number | undefined
  /** When the station last reported. */
  ts: number
}

export interface FootprintContour {
  /** 1–3: the emergency level's number (AEGL-1…3); flammable: 1 = 10 % LEL, 3 = 60 % LEL. */
  level: 1 | 2 | 3
  /** The level's name, e.g. `AEGL-2`, `60 %LEL`. */
  label: string
  /** The threshold in the gas's unit (`unit` of the plume). */
  threshold: number
  /** Best estimate: ground-level concentration ≥ threshold inside. */
  polygon: PlanPolygon
  /** The uncertainty band's outer edge: the release rate at its upper bound, the wind turned ± its spread. */
  band: PlanPolygon
  /** Downwind reach of the best estimate, m. */
  reachM: number
}

/** A place of the site inside a contour: `level` the highest level whose estimate covers it; `bandOnly` inside only the uncertainty band. */
export interface FootprintPlace {
  kind: 'building' | 'tank' | 'stack' | 'unit' | 'gate' | 'area' | 'enterprise'
  id: string
  name: string
  nameEn?: string | undefined
  level: 1 | 2 | 3
  bandOnly: boolean
}

export interface FootprintMuster {
  id: string
  name: string
  nameEn?: string | undefined
  position: { x: number; y: number }
  /** Distance from the estimated source, m. */
  distanceM: number
  /** Upwind of the source (the wind carries the gas away from it). */
  upwind: boolean
  /** Inside a contour's band: not to be used. */
  inside: boolean
}

export interface FootprintPlume {
  /** The gas metric, e.g. `cl2`, `lel`. */
  gas: string
  /** Unit of concentrations and thresholds: `mg/m³` for toxic gases, `%LEL` for combustible ones. */
  unit: string
  /** Emergency levels' scheme: `AEGL-60min`, `ERPG`, or `flammable` (10 / 60 % LEL). */
  scheme: string
  /** Estimated release point, metres on the plan. */
  source: { x: number; y: number }
  /** Fitted release rate and its bounds, in `unit`·m³/s (mg/s for mg/m³). */
  rate: number
  rateLow: number
  rateHigh: number
  /** The detectors the fit used: what they read and what the fitted plume gives there. */
  detectors: { device: string; value: number; fitted: number; alarming: boolean }[]
  contours: FootprintContour[]
  places: FootprintPlace[]
  caveats: FootprintCaveat[]
}

export interface ParkFootprint {
  park: string
  computedAt: number
  /** `estimate`: plumes drawn; `none`: nothing drawn, `reason` says why. */
  state: 'estimate' | 'none'
  reason?: NoFootprintReason | undefined
  /** The gases alarming when `state` is none for want of weather or levels. */
  gases?: string[] | undefined
  wind?: FootprintWind | undefined
  /** `rural` (Briggs open country) or `urban` (Briggs urban, built-up sites). */
  terrain?: 'rural' | 'urban' | undefined
  plumes: FootprintPlume[]
  /** The park's assembly points, safe upwind ones first. */
  muster: FootprintMuster[]
}
