/**
 * Contours of the plume at a threshold, as polygons on the site plan (docs/hazard.md).
 *
 * Best estimate: along the wind, at each distance x up to the reach, the half-width where the
 * ground-level concentration equals the threshold (dispersion.ts `halfWidth`); the polygon runs
 * out on one side and back on the other. The uncertainty band: the same region for the rate's
 * upper bound with the wind turned across ± its spread, as one outline — for each bearing from
 * the source, the farthest point inside any of the turned plumes.
 */
import type { PlanPolygon } from '../model/footprint.js'
import { fromPlumeFrame, halfWidth, reach, type PlumeWeather } from './dispersion.js'

const ALONG_STEPS = 48
const BEARING_STEP_DEG = 2
const TURNS = 13

const r1 = (v: number): number => Math.round(v * 10) / 10

/** Distances along the wind, dense near the source and near the tip (where the outline turns). */
function alongSteps(len: number): number[] {
  const xs: number[] = []
  for (let i = 0; i <= ALONG_STEPS; i++) xs.push(len * (1 - Math.cos((Math.PI * i) / ALONG_STEPS)) / 2)
  return xs
}

/** The best-estimate outline at `threshold` and its reach (m); an empty polygon when the centreline never reaches the threshold. */
export function plumeContour(q: number, threshold: number, source: { x: number; y: number }, fromDeg: number, w: PlumeWeather): { polygon: PlanPolygon; reachM: number } {
  const len = reach(q, threshold, w)
  if (len <= 0) return { polygon: [], reachM: 0 }
  const xs = alongSteps(len)
  const side = xs.map((x) => [x, x >= len ? 0 : halfWidth(q, threshold, x, w)] as const)
  const left = side.map(([x, h]) => fromPlumeFrame(x, h, source, fromDeg))
  const right = side.slice(1, -1).reverse().map(([x, h]) => fromPlumeFrame(x, -h, source, fromDeg))
  return { polygon: [...left, ...right].map(([x, y]) => [r1(x), r1(y)] as [number, number]), reachM: len }
}

/**
 * The band's outline: the plume at rate `qHigh` turned by every angle across ±`spreadDeg`, as
 * the farthest point per bearing from the source (a star-shaped hull of their union). The
 * unturned outline's radius as a function of bearing comes from its vertices (it is star-shaped
 * about the source: the half-width grows slower than the distance), so each turned plume is
 * that function shifted.
 */
export function bandContour(qHigh: number, threshold: number, source: { x: number; y: number }, fromDeg: number, spreadDeg: number, w: PlumeWeather): PlanPolygon {
  const len = reach(qHigh, threshold, w)
  if (len <= 0) return []
  // Radius by bearing (degrees off the axis, 0–90) along the outline's upper side, bearing falling as x grows.
  const polar = alongSteps(len)
    .map((x) => {
      const h = x >= len ? 0 : halfWidth(qHigh, threshold, x, w)
      return { deg: (Math.atan2(h, x) * 180) / Math.PI, r: Math.hypot(x, h) }
    })
    .sort((a, b) => a.deg - b.deg)
  const radiusAt = (deg: number): number => {
    const d = Math.abs(deg)
    if (d > polar[polar.length - 1]!.deg) return 0
    let far = 0
    for (let i = 1; i < polar.length; i++) {
      const a = polar[i - 1]!
      const b = polar[i]!
      if (d >= a.deg && d <= b.deg) far = Math.max(far, b.deg === a.deg ? Math.max(a.r, b.r) : a.r + ((b.r - a.r) * (d - a.deg)) / (b.deg - a.deg))
    }
    return far
  }
  const turns = Array.from({ length: TURNS }, (_, i) => -spreadDeg + (2 * spreadDeg * i) / (TURNS - 1))
  const out: PlanPolygon = []
  const half = Math.ceil((spreadDeg + 90) / BEARING_STEP_DEG) * BEARING_STEP_DEG
  for (let b = -half; b <= half; b += BEARING_STEP_DEG) {
    let far = 0
    for (const t of turns) far = Math.max(far, radiusAt(b - t))
    if (far <= 0) continue
    const rad = (b * Math.PI) / 180
    const [x, y] = fromPlumeFrame(far * Math.cos(rad), far * Math.sin(rad), source, fromDeg)
    out.push([r1(x), r1(y)])
  }
  if (out.length === 0) return []
  return [[r1(source.x), r1(source.y)], ...out]
}
