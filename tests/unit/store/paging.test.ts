import { describe, expect, it } from 'vitest'
import { clampLimit, pageOf } from '../../../hub/src/api/paging.js'

describe('list paging', () => {
  const size = { default: 3, max: 5 }
  it('clamps limit to the maximum and defaults it', () => {
    expect(clampLimit(undefined, size)).toBe(3)
    expect(clampLimit(1_000_000_000, size)).toBe(5)
    expect(clampLimit(2, size)).toBe(2)
  })
  it('walks a list with cursors, each item once, next null on the last page', () => {
    const all = Array.from({ length: 12 }, (_, i) => i)
    const seen: number[] = []
    let cursor: string | undefined
    for (let i = 0; i < 10; i++) {
      const p = pageOf(all, { limit: 5, cursor }, size)
      expect(p.total).toBe(12)
      seen.push(...p.items)
      if (p.next === null) break
      cursor = p.next
    }
    expect(seen).toEqual(all)
    expect(pageOf(all, { cursor: '99' }, size)).toEqual({ items: [], total: 12, next: null, limit: 3 })
  })
})
