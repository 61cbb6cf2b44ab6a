import { readFileSync } from 'node:fs'

/**
 * Every connection holds a file descriptor, and so do the journal, the state logs of the
 * safety loop, the audit log and the sockets to InfluxDB. The connection cap is kept below the
 * process's limit (RLIMIT_NOFILE, `ulimit -n`) by a reserve, so a flood of connections is
 * refused by the hub before the kernel refuses the hub a descriptor for its own files.
 */

/** The soft limit on open files, from /proc/self/limits (Linux); undefined elsewhere or unlimited. */
export function openFileLimit(read: () => string = () => readFileSync('/proc/self/limits', 'utf8')): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(read())
    return m && m[1] !== 'unlimited' ? Number(m[1]) : undefined
  } catch {
    return undefined
  }
}

/**
 * The cap on connections in force: the configured one, lowered to leave `reserve`
 * descriptors (at least 64) under the process's limit.
 */
export function connectionCap(configured: number, reserve: number, limit: number | undefined): { cap: number; lowered: boolean } {
  if (limit === undefined) return { cap: configured, lowered: false }
  const room = Math.max(1, limit - Math.max(64, reserve))
  return room < configured ? { cap: room, lowered: true } : { cap: configured, lowered: false }
}
