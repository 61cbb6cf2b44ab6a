/**
 * One park's hazard footprint from what the hub knows now (docs/hazard.md): the gases in alarm,
 * their detectors' readings and positions, the park's weather station. Pure: the service
 * (footprint-service.ts) gathers the inputs and decides when to compute.
 *
 * Per gas: fit a source (fit.ts), then for each emergency level of the gas (levels.ts) the
 * best-estimate contour and its uncertainty band (contours.ts), the places inside (places.ts)
 * and the caveats that limit the estimate. The park's assembly points are judged against every
 * gas's bands.
 */
import type { GasCatalogue } from '../catalogue/gas-catalogue.js'
import type { FootprintCaveat, FootprintContour, FootprintPlume, FootprintWind, NoFootprintReason, ParkFootprint, StabilityClass } from '../model/footprint.js'
import { STABILITY_CLASSES } from '../model/footprint.js'
import type { Park } from '../model/zone.js'
import { bandContour, plumeContour } from './contours.js'
import { MAX_REACH_M, MIN_WIND_MS, type PlumeWeather, type Terrain } from './dispersion.js'
import { fitSource, PLACEMENT_DISTANCE_M, type DetectorReading } from './fit.js'
import { levelsOf } from './levels.js'
import { musterPoints, placesInside } from './places.js'

/** Neutral D when the station gives no class: the class of overcast skies, day or night, in Pasquill's scheme (Turner 1970, table 1). */
export const DEFAULT_STABILITY: StabilityClass = 'D'
/** Direction spread at least this, degrees: a wind vane's accuracy and the meander a 10-minute mean hides. */
export const MIN_SPREAD_DEG = 10

export interface WeatherInput {
  station: string
  speed: number
  fromDeg: number
  spreadDeg: number
  /** 1–6 for A–F, when the station reports it. */
  stability?: number | undefined
  airTemp?: number | undefined
  ts: number
}

export interface GasDetectorInput extends DetectorReading {
  metric: string
}

export interface FootprintInputs {
  park: Park
  now: number
  /** Gas metrics with an active alarm in the park. */
  alarmingGases: readonly string[]
  /** Fresh readings of the park's detectors of those gases, in the gas's unit. */
  detectors: readonly GasDetectorInput[]
  /** The station's latest, or why there is none. */
  weather: WeatherInput | 'no_weather_station' | 'no_weather_reading' | 'weather_stale'
  terrain: Terrain
  catalogue: GasCatalogue
}

const none = (park: string, now: number, reason: NoFootprintReason, gases?: readonly string[]): ParkFootprint => ({
  park, computedAt: now, state: 'none', reason, ...(gases?.length ? { gases: [...gases] } : {}), plumes: [], muster: [],
})

export function stabilityOf(n: number | undefined): StabilityClass | undefined {
  return n !== undefined && Number.isFinite(n) && n >= 0.5 && n < 6.5 ? STABILITY_CLASSES[Math.round(n) - 1] : undefined
}

export function computeFootprint(i: FootprintInputs): ParkFootprint {
  const park = i.park.id
  if (i.alarmingGases.length === 0) return none(park, i.now, 'no_gas_alarm')
  if (typeof i.weather === 'string') return none(park, i.now, i.weather, i.alarmingGases)
  const station = i.weather
  const stability = stabilityOf(station.stability)
  const wind: FootprintWind = {
    station: station.station, speed: station.speed, fromDeg: station.fromDeg, spreadDeg: Math.max(MIN_SPREAD_DEG, station.spreadDeg),
    stability: stability ?? DEFAULT_STABILITY, stabilitySource: stability ? 'station' : 'default', airTemp: station.airTemp, ts: station.ts,
  }
  const w: PlumeWeather = { u: station.speed, stability: wind.stability, terrain: i.terrain }
  const plumes: FootprintPlume[] = []
  let withLevels = 0
  for (const gas of i.alarmingGases) {
    const levels = levelsOf(gas, i.catalogue)
    if (!levels || levels.levels.length === 0) continue
    withLevels++
    const readings = i.detectors.filter((d) => d.metric === gas)
    const fit = fitSource(readings, wind.fromDeg, w, levels.toxic ? PLACEMENT_DISTANCE_M.toxic : PLACEMENT_DISTANCE_M.combustible)
    if (!fit || fit.rate <= 0) continue
    const contours: FootprintContour[] = []
    let cut = false
    for (const l of levels.levels) {
      const best = plumeContour(fit.rate, l.threshold, fit.source, wind.fromDeg, w)
      const band = bandContour(fit.rateHigh, l.threshold, fit.source, wind.fromDeg, wind.spreadDeg, w)
      if (best.reachM >= MAX_REACH_M) cut = true
      if (best.polygon.length === 0 && band.length === 0) continue
      contours.push({ level: l.level, label: l.label, threshold: l.threshold, polygon: best.polygon, band, reachM: Math.round(best.reachM) })
    }
    const caveats: FootprintCaveat[] = []
    if (levels.buoyancy) caveats.push(levels.buoyancy)
    if (station.speed < MIN_WIND_MS) caveats.push('low_wind')
    if (wind.stabilitySource === 'default') caveats.push('default_stability')
    if (fit.oneDetector) caveats.push('one_detector')
    if (cut) caveats.push('beyond_10km')
    plumes.push({
      gas, unit: levels.unit, scheme: levels.scheme,
      source: { x: Math.round(fit.source.x * 10) / 10, y: Math.round(fit.source.y * 10) / 10 },
      rate: sig(fit.rate), rateLow: sig(fit.rateLow), rateHigh: sig(fit.rateHigh),
      detectors: readings.map((r, k) => ({ device: r.device, value: r.value, fitted: sig(fit.fitted[k]!), alarming: r.alarming })),
      contours, places: placesInside(i.park, contours), caveats,
    })
  }
  if (withLevels === 0) return none(park, i.now, 'no_levels', i.alarmingGases)
  if (plumes.length === 0) return none(park, i.now, 'no_readings', i.alarmingGases)
  // Assembly points against the first (most severe, as ordered by the caller) gas's source.
  const first = plumes[0]!
  const allContours = plumes.flatMap((p) => p.contours)
  return {
    park, computedAt: i.now, state: 'estimate', wind, terrain: i.terrain, plumes,
    muster: musterPoints(i.park, first.source, wind.fromDeg, allContours),
  }
}

const sig = (v: number): number => (v === 0 ? 0 : Number(v.toPrecision(4)))
