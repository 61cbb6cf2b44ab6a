/**
 * Energy meters: electricity (kwh cumulative, kw active power), natural gas (gas_m3), steam
 * (steam_t) and water (water_m3), all cumulative counters as real meters report them
 * (GB/T 2589: consumption is the difference of readings).
 *
 * Load: a process plant runs around the clock, so a share `c` of its load is continuous and
 * the rest follows the day shift (08:00–20:00 local, with a lunch dip) and drops at weekends.
 * Power wanders (OU drift, τ ≈ 20 min) around that profile; counters integrate it by the
 * trapezoidal rule, so they never go backwards, except when a meter is replaced and its
 * counter restarts near zero.
 *
 * A meter the hub already knows continues from the hub's last reading (`continueFrom`), so
 * that runs one after another, or a backfill after a live run, never give the hub two bases
 * of one counter (docs/energy.md): its readings up to that reading's time are the hub's own
 * history and are not sent again; the first one after it counts on from the hub's value.
 */
import type { Device } from '../../../hub/src/model/device.js'
import { ouStep, type Rng } from '../prng.js'
import { round } from './gas-detector.js'
import type { DeviceModel, Sample, WorldView } from './types.js'
import { localTime } from './types.js'

type Carrier = 'kwh' | 'gas_m3' | 'steam_t' | 'water_m3'
const CARRIERS: readonly Carrier[] = ['kwh', 'gas_m3', 'steam_t', 'water_m3']

/** Nominal rates per hour by carrier: kW, m³/h, t/h, m³/h (a mid-size chemical works). */
const NOMINAL: Readonly<Record<Carrier, [number, number]>> = {
  kwh: [300, 4000],
  gas_m3: [80, 1500],
  steam_t: [2, 25],
  water_m3: [15, 200],
}

/** Mean time between meter replacements, ms (roughly one per meter per 1–2 years). */
const REPLACEMENT_MEAN_MS = 500 * 86_400_000

/** Day-shift shape 0–1 over the local hour: ramps 07–09, lunch dip 12–13, ramps down 18–20. */
export function dayShape(hour: number): number {
  if (hour < 7 || hour >= 20) return 0
  if (hour < 9) return (hour - 7) / 2
  if (hour >= 12 && hour < 13) return 0.8
  if (hour >= 18) return (20 - hour) / 2
  return 1
}

/** Load as a fraction of the nominal peak, for continuity c and a local time. */
export function loadProfile(continuity: number, hour: number, weekday: number): number {
  const weekend = weekday === 0 || weekday === 6
  return continuity + (1 - continuity) * dayShape(hour) * (weekend ? 0.35 : 1)
}

export class EnergyMeterModel implements DeviceModel {
  private readonly carriers: Carrier[]
  private readonly nominal: Partial<Record<Carrier, number>> = {}
  private readonly counters: Partial<Record<Carrier, number>> = {}
  private readonly continuity: number
  private drift = 1
  private lastT: number | undefined
  private lastRate: Partial<Record<Carrier, number>> = {}
  private nextReplacementAt: number | undefined
  /** Sample times at which the counter restarted (for inspection). */
  readonly replacements: number[] = []
  /** The hub's last reading per counter, until the simulated time has passed it. */
  private readonly resume: Partial<Record<Carrier, { ts: number; value: number }>> = {}

  constructor(
    private readonly device: Device,
    private readonly rng: Rng,
  ) {
    this.carriers = CARRIERS.filter((c) => device.metrics.includes(c) || (c === 'kwh' && device.metrics.includes('kw')))
    this.continuity = rng.uniform(0.55, 0.9)
    for (const c of this.carriers) {
      const [lo, hi] = NOMINAL[c]
      this.nominal[c] = rng.uniform(lo, hi)
      // A meter that has been in service a while.
      this.counters[c] = round(rng.uniform(1e4, 5e6) * (c === 'steam_t' ? 0.01 : 1), 3)
    }
  }

  /** Carries on each counter from the hub's last reading of it (metric → value and time); other metrics are ignored. */
  continueFrom(latest: Readonly<Record<string, { value: number; ts: number }>>): Carrier[] {
    const taken: Carrier[] = []
    for (const c of this.carriers) {
      const v = latest[c]
      if (!v || !Number.isFinite(v.value) || v.value < 0 || !Number.isFinite(v.ts)) continue
      this.resume[c] = { ts: v.ts, value: v.value }
      taken.push(c)
    }
    return taken
  }

  /** Rate per hour of a carrier at t: profile × drift × scripted spike factor. */
  private rate(c: Carrier, t: number, world: WorldView): number {
    const { hour, weekday } = localTime(t, world.tzOffsetMin)
    return (this.nominal[c] ?? 0) * loadProfile(this.continuity, hour, weekday) * this.drift * world.energyFactor(this.device.id, t)
  }

  private replacementDue(t: number, world: WorldView): boolean {
    if (world.takeMeterReplacement(this.device.id)) return true
    if (world.quiet) return false
    if (this.nextReplacementAt === undefined) this.nextReplacementAt = t + this.rng.exponential(REPLACEMENT_MEAN_MS)
    if (t < this.nextReplacementAt) return false
    this.nextReplacementAt = t + this.rng.exponential(REPLACEMENT_MEAN_MS)
    return true
  }

  sample(t: number, world: WorldView): Sample | null {
    const dtH = this.lastT === undefined ? 0 : Math.max(0, (t - this.lastT) / 3_600_000)
    this.drift = ouStep(this.rng, this.drift, 1, 0.04, 1200, dtH * 3600)
    const replaced = this.replacementDue(t, world)
    const values: Record<string, number> = {}
    for (const c of this.carriers) {
      const r = this.rate(c, t, world) * (1 + this.rng.truncGaussian(0, 0.01))
      const prev = this.lastRate[c] ?? r
      let counter = (this.counters[c] ?? 0) + ((prev + r) / 2) * dtH
      // A new meter starts from (nearly) zero: what it has counted since it was fitted.
      if (replaced) counter = this.rng.uniform(0, 5) * (c === 'steam_t' ? 0.01 : 1)
      const resume = this.resume[c]
      if (resume) {
        this.lastRate[c] = r
        if (t <= resume.ts) {
          // The hub holds this counter's history up to here: nothing is sent again.
          this.counters[c] = resume.value
          continue
        }
        // Counts on from the hub's value over the time since its reading.
        const sinceH = (t - Math.max(resume.ts, this.lastT ?? resume.ts)) / 3_600_000
        counter = resume.value + ((prev + r) / 2) * sinceH
        delete this.resume[c]
      }
      this.counters[c] = counter
      this.lastRate[c] = r
      if (this.device.metrics.includes(c)) values[c] = round(counter, 3)
      if (c === 'kwh' && this.device.metrics.includes('kw')) values.kw = round(r, 2)
    }
    if (replaced) this.replacements.push(t)
    this.lastT = t
    return Object.keys(values).length > 0 ? { values } : null
  }

  spike(sample: Sample): Sample {
    const values = { ...sample.values }
    if (values.kw !== undefined) values.kw *= 5
    return { values }
  }
}
