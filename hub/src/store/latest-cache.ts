import type { Reading } from '../model/reading.js'
import type { DataFlag } from '../model/vocabulary.js'

/** The last value of every metric of every device, for `/latest` and the live snapshot. */
export interface LatestValue {
  value: number
  ts: number
  /** The value's HJ 212 flag when not N (`T` over range, `D` fault, `M` maintenance, `S` manual…): a faulted value is never shown as a healthy one. */
  flag?: DataFlag | undefined
}

export class LatestCache {
  private readonly byDevice = new Map<string, Record<string, LatestValue>>()

  update(r: Reading): void {
    let m = this.byDevice.get(r.device)
    if (!m) this.byDevice.set(r.device, (m = {}))
    for (const metric in r.values) {
      const prev = m[metric]
      const f = r.flags?.[metric]
      const flag = f === 'N' ? undefined : f
      if (!prev) m[metric] = { value: r.values[metric]!, ts: r.ts, flag }
      else if (r.ts >= prev.ts) {
        // Updated in place: at 100,000 readings a second, a new object each time is old-generation garbage.
        // Backfilled or out-of-order readings never overwrite a newer value.
        prev.value = r.values[metric]!
        prev.ts = r.ts
        prev.flag = flag
      }
    }
  }

  get(device: string): Readonly<Record<string, LatestValue>> | undefined {
    return this.byDevice.get(device)
  }

  delete(device: string): void {
    this.byDevice.delete(device)
  }

  /** Seed from stored last values at start (so /latest answers after a restart). */
  seed(device: string, metric: string, v: LatestValue): void {
    let m = this.byDevice.get(device)
    if (!m) this.byDevice.set(device, (m = {}))
    const prev = m[metric]
    if (!prev || v.ts > prev.ts) m[metric] = v
  }
}
