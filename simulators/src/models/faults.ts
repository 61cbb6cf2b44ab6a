/**
 * Sensor faults, applied over a device's true output:
 *  - stuck:   the reading freezes at the value it had when the fault began;
 *  - dropout: nothing is sent for a while (the hub's deadman timer should notice);
 *  - spike:   one wild reading, then back to normal (the hub's on-delay should ride it out);
 *  - offline: the connection drops uncleanly so the broker publishes the will (`offline`),
 *             and comes back when the fault ends.
 */
import type { Sample } from './types.js'

export const FAULT_KINDS = ['stuck', 'dropout', 'spike', 'offline'] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

interface ActiveFault {
  kind: FaultKind
  from: number
  until: number
  stuck?: Sample
  spent?: boolean
}

export class FaultBook {
  private readonly faults = new Map<string, ActiveFault>()

  set(device: string, kind: FaultKind, from: number, until: number): void {
    this.faults.set(device, { kind, from, until })
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
  apply(device: string, t: number, sample: Sample | null, spike: (s: Sample) => Sample): Sample | null {
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
        return spike(sample)
    }
  }
}

/** Default spike when a model has none of its own: every value tripled. */
export function genericSpike(sample: Sample): Sample {
  const values: Record<string, number> = {}
  for (const [k, v] of Object.entries(sample.values)) values[k] = v === 0 ? 10 : v * 3
  return { values }
}
