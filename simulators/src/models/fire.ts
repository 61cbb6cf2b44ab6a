/**
 * A growing fire and what ceiling-mounted detectors see of it.
 *
 * Heat release: the t-squared fire of NFPA 72 Annex B / NFPA 92 / ISO/TS 16733,
 * Q = α (t − t0)², α = 0.01172 kW/s² for "medium" growth (1055 kW in 300 s), 0.0469 "fast",
 * 0.1876 "ultra-fast", capped at a fuel- or ventilation-limited peak. Once suppressed (or its
 * fuel cut), Q decays exponentially.
 *
 * Ceiling jet: Alpert's (1972) correlations (SFPE Handbook), Q in kW, H ceiling height m,
 * r radial distance m:
 *   ΔT = 16.9 Q^{2/3} / H^{5/3}           for r/H ≤ 0.18
 *   ΔT = 5.38 (Q/r)^{2/3} / H             for r/H > 0.18
 *   U  = 0.96 (Q/H)^{1/3}                 for r/H ≤ 0.15
 *   U  = 0.195 Q^{1/3} H^{1/2} / r^{5/6}  for r/H > 0.15
 * A detector element heats at dT/dt = √U / RTI · (Tgas − Tdet) (Heskestad & Smith, RTI in
 * (m·s)^½), so a heat detector lags the gas while a smoke detector, which only needs the smoke
 * to arrive, trips much earlier.
 */
import type { Position } from '../../../hub/src/model/device.js'

export const GROWTH_ALPHA = { slow: 0.00293, medium: 0.01172, fast: 0.0469, ultrafast: 0.1876 } as const
export type Growth = keyof typeof GROWTH_ALPHA

export interface FireOptions {
  id: string
  position: Position
  /** Simulated ms of ignition. */
  ignitedAt: number
  /** kW/s²; default medium growth (NFPA 72 Annex B). */
  alpha?: number
  /** Peak heat release rate, kW. */
  maxKw?: number
  /** Ceiling (or detector mounting) height above the fire, m. */
  ceilingM?: number
  /** Decay time constant once suppressed, s. */
  decayTauSec?: number
}

export class Fire {
  readonly id: string
  readonly position: Position
  readonly ignitedAt: number
  readonly alpha: number
  maxKw: number
  readonly ceilingM: number
  readonly decayTauSec: number
  /** Simulated ms the fire started to decay (suppression, fuel cut), if it has. */
  private decayFrom: number | undefined
  private decayQ = 0

  constructor(opts: FireOptions) {
    this.id = opts.id
    this.position = { ...opts.position }
    this.ignitedAt = opts.ignitedAt
    this.alpha = opts.alpha ?? GROWTH_ALPHA.medium
    this.maxKw = opts.maxKw ?? 5000
    this.ceilingM = opts.ceilingM ?? 6
    this.decayTauSec = opts.decayTauSec ?? 120
  }

  /** Heat release rate, kW, at simulated time t (ms). */
  hrr(t: number): number {
    if (t <= this.ignitedAt) return 0
    if (this.decayFrom !== undefined && t >= this.decayFrom) {
      return this.decayQ * Math.exp(-(t - this.decayFrom) / 1000 / this.decayTauSec)
    }
    const s = (t - this.ignitedAt) / 1000
    return Math.min(this.maxKw, this.alpha * s * s)
  }

  suppress(t: number): void {
    if (this.decayFrom !== undefined) return
    this.decayQ = this.hrr(t)
    this.decayFrom = t
  }

  /** Out: decayed below a smouldering few kW. */
  isOut(t: number): boolean {
    return this.decayFrom !== undefined && this.hrr(t) < 1
  }

  get suppressed(): boolean {
    return this.decayFrom !== undefined
  }

  /** Ceiling-jet gas temperature rise above ambient, °C (Alpert), at a point on the plan. */
  gasRise(t: number, at: Position): number {
    return ceilingJetRise(this.hrr(t), this.ceilingM, distance(this.position, at))
  }

  /** Ceiling-jet velocity, m/s (Alpert). */
  jetVelocity(t: number, at: Position): number {
    return ceilingJetVelocity(this.hrr(t), this.ceilingM, distance(this.position, at))
  }
}

export function distance(a: Position, b: Position): number {
  return Math.hypot(a.x - b.x, a.y - b.y)
}

export function ceilingJetRise(qKw: number, h: number, r: number): number {
  if (qKw <= 0) return 0
  if (r / h <= 0.18) return (16.9 * Math.pow(qKw, 2 / 3)) / Math.pow(h, 5 / 3)
  return (5.38 * Math.pow(qKw / r, 2 / 3)) / h
}

export function ceilingJetVelocity(qKw: number, h: number, r: number): number {
  if (qKw <= 0) return 0
  if (r / h <= 0.15) return 0.96 * Math.pow(qKw / h, 1 / 3)
  return (0.195 * Math.pow(qKw, 1 / 3) * Math.sqrt(h)) / Math.pow(r, 5 / 6)
}

/**
 * Smoke obscuration from the ceiling-jet temperature rise, using a constant ratio of optical
 * density to temperature rise (Heskestad's similarity, NFPA 72 Annex B): D = k·ΔT in OD/m,
 * obscuration = 100 (1 − 10^(−D)) %/m. k = 0.01 OD/(m·°C) is mid-range for flaming plastics
 * and wood; with it a detector set at 8 %obs/m (≈ 2.5 %/ft, inside the UL 268 window of
 * 0.5–4 %/ft) alarms at about 3.6 °C of rise.
 */
export const SMOKE_OD_PER_DEG = 0.01

export function obscurationPerMetre(gasRise: number): number {
  const od = SMOKE_OD_PER_DEG * Math.max(0, gasRise)
  return 100 * (1 - Math.pow(10, -od))
}

/**
 * Distance within which a flame detector sees a fire: EN 54-10 class 1 detects its test fire
 * (≈ 200 kW) at 25 m; radiant intensity scales with Q and falls with r², so r_max ∝ √Q.
 */
export function flameDetectionRange(qKw: number): number {
  return qKw <= 0 ? 0 : 25 * Math.sqrt(qKw / 200)
}
