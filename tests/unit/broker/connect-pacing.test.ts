import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ConnectPacer, MAX_RATE, MAX_WAIT_MS, MIN_RATE } from '../../../hub/src/broker/connect-pacing.js'

/** The pacer on a fake clock: timers and performance.now() advance only when the test says. */
describe('connect pacing', () => {
  let pacer: ConnectPacer
  let skew = 0
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] })
    skew = 0
    pacer = new ConnectPacer(() => performance.now() + skew)
  })
  afterEach(() => {
    pacer.close()
    vi.useRealTimers()
  })

  /** `n` connections offered at once; when each started (ms after the offer) and how many were refused. */
  function storm(n: number): { startedAt: number[]; refused: () => number } {
    const t0 = performance.now()
    const startedAt: number[] = []
    let refused = 0
    for (let i = 0; i < n; i++) pacer.offer(() => startedAt.push(performance.now() - t0), () => refused++)
    return { startedAt, refused: () => refused }
  }

  it('starts a storm of connections at a rate, not all at once, and every one within its longest wait', () => {
    const s = storm(3000)
    const atOnce = s.startedAt.length
    expect(atOnce).toBeLessThan(100)
    vi.advanceTimersByTime(1000)
    const inFirstSecond = s.startedAt.length
    expect(inFirstSecond).toBeGreaterThanOrEqual(MIN_RATE)
    expect(inFirstSecond).toBeLessThan(3000)
    vi.advanceTimersByTime(MAX_WAIT_MS)
    expect(s.startedAt.length + s.refused()).toBe(3000)
    expect(Math.max(...s.startedAt)).toBeLessThanOrEqual(MAX_WAIT_MS + 20)
    expect(pacer.stats().waiting).toBe(0)
  })

  it('refuses within a tick the connections that would wait longer than the longest wait', () => {
    const s = storm(60_000)
    // Not in the accept callbacks that offered them, but at the pacer's next tick: the client hears CONNACK 3 within 20 ms.
    expect(s.refused()).toBe(0)
    expect(pacer.stats().refusing).toBeGreaterThan(0)
    vi.advanceTimersByTime(20)
    expect(s.refused()).toBe(pacer.stats().refusedBusy)
    expect(s.refused()).toBeGreaterThan(0)
    expect(pacer.stats().refusing).toBe(0)
    const waiting = pacer.stats().waiting
    expect(waiting / pacer.stats().ratePerSecond).toBeLessThanOrEqual(MAX_WAIT_MS / 1000)
    vi.advanceTimersByTime(MAX_WAIT_MS + 1000)
    expect(s.startedAt.length + s.refused()).toBe(60_000)
    expect(pacer.stats().refusedBusy).toBe(s.refused())
  })

  it('spends at most a few milliseconds of a tick refusing, and refuses every one in the end', () => {
    // Each refusal takes 1 ms of the loop (a CONNACK written, a socket closed).
    const s = { refused: 0 }
    for (let i = 0; i < 40_000; i++) pacer.offer(() => undefined, () => { s.refused++; skew += 1 })
    const toRefuse = pacer.stats().refusing
    expect(toRefuse).toBeGreaterThan(1000)
    vi.advanceTimersByTime(20)
    // One tick's share: REFUSE_BUDGET_MS (4 ms), not the thousands waiting.
    expect(s.refused).toBeGreaterThanOrEqual(1)
    expect(s.refused).toBeLessThanOrEqual(5)
    vi.advanceTimersByTime(20 * toRefuse)
    expect(s.refused).toBeGreaterThanOrEqual(toRefuse)
    expect(pacer.stats().refusing).toBe(0)
  })

  it('slows down to its floor while the event loop lags, and speeds up again once it does not', () => {
    storm(20_000)
    // Something else holds the loop for 60 ms every 20 ms: each of the pacer's ticks comes late.
    const hog = setInterval(() => (skew += 60), 20)
    vi.advanceTimersByTime(5000)
    expect(pacer.stats().ratePerSecond).toBe(MIN_RATE)
    clearInterval(hog)
    // The lag counted as time waited: what waited since is refused by now; a second wave comes.
    storm(5000)
    const before = pacer.stats().started
    vi.advanceTimersByTime(3000)
    expect(pacer.stats().ratePerSecond).toBeGreaterThan(MIN_RATE)
    expect(pacer.stats().ratePerSecond).toBeLessThanOrEqual(MAX_RATE)
    expect(pacer.stats().started - before).toBeGreaterThan(3 * MIN_RATE)
  })

  it('says how many started in the last second, how long the first in the queue has waited, and the longest wait', () => {
    expect(pacer.stats()).toMatchObject({ admittedLastSecond: 0, oldestWaitMs: 0, longestWaitMs: 0 })
    // At a whole second, so the count's seconds line up with the advances below.
    vi.advanceTimersByTime(1000 - (performance.now() % 1000))
    const s = storm(2000)
    vi.advanceTimersByTime(500)
    const half = pacer.stats()
    expect(half.waiting).toBeGreaterThan(0)
    expect(half.oldestWaitMs).toBeGreaterThanOrEqual(480)
    expect(half.oldestWaitMs).toBeLessThanOrEqual(500)
    // Still in the first second: the one before it started none.
    expect(half.admittedLastSecond).toBe(0)
    vi.advanceTimersByTime(490)
    // Started within the first second (a tick at its last instant belongs to the next).
    const afterFirst = s.startedAt.length
    vi.advanceTimersByTime(20)
    expect(pacer.stats().admittedLastSecond).toBe(afterFirst)
    expect(pacer.stats().longestWaitMs).toBeGreaterThanOrEqual(960)
    vi.advanceTimersByTime(980)
    const afterSecond = s.startedAt.length
    vi.advanceTimersByTime(20)
    expect(pacer.stats().admittedLastSecond).toBe(afterSecond - afterFirst)
    vi.advanceTimersByTime(MAX_WAIT_MS)
    const end = pacer.stats()
    expect(end).toMatchObject({ waiting: 0, oldestWaitMs: 0 })
    expect(end.longestWaitMs).toBeGreaterThanOrEqual(Math.max(...s.startedAt) - 20)
    expect(end.longestWaitMs).toBeLessThanOrEqual(MAX_WAIT_MS + 20)
    // Quiet for a while: nothing started in the last second.
    vi.advanceTimersByTime(3000)
    expect(pacer.stats().admittedLastSecond).toBe(0)
  })

  it('starts a connection at once when nothing waits', () => {
    let started = 0
    pacer.offer(() => started++, () => undefined)
    expect(started).toBe(1)
    expect(pacer.stats()).toMatchObject({ waiting: 0, started: 1, refusedBusy: 0 })
  })
})
