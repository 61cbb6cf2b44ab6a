/**
 * A channel's send rate, as the platforms count it: at most `limit` messages in any window of
 * `windowMs` (WeCom and DingTalk robots: 20 a minute; Feishu bots: 100 a minute and 5 a
 * second). A sliding window of send times, not a token bucket: a bucket that holds a minute's
 * worth lets 2 × 20 through within one minute (a full bucket, then its refill), which the
 * platforms answer with 45009 / 130101 and minutes of silence. `marginMs` widens the window
 * by the time a request may take to reach the platform, whose clock counts arrivals.
 */
export interface RateWindow {
  limit: number
  windowMs: number
}

export class RateLimiter {
  /** Send times, oldest first, one list per window. */
  private readonly sent: number[][]

  constructor(
    readonly windows: readonly RateWindow[],
    private readonly marginMs = 1000,
  ) {
    this.sent = windows.map(() => [])
  }

  /** Milliseconds until a message may go (0: now). */
  waitMs(now: number): number {
    let wait = 0
    this.windows.forEach((w, i) => {
      const times = this.sent[i]!
      const span = this.span(w)
      while (times.length > 0 && times[0]! <= now - span) times.shift()
      if (times.length >= w.limit) wait = Math.max(wait, times[times.length - w.limit]! + span - now)
    })
    return Math.max(0, wait)
  }

  /** The window, widened by the margin (at most a tenth of a short window: Feishu's second). */
  private span(w: RateWindow): number {
    return w.windowMs + Math.min(this.marginMs, w.windowMs / 10)
  }

  /** A message went at `now`. */
  record(now: number): void {
    this.windows.forEach((w, i) => {
      const times = this.sent[i]!
      times.push(now)
      if (times.length > w.limit) times.splice(0, times.length - w.limit)
    })
  }
}

/** `ratePerMinute` messages a minute, plus any finer windows the platform has. */
export function perMinute(ratePerMinute: number | undefined, extra: readonly RateWindow[] = []): RateWindow[] {
  return [...(ratePerMinute !== undefined && ratePerMinute > 0 ? [{ limit: ratePerMinute, windowMs: 60_000 }] : []), ...extra]
}
