/**
 * Gas dispersion from a leak: a Gaussian puff model (a continuous release split into puffs,
 * each carried downwind and spreading as it goes). Summed over puffs it gives the classic
 * ground-level Gaussian plume, C = Q / (π σy σz u), once the release has reached the receptor;
 * before that, the concentration is zero, so a detector downwind reads earlier and higher than
 * one upwind at the same distance.
 *
 * Dispersion coefficients: Briggs (1973) open-country curves for Pasquill–Gifford stability
 * classes, σ(x) in metres for travel distance x. An initial source size σ0 stands for the
 * jet/wake mixing near the leak, and an eddy-diffusion term √(2Kt) keeps low-wind puffs
 * spreading. Buoyancy (hydrogen rising, chlorine slumping) is not modelled: a neutral-density
 * approximation, fine for a demo, conservative for light gases at ground level.
 *
 * Coordinates: the park's site plan, x east, y south (down the plan), metres. Wind direction is
 * meteorological: where the wind blows FROM, degrees clockwise from north.
 */
import type { Position } from '../../../hub/src/model/device.js'
import type { Rng } from '../prng.js'
import { ouStep } from '../prng.js'

export type Stability = 'A' | 'B' | 'C' | 'D' | 'E' | 'F'

/** Briggs (1973) rural σy, σz: a·x·(1 + b·x)^c. */
const BRIGGS: Readonly<Record<Stability, { y: [number, number]; z: [number, number, number] }>> = {
  A: { y: [0.22, 0.0001], z: [0.2, 0, 0] },
  B: { y: [0.16, 0.0001], z: [0.12, 0, 0] },
  C: { y: [0.11, 0.0001], z: [0.08, 0.0002, -0.5] },
  D: { y: [0.08, 0.0001], z: [0.06, 0.0015, -0.5] },
  E: { y: [0.06, 0.0001], z: [0.03, 0.0003, -1] },
  F: { y: [0.04, 0.0001], z: [0.016, 0.0003, -1] },
}

export function briggsSigma(stability: Stability, x: number): { sy: number; sz: number } {
  const c = BRIGGS[stability]
  const sy = c.y[0] * x * Math.pow(1 + c.y[1] * x, -0.5)
  const sz = c.z[1] === 0 ? c.z[0] * x : c.z[0] * x * Math.pow(1 + c.z[1] * x, c.z[2])
  return { sy, sz }
}

/** Gaussian models lose meaning below about 0.5 m/s (calm); clamp there. */
export const MIN_WIND = 0.5

export interface WindState {
  /** m/s at about 10 m. */
  speed: number
  /** Mean direction the wind comes from, degrees clockwise from north. */
  fromDeg: number
  /** Current direction including meander. */
  meanderDeg: number
  stability: Stability
}

/** Unit vector the wind blows toward, in plan coordinates (x east, y south). */
export function downwindVector(fromDeg: number): { dx: number; dy: number } {
  const rad = (fromDeg * Math.PI) / 180
  // From north (0°) the air moves south: +y on the plan.
  return { dx: -Math.sin(rad), dy: Math.cos(rad) }
}

/** Wind with a slow meander of direction (OU process, σ ≈ 8°, τ ≈ 60 s). */
export class Wind {
  state: WindState
  constructor(private readonly rng: Rng, speed = 2, fromDeg = 0, stability: Stability = 'D') {
    this.state = { speed, fromDeg, meanderDeg: fromDeg, stability }
  }

  set(speed: number, fromDeg: number, stability?: Stability): void {
    this.state = { speed, fromDeg, meanderDeg: fromDeg, stability: stability ?? this.state.stability }
  }

  step(dtSec: number): void {
    const offset = this.state.meanderDeg - this.state.fromDeg
    this.state.meanderDeg = this.state.fromDeg + ouStep(this.rng, offset, 0, 8, 60, dtSec)
  }

  velocity(): { vx: number; vy: number; u: number } {
    const u = Math.max(MIN_WIND, this.state.speed)
    const d = downwindVector(this.state.meanderDeg)
    return { vx: d.dx * u, vy: d.dy * u, u }
  }
}

interface Puff {
  x: number
  y: number
  /** kg of gas in the puff. */
  mass: number
  /** Distance travelled, m. */
  travel: number
  ageSec: number
  /** Horizontal variance σy² (= σx²), m², and vertical σz, m; updated each step. */
  sy2: number
  sz: number
}

export interface LeakOptions {
  id: string
  gas: string
  position: Position
  /** Release rate at start, kg/s. */
  rate: number
  /** Relative growth of the rate per second while the valve is open (0.01 = +1 %/s). */
  growthPerSec?: number
  /** Upper bound of the rate (the hole's choked flow), kg/s. */
  maxRate?: number
  /** After the valve closes, the rate decays with this time constant (line depressurising). */
  decayTauSec?: number
  /** Source size standing for near-field jet mixing, m. */
  sigma0?: number
}

/** Eddy diffusivity near the ground, m²/s (order 0.1–1 m²/s at a few metres' scale). */
const EDDY_K = 0.25
/** Puffs older or farther than this no longer matter at detector scale. */
const MAX_AGE_SEC = 1800
const MAX_TRAVEL_M = 2500
/** Below this rate a closed-in leak has stopped, kg/s. */
const STOPPED_RATE = 1e-7
const TWO_PI_3_2 = Math.pow(2 * Math.PI, 1.5)
/** Merge puffs closer than this fraction of their σ, once older than this. */
const MERGE_GAP_FRACTION = 0.25
const MERGE_MIN_AGE_SEC = 20

export class LeakSource {
  readonly id: string
  readonly gas: string
  readonly position: Position
  rate: number
  readonly growthPerSec: number
  readonly maxRate: number
  readonly decayTauSec: number
  readonly sigma0: number
  valveClosed = false
  /** Ignited: the cloud burns off and the release feeds a jet fire instead of puffs. */
  burning = false
  private puffs: Puff[] = []

  constructor(opts: LeakOptions) {
    this.id = opts.id
    this.gas = opts.gas
    this.position = { ...opts.position }
    this.rate = opts.rate
    this.growthPerSec = opts.growthPerSec ?? 0
    this.maxRate = opts.maxRate ?? opts.rate
    this.decayTauSec = opts.decayTauSec ?? 20
    this.sigma0 = opts.sigma0 ?? 1.5
  }

  /** Still releasing, or still a cloud drifting about. */
  get active(): boolean {
    return this.rate > STOPPED_RATE || this.puffs.length > 0
  }

  get puffCount(): number {
    return this.puffs.length
  }

  closeValve(): void {
    this.valveClosed = true
  }

  openValve(): void {
    this.valveClosed = false
  }

  /** Stop releasing at once (isolated and drained). */
  stop(): void {
    this.rate = 0
  }

  ignite(): void {
    this.burning = true
    this.puffs = []
  }

  step(dtSec: number, wind: Wind): void {
    // Rate: grows while the valve is open (a crack widening), decays once closed.
    if (this.valveClosed) this.rate *= Math.exp(-dtSec / this.decayTauSec)
    else if (this.growthPerSec > 0) this.rate = Math.min(this.maxRate, this.rate * Math.exp(this.growthPerSec * dtSec))
    if (this.rate < STOPPED_RATE) this.rate = 0

    const { vx, vy, u } = wind.velocity()
    const stability = wind.state.stability
    const kept: Puff[] = []
    for (const p of this.puffs) {
      p.x += vx * dtSec
      p.y += vy * dtSec
      p.travel += u * dtSec
      p.ageSec += dtSec
      if (p.ageSec >= MAX_AGE_SEC || p.travel >= MAX_TRAVEL_M) continue
      this.spread(p, stability)
      kept.push(p)
    }
    this.puffs = this.merge(kept, stability)
    if (this.rate > 0 && !this.burning) {
      const p: Puff = { x: this.position.x, y: this.position.y, mass: this.rate * dtSec, travel: 0, ageSec: 0, sy2: 0, sz: 0 }
      this.spread(p, stability)
      this.puffs.push(p)
    }
  }

  /**
   * Neighbouring puffs that have spread far wider than the gap between them are merged into
   * one of the same mass at their centre of mass: the sum of Gaussians hardly changes, and a
   * long release stays at a few hundred puffs instead of thousands.
   */
  private merge(puffs: Puff[], stability: Stability): Puff[] {
    if (puffs.length < 2) return puffs
    const out: Puff[] = []
    let a = puffs[0] as Puff
    for (let i = 1; i < puffs.length; i++) {
      const b = puffs[i] as Puff
      const gap2 = (a.x - b.x) ** 2 + (a.y - b.y) ** 2
      if (a.ageSec > MERGE_MIN_AGE_SEC && gap2 < MERGE_GAP_FRACTION ** 2 * Math.min(a.sy2, b.sy2)) {
        const m = a.mass + b.mass
        const wa = a.mass / m
        const wb = b.mass / m
        a = { x: a.x * wa + b.x * wb, y: a.y * wa + b.y * wb, mass: m, travel: a.travel * wa + b.travel * wb, ageSec: a.ageSec * wa + b.ageSec * wb, sy2: 0, sz: 0 }
        this.spread(a, stability)
      } else {
        out.push(a)
        a = b
      }
    }
    out.push(a)
    return out
  }

  /** σ² = σ0² + σ_Briggs(x)² + 2Kt: source size, atmospheric dispersion, eddy diffusion. */
  private spread(p: Puff, stability: Stability): void {
    const b = briggsSigma(stability, p.travel)
    const s0 = this.sigma0 * this.sigma0 + 2 * EDDY_K * p.ageSec
    p.sy2 = s0 + b.sy * b.sy
    p.sz = Math.sqrt(s0 + b.sz * b.sz)
  }

  /**
   * Ground-level concentration at a point, mg/m³. Each puff is a 3-D Gaussian with total
   * reflection at the ground (factor 2), receptor and release both near ground level:
   * C = 2M / ((2π)^{3/2} σx σy σz) · exp(−r²/2σy²), with σx = σy.
   */
  concentrationAt(pos: Position): number {
    let c = 0
    for (const p of this.puffs) {
      const dx = pos.x - p.x
      const dy = pos.y - p.y
      const r2 = dx * dx + dy * dy
      if (r2 > 50 * p.sy2) continue // beyond 7σ: nothing
      c += ((2 * p.mass) / (TWO_PI_3_2 * p.sy2 * p.sz)) * Math.exp(-r2 / (2 * p.sy2))
    }
    return c * 1e6 // kg/m³ → mg/m³
  }
}
