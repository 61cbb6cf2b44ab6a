/**
 * A fixed point gas detector: combustible (%LEL, catalytic or IR), toxic (mg/m³,
 * electrochemical) or oxygen (%VOL). It reads the plume at its position through a first-order
 * response (GB 15322.1-2019 asks T90 ≤ 30 s of combustible detectors, GB/T 50493 ≤ 60 s of
 * toxic ones), adds a small zero offset and noise, clamps at zero and at full scale. Pinned at
 * full scale it says so: the value carries the HJ 212-2017 flag `T` (over range), since a
 * detector past its range reads more than its range. Full scale of a toxic metric is the
 * device's own measuring range, else the gas catalogue's default (as the hub reads it).
 */
import { ownRangeOf } from '../../../hub/src/catalogue/device-gas-settings.js'
import { defaultRange, gasCatalogue } from '../../../hub/src/catalogue/gas-catalogue.js'
import type { Device } from '../../../hub/src/model/device.js'
import type { DataFlag } from '../../../hub/src/model/vocabulary.js'
import type { Rng } from '../prng.js'
import { AIR_O2, TOXIC_BACKGROUND, oxygenAfterDisplacement, toxicFirstLevelOf } from './gases.js'
import type { DeviceModel, Sample, WorldView } from './types.js'

interface Channel {
  metric: string
  /** Time constant of the sensor, s (T90 ≈ 2.3 τ). */
  tau: number
  noiseSd: number
  zero: number
  fullScale: number
  background: number
  /** Sensor output tracking the true value, before noise. */
  state: number
}

/** A toxic gas of the hub's catalogue: read in mg/m³ against its OEL. */
function isToxic(metric: string): boolean {
  return gasCatalogue().isToxic(metric)
}

export class GasDetectorModel implements DeviceModel {
  private readonly channels: Channel[]
  private lastT: number | undefined

  constructor(
    private readonly device: Device,
    private readonly rng: Rng,
  ) {
    this.channels = device.metrics.map((metric) => this.channel(metric))
  }

  private channel(metric: string): Channel {
    if (metric === 'lel') {
      // Catalytic bead: T90 ≈ 20 s; noise ~0.2 %LEL; zero within ±0.5 %LEL.
      return { metric, tau: 9, noiseSd: 0.2, zero: this.rng.uniform(0, 0.5), fullScale: 100, background: 0, state: 0 }
    }
    if (metric === 'o2') {
      // Electrochemical O2 cell: T90 ≈ 15 s; range 0–25 %VOL; calibrated at 20.9.
      return { metric, tau: 6, noiseSd: 0.04, zero: this.rng.uniform(-0.1, 0.1), fullScale: 25, background: AIR_O2, state: AIR_O2 }
    }
    if (isToxic(metric)) {
      const oel = toxicFirstLevelOf(metric)
      // Electrochemical cell: T90 ≈ 30–60 s; noise ~1 % and zero within 2 % of the first-level set point.
      return {
        metric,
        tau: 15,
        noiseSd: 0.01 * oel,
        zero: this.rng.uniform(0, 0.02 * oel),
        fullScale: ownRangeOf(this.device, metric)?.[1] ?? defaultRange(metric)?.[1] ?? Infinity,
        background: TOXIC_BACKGROUND[metric] ?? 0,
        state: TOXIC_BACKGROUND[metric] ?? 0,
      }
    }
    return { metric, tau: 10, noiseSd: 0, zero: 0, fullScale: Number.MAX_VALUE, background: 0, state: 0 }
  }

  /** The true value at the detector's position (no sensor effects). */
  private truth(world: WorldView, metric: string): number {
    // A detector not yet placed on its plan measures the background only.
    const leak = this.device.position === undefined ? 0 : world.gasAt(this.device.park, this.device.position, metric)
    if (metric === 'o2') return oxygenAfterDisplacement(leak)
    if (metric === 'lel') return leak
    return leak + (isToxic(metric) ? (TOXIC_BACKGROUND[metric] ?? 0) : 0)
  }

  sample(t: number, world: WorldView): Sample | null {
    const dt = this.lastT === undefined ? Infinity : Math.max(0, (t - this.lastT) / 1000)
    this.lastT = t
    const values: Record<string, number> = {}
    let flags: Record<string, DataFlag> | undefined
    for (const ch of this.channels) {
      const target = this.truth(world, ch.metric)
      // Exact first-order response over the sample gap.
      ch.state = target + (ch.state - target) * Math.exp(-dt / ch.tau)
      const raw = ch.state + ch.zero + this.rng.truncGaussian(0, ch.noiseSd)
      values[ch.metric] = round(Math.min(ch.fullScale, Math.max(0, raw)), ch.metric === 'o2' ? 2 : 3)
      if (raw > ch.fullScale) (flags ??= {})[ch.metric] = 'T'
    }
    return flags ? { values, flags } : { values }
  }

  /**
   * A spike: what a sensor glitch or RF interference does to the reading. A nuisance, not a
   * hazard: it stays inside the measuring range and between the first and second levels
   * (GB/T 50493-2019 §5.5.2: 25 / 50 %LEL, 1× / 2× OEL). The hub alarms at the set point (no
   * on-delay for gas), so it gives a first-level (orange) alarm that clears at the next reading
   * and, latched, waits for someone to check and reset it — never a red or over-range one.
   */
  spike(sample: Sample): Sample {
    const values: Record<string, number> = {}
    for (const [metric, v] of Object.entries(sample.values)) {
      const top = this.fullScaleOf(metric)
      if (metric === 'lel') values[metric] = Math.min(SPIKE_CEILING * 50, v + 35)
      else if (metric === 'o2') values[metric] = Math.max(0, v - 4)
      else if (isToxic(metric)) values[metric] = Math.min(top, SPIKE_CEILING * 2 * toxicFirstLevelOf(metric), v + 1.5 * toxicFirstLevelOf(metric))
      else values[metric] = Math.min(top, v * 3)
    }
    return { values }
  }

  /**
   * Span gas on the sensor during a calibration (flag `C`): 50 %LEL for combustible
   * (GB 15322.1-2019 tests at about half of full scale), half the range for toxic, clean air
   * (20.9 %VOL) for oxygen.
   */
  calibrationGas(sample: Sample): Sample {
    const values: Record<string, number> = {}
    for (const [metric, v] of Object.entries(sample.values)) {
      if (metric === 'o2') values[metric] = AIR_O2
      else if (metric === 'lel' || isToxic(metric)) values[metric] = round(this.fullScaleOf(metric) / 2, 3)
      else values[metric] = v
    }
    return { values }
  }

  /** Every metric pinned at the top of its range (an over-range fault, flag `T`). */
  fullScale(sample: Sample): Sample {
    const values: Record<string, number> = {}
    for (const metric of Object.keys(sample.values)) values[metric] = this.fullScaleOf(metric)
    return { values }
  }

  private fullScaleOf(metric: string): number {
    return this.channels.find((c) => c.metric === metric)?.fullScale ?? Number.MAX_VALUE
  }
}

/** A spike stops at 90 % of the second level: a first-level reading, never a second-level one. */
const SPIKE_CEILING = 0.9

export function round(v: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(v * f) / f
}
