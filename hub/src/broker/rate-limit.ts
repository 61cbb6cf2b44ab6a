/**
 * Per-connection publish rate (token bucket): `rate` messages a second with a burst of one
 * second's worth. Over the rate, a QoS 0 message is shed (counted as `rate_limited`); a QoS 1
 * message waits for its token, which holds the publisher (backpressure, no loss).
 */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(private readonly rate: number, now: number) {
    this.tokens = rate
    this.last = now
  }

  /** Take a token; returns 0 when one was available, else the milliseconds until one is. */
  take(now: number): number {
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) * this.rate) / 1000)
    this.last = now
    if (this.tokens >= 1) {
      this.tokens -= 1
      return 0
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.rate)
  }
}
