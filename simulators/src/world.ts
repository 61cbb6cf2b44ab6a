/**
 * The simulated world: per park, the wind and whatever leaks or burns; per device, the
 * scenario's scripted overrides (emission episodes, load spikes, meter replacements, pressed
 * call points). Device models read it through `WorldView`; the engine steps it in fixed time
 * steps while anything is leaking or burning, and jumps over quiet stretches.
 */
import type { Device } from '../../hub/src/model/device.js'
import type { Action } from './actions.js'
import { Fire, GROWTH_ALPHA, distance } from './models/fire.js'
import { gasById, mgm3ToVolPct, volPctToLel } from './models/gases.js'
import { LeakSource, Wind } from './models/plume.js'
import type { WorldView } from './models/types.js'
import type { Rng } from './prng.js'

/** World step while something is active, s: fine enough for puffs 1 m apart at 2 m/s. */
export const WORLD_DT_SEC = 0.5

interface Place {
  park: string
  enterprise: string | undefined
  area: string | undefined
}

interface ParkEnv {
  wind: Wind
  leaks: Array<{ leak: LeakSource; place: Place }>
  fires: Fire[]
}

interface Window {
  from: number
  until: number
}

export class World implements WorldView {
  readonly quiet: boolean
  readonly tzOffsetMin: number
  private readonly parks = new Map<string, ParkEnv>()
  private readonly fuel = new Map<string, LeakSource>()
  private readonly episodes = new Map<string, Array<Window & { metric: 'so2' | 'nox' | 'pm'; factor: number }>>()
  private readonly spikes = new Map<string, Array<Window & { factor: number }>>()
  private readonly replacements = new Set<string>()
  private readonly pressed = new Set<string>()
  private readonly panelFaults = new Map<string, boolean>()
  readonly sirens = new Set<string>()
  /** Time of the last fixed step, ms. */
  time: number

  constructor(
    private readonly rng: Rng,
    opts: { start: number; quiet?: boolean; tzOffsetMin?: number },
  ) {
    this.time = opts.start
    this.quiet = opts.quiet ?? false
    this.tzOffsetMin = opts.tzOffsetMin ?? 480
  }

  private park(id: string): ParkEnv {
    let env = this.parks.get(id)
    if (!env) {
      // A light breeze from a seeded direction until a scenario sets the wind.
      const r = this.rng.fork(`wind:${id}`)
      env = { wind: new Wind(r, r.uniform(1.5, 3), r.uniform(0, 360)), leaks: [], fires: [] }
      this.parks.set(id, env)
    }
    return env
  }

  wind(park: string): Wind {
    return this.park(park).wind
  }

  leak(id: string): LeakSource | undefined {
    for (const env of this.parks.values()) {
      const hit = env.leaks.find((l) => l.leak.id === id)
      if (hit) return hit.leak
    }
    return undefined
  }

  fire(id: string): Fire | undefined {
    for (const env of this.parks.values()) {
      const hit = env.fires.find((f) => f.id === id)
      if (hit) return hit
    }
    return undefined
  }

  /** Anything leaking or burning anywhere: the engine must step finely. */
  get busy(): boolean {
    for (const env of this.parks.values()) if (env.leaks.length > 0 || env.fires.length > 0) return true
    return false
  }

  /** Parks where something is leaking or burning. */
  busyParks(): string[] {
    return [...this.parks].filter(([, env]) => env.leaks.length > 0 || env.fires.length > 0).map(([id]) => id)
  }

  apply(action: Action, t: number): void {
    switch (action.kind) {
      case 'wind':
        this.park(action.park).wind.set(action.speed, action.fromDeg, action.stability)
        break
      case 'leak': {
        const leak = new LeakSource({
          id: action.id,
          gas: gasById(action.gas).id,
          position: action.position,
          rate: action.rate,
          growthPerSec: action.growthPerSec ?? 0,
          maxRate: action.maxRate ?? action.rate,
        })
        this.park(action.park).leaks.push({ leak, place: { park: action.park, enterprise: action.enterprise, area: action.area } })
        break
      }
      case 'valve': {
        const leak = this.leak(action.leak)
        if (action.state === 'closed') leak?.closeValve()
        else leak?.openValve()
        break
      }
      case 'leak_stop':
        this.leak(action.leak)?.stop()
        break
      case 'fire': {
        const fuel = action.fuelLeak ? this.leak(action.fuelLeak) : undefined
        const fire = new Fire({
          id: action.id,
          position: action.position,
          ignitedAt: t,
          alpha: GROWTH_ALPHA[action.growth ?? 'medium'],
          ...(action.maxKw !== undefined ? { maxKw: action.maxKw } : {}),
          ...(action.ceilingM !== undefined ? { ceilingM: action.ceilingM } : {}),
        })
        if (fuel) {
          fuel.ignite()
          this.fuel.set(fire.id, fuel)
        }
        this.park(action.park).fires.push(fire)
        break
      }
      case 'fire_suppress':
        this.fire(action.fire)?.suppress(t)
        break
      case 'call_point':
        this.pressed.add(action.device)
        break
      case 'panel_fault':
        this.panelFaults.set(action.device, action.state === 'on')
        break
      case 'cems_episode':
        push(this.episodes, action.device, { from: t, until: t + action.durationSec * 1000, metric: action.metric, factor: action.factor })
        break
      case 'energy_spike':
        push(this.spikes, action.device, { from: t, until: t + action.durationSec * 1000, factor: action.factor })
        break
      case 'meter_replace':
        this.replacements.add(action.device)
        break
      case 'note':
        break
      case 'fault':
        break // faults belong to the engine (they act on what a device sends, not on the world)
    }
  }

  /** One fixed step of every active park: wind meander, leak rates and puffs, fuel-fed fires. */
  step(dtSec: number): void {
    this.time += dtSec * 1000
    for (const env of this.parks.values()) {
      if (env.leaks.length === 0 && env.fires.length === 0) continue
      env.wind.step(dtSec)
      for (const { leak } of env.leaks) leak.step(dtSec, env.wind)
      for (const fire of env.fires) {
        const fuel = this.fuel.get(fire.id)
        if (fuel) {
          // A jet fire burns what the leak releases: Q = ṁ ΔHc (kW = kg/s × kJ/kg).
          fire.maxKw = fuel.rate * (gasById(fuel.gas).heatOfCombustion ?? 0)
          if (fuel.rate <= 0) fire.suppress(this.time)
        }
      }
      env.fires = env.fires.filter((f) => !f.isOut(this.time))
      env.leaks = env.leaks.filter(({ leak }) => leak.active || env.fires.some((f) => this.fuel.get(f.id) === leak))
    }
  }

  /** Jump the clock over a quiet stretch (nothing to step). */
  skipTo(t: number): void {
    if (t > this.time) this.time = t
  }

  /** The leak a device's valve command acts on: same area, else same enterprise, else nearest within 300 m. */
  leakFor(device: Device): LeakSource | undefined {
    const env = this.parks.get(device.park)
    if (!env || env.leaks.length === 0) return undefined
    const live = env.leaks.filter(({ leak }) => leak.rate > 0 || leak.valveClosed)
    const byArea = device.area ? live.find(({ place }) => place.area === device.area) : undefined
    if (byArea) return byArea.leak
    const byEnterprise = live.find(({ place }) => place.enterprise === device.enterprise)
    if (byEnterprise) return byEnterprise.leak
    const at = device.position
    if (at === undefined) return undefined
    const near = live
      .map(({ leak }) => ({ leak, d: distance(leak.position, at) }))
      .filter((x) => x.d <= 300)
      .sort((a, b) => a.d - b.d)[0]
    return near?.leak
  }

  releaseCallPoint(device: string): void {
    this.pressed.delete(device)
  }

  // ---- WorldView ----

  windIn(park: string): { speed: number; fromDeg: number; stability: 'A' | 'B' | 'C' | 'D' | 'E' | 'F' } {
    const w = this.park(park).wind.state
    return { speed: w.speed, fromDeg: w.meanderDeg, stability: w.stability }
  }

  gasAt(park: string, at: { x: number; y: number }, metric: string): number {
    const env = this.parks.get(park)
    if (!env || env.leaks.length === 0) return 0
    let total = 0
    for (const { leak } of env.leaks) {
      if (leak.puffCount === 0) continue
      const gas = gasById(leak.gas)
      if (metric === 'lel' && gas.lel === undefined) continue
      if (metric !== 'lel' && metric !== 'o2' && gas.metric !== metric) continue
      const c = leak.concentrationAt(at)
      if (c <= 0) continue
      if (metric === 'lel') total += volPctToLel(mgm3ToVolPct(c, gas.molarMass), gas.lel ?? 1)
      else if (metric === 'o2') total += mgm3ToVolPct(c, gas.molarMass)
      else total += c
    }
    return total
  }

  firesIn(park: string): readonly Fire[] {
    return this.parks.get(park)?.fires ?? []
  }

  cemsEpisode(device: string, t: number): Partial<Record<'so2' | 'nox' | 'pm', number>> {
    const out: Partial<Record<'so2' | 'nox' | 'pm', number>> = {}
    for (const ep of this.episodes.get(device) ?? []) {
      if (t < ep.from || t >= ep.until) continue
      // Ramp in and out over 10 minutes, as a scrubber upset develops and is brought back.
      const ramp = Math.min(1, (t - ep.from) / 600_000, (ep.until - t) / 600_000)
      out[ep.metric] = Math.max(out[ep.metric] ?? 0, ep.factor * ramp)
    }
    return out
  }

  energyFactor(device: string, t: number): number {
    let f = 1
    for (const s of this.spikes.get(device) ?? []) if (t >= s.from && t < s.until) f *= s.factor
    return f
  }

  takeMeterReplacement(device: string): boolean {
    return this.replacements.delete(device)
  }

  callPointPressed(device: string): boolean {
    return this.pressed.has(device)
  }

  panelFault(device: string): boolean | undefined {
    return this.panelFaults.get(device)
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}
