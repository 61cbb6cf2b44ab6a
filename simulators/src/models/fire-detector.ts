/**
 * Fire alarm devices: point smoke and heat detectors, flame detectors, manual call points and
 * the panel. Smoke and heat detectors report `smoke` (%obs/m) and `temp` (°C) as telemetry at
 * their interval and raise `smoke_alarm` / `heat_alarm` events the moment they trip.
 *
 * Set points: smoke 8 %obs/m (inside UL 268's 0.5–4 %/ft window); heat: EN 54-5 class A1R,
 * static response 57 °C (A1: 54–65 °C) or rate of rise ≥ 8 °C/min (DOMAIN.md). The detector's
 * sensing element has an RTI of 30 (m·s)^½, a fast spot-type heat detector.
 */
import type { Device } from '../../../hub/src/model/device.js'
import type { Rng } from '../prng.js'
import { distance, flameDetectionRange, obscurationPerMetre } from './fire.js'
import { round } from './gas-detector.js'
import type { CommandName, DeviceModel, EventOut, Sample, WorldView } from './types.js'
import { localTime } from './types.js'

export type FireRole = 'smoke' | 'heat' | 'flame' | 'call_point' | 'panel'

export const SMOKE_ALARM_OBS = 8
export const HEAT_FIXED_C = 57
export const HEAT_ROR_C_PER_MIN = 8
const RTI = 30
/** Smoke entering the chamber lags the ceiling jet by a few seconds. */
const SMOKE_ENTRY_TAU = 5

export function fireRoleOf(device: Device): FireRole {
  const t = (device.type ?? '').toLowerCase()
  if (t.includes('smoke')) return 'smoke'
  if (t.includes('heat') || t.includes('temp')) return 'heat'
  if (t.includes('flame')) return 'flame'
  if (t.includes('call') || t.includes('manual') || t.includes('mcp')) return 'call_point'
  if (t.includes('panel')) return 'panel'
  if (device.metrics.includes('smoke')) return 'smoke'
  if (device.metrics.includes('temp')) return 'heat'
  const n = `${device.nameEn ?? ''} ${device.id}`.toLowerCase()
  if (n.includes('call') || n.includes('mcp')) return 'call_point'
  if (n.includes('panel')) return 'panel'
  return 'flame'
}

export class FireDetectorModel implements DeviceModel {
  readonly role: FireRole
  private readonly ambientBase: number
  private detTemp: number | undefined
  private smoke = 0
  /** (t, detector temperature) over the last minute, for rate of rise. */
  private history: Array<[number, number]> = []
  private readonly on = new Map<string, boolean>()

  constructor(
    private readonly device: Device,
    private readonly rng: Rng,
  ) {
    this.role = fireRoleOf(device)
    // Indoor ambient, °C: a plant room in Panzhihua's climate (annual mean ≈ 21 °C).
    this.ambientBase = rng.uniform(19, 26)
  }

  /** Ambient with a gentle daily swing of ±1.5 °C peaking mid-afternoon. */
  ambient(t: number, tzOffsetMin: number): number {
    const { hour } = localTime(t, tzOffsetMin)
    return this.ambientBase + 1.5 * Math.cos(((hour - 15) / 24) * 2 * Math.PI)
  }

  // A detector not yet placed on its plan is nowhere near any simulated fire.
  private gasRise(t: number, world: WorldView): number {
    let rise = 0
    const at = this.device.position
    if (at === undefined) return rise
    for (const f of world.firesIn(this.device.park)) rise += f.gasRise(t, at)
    return rise
  }

  private jetVelocity(t: number, world: WorldView): number {
    let u = 0
    const at = this.device.position
    if (at === undefined) return u
    for (const f of world.firesIn(this.device.park)) u = Math.max(u, f.jetVelocity(t, at))
    return u
  }

  /** Rate of rise of the detector's temperature over the last minute, °C/min. */
  rateOfRise(): number {
    const first = this.history[0]
    const last = this.history[this.history.length - 1]
    if (!first || !last || last[0] - first[0] < 10_000) return 0
    return ((last[1] - first[1]) / (last[0] - first[0])) * 60_000
  }

  get temperature(): number | undefined {
    return this.detTemp
  }

  /** Integrates the sensing element and smoke chamber; returns events that changed state. */
  poll(t: number, world: WorldView, dtSec: number): EventOut[] {
    const ambient = this.ambient(t, world.tzOffsetMin)
    const rise = this.gasRise(t, world)
    if (this.role === 'heat' || this.role === 'smoke') {
      const gas = ambient + rise
      if (this.detTemp === undefined || rise <= 0) this.detTemp = gas
      else {
        // dT/dt = √U / RTI · (Tgas − Tdet), exact over the step (Heskestad & Smith).
        const k = Math.sqrt(Math.max(0.1, this.jetVelocity(t, world))) / RTI
        this.detTemp = gas + (this.detTemp - gas) * Math.exp(-k * dtSec)
      }
      const obs = obscurationPerMetre(rise)
      this.smoke = obs + (this.smoke - obs) * Math.exp(-dtSec / SMOKE_ENTRY_TAU)
      this.history.push([t, this.detTemp])
      while (this.history.length > 1 && t - (this.history[0]?.[0] ?? t) > 60_000) this.history.shift()
    }
    return this.evaluate(t, world)
  }

  private evaluate(t: number, world: WorldView): EventOut[] {
    const out: EventOut[] = []
    const set = (type: EventOut['type'], on: boolean): void => {
      if ((this.on.get(type) ?? false) !== on) {
        this.on.set(type, on)
        out.push({ type, state: on ? 'on' : 'off' })
      }
    }
    const is = (type: string): boolean => this.on.get(type) ?? false
    switch (this.role) {
      case 'smoke':
        // Hysteresis: clears below half the alarm threshold.
        set('smoke_alarm', is('smoke_alarm') ? this.smoke >= SMOKE_ALARM_OBS / 2 : this.smoke >= SMOKE_ALARM_OBS)
        break
      case 'heat': {
        const temp = this.detTemp ?? 0
        const ror = this.rateOfRise()
        const trip = temp >= HEAT_FIXED_C || ror >= HEAT_ROR_C_PER_MIN
        const hold = temp >= HEAT_FIXED_C - 7 || ror >= HEAT_ROR_C_PER_MIN / 2
        set('heat_alarm', is('heat_alarm') ? hold : trip)
        break
      }
      case 'flame': {
        const at = this.device.position
        const sees = at !== undefined && world
          .firesIn(this.device.park)
          .some((f) => f.hrr(t) > 5 && distance(f.position, at) <= flameDetectionRange(f.hrr(t)))
        set('flame', sees)
        break
      }
      case 'call_point':
        // A call point latches until it is reset (key or glass), so only `reset` turns it off.
        if (world.callPointPressed(this.device.id)) set('manual_call_point', true)
        break
      case 'panel': {
        const fault = world.panelFault(this.device.id)
        if (fault !== undefined) set('panel_fault', fault)
        break
      }
    }
    return out
  }

  sample(t: number, world: WorldView): Sample | null {
    const values: Record<string, number> = {}
    const ambient = this.ambient(t, world.tzOffsetMin)
    const quiet = world.firesIn(this.device.park).length === 0
    if (quiet) {
      this.detTemp = ambient
      this.smoke = 0
    }
    for (const m of this.device.metrics) {
      if (m === 'temp') values.temp = round((this.detTemp ?? ambient) + this.rng.truncGaussian(0, 0.1), 2)
      else if (m === 'smoke') values.smoke = round(Math.max(0, this.smoke + this.rng.truncGaussian(0, 0.05)), 2)
    }
    return Object.keys(values).length > 0 ? { values } : null
  }

  command(command: CommandName, t: number, world: WorldView): EventOut[] {
    if (command !== 'reset') return []
    // Panel reset: latched states drop; anything still true re-trips on the next poll.
    const out: EventOut[] = []
    for (const [type, on] of this.on) {
      if (on) out.push({ type: type as EventOut['type'], state: 'off' })
    }
    this.on.clear()
    if (this.role !== 'call_point') out.push(...this.evaluate(t, world).filter((e) => e.state === 'on'))
    return out
  }

  spike(sample: Sample): Sample {
    const values = { ...sample.values }
    if (values.temp !== undefined) values.temp += 40
    if (values.smoke !== undefined) values.smoke += 15
    return { values }
  }
}
