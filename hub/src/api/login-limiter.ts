/**
 * Sign-in rate limiting: after `maxFailures` failed sign-ins for one key within `windowMs`,
 * further attempts are refused (429) until the window passes. Keys are a user name (10
 * failures) and an address (50: a command room may share one address behind a proxy).
 * Guards the scrypt-hashed passwords against online guessing.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>()

  constructor(private readonly windowMs = 5 * 60_000, private readonly limits: Record<string, number> = { user: 10, ip: 50 }) {}

  private max(key: string): number {
    return this.limits[key.slice(0, key.indexOf(':'))] ?? 10
  }

  /** Milliseconds to wait before `keys` may try again; 0 when allowed. */
  retryAfter(keys: string[], now: number): number {
    let wait = 0
    for (const k of keys) {
      const list = this.recent(k, now)
      if (list.length >= this.max(k)) wait = Math.max(wait, list[0]! + this.windowMs - now)
    }
    return wait
  }

  fail(keys: string[], now: number): void {
    for (const k of keys) {
      const list = this.recent(k, now)
      list.push(now)
      this.failures.set(k, list)
    }
    if (this.failures.size > 100_000) this.failures.clear()
  }

  succeed(keys: string[]): void {
    for (const k of keys) this.failures.delete(k)
  }

  private recent(k: string, now: number): number[] {
    return (this.failures.get(k) ?? []).filter((t) => t > now - this.windowMs)
  }
}
