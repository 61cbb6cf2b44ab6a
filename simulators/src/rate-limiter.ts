/** A token bucket: at most `rate` messages a second on average, bursts up to one second's worth. */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    readonly rate: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = Number.isFinite(rate) ? Math.max(1, rate) : Infinity
    this.last = now()
  }

  private refill(): void {
    const t = this.now()
    if (Number.isFinite(this.rate)) this.tokens = Math.min(Math.max(1, this.rate), this.tokens + ((t - this.last) / 1000) * this.rate)
    this.last = t
  }

  /** Take one token if there is one. */
  take(): boolean {
    this.refill()
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  /** Milliseconds until the next token. */
  waitMs(): number {
    this.refill()
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate) * 1000)
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
