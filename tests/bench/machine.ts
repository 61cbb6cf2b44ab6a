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

/** The kernel's TCP and network-input counters, for what the network did to a phase's packets. */
export interface NetCounters {
  /** TCP segments sent again (/proc/net/snmp Tcp RetransSegs). */
  retransmitted: number
  /** Retransmission timer expiries (/proc/net/netstat TcpExt TCPTimeouts): each one a wait of at least 200 ms. */
  timeouts: number
  /** Packets dropped because a core's input queue was full (/proc/net/softnet_stat, netdev_max_backlog). */
  inputDrops: number
}

export function netCounters(): NetCounters | undefined {
  try {
    const field = (file: string, prefix: string, name: string): number => {
      const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith(`${prefix}:`))
      const names = lines[0]!.split(/\s+/)
      return Number(lines[1]!.split(/\s+/)[names.indexOf(name)])
    }
    let inputDrops = 0
    for (const l of readFileSync('/proc/net/softnet_stat', 'utf8').trim().split('\n')) inputDrops += parseInt(l.trim().split(/\s+/)[1]!, 16)
    return { retransmitted: field('/proc/net/snmp', 'Tcp', 'RetransSegs'), timeouts: field('/proc/net/netstat', 'TcpExt', 'TCPTimeouts'), inputDrops }
  } catch {
    return undefined
  }
}

/** What the kernel counted between two readings, as words. */
export function netText(before: NetCounters | undefined, after: NetCounters | undefined): string {
  if (!before || !after) return 'kernel counters unknown'
  return `kernel: ${after.retransmitted - before.retransmitted} TCP segments sent again, ${after.timeouts - before.timeouts} retransmission timeouts, ${after.inputDrops - before.inputDrops} packets dropped at a full input queue`
}
