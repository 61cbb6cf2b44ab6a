import { describe, expect, it } from 'vitest'
import { journalFilling, journalWatcher } from '../../../hub/src/journal/journal-filling.js'
import type { Transition } from '../../../hub/src/model/alarm.js'

describe('journal filling as an alarm', () => {
  it.each([
    [0.5, 'none', 'none'],
    [0.8, 'none', 3],
    [0.94, 3, 3],
    [0.95, 3, 2],
    [0.85, 2, 3],
    [0.75, 3, 3],
    [0.75, 'none', 'none'],
    [0.69, 3, 'none'],
  ] as const)('usage %s after %s: %s', (usage, before, after) => {
    expect(journalFilling(usage, before)).toBe(after)
  })

  it('raises yellow at 80 %, moves to orange at 95 % and back, holds between 70 and 80 %, clears below 70 %, once per change', () => {
    let usage = 0
    const seen: Transition[] = []
    const tick = journalWatcher({ usage: () => usage }, { apply: (t) => seen.push(...t) })
    for (const [u, t] of [[0.1, 1], [0.82, 2], [0.83, 3], [0.96, 4], [0.85, 5], [0.72, 6], [0.6, 7]] as const) {
      usage = u
      tick(t)
    }
    expect(seen.map((t) => [t.ts, t.kind, t.level, t.threshold, t.value])).toEqual([
      [2, 'activate', 3, 80, 82],
      [4, 'activate', 2, 95, 96],
      [5, 'activate', 3, 80, 85],
      [7, 'clear', 3, 80, 60],
    ])
  })
})
