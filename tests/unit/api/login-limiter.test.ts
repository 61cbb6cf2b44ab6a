import { describe, expect, it } from 'vitest'
import { DEFAULT_LOGIN_LIMITS, LoginLimiter, LruMap } from '../../../hub/src/api/login-limiter.js'

const limits = { ...DEFAULT_LOGIN_LIMITS, maxPerAccountAddress: 3, maxPerAddress: 5, accountSlowdownAfter: 6, accountSlowdownMs: 1000, maxKeys: 1000 }

describe('LoginLimiter', () => {
  it('counts an attempt before its check: the pair is refused once its budget is in flight', () => {
    const l = new LoginLimiter(limits)
    const admitted = Array.from({ length: 10 }, () => l.begin('admin', '10.0.0.1', 0)).filter((a) => a.allowed)
    expect(admitted).toHaveLength(3)
    expect(l.begin('admin', '10.0.0.1', 0)).toMatchObject({ allowed: false, reason: 'account_address' })
    // The window slides: after it, the pair may try again.
    expect(l.begin('admin', '10.0.0.1', limits.windowMs + 1).allowed).toBe(true)
  })

  it('slows strangers on a guessed account but never the address that signed in before', () => {
    const l = new LoginLimiter(limits)
    const good = l.begin('admin', '10.9.9.9', 0)
    if (!good.allowed) throw new Error('refused')
    l.succeed(good.attempt, 0)
    for (let i = 0; i < 6; i++) {
      const a = l.begin('admin', `10.0.1.${i}`, 10)
      if (a.allowed) l.fail(a.attempt)
    }
    expect(l.begin('admin', '10.0.2.1', 20).allowed).toBe(true)
    expect(l.begin('admin', '10.0.2.2', 20)).toMatchObject({ allowed: false, reason: 'account_slowdown' })
    expect(l.begin('admin', '10.9.9.9', 20).allowed).toBe(true)
    expect(l.begin('admin', '10.0.2.3', 1100).allowed).toBe(true)
  })

  it('a success forgets the pair and releases its attempt', () => {
    const l = new LoginLimiter(limits)
    for (let i = 0; i < 2; i++) {
      const a = l.begin('viewer', '10.0.0.5', 0)
      if (a.allowed) l.fail(a.attempt)
    }
    const ok = l.begin('viewer', '10.0.0.5', 0)
    if (!ok.allowed) throw new Error('refused')
    l.succeed(ok.attempt, 0)
    expect(Array.from({ length: 3 }, () => l.begin('viewer', '10.0.0.5', 1).allowed)).toEqual([true, true, true])
  })

  it('keeps its memory bounded by evicting the least recently used keys, not all at once', () => {
    const l = new LoginLimiter({ ...limits, maxKeys: 100 })
    for (let i = 0; i < 10_000; i++) l.begin(`u${i}`, `10.1.${i >> 8}.${i & 255}`, i)
    const s = l.stats()
    expect(s.trackedKeys).toBeLessThanOrEqual(300)
    expect(s.evictedKeys).toBeGreaterThan(0)
    // A key used recently survives a flood of new keys.
    const m = new LruMap<string, number>(3)
    m.set('a', 1); m.set('b', 2); m.set('c', 3); m.get('a'); m.set('d', 4)
    expect([m.get('a'), m.get('b'), m.get('c'), m.get('d')]).toEqual([1, undefined, 3, 4])
  })
})
