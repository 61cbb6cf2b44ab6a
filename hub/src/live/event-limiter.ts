/**
 * Per-socket limits on client events (docs/security.md, "Socket limits"): a token bucket of
 * `rate` events a second with room for `burst`; an event past it is refused. Refusals are
 * counted over 10-second windows; `floodDisconnectAfter` of them in one window mark the socket
 * as flooding, and the live server drops it.
 */
export class EventLimiter {
  private tokens: number
  private last: number
  private windowStart = 0
  private refusedInWindow = 0

  constructor(private readonly rate: number, private readonly burst: number, private readonly floodDisconnectAfter: number, now: number) {
    this.tokens = burst
    this.last = now
  }

  /** 'ok' to handle the event, 'refused' to drop it, 'flood' to drop the socket. */
  take(now: number): 'ok' | 'refused' | 'flood' {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate)
    this.last = now
    if (this.tokens >= 1) {
      this.tokens -= 1
      return 'ok'
    }
    if (now - this.windowStart >= 10_000) {
      this.windowStart = now
      this.refusedInWindow = 0
    }
    this.refusedInWindow++
    return this.refusedInWindow >= this.floodDisconnectAfter ? 'flood' : 'refused'
  }
}
