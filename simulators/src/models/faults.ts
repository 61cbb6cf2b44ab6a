/**
 * Sensor faults, applied over a device's true output:
 *  - stuck:   the reading freezes at the value it had when the fault began;
 *  - dropout: nothing is sent for a while (the hub's deadman timer should notice);
 *  - spike:   one wild reading, then back to normal (a nuisance: inside the range and short of
 *             the second level; the hub has no on-delay for gas, so it may give a first-level
 *             alarm that clears at the next reading and, latched, waits for a reset);
 *  - offline: the connection drops uncleanly so the broker publishes the will (`offline`),
 *             and comes back when the fault ends.
 * and the HJ 212-2017 data flags a detector puts on its own values (CONTRACT.md telemetry
 * `flags`), for as long as the fault lasts; afterwards its values go out unflagged (valid, `N`):
 *  - fault:       `D` — the detector's self-test fails (a poisoned catalytic bead, a dead
 *                 electrochemical cell); it goes on sending what it measures, flagged;
 *  - calibration: `C` — span gas on the sensor (the model's calibration gas), flagged;
 *  - maintenance: `M` — out of service for work on it, values flagged;
 *  - over_range:  `T` — pinned at the top of its measuring range, flagged over range.
 * A flag fault may name one metric (one sensor of a multi-gas detector); by default every
 * metric of the device carries the flag.
 */
import type { DataFlag } from '../../../hub/src/model/vocabulary.js'
import type { Sample } from './types.js'

export const FAULT_KINDS = ['stuck', 'dropout', 'spike', 'offline', 'fault', 'calibration', 'maintenance', 'over_range'] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

/** The flag each flag-based fault puts on the affected metrics (HJ 212-2017). */
export const FAULT_FLAGS: Readonly<Partial<Record<FaultKind, DataFlag>>> = {
  fault: 'D',
  calibration: 'C',
  maintenance: 'M',
  over_range: 'T',
}

/** What a device model can say about its own sensors when a fault needs it. */
export interface FaultHooks {
  /** The reading a spiking sensor gives instead of the true one. */
  spike?(sample: Sample): Sample
  /** The reading with span (calibration) gas on the sensor. */
  calibrationGas?(sample: Sample): Sample
  /** Every metric at the top of its measuring range. */
  fullScale?(sample: Sample): Sample
}

interface ActiveFault {
  kind: FaultKind
  from: number
  until: number
  /** The one metric affected by a flag fault; undefined: all. */
  metric: string | undefined
  stuck?: Sample
  spent?: boolean
}

export class FaultBook {
  private readonly faults = new Map<string, ActiveFault>()

  set(device: string, kind: FaultKind, from: number, until: number, metric?: string): void {
    this.faults.set(device, { kind, from, until, metric })
  }

  clear(device: string): void {
    this.faults.delete(device)
  }

  active(device: string, t: number): FaultKind | undefined {
    const f = this.faults.get(device)
    if (!f) return undefined
    if (t >= f.until) {
      this.faults.delete(device)
      return undefined
    }
    return t >= f.from ? f.kind : undefined
  }

  /** What the device actually sends at t instead of `sample` (null: nothing). */
  apply(device: string, t: number, sample: Sample | null, hooks: FaultHooks = {}): Sample | null {
    const kind = this.active(device, t)
    if (!kind || !sample) return sample
    const f = this.faults.get(device)
    if (!f) return sample
    switch (kind) {
      case 'dropout':
      case 'offline':
        return null
      case 'stuck':
        f.stuck ??= { values: { ...sample.values } }
        return { values: { ...f.stuck.values } }
      case 'spike':
        if (f.spent) return sample
        f.spent = true
        return hooks.spike ? hooks.spike(sample) : genericSpike(sample)
      case 'fault':
      case 'maintenance':
        return flagged(sample, sample, kind === 'fault' ? 'D' : 'M', f.metric)
      case 'calibration':
        return flagged(sample, hooks.calibrationGas?.(sample) ?? sample, 'C', f.metric)
      case 'over_range':
        return flagged(sample, hooks.fullScale?.(sample) ?? sample, 'T', f.metric)
    }
  }
}

/**
 * `sample` with `flag` on `metric` (or on every metric), taking that metric's value from
 * `faulty`; the other metrics keep their own values and flags.
 */
function flagged(sample: Sample, faulty: Sample, flag: DataFlag, metric: string | undefined): Sample {
  const metrics = metric !== undefined ? [metric].filter((m) => m in sample.values) : Object.keys(sample.values)
  if (metrics.length === 0) return sample
  const values = { ...sample.values }
  const flags: Record<string, DataFlag> = { ...sample.flags }
  for (const m of metrics) {
    values[m] = faulty.values[m] ?? (sample.values[m] as number)
    flags[m] = flag
  }
  return { values, flags }
}

/** Default spike when a model has none of its own: every value tripled. */
export function genericSpike(sample: Sample): Sample {
  const values: Record<string, number> = {}
  for (const [k, v] of Object.entries(sample.values)) values[k] = v === 0 ? 10 : v * 3
  return { values }
}
