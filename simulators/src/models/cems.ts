/**
 * A stack's continuous emission monitoring system (CEMS, HJ 75-2017 / HJ 76-2017): so2, nox
 * (as NO2), pm, hcl, cl2 in mg/m³ as measured, o2 %, flow m³/h, temp °C, and the flue gas's
 * moisture `humidity` in % by volume (HJ 212 a01014) where the device reports it.
 *
 * Limits and reference O2 come from the stack's emission standard (hub/src/emissions/
 * standards.ts). The plant runs at a steady fraction of its limits with slow drift
 * (Ornstein–Uhlenbeck, τ ≈ 30 min) and sample noise. The dry concentration at reference O2 is
 * converted to the measured value with C_meas = C_ref × (21 − O2_meas) / (21 − O2_ref)
 * (HJ 75), and, for a stack whose analysers measure wet (`basis: wet`), to wet flue gas with
 * C_wet = C_dry × (1 − Xsw) — O2 likewise when it is measured wet — so that the hub's
 * conversion to dry and O2 correction get back the intended value. A stack after a wet
 * scrubber leaves near saturation: 8–14 % moisture (saturation at 45–55 °C is ≈ 9–15 %).
 *
 * Flags (HJ 212-2017): a daily automatic zero/span check (HJ 75-2017 asks for one at least every 24 h)
 * marks gas-analyser channels `C` for 10 minutes; a weekly hour of maintenance marks every
 * channel `M`. Occasional exceedance episodes (a desulphurisation or denitrification upset)
 * run 1.5–3 h, long enough for an hourly average (≥ 45 valid minutes) to exceed.
 */
import type { Device } from '../../../hub/src/model/device.js'
import type { DataFlag } from '../../../hub/src/model/vocabulary.js'
import { resolveStandard } from '../../../hub/src/emissions/standards.js'
import { ouStep, type Rng } from '../prng.js'
import { round } from './gas-detector.js'
import type { DeviceModel, Sample, WorldView } from './types.js'
import { localTime } from './types.js'

type Pollutant = 'so2' | 'nox' | 'pm' | 'hcl' | 'cl2'
const POLLUTANTS: readonly Pollutant[] = ['so2', 'nox', 'pm', 'hcl', 'cl2']
/** Gas-analyser channels: zero and span checked daily (HJ 75-2017). */
const GAS_CHANNELS: readonly Pollutant[] = ['so2', 'nox', 'hcl', 'cl2']

/** Ultra-low emission limits for coal power (DOMAIN.md) and GB 31573-2015's HCl and Cl2 (check), used when a stack's standard has none. */
export const DEFAULT_LIMITS: Readonly<Record<Pollutant, number>> = { pm: 10, so2: 35, nox: 50, hcl: 20, cl2: 5 }

const CAL_MINUTES = 10
const MAINT_MINUTES = 60
/** Mean time between random exceedance episodes on one stack. */
const EPISODE_MEAN_GAP_MS = 12 * 86_400_000
const RAMP_MS = 10 * 60_000

interface Episode {
  metric: Pollutant
  factor: number
  from: number
  until: number
}

export class CemsModel implements DeviceModel {
  private readonly limits: Record<Pollutant, number>
  /** Reference O2, or undefined: the standard compares measured values. */
  private readonly refO2: number | undefined
  private readonly wet: boolean
  /** The gas channels the device reports (upset episodes hit one of them). */
  private readonly channels: readonly Pollutant[]
  private readonly o2Wet: boolean
  private moisture: number
  private readonly moistureMean: number
  private readonly base: Record<Pollutant, number>
  private frac: Record<Pollutant, number>
  private o2: number
  private readonly o2Mean: number
  private flowFrac = 1
  private readonly flowNominal: number
  private readonly tempNominal: number
  private temp: number
  private readonly calMinute: number
  private readonly maintWeekday: number
  private readonly maintMinute: number
  private lastT: number | undefined
  private last: Record<string, number> = {}
  private nextEpisodeAt: number | undefined
  private episode: Episode | undefined

  constructor(
    private readonly device: Device,
    private readonly rng: Rng,
  ) {
    const std = resolveStandard(device.emissionStandard, device.limits, device.referenceO2)
    const l = std.limits
    this.limits = { so2: l.so2 ?? DEFAULT_LIMITS.so2, nox: l.nox ?? DEFAULT_LIMITS.nox, pm: l.pm ?? DEFAULT_LIMITS.pm, hcl: l.hcl ?? DEFAULT_LIMITS.hcl, cl2: l.cl2 ?? DEFAULT_LIMITS.cl2 }
    this.refO2 = std.referenceO2
    this.wet = device.basis === 'wet'
    const reported = GAS_CHANNELS.filter((p) => device.metrics.includes(p))
    this.channels = reported.length > 0 ? reported : ['so2', 'nox']
    this.o2Wet = (device.o2Basis ?? device.basis) === 'wet'
    // A well-run unit sits at 30–60 % of its limits.
    this.base = { so2: rng.uniform(0.35, 0.6), nox: rng.uniform(0.4, 0.65), pm: rng.uniform(0.25, 0.5), hcl: rng.uniform(0.3, 0.55), cl2: rng.uniform(0.25, 0.5) }
    this.frac = { ...this.base }
    // Combustion flue gas runs 1–3 points of O2 above the reference (excess air), never past 20 %;
    // process tail gas without a reference O2 is mostly air let in at the scrubber: 14–18 %.
    this.o2Mean = this.refO2 !== undefined ? Math.min(19.5, this.refO2 + rng.uniform(1, 3)) : rng.uniform(14, 18)
    this.moistureMean = rng.uniform(8, 14)
    this.moisture = this.moistureMean
    this.o2 = this.o2Mean
    this.flowNominal = Math.round(rng.uniform(80_000, 450_000))
    // After wet FGD the flue gas leaves near saturation, ≈ 45–55 °C; dry stacks run hotter.
    this.tempNominal = rng.chance(0.6) ? rng.uniform(45, 55) : rng.uniform(90, 140)
    this.temp = this.tempNominal
    this.calMinute = rng.int(60, 300) // small hours, local time
    this.maintWeekday = rng.int(1, 5)
    this.maintMinute = rng.int(9 * 60, 15 * 60)
  }

  /** Flag of the moment: `C` calibration (gas channels), `M` maintenance (all), else none. */
  private status(t: number, tz: number): 'C' | 'M' | undefined {
    const { minuteOfDay, weekday } = localTime(t, tz)
    if (weekday === this.maintWeekday && minuteOfDay >= this.maintMinute && minuteOfDay < this.maintMinute + MAINT_MINUTES) return 'M'
    if (minuteOfDay >= this.calMinute && minuteOfDay < this.calMinute + CAL_MINUTES) return 'C'
    return undefined
  }

  private randomEpisode(t: number, quiet: boolean): Episode | undefined {
    if (quiet) return undefined
    if (this.nextEpisodeAt === undefined) this.nextEpisodeAt = t + this.rng.exponential(EPISODE_MEAN_GAP_MS)
    if (this.episode && t >= this.episode.until) this.episode = undefined
    if (!this.episode && t >= this.nextEpisodeAt) {
      const from = this.nextEpisodeAt
      this.episode = {
        metric: this.rng.chance(0.6) ? this.channels[0]! : (this.channels[1] ?? this.channels[0]!),
        factor: this.rng.uniform(1.3, 2),
        from,
        until: from + this.rng.uniform(1.5, 3) * 3_600_000,
      }
      this.nextEpisodeAt = this.episode.until + this.rng.exponential(EPISODE_MEAN_GAP_MS)
    }
    return this.episode
  }

  /** Multiple of the limit an episode pushes a pollutant to, ramped in and out over 10 min. */
  private episodeTarget(t: number, world: WorldView): Partial<Record<Pollutant, number>> {
    const out: Partial<Record<Pollutant, number>> = { ...world.cemsEpisode(this.device.id, t) }
    const ep = this.randomEpisode(t, world.quiet)
    if (ep && t >= ep.from && t < ep.until) {
      const ramp = Math.min(1, (t - ep.from) / RAMP_MS, (ep.until - t) / RAMP_MS)
      out[ep.metric] = Math.max(out[ep.metric] ?? 0, this.frac[ep.metric] + (ep.factor - this.frac[ep.metric]) * ramp)
    }
    return out
  }

  sample(t: number, world: WorldView): Sample | null {
    const dt = this.lastT === undefined ? 0 : Math.max(0, (t - this.lastT) / 1000)
    this.lastT = t
    for (const p of POLLUTANTS) this.frac[p] = Math.min(0.85, Math.max(0.05, ouStep(this.rng, this.frac[p], this.base[p], 0.06, 1800, dt)))
    this.o2 = ouStep(this.rng, this.o2, this.o2Mean, 0.4, 900, dt)
    // Load follows the day a little: ±8 % of flow.
    const { hour } = localTime(t, world.tzOffsetMin)
    const dayLoad = 1 + 0.08 * Math.sin(((hour - 8) / 24) * 2 * Math.PI)
    this.flowFrac = ouStep(this.rng, this.flowFrac, dayLoad, 0.03, 1200, dt)
    this.temp = ouStep(this.rng, this.temp, this.tempNominal, 1.5, 1800, dt)
    this.moisture = Math.min(30, Math.max(2, ouStep(this.rng, this.moisture, this.moistureMean, 0.5, 1800, dt)))

    const target = this.episodeTarget(t, world)
    // O2 is the dry O2; the dry concentration at reference O2 back to measured O2, then to wet.
    const toMeasured = this.refO2 !== undefined ? (21 - this.o2) / (21 - this.refO2) : 1
    const dryFraction = 1 - this.moisture / 100
    const values: Record<string, number> = {}
    for (const p of POLLUTANTS) {
      const frac = Math.max(this.frac[p], target[p] ?? 0)
      const ref = frac * this.limits[p]
      values[p] = round(Math.max(0, ref * toMeasured * (this.wet ? dryFraction : 1) * (1 + this.rng.truncGaussian(0, 0.03))), 2)
    }
    values.o2 = round((this.o2 + this.rng.truncGaussian(0, 0.05)) * (this.o2Wet ? dryFraction : 1), 2)
    values.humidity = round(this.moisture + this.rng.truncGaussian(0, 0.1), 2)
    values.flow = Math.round(this.flowNominal * this.flowFrac * (1 + this.rng.truncGaussian(0, 0.01)))
    values.temp = round(this.temp + this.rng.truncGaussian(0, 0.3), 1)

    const status = this.status(t, world.tzOffsetMin)
    const flags: Record<string, DataFlag> = {}
    if (status === 'M') {
      // Analysers off-line for maintenance: the logger repeats the last values, flagged M.
      for (const m of Object.keys(values)) {
        values[m] = this.last[m] ?? values[m] ?? 0
        flags[m] = 'M'
      }
    } else if (status === 'C') {
      // Zero gas for the first half of the check, span gas (≈ 80 % of a 2.5 × limit range) after.
      const { minuteOfDay } = localTime(t, world.tzOffsetMin)
      const span = minuteOfDay - this.calMinute >= CAL_MINUTES / 2
      for (const p of GAS_CHANNELS) {
        values[p] = round(span ? 2 * this.limits[p] : Math.abs(this.rng.truncGaussian(0, 0.2)), 2)
        flags[p] = 'C'
      }
      values.o2 = round(span ? 20.9 : Math.abs(this.rng.truncGaussian(0, 0.05)), 2)
      flags.o2 = 'C'
    } else {
      this.last = { ...values }
    }
    const picked: Record<string, number> = {}
    const pickedFlags: Record<string, DataFlag> = {}
    for (const m of this.device.metrics) {
      const v = values[m]
      if (v !== undefined) picked[m] = v
      const f = flags[m]
      if (f !== undefined) pickedFlags[m] = f
    }
    if (Object.keys(picked).length === 0) return null
    return Object.keys(pickedFlags).length > 0 ? { values: picked, flags: pickedFlags } : { values: picked }
  }

  spike(sample: Sample): Sample {
    const values = { ...sample.values }
    for (const p of POLLUTANTS) if (values[p] !== undefined) values[p] = values[p] * 4
    return { values, ...(sample.flags ? { flags: sample.flags } : {}) }
  }
}
