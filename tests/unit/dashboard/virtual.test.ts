import { describe, expect, it } from 'vitest'
import { computeWindow, scrollToReveal } from '../../../dashboard/src/lib/virtual.js'

describe('virtual list windowing', () => {
  it('renders only the rows in view plus the overscan', () => {
    const w = computeWindow({ count: 1000, rowHeight: 50, scrollTop: 5000, viewportHeight: 500, overscan: 4 })
    expect(w).toEqual({ start: 96, end: 114, offsetTop: 96 * 50, totalHeight: 50_000 })
    expect(w.end - w.start).toBeLessThan(20)
  })

  it('starts at the top without negative indexes', () => {
    expect(computeWindow({ count: 1000, rowHeight: 50, scrollTop: 0, viewportHeight: 500, overscan: 4 })).toEqual({
      start: 0,
      end: 14,
      offsetTop: 0,
      totalHeight: 50_000,
    })
  })

  it('stops at the end and clamps an over-scrolled position', () => {
    const w = computeWindow({ count: 1000, rowHeight: 50, scrollTop: 999_999, viewportHeight: 500, overscan: 4 })
    expect(w.end).toBe(1000)
    expect(w.start).toBe(986)
  })

  it('handles a partly visible row at the bottom edge', () => {
    const w = computeWindow({ count: 100, rowHeight: 40, scrollTop: 10, viewportHeight: 100, overscan: 0 })
    // Rows 0..3 intersect [10, 110): 0 (0–40), 1, 2 (80–120).
    expect([w.start, w.end]).toEqual([0, 3])
  })

  it('copes with short, empty and unmeasured lists', () => {
    expect(computeWindow({ count: 3, rowHeight: 50, scrollTop: 0, viewportHeight: 500 })).toMatchObject({ start: 0, end: 3 })
    expect(computeWindow({ count: 0, rowHeight: 50, scrollTop: 100, viewportHeight: 500 })).toEqual({ start: 0, end: 0, offsetTop: 0, totalHeight: 0 })
    expect(computeWindow({ count: 10, rowHeight: 50, scrollTop: 0, viewportHeight: 0, overscan: 2 })).toMatchObject({ start: 0, end: 2 })
  })

  it('scrolls just enough to reveal a row', () => {
    expect(scrollToReveal(0, 50, 100, 500)).toBe(0)
    expect(scrollToReveal(5, 50, 100, 500)).toBeNull()
    expect(scrollToReveal(20, 50, 100, 500)).toBe(21 * 50 - 500)
  })
})
