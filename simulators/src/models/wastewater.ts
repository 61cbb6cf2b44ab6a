/**
 * A wastewater outlet monitored online (HJ 353-2019 / HJ 355-2019, water pollution source
 * online monitoring): COD, NH3-N, TP and TN analysers, a pH probe and a flow meter, reported as
 * `cod`, `nh3n`, `tp`, `tn` (mg/L), `ph` and `flow_w` (m³/h) — the metrics the device lists.
 *
 * Wet-chemistry analysers do not measure continuously: each runs a cycle (digestion, titration
 * or colorimetry) and holds its result until the next one. HJ 355-2019 asks for a measurement
 * at least every 2 hours (check); the demo analysers measure hourly at a minute of their own,
 * and the logger repeats the last result between cycles. pH and flow are continuous.
 *
 * Limits come from the outlet's discharge permit (`limits`); without them, demo figures
 * patterned on GB 18918-2002 class 1A (COD 50, NH3-N 5, TN 15, TP 0.5 mg/L, pH 6–9; check).
 * The effluent runs at 30–70 % of its limits with slow drift (Ornstein–Uhlenbeck, τ ≈ 3 h) and
 * follows the day's production in its flow. A weekly hour of maintenance flags every channel
 * `M` (HJ 212-2017); a treatment upset (≈ every 20 days, 2–4 h) pushes COD and NH3-N over
 * their limits, long enough for an hourly value to exceed.
 */
import type { Device } from '../../../hub/src/model/device.js'
import type { DataFlag } from '../../../hub/src/model/vocabulary.js'
import { ouStep, type Rng } from '../prng.js'
import { round } from './gas-detector.js'
import type { DeviceModel, Sample, WorldView } from './types.js'
import { localTime } from './types.js'

type Analyte = 'cod' | 'nh3n' | 'tp' | 'tn'
const ANALYTES: readonly Analyte[] = ['cod', 'nh3n', 'tp', 'tn']

/** GB 18918-2002 class 1A (check): the demo permit when an outlet has no `limits`. */
export const DEFAULT_WASTEWATER_LIMITS: Readonly<Record<Analyte, number>> = { cod: 50, nh3n: 5, tp: 0.5, tn: 15 }

const HOUR = 3_600_000
const MAINT_MINUTES = 60
const UPSET_MEAN_GAP_MS = 20 * 86_400_000

export class WastewaterModel implements DeviceModel {
  private readonly limits: Record<Analyte, number>
  private readonly base: Record<Analyte, number>
  private frac: Record<Analyte, number>
  private ph: number
  private readonly phMean: number
  private flowFrac = 1
  private readonly flowNominal: number
  /** Minute of the hour each analyser's cycle ends (its result changes then). */
  private readonly cycleMinute: number
  private readonly maintWeekday: number
  private readonly maintMinute: number
  private held: Partial<Record<Analyte, number>> = {}
  private heldCycle = -1
  private lastT: number | undefined
  private nextUpsetAt: number | undefined
  private upset: { from: number; until: number; factor: number } | undefined

  constructor(
    private readonly device: Device,
    private readonly rng: Rng,
  ) {
    const l = device.limits ?? {}
    this.limits = { cod: l.cod ?? DEFAULT_WASTEWATER_LIMITS.cod, nh3n: l.nh3n ?? DEFAULT_WASTEWATER_LIMITS.nh3n, tp: l.tp ?? DEFAULT_WASTEWATER_LIMITS.tp, tn: l.tn ?? DEFAULT_WASTEWATER_LIMITS.tn }
    this.base = { cod: rng.uniform(0.35, 0.65), nh3n: rng.uniform(0.2, 0.5), tp: rng.uniform(0.3, 0.6), tn: rng.uniform(0.4, 0.7) }
    this.frac = { ...this.base }
    this.phMean = rng.uniform(6.9, 7.6)
    this.ph = this.phMean
    this.flowNominal = Math.round(rng.uniform(60, 400))
    this.cycleMinute = rng.int(5, 50)
    this.maintWeekday = rng.int(1, 5)
    this.maintMinute = rng.int(9 * 60, 15 * 60)
  }

  private upsetFactor(t: number, quiet: boolean): number {
    if (quiet) return 0
    if (this.nextUpsetAt === undefined) this.nextUpsetAt = t + this.rng.exponential(UPSET_MEAN_GAP_MS)
    if (this.upset && t >= this.upset.until) this.upset = undefined
    if (!this.upset && t >= this.nextUpsetAt) {
      this.upset = { from: this.nextUpsetAt, until: this.nextUpsetAt + this.rng.uniform(2, 4) * HOUR, factor: this.rng.uniform(1.3, 1.8) }
      this.nextUpsetAt = this.upset.until + this.rng.exponential(UPSET_MEAN_GAP_MS)
    }
    return this.upset && t >= this.upset.from ? this.upset.factor : 0
  }

  sample(t: number, world: WorldView): Sample | null {
    const dt = this.lastT === undefined ? 0 : Math.max(0, (t - this.lastT) / 1000)
    this.lastT = t
    for (const a of ANALYTES) this.frac[a] = Math.min(0.9, Math.max(0.05, ouStep(this.rng, this.frac[a], this.base[a], 0.08, 3 * 3600, dt)))
    this.ph = Math.min(8.8, Math.max(6.2, ouStep(this.rng, this.ph, this.phMean, 0.15, 1800, dt)))
    const { hour, weekday, minuteOfDay } = localTime(t, world.tzOffsetMin)
    const dayLoad = 1 + 0.25 * Math.sin(((hour - 9) / 24) * 2 * Math.PI)
    this.flowFrac = ouStep(this.rng, this.flowFrac, dayLoad, 0.05, 1200, dt)

    // A new analyser result once an hour, at the cycle's minute; held until the next one.
    const cycle = Math.floor((t - this.cycleMinute * 60_000) / HOUR)
    if (cycle !== this.heldCycle) {
      this.heldCycle = cycle
      const upset = this.upsetFactor(t, world.quiet)
      for (const a of ANALYTES) {
        const frac = a === 'cod' || a === 'nh3n' ? Math.max(this.frac[a], upset) : this.frac[a]
        this.held[a] = round(Math.max(0, frac * this.limits[a] * (1 + this.rng.truncGaussian(0, 0.04))), a === 'tp' ? 3 : 2)
      }
    }
    const values: Record<string, number> = { ...this.held }
    values.ph = round(this.ph + this.rng.truncGaussian(0, 0.02), 2)
    values.flow_w = round(Math.max(0, this.flowNominal * this.flowFrac * (1 + this.rng.truncGaussian(0, 0.02))), 1)

    const maintenance = weekday === this.maintWeekday && minuteOfDay >= this.maintMinute && minuteOfDay < this.maintMinute + MAINT_MINUTES
    const picked: Record<string, number> = {}
    const flags: Record<string, DataFlag> = {}
    for (const m of this.device.metrics) {
      const v = values[m]
      if (v === undefined) continue
      picked[m] = v
      if (maintenance) flags[m] = 'M'
    }
    if (Object.keys(picked).length === 0) return null
    return maintenance ? { values: picked, flags } : { values: picked }
  }

  spike(sample: Sample): Sample {
    const values = { ...sample.values }
    for (const a of ANALYTES) if (values[a] !== undefined) values[a] = values[a] * 4
    return { values, ...(sample.flags ? { flags: sample.flags } : {}) }
  }
}
