/**
 * The live window: a reading whose own time (`ts`) is within `windowMs` of hub time is live;
 * an older one is history. History is stored (ingest and the store keep it, up to the raw
 * retention) and shown on its device as late evidence, but it never raises, escalates or
 * clears a live alarm, nor proves the device alive now: a 30-day backfill raises nothing,
 * and a detector silent for an hour is not made healthy by its gateway replaying the hour.
 *
 * Inside the window the reading is judged on its own time (engine.ts: set-point timers run on
 * sample time), so a gateway replaying a short outage still alarms, dated when it happened.
 * Default 10 minutes (HUB_LIVE_WINDOW_SEC): long enough for a gateway's reconnect and buffer
 * flush, short enough that an alarm is still news to the people who receive it.
 *
 * Late evidence per device is a count and the newest late reading's time, since the hub
 * started (not persisted: it is a diagnostic of the device's clock or gateway, not state).
 */

export interface LateEvidence {
  /** Late readings since the hub started. */
  count: number
  /** The newest late reading's own time, ms. */
  lastTs: number
  /** Hub time when the latest late reading arrived, ms. */
  receivedAt: number
}

export class LiveWindow {
  private readonly late = new Map<string, LateEvidence>()

  constructor(readonly windowMs: number) {}

  isLive(ts: number, now: number): boolean {
    return now - ts <= this.windowMs
  }

  /** Count a late reading of a device. */
  record(device: string, ts: number, now: number): void {
    const e = this.late.get(device)
    if (!e) this.late.set(device, { count: 1, lastTs: ts, receivedAt: now })
    else {
      e.count++
      e.lastTs = Math.max(e.lastTs, ts)
      e.receivedAt = now
    }
  }

  of(device: string): Readonly<LateEvidence> | undefined {
    return this.late.get(device)
  }

  forget(device: string): void {
    this.late.delete(device)
  }
}
