/**
 * The Gaussian plume the hazard footprint is drawn with (docs/hazard.md, with a worked example).
 *
 * A continuous point release at ground level, wind speed u along +x, total reflection at the
 * ground: the ground-level concentration at downwind distance x and crosswind offset y is
 *
 *   C(x, y) = Q / (π · u · σy · σz) · exp(−y² / (2 σy²))
 *
 * (Turner, Workbook of Atmospheric Dispersion Estimates, 1970/1994, eq. for H = 0, z = 0).
 * Q in mg/s gives C in mg/m³; any concentration unit works alike (the model is linear in Q).
 *
 * σy, σz: Briggs (1973) formulas for the Pasquill–Gifford stability classes, as tabulated in
 * Hanna, Briggs & Hosker, Handbook on Atmospheric Diffusion (1982), table 4.5 — open country
 * (`rural`) and built-up (`urban`, from the St Louis experiments, McElroy & Pooler 1968), fitted
 * for 100 m < x < 10 km. Closer than 100 m they are an extrapolation; an initial source size
 * σ0 (added in quadrature, 1 m by default) stands for the mixing at the release itself and keeps
 * the near field finite.
 */
import type { StabilityClass } from '../model/footprint.js'

export type Terrain = 'rural' | 'urban'

/** σ = a·x·(1 + b·x)^c, for y and z: [a, b, c]. */
type Coefs = { y: [number, number, number]; z: [number, number, number] }

/** Briggs (1973), open country (Hanna et al. 1982, table 4.5). */
const RURAL: Readonly<Record<StabilityClass, Coefs>> = {
  A: { y: [0.22, 0.0001, -0.5], z: [0.2, 0, 0] },
  B: { y: [0.16, 0.0001, -0.5], z: [0.12, 0, 0] },
  C: { y: [0.11, 0.0001, -0.5], z: [0.08, 0.0002, -0.5] },
  D: { y: [0.08, 0.0001, -0.5], z: [0.06, 0.0015, -0.5] },
  E: { y: [0.06, 0.0001, -0.5], z: [0.03, 0.0003, -1] },
  F: { y: [0.04, 0.0001, -0.5], z: [0.016, 0.0003, -1] },
}

/** Briggs (1973), urban (Hanna et al. 1982, table 4.5): A–B and E–F share a row. */
const URBAN: Readonly<Record<StabilityClass, Coefs>> = {
  A: { y: [0.32, 0.0004, -0.5], z: [0.24, 0.001, 0.5] },
  B: { y: [0.32, 0.0004, -0.5], z: [0.24, 0.001, 0.5] },
  C: { y: [0.22, 0.0004, -0.5], z: [0.2, 0, 0] },
  D: { y: [0.16, 0.0004, -0.5], z: [0.14, 0.0003, -0.5] },
  E: { y: [0.11, 0.0004, -0.5], z: [0.08, 0.0015, -0.5] },
  F: { y: [0.11, 0.0004, -0.5], z: [0.08, 0.0015, -0.5] },
}

/** Below this the plume is computed at this speed: a Gaussian plume has no meaning in calm air (Turner 1994 takes 1 m/s). */
export const MIN_WIND_MS = 1
/** The dispersion curves are fitted out to 10 km (Hanna et al. 1982). */
export const MAX_REACH_M = 10_000
/** Initial source size, m: near-field mixing at a leak (jet, wake of the equipment). */
export const DEFAULT_SIGMA0_M = 1

export interface PlumeWeather {
  /** m/s; taken as at least MIN_WIND_MS. */
  u: number
  stability: StabilityClass
  terrain: Terrain
  /** Initial source size, m (DEFAULT_SIGMA0_M). */
  sigma0?: number
}

const power = (x: number, [a, b, c]: [number, number, number]): number => (b === 0 ? a * x : a * x * Math.pow(1 + b * x, c))

/** Briggs σy, σz (m) at downwind distance x (m), without the source size. */
export function briggsSigmas(x: number, stability: StabilityClass, terrain: Terrain): { sy: number; sz: number } {
  const k = (terrain === 'urban' ? URBAN : RURAL)[stability]
  return { sy: power(x, k.y), sz: power(x, k.z) }
}

/** σy, σz with the source size added in quadrature. */
export function plumeSigmas(x: number, w: PlumeWeather): { sy: number; sz: number } {
  const { sy, sz } = briggsSigmas(Math.max(0, x), w.stability, w.terrain)
  const s0 = w.sigma0 ?? DEFAULT_SIGMA0_M
  return { sy: Math.hypot(sy, s0), sz: Math.hypot(sz, s0) }
}

const windOf = (w: PlumeWeather): number => Math.max(MIN_WIND_MS, w.u)

/** Ground-level centreline concentration at x for release rate q: q / (π u σy σz); 0 upwind (x ≤ 0). */
export function centreline(q: number, x: number, w: PlumeWeather): number {
  if (x <= 0) return 0
  const { sy, sz } = plumeSigmas(x, w)
  return q / (Math.PI * windOf(w) * sy * sz)
}

/** Ground-level concentration at (x downwind, y crosswind) for release rate q. */
export function concentration(q: number, x: number, y: number, w: PlumeWeather): number {
  if (x <= 0) return 0
  const { sy, sz } = plumeSigmas(x, w)
  return (q / (Math.PI * windOf(w) * sy * sz)) * Math.exp(-(y * y) / (2 * sy * sy))
}

/** Half-width (m) of the region where the concentration is at least `threshold`, at x; 0 where the centreline is below it. */
export function halfWidth(q: number, threshold: number, x: number, w: PlumeWeather): number {
  if (x <= 0) return 0
  const { sy, sz } = plumeSigmas(x, w)
  const c = q / (Math.PI * windOf(w) * sy * sz)
  return c <= threshold ? 0 : sy * Math.sqrt(2 * Math.log(c / threshold))
}

/**
 * How far downwind the centreline stays at or above `threshold` (m), up to MAX_REACH_M: the
 * centreline falls monotonically with x, so a bisection finds where it crosses.
 */
export function reach(q: number, threshold: number, w: PlumeWeather): number {
  if (!(q > 0) || !(threshold > 0)) return 0
  if (centreline(q, MAX_REACH_M, w) >= threshold) return MAX_REACH_M
  let lo = 0
  let hi = MAX_REACH_M
  if (centreline(q, 1e-3, w) < threshold) return 0
  for (let i = 0; i < 60 && hi - lo > 0.01; i++) {
    const mid = (lo + hi) / 2
    if (centreline(q, mid, w) >= threshold) lo = mid
    else hi = mid
  }
  return lo
}

/** Plan direction the wind blows toward, from the meteorological direction it blows from (x east, y south). */
export function downwind(fromDeg: number): { dx: number; dy: number } {
  const rad = (fromDeg * Math.PI) / 180
  // From north (0°) the air moves south: +y on the plan (as simulators/src/models/plume.ts).
  return { dx: -Math.sin(rad), dy: Math.cos(rad) }
}

/** A plan point in the plume's frame: x along the wind from `source`, y to its left-hand side. */
export function toPlumeFrame(p: { x: number; y: number }, source: { x: number; y: number }, fromDeg: number): { x: number; y: number } {
  const d = downwind(fromDeg)
  const rx = p.x - source.x
  const ry = p.y - source.y
  return { x: rx * d.dx + ry * d.dy, y: -rx * d.dy + ry * d.dx }
}

/** Back from the plume's frame to plan metres. */
export function fromPlumeFrame(x: number, y: number, source: { x: number; y: number }, fromDeg: number): [number, number] {
  const d = downwind(fromDeg)
  return [source.x + x * d.dx - y * d.dy, source.y + x * d.dy + y * d.dx]
}
