import type { ParkRisk } from '../model/risk.js'
import type { RiskTracker } from './risk-tracker.js'

/** Alarms reach park risk within this long: the parks marked meanwhile are recomputed once each. */
const RISK_SETTLE_MS = 100

/**
 * When the marked parks' risk is recomputed and sent (safety-loop.ts): alarms within
 * RISK_SETTLE_MS, device states when the hub's tick promotes them (risk-tracker.ts), one park
 * per task with the loop's other work between parks — a storm of alarms or reconnects costs one
 * recomputation per park, not one per change.
 */
export class RiskSchedule {
  private timer: NodeJS.Timeout | undefined
  private lastFlushMs = 0

  constructor(
    private readonly risk: RiskTracker,
    /** The parks whose risk changed. */
    private readonly emit: (changed: ParkRisk[]) => void,
    private readonly onError: (err: Error) => void,
  ) {}

  schedule(): void {
    if (this.timer) return
    // Recomputing a park of tens of thousands of devices takes milliseconds: while a storm
    // keeps marking it, risk takes at most a tenth of the loop (the next flush waits ten times
    // as long as the last one took, all its parks together), and never lags more than a second.
    const wait = Math.min(1000, Math.max(RISK_SETTLE_MS, 10 * this.lastFlushMs))
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.lastFlushMs = 0
      this.flush()
    }, wait)
    this.timer.unref()
  }

  close(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  /** One park per task (recomputed and sent). */
  private flush(): void {
    const started = performance.now()
    try {
      this.emit(this.risk.flushSome(1))
    } catch (err) {
      this.onError(err as Error)
    }
    this.lastFlushMs += performance.now() - started
    if (this.risk.pending && this.timer === undefined) setImmediate(() => this.flush())
  }
}
