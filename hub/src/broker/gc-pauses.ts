import { PerformanceObserver, constants } from 'node:perf_hooks'

/**
 * The garbage collector's pauses of the hub's main thread, from V8's own `gc` performance
 * entries (Node perf_hooks, PerformanceObserver entryTypes ['gc']): every message waits for
 * them as for any other work on the loop. Totals since start; the longest since the last read.
 */
export interface GcPauses {
  collections: number
  /** Pause time since start, ms. */
  totalMs: number
  /** Of which in major (mark-compact) collections. */
  majorMs: number
  /** Longest single pause since the previous read, ms. */
  maxMs: number
}

export function watchGcPauses(): { read(): GcPauses; stop(): void } {
  let collections = 0
  let totalMs = 0
  let majorMs = 0
  let maxMs = 0
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      collections++
      totalMs += e.duration
      if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorMs += e.duration
      if (e.duration > maxMs) maxMs = e.duration
    }
  })
  obs.observe({ entryTypes: ['gc'] })
  const r1 = (n: number): number => Number(n.toFixed(1))
  return {
    read() {
      const out = { collections, totalMs: r1(totalMs), majorMs: r1(majorMs), maxMs: r1(maxMs) }
      maxMs = 0
      return out
    },
    stop: () => obs.disconnect(),
  }
}
