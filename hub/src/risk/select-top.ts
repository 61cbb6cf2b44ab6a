/**
 * The first `k` items of a list in a given order, without sorting the list: one comparison
 * per item that is not among them, an insertion into a sorted array of at most `k` for one
 * that is. A park's 5,000 alarm reasons, of which ten are shown, then cost about 5,000
 * comparisons instead of a sort's 60,000 (risk-model.ts `alarmsListed`).
 */
export function selectTop<T>(items: readonly T[], k: number, compare: (a: T, b: T) => number): T[] {
  if (items.length <= k) return [...items].sort(compare)
  const top: T[] = []
  if (k <= 0) return top
  for (const item of items) {
    if (top.length === k && compare(item, top[k - 1]!) >= 0) continue
    let lo = 0
    let hi = top.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (compare(top[mid]!, item) <= 0) lo = mid + 1
      else hi = mid
    }
    top.splice(lo, 0, item)
    if (top.length > k) top.pop()
  }
  return top
}
