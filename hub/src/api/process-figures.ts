import { monitorEventLoopDelay } from 'node:perf_hooks'

/** The process's own figures for health and /metrics: event-loop delay and memory. */

/** Event-loop delay since the previous reading (a health call): what every message waits, at worst. */
export function eventLoopDelay(): { read(): { p50: number; p99: number; p999: number; max: number } } {
  const h = monitorEventLoopDelay({ resolution: 10 })
  h.enable()
  const ms = (ns: number): number => Number((ns / 1e6).toFixed(1))
  return {
    read() {
      const r = { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), p999: ms(h.percentile(99.9)), max: ms(h.max) }
      h.reset()
      return r
    },
  }
}

/** Resident and heap memory in MB. */
export function memory(): { rssMb: number; heapUsedMb: number; heapTotalMb: number } {
  const m = process.memoryUsage()
  const mb = (n: number): number => Math.round(n / 1048576)
  return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal) }
}
