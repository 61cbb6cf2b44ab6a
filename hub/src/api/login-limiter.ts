/**
 * Sign-in limiting (docs/security.md, "Sign-in limiting"; NIST SP 800-63B §5.2.2 rate
 * limiting, OWASP ASVS 4.0 V2.2.1 anti-automation "without locking out the legitimate user").
 *
 * An attempt is counted when it arrives, before the (asynchronous, scrypt) password check:
 * `begin()` reserves it synchronously, so 400 guesses sent at once see each other and at most
 * the limit reach the check. A failed check keeps the reservation; a success releases it.
 *
 * Three counters, each a sliding window of `windowMs`:
 * - per (account, address): `maxPerAccountAddress` attempts not yet successful — the guesser's
 *   own budget against one account. It locks out that pair only, never the account;
 * - per address, over all accounts: `maxPerAddress` — one address spraying many accounts;
 * - per account, over all addresses: past `accountSlowdownAfter` failures the account is not
 *   locked but slowed: addresses that never signed in to it successfully ("strangers") share one
 *   attempt per `accountSlowdownMs`. An address where the account signed in before (kept for
 *   `knownGoodMs`) skips this slow-down, so a distributed guesser cannot lock the admin out.
 *
 * Memory is bounded: each counter keeps at most its limit of timestamps, and the keys live in
 * capped maps that evict the least recently used key first (never all at once).
 */
export interface LoginLimits {
  windowMs: number
  maxPerAccountAddress: number
  maxPerAddress: number
  accountSlowdownAfter: number
  accountSlowdownMs: number
  knownGoodMs: number
  /** Keys (addresses, accounts, pairs) tracked at most; the least recently used go first. */
  maxKeys: number
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  windowMs: 5 * 60_000,
  maxPerAccountAddress: 10,
  maxPerAddress: 50,
  accountSlowdownAfter: 100,
  accountSlowdownMs: 2000,
  knownGoodMs: 30 * 86_400_000,
  maxKeys: 50_000,
}

/** A Map capped at `max` entries that evicts the least recently used first. */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>()
  evicted = 0
  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    const v = this.map.get(key)
    if (v !== undefined) {
      this.map.delete(key)
      this.map.set(key, v)
    }
    return v
  }

  set(key: K, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    while (this.map.size > this.max) {
      this.map.delete(this.map.keys().next().value as K)
      this.evicted++
    }
  }

  delete(key: K): void {
    this.map.delete(key)
  }

  get size(): number {
    return this.map.size
  }
}

export type Admission = { allowed: true; attempt: Attempt } | { allowed: false; retryAfterMs: number; reason: 'account_address' | 'address' | 'account_slowdown' }

export interface Attempt {
  readonly account: string
  readonly address: string
  readonly at: number
}

export interface LoginLimiterStats {
  admitted: number
  refused: number
  failures: number
  successes: number
  trackedKeys: number
  evictedKeys: number
}

export class LoginLimiter {
  /** Timestamps of attempts not yet successful, per key; oldest first, at most the key's limit. */
  private readonly attempts: LruMap<string, number[]>
  /** `account\0address` → time of its last successful sign-in. */
  private readonly knownGood: LruMap<string, number>
  /** Per account: when a stranger may try next during a slow-down. */
  private readonly nextStranger: LruMap<string, number>
  private readonly counts = { admitted: 0, refused: 0, failures: 0, successes: 0 }

  constructor(private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
    this.attempts = new LruMap(limits.maxKeys)
    this.knownGood = new LruMap(limits.maxKeys)
    this.nextStranger = new LruMap(limits.maxKeys)
  }

  /** Counts an attempt before its password is checked; refused ones are not counted again. */
  begin(account: string, address: string, now: number): Admission {
    const l = this.limits
    const pair = `pair:${account}\0${address}`
    const addr = `addr:${address}`
    const acct = `acct:${account}`
    const wait = this.waitFor(pair, l.maxPerAccountAddress, now)
    if (wait > 0) return this.refuse(wait, 'account_address')
    const addrWait = this.waitFor(addr, l.maxPerAddress, now)
    if (addrWait > 0) return this.refuse(addrWait, 'address')
    if (this.recent(acct, now).length >= l.accountSlowdownAfter && !this.isKnownGood(account, address, now)) {
      const next = this.nextStranger.get(account) ?? 0
      if (next > now) return this.refuse(next - now, 'account_slowdown')
      this.nextStranger.set(account, now + l.accountSlowdownMs)
    }
    this.push(pair, now, l.maxPerAccountAddress)
    this.push(addr, now, l.maxPerAddress)
    this.push(acct, now, l.accountSlowdownAfter)
    this.counts.admitted++
    return { allowed: true, attempt: { account, address, at: now } }
  }

  /** The password was wrong: the attempt stays counted. */
  fail(_attempt: Attempt): void {
    this.counts.failures++
  }

  /** The password was right: the pair's failures are forgotten, this attempt released, the address remembered as good. */
  succeed(attempt: Attempt, now: number): void {
    this.counts.successes++
    this.attempts.delete(`pair:${attempt.account}\0${attempt.address}`)
    this.release(`addr:${attempt.address}`, attempt.at)
    this.release(`acct:${attempt.account}`, attempt.at)
    this.knownGood.set(`${attempt.account}\0${attempt.address}`, now)
  }

  stats(): LoginLimiterStats {
    return { ...this.counts, trackedKeys: this.attempts.size + this.knownGood.size + this.nextStranger.size, evictedKeys: this.attempts.evicted + this.knownGood.evicted + this.nextStranger.evicted }
  }

  private isKnownGood(account: string, address: string, now: number): boolean {
    const at = this.knownGood.get(`${account}\0${address}`)
    return at !== undefined && now - at < this.limits.knownGoodMs
  }

  private refuse(retryAfterMs: number, reason: 'account_address' | 'address' | 'account_slowdown'): Admission {
    this.counts.refused++
    return { allowed: false, retryAfterMs, reason }
  }

  /** Milliseconds until `key` has room for one more attempt; 0 when it has now. */
  private waitFor(key: string, max: number, now: number): number {
    const list = this.recent(key, now)
    return list.length >= max ? list[list.length - max]! + this.limits.windowMs - now : 0
  }

  /** The key's timestamps inside the window (older ones dropped in place). */
  private recent(key: string, now: number): number[] {
    const list = this.attempts.get(key)
    if (!list) return []
    const from = now - this.limits.windowMs
    let drop = 0
    while (drop < list.length && list[drop]! <= from) drop++
    if (drop > 0) list.splice(0, drop)
    if (list.length === 0) this.attempts.delete(key)
    return list
  }

  private push(key: string, now: number, max: number): void {
    const list = this.attempts.get(key) ?? []
    list.push(now)
    if (list.length > max) list.splice(0, list.length - max)
    this.attempts.set(key, list)
  }

  private release(key: string, at: number): void {
    const list = this.attempts.get(key)
    const i = list?.lastIndexOf(at) ?? -1
    if (list && i >= 0) list.splice(i, 1)
  }
}
