import { readFileSync } from 'node:fs'

/**
 * Every connection holds a file descriptor, and so do the journal, the state logs of the
 * safety loop, the audit log and the sockets to InfluxDB. The connection cap is kept below the
 * process's limit (RLIMIT_NOFILE, `ulimit -n`) by a reserve, so a flood of connections is
 * refused by the hub before the kernel refuses the hub a descriptor for its own files.
 * Node raises the soft limit to the hard one at start (src/node.cc, `RaiseFileDescriptorLimit`
 * since Node 0.x): what /proc/self/limits shows from inside the hub is what it may use.
 */

/** Connections when the limit is unknown (not Linux) and HUB_MAX_CONNECTIONS is not set. */
export const CONNECTIONS_WITHOUT_LIMIT = 20_000

export interface OpenFileLimits {
  /** RLIMIT_NOFILE soft limit (what the process may open now). */
  soft: number | undefined
  /** RLIMIT_NOFILE hard limit (how far an unprivileged process may raise it). */
  hard: number | undefined
}

const LIMITS_LINE = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)\s/m

/** Soft and hard limits on open files, from /proc/self/limits (Linux); undefined elsewhere or unlimited. */
export function openFileLimits(read: () => string = () => readFileSync('/proc/self/limits', 'utf8')): OpenFileLimits {
  try {
    const m = LIMITS_LINE.exec(read())
    const n = (s: string | undefined): number | undefined => (s === undefined || s === 'unlimited' ? undefined : Number(s))
    return { soft: n(m?.[1]), hard: n(m?.[2]) }
  } catch {
    return { soft: undefined, hard: undefined }
  }
}

/** The soft limit on open files, from /proc/self/limits (Linux); undefined elsewhere or unlimited. */
export function openFileLimit(read?: () => string): number | undefined {
  return openFileLimits(read).soft
}

/**
 * The cap on connections in force: the configured one (0: as many as the limit allows),
 * lowered to leave `reserve` descriptors (at least 64) under the process's limit.
 */
export function connectionCap(configured: number, reserve: number, limit: number | undefined): { cap: number; lowered: boolean } {
  if (limit === undefined) return { cap: configured > 0 ? configured : CONNECTIONS_WITHOUT_LIMIT, lowered: false }
  const room = Math.max(1, limit - Math.max(64, reserve))
  if (configured <= 0) return { cap: room, lowered: false }
  return room < configured ? { cap: room, lowered: true } : { cap: configured, lowered: false }
}
