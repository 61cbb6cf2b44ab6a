/**
 * A fixed point gas detector: combustible (%LEL, catalytic or IR), toxic (mg/m³,
 * electrochemical) or oxygen (%VOL). It reads the plume at its position through a first-order
 * response (GB 15322.1-2019 asks T90 ≤ 30 s of combustible detectors, GB/T 50493 ≤ 60 s of
 * toxic ones), adds a small zero offset and noise, clamps at zero and at full scale.
 */
import type { Device } from '../../../hub/src/model/device.js'
import { TOXIC_GASES, type ToxicGas } from '../../../hub/src/model/vocabulary.js'
import type { Rng } from '../prng.js'
import { AIR_O2, TOXIC_BACKGROUND, TOXIC_FIRST_LEVEL, oxygenAfterDisplacement, toxicRangeMgm3 } from './gases.js'
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

function isToxic(metric: string): metric is ToxicGas {
  return (TOXIC_GASES as readonly string[]).includes(metric)
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
      const oel = TOXIC_FIRST_LEVEL[metric]
      // Electrochemical cell: T90 ≈ 30–60 s; noise ~1 % and zero within 2 % of the first-level set point.
      return {
        metric,
        tau: 15,
        noiseSd: 0.01 * oel,
        zero: this.rng.uniform(0, 0.02 * oel),
        fullScale: toxicRangeMgm3(metric),
        background: TOXIC_BACKGROUND[metric],
        state: TOXIC_BACKGROUND[metric],
      }
    }
    return { metric, tau: 10, noiseSd: 0, zero: 0, fullScale: Number.MAX_VALUE, background: 0, state: 0 }
  }

  /** The true value at the detector's position (no sensor effects). */
  private truth(world: WorldView, metric: string): number {
    const leak = world.gasAt(this.device.park, this.device.position, metric)
    if (metric === 'o2') return oxygenAfterDisplacement(leak)
    if (metric === 'lel') return leak
    return leak + (isToxic(metric) ? TOXIC_BACKGROUND[metric] : 0)
  }

  sample(t: number, world: WorldView): Sample | null {
    const dt = this.lastT === undefined ? Infinity : Math.max(0, (t - this.lastT) / 1000)
    this.lastT = t
    const values: Record<string, number> = {}
    for (const ch of this.channels) {
      const target = this.truth(world, ch.metric)
      // Exact first-order response over the sample gap.
      ch.state = target + (ch.state - target) * Math.exp(-dt / ch.tau)
      const raw = ch.state + ch.zero + this.rng.truncGaussian(0, ch.noiseSd)
      values[ch.metric] = round(Math.min(ch.fullScale, Math.max(0, raw)), ch.metric === 'o2' ? 2 : 3)
    }
    return { values }
  }

  /** A spike: what a sensor glitch or RF interference does to the reading. */
  spike(sample: Sample): Sample {
    const values: Record<string, number> = {}
    for (const [metric, v] of Object.entries(sample.values)) {
      if (metric === 'lel') values[metric] = Math.min(100, v + 60)
      else if (metric === 'o2') values[metric] = Math.max(0, v - 4)
      else if (isToxic(metric)) values[metric] = Math.min(toxicRangeMgm3(metric), v + 3 * TOXIC_FIRST_LEVEL[metric])
      else values[metric] = v * 3
    }
    return { values }
  }
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(v * f) / f
}
