import { describe, expect, it } from 'vitest'
import { computeKpis } from '../../../hub/src/alarms/kpi.js'
import { bookWith, fakeClock, HOUR, MIN, SEC, T0, transition } from './fixtures.js'

/**
 * One hour (T0, T0 + 1 h], six 10-min buckets:
 *   bucket 0  kA: raise, clear, reactivate, clear            → 2 annunciations (level 2)
 *   bucket 2  12 different keys raised within 2 min          → 12 (level 3): a flood
 *   bucket 4  kB: raise (2), escalate (1), deescalate (2)    → 2
 *   bucket 5  kC: raise (4), shelved, clear, reactivate      → 1 (the reactivation is not presented)
 *             kH: raise, reactivate, reactivate within 40 s  → 3 (level 3), chattering
 * Before the window: kD raised 25 h ago and still active (standing); kE 23 h ago (not yet).
 */
function history() {
  const clock = fakeClock(T0 - 25 * HOUR)
  const { book } = bookWith(clock)
  const at = (key: string, device: string, ts: number, extra: Parameters<typeof transition>[0] | object = {}) =>
    book.apply(transition({ key, device, ts, ...extra }))
  at('kD', 'd-d', T0 - 24 * HOUR, { level: 3 })
  at('kE', 'd-e', T0 - 22 * HOUR, { level: 3 })
  at('kA', 'd-a', T0 + 1 * MIN, { level: 2 })
  at('kA', 'd-a', T0 + 2 * MIN, { kind: 'clear' })
  at('kA', 'd-a', T0 + 3 * MIN, { level: 2 })
  at('kA', 'd-a', T0 + 4 * MIN, { kind: 'clear' })
  for (let i = 0; i < 12; i++) {
    at(`kF${i}`, `d-f${String(i).padStart(2, '0')}`, T0 + 21 * MIN + i * 10 * SEC, { level: 3 })
  }
  at('kB', 'd-b', T0 + 41 * MIN, { level: 2 })
  at('kB', 'd-b', T0 + 42 * MIN, { level: 1 })
  at('kB', 'd-b', T0 + 43 * MIN, { level: 2 })
  const c = at('kC', 'd-c', T0 + 50 * MIN, { level: 4, type: 'energy_budget' })!
  clock.set(T0 + 51 * MIN)
  book.shelve(c.id, 'zhang', { minutes: 30 })
  at('kC', 'd-c', T0 + 52 * MIN, { kind: 'clear', level: 4, type: 'energy_budget' })
  at('kC', 'd-c', T0 + 53 * MIN, { level: 4, type: 'energy_budget' })
  at('kH', 'd-h', T0 + 55 * MIN, { level: 3 })
  at('kH', 'd-h', T0 + 55 * MIN + 10 * SEC, { kind: 'clear' })
  at('kH', 'd-h', T0 + 55 * MIN + 20 * SEC, { level: 3 })
  at('kH', 'd-h', T0 + 55 * MIN + 30 * SEC, { kind: 'clear' })
  at('kH', 'd-h', T0 + 55 * MIN + 40 * SEC, { level: 3 })
  return book
}

describe('computeKpis (EEMUA 191 / ISA-18.2)', () => {
  it('gives exact figures on a constructed hour', () => {
    const book = history()
    const k = computeKpis(book.list(), T0 + HOUR, HOUR)
    expect(k.window).toEqual({ from: T0, to: T0 + HOUR, ms: HOUR })
    expect(k.annunciations).toBe(20)
    expect(k.byLevel).toEqual({ 1: 1, 2: 3, 3: 15, 4: 1 })
    expect(k.ratePer10Min).toEqual({ average: 3.3333, peak: 12, peakFrom: T0 + 20 * MIN, rating: 'demanding' })
    expect(k.flood).toEqual({ buckets: 1, share: 0.1667 })
    expect(k.standing).toEqual({ count: 1, alarms: [book.byKey('kD')!.id] })
    expect(k.chattering).toEqual({ count: 1, alarms: [book.byKey('kH')!.id] })
    expect(k.top).toHaveLength(10)
    expect(k.top.slice(0, 4).map((t) => [t.device, t.count, t.share])).toEqual([
      ['d-h', 3, 0.15],
      ['d-a', 2, 0.1],
      ['d-b', 2, 0.1],
      ['d-c', 1, 0.05],
    ])
    expect(k.top.slice(4).map((t) => t.device)).toEqual(['d-f00', 'd-f01', 'd-f02', 'd-f03', 'd-f04', 'd-f05'])
    expect(k.top[0]).toMatchObject({ type: 'gas_high', metric: 'lel', park: 'pk1', alarms: [book.byKey('kH')!.id] })
  })

  it('rates a quiet window acceptable and an empty one as zero', () => {
    const book = history()
    const quiet = computeKpis(book.list(), T0 + 10 * MIN, 10 * MIN)
    expect(quiet.annunciations).toBe(2)
    expect(quiet.ratePer10Min).toMatchObject({ average: 2, peak: 2, rating: 'acceptable' })
    const empty = computeKpis([], T0, HOUR)
    expect(empty).toMatchObject({ annunciations: 0, flood: { buckets: 0, share: 0 }, top: [] })
    expect(empty.ratePer10Min).toEqual({ average: 0, peak: 0, peakFrom: undefined, rating: 'acceptable' })
  })

  it('rates more than 10 per 10 min as overloaded', () => {
    const book = history()
    const k = computeKpis(book.list(), T0 + 30 * MIN, 10 * MIN)
    expect(k.ratePer10Min).toMatchObject({ average: 12, rating: 'overloaded' })
    expect(k.flood).toEqual({ buckets: 1, share: 1 })
  })
})
