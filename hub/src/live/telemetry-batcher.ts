import type { TelemetryUpdate } from '../model/live-events.js'
import { byPark } from './by-park.js'

/** Telemetry reaches a dashboard at most this often per device (the LiveServer's default, and the cluster relay's pace). */
export const TELEMETRY_HZ = 4

/**
 * Keeps only the latest values per device between flushes and sends them grouped by park:
 * a device publishing at 100 Hz reaches the dashboard at most once per flush period.
 */
export class TelemetryBatcher {
  private pending = new Map<string, TelemetryUpdate>()
  private readonly timer: NodeJS.Timeout

  constructor(periodMs: number, private readonly emit: (park: string, batch: TelemetryUpdate[]) => void) {
    this.timer = setInterval(() => this.flush(), periodMs)
    this.timer.unref()
  }

  add(u: TelemetryUpdate): void {
    const prev = this.pending.get(u.device)
    if (prev && prev.ts > u.ts) return
    if (prev) {
      prev.ts = u.ts
      Object.assign(prev.values, u.values)
      if (prev.flags || u.flags) prev.flags = mergeFlags(prev.flags, u)
    } else this.pending.set(u.device, { device: u.device, park: u.park, ts: u.ts, values: { ...u.values }, ...(u.flags ? { flags: { ...u.flags } } : {}) })
  }

  flush(): void {
    if (this.pending.size === 0) return
    const batches = byPark(this.pending.values())
    this.pending = new Map()
    for (const [park, batch] of batches) this.emit(park, batch)
  }

  stop(): void {
    clearInterval(this.timer)
  }
}

/** A metric's flag follows its latest value: a newer value without a flag (N) drops the old flag. */
function mergeFlags(prev: TelemetryUpdate['flags'], u: TelemetryUpdate): TelemetryUpdate['flags'] {
  const out = { ...prev }
  for (const m in u.values) {
    const f = u.flags?.[m]
    if (f === undefined) delete out[m]
    else out[m] = f
  }
  return Object.keys(out).length > 0 ? out : undefined
}
