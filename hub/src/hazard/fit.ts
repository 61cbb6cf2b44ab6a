/**
 * Where the gas comes from and how much: a point source placed upwind of the strongest
 * detector and a release rate fitted by least squares to the detectors' readings under the
 * park's wind (docs/hazard.md, "The fit").
 *
 * Candidates: the strongest detector moved upwind by r ∈ {2 … 120 m} and across the wind by
 * 0 or ±0.3 r. For each candidate the plume of unit release gives kᵢ at every detector i; the
 * rate minimising Σ(cᵢ − Q kᵢ)² is Q = Σ cᵢ kᵢ / Σ kᵢ², and the candidate with the least
 * relative residual Σ(cᵢ − Q kᵢ)² / Σ cᵢ² wins (the nearer one at a tie). Detectors of the gas
 * reading nothing take part: they keep the source from where they would have seen it.
 *
 * When one detector alone reads the gas, the residual cannot choose: the source is put at the
 * greatest distance GB/T 50493-2019 §4.2 allows between a release source and its detector
 * outdoors (toxic 4 m, combustible 10 m), and the rate's bounds are ×/÷ 3 (caveat `one_detector`).
 * Otherwise the bounds are Q ± 2 standard errors, SE = √(RSS / (n − 1) / Σ kᵢ²), and never
 * narrower than ×/÷ 2: a steady plume's concentrations are commonly within a factor of two of
 * what is measured only about half the time (Hanna et al. 1982), and against the simulator's
 * meandering puffs the fitted rate came out 0.57–0.65 × the true one (tests/unit/hazard/against-simulator.test.ts).
 */
import { concentration, toPlumeFrame, type PlumeWeather } from './dispersion.js'

export interface DetectorReading {
  device: string
  position: { x: number; y: number }
  /** In the gas's unit (mg/m³ or %LEL), already converted from the device's own unit. */
  value: number
  alarming: boolean
}

export interface SourceFit {
  source: { x: number; y: number }
  rate: number
  rateLow: number
  rateHigh: number
  /** Σ(cᵢ − Q kᵢ)² / Σ cᵢ². */
  relativeResidual: number
  fitted: number[]
  /** Only one detector read the gas: placement by the standard's distance, not by the fit. */
  oneDetector: boolean
}

/** GB/T 50493-2019 §4.2.1: outdoors, a toxic detector within 4 m of a release source, a combustible one within 10 m. */
export const PLACEMENT_DISTANCE_M = { toxic: 4, combustible: 10 } as const
const DISTANCES_M = [2, 4, 7, 10, 15, 22, 32, 45, 65, 90, 120]
const CROSS = [0, -0.3, 0.3]
/** Readings at or below this share of the strongest count as "nothing" for the one-detector test. */
const TRACE = 0.02
const MIN_BOUND_FACTOR = 2
const ONE_DETECTOR_FACTOR = 3

function rateFor(readings: readonly DetectorReading[], source: { x: number; y: number }, fromDeg: number, w: PlumeWeather): { q: number; k: number[]; rss: number; skk: number } {
  const k = readings.map((r) => {
    const p = toPlumeFrame(r.position, source, fromDeg)
    return concentration(1, p.x, p.y, w)
  })
  let sck = 0
  let skk = 0
  for (let i = 0; i < readings.length; i++) {
    sck += readings[i]!.value * k[i]!
    skk += k[i]! * k[i]!
  }
  const q = skk > 0 ? Math.max(0, sck / skk) : 0
  let rss = 0
  for (let i = 0; i < readings.length; i++) rss += (readings[i]!.value - q * k[i]!) ** 2
  return { q, k, rss, skk }
}

/**
 * Fit a source to the readings of one gas. `placement`: the standard's distance for this
 * gas's detectors (PLACEMENT_DISTANCE_M). Undefined when nothing reads above zero.
 */
export function fitSource(readings: readonly DetectorReading[], fromDeg: number, w: PlumeWeather, placement: number): SourceFit | undefined {
  const strongest = readings.reduce<DetectorReading | undefined>((a, r) => (a === undefined || r.value > a.value ? r : a), undefined)
  if (strongest === undefined || !(strongest.value > 0)) return undefined
  const rad = (fromDeg * Math.PI) / 180
  // Upwind, toward where the wind comes from: (sin θ, −cos θ) on the plan (x east, y south).
  const up = { x: Math.sin(rad), y: -Math.cos(rad) }
  const across = { x: -up.y, y: up.x }
  const sumSq = readings.reduce((s, r) => s + r.value * r.value, 0)
  const seeing = readings.filter((r) => r.value > strongest.value * TRACE).length
  const at = (r: number, c: number): { x: number; y: number } => ({
    x: strongest.position.x + up.x * r + across.x * c * r,
    y: strongest.position.y + up.y * r + across.y * c * r,
  })

  if (seeing <= 1) {
    const source = at(placement, 0)
    const { q, k, rss } = rateFor(readings, source, fromDeg, w)
    return { source, rate: q, rateLow: q / ONE_DETECTOR_FACTOR, rateHigh: q * ONE_DETECTOR_FACTOR, relativeResidual: rss / sumSq, fitted: k.map((x) => x * q), oneDetector: true }
  }
  let best: { source: { x: number; y: number }; q: number; k: number[]; rss: number; skk: number } | undefined
  for (const r of DISTANCES_M)
    for (const c of CROSS) {
      const source = at(r, c)
      const f = rateFor(readings, source, fromDeg, w)
      if (f.q <= 0) continue
      // Strictly better by 0.1 %: at a tie the nearer candidate (met first) stays.
      if (best === undefined || f.rss < best.rss * 0.999) best = { source, ...f }
    }
  if (best === undefined) return undefined
  const n = readings.length
  const se = n > 1 && best.skk > 0 ? Math.sqrt(best.rss / (n - 1) / best.skk) : best.q
  const rateHigh = Math.max(best.q + 2 * se, best.q * MIN_BOUND_FACTOR)
  const rateLow = Math.min(Math.max(best.q - 2 * se, 0), best.q / MIN_BOUND_FACTOR)
  const q = best.q
  return { source: best.source, rate: q, rateLow, rateHigh, relativeResidual: best.rss / sumSq, fitted: best.k.map((x) => x * q), oneDetector: false }
}
