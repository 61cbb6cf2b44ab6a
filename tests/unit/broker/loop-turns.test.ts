import { afterEach, describe, expect, it } from 'vitest'
import { ConnectionScheduler } from '../../../hub/src/broker/loop-turns.js'

/** Holds the thread for `ms`, as real work does. */
function work(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end);
}

describe('connection turns (loop-turns.ts)', () => {
  let hogging = false
  afterEach(() => {
    hogging = false
  })

  /**
   * 6,000 quiet connections' readings of 20 µs each, while the rest of the loop does `otherMs`
   * of work in every turn of the loop; the passes' budgets, as the rest of the loop saw them.
   */
  async function budgets(otherMs: number, s = new ConnectionScheduler()): Promise<number[]> {
    const seen: number[] = []
    hogging = true
    const hog = (): void => {
      if (!hogging) return
      seen.push(s.stats().passBudgetMs)
      work(otherMs)
      setTimeout(hog, 0)
    }
    setTimeout(hog, 0)
    const n = 6000
    let done = 0
    await new Promise<void>((resolve) => {
      for (let i = 0; i < n; i++) {
        s.inTurn(() => {
          work(0.02)
          if (++done === n) resolve()
        }, 'quiet')
      }
    })
    hogging = false
    return seen
  }

  it('gives a pass half of what the rest of the loop took while connections waited, between 10 and 50 ms', async () => {
    // 60 ms of other work between two passes: the next may take 30 ms, not 10.
    const long = await budgets(60)
    expect(long.length).toBeGreaterThanOrEqual(3)
    // The first pass starts before any of it; every one after gets at least half of the 60 ms.
    expect(Math.min(...long.slice(2))).toBeGreaterThanOrEqual(30)
    expect(Math.max(...long)).toBeLessThanOrEqual(50)
    // 150 ms between passes: capped at 50.
    const longer = await budgets(150)
    expect(Math.max(...longer.slice(2))).toBe(50)
  })

  it('goes back to 10 ms a pass once the connections left nothing waiting', async () => {
    const s = new ConnectionScheduler()
    // A flood first, with 60 ms of other work between passes: passes of 30 ms and more.
    expect(Math.max(...(await budgets(60, s)))).toBeGreaterThanOrEqual(30)
    let turns = 0
    for (let i = 0; i < 10; i++) s.inTurn(() => void turns++, 'quiet')
    await new Promise((r) => setTimeout(r, 20))
    expect(turns).toBe(10)
    expect(s.stats().passBudgetMs).toBe(10)
  })

  it('serves settled quiet connections before quiet ones connected since, those before busy ones', async () => {
    const s = new ConnectionScheduler()
    const order: string[] = []
    // Queued in the order a storm brings them: the busy, then thousands of reconnected devices' first readings, then a detector that never dropped.
    for (let i = 0; i < 3; i++) s.inTurn(() => void order.push(`busy-${i}`))
    for (let i = 0; i < 3; i++) s.inTurn(() => void order.push(`back-${i}`), 'quiet')
    s.inTurn(() => void order.push('settled-0'), 'settled')
    s.inTurn(() => void order.push('settled-1'), 'settled')
    s.inTurn(() => void order.push('busy-3'), 'busy')
    await new Promise((r) => setTimeout(r, 20))
    expect(order).toEqual(['settled-0', 'settled-1', 'back-0', 'back-1', 'back-2', 'busy-0', 'busy-1', 'busy-2', 'busy-3'])
    expect(s.stats().waiting).toBe(0)
  })
})
