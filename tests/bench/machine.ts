/**
 * The machine's CPU time from /proc/stat, for the benches to say how much of it the
 * hypervisor took (steal) while they measured: a machine slowed that way slows every figure.
 */
import { readFileSync } from 'node:fs'

export interface CpuTimes {
  /** All CPU time so far, every core, in jiffies. */
  total: number
  /** The part the hypervisor gave to other guests. */
  steal: number
}

export function cpuTimes(): CpuTimes | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    return { total: f.slice(0, 8).reduce((a, b) => a + b, 0), steal: f[7] ?? 0 }
  } catch {
    return undefined
  }
}

/** The hypervisor's share of the machine's CPU time between two readings, in %; undefined where /proc/stat is not. */
export function stealPercent(before: CpuTimes | undefined, after: CpuTimes | undefined): number | undefined {
  if (before === undefined || after === undefined || after.total <= before.total) return undefined
  return (100 * (after.steal - before.steal)) / (after.total - before.total)
}
