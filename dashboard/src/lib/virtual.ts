/**
 * Windowing math for a virtual list of fixed-height rows: only the rows in view (plus a few
 * either side) are rendered, so a thousand active alarms scroll as smoothly as ten.
 */
export interface WindowInput {
  count: number
  rowHeight: number
  scrollTop: number
  viewportHeight: number
  /** Rows rendered beyond each edge of the viewport. */
  overscan?: number
}

export interface WindowRange {
  /** First rendered index (inclusive). */
  start: number
  /** Last rendered index (exclusive). */
  end: number
  /** Space above the first rendered row, px. */
  offsetTop: number
  /** Height of the whole list, px. */
  totalHeight: number
}

export function computeWindow(input: WindowInput): WindowRange {
  const count = Math.max(0, Math.floor(input.count))
  const rowHeight = input.rowHeight > 0 ? input.rowHeight : 1
  const overscan = Math.max(0, Math.floor(input.overscan ?? 4))
  const totalHeight = count * rowHeight
  const viewport = Math.max(0, input.viewportHeight)
  // Clamp the scroll position to what the list can actually scroll to.
  const maxScroll = Math.max(0, totalHeight - viewport)
  const scrollTop = Math.min(Math.max(0, input.scrollTop), maxScroll)
  const first = Math.floor(scrollTop / rowHeight)
  const visible = Math.ceil((scrollTop + viewport) / rowHeight) - first
  const start = Math.max(0, first - overscan)
  const end = Math.min(count, first + visible + overscan)
  return { start, end: Math.max(start, end), offsetTop: start * rowHeight, totalHeight }
}

/** The scroll position that brings row `index` into view, or `null` if it is already visible. */
export function scrollToReveal(index: number, rowHeight: number, scrollTop: number, viewportHeight: number): number | null {
  const top = index * rowHeight
  const bottom = top + rowHeight
  if (top < scrollTop) return top
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight)
  return null
}
