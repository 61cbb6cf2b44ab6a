import { HJ212_REJECTS, type Hj212Reject } from './types.js'

/**
 * The listener's counters, shown in health and metrics (docs/hj212.md): connections, packets,
 * packets accepted, rejects by reason, answers, pollutant codes stored under their own name,
 * and per logger (MN) its last packet and rejects.
 */
export interface Hj212Stats {
  port: number | undefined
  connections: { open: number; accepted: number; closedIdle: number; closedFlood: number; closedAuth: number }
  packets: number
  accepted: number
  answers: number
  /** Good packets whose data segment exceeded the standard's 1,024 bytes (accepted). */
  overStandard: number
  rejects: Record<Hj212Reject, number>
  rejected: number
  /** Codes no metric took, stored under the code: code → values seen. */
  unknownCodes: Record<string, number>
  loggers: Record<string, { lastPacket: number; packets: number; rejects: number }>
}

const MAX_CODES = 256
const MAX_LOGGERS = 50_000

export class Hj212Counters {
  port: number | undefined = undefined
  readonly connections = { open: 0, accepted: 0, closedIdle: 0, closedFlood: 0, closedAuth: 0 }
  packets = 0
  accepted = 0
  answers = 0
  overStandard = 0
  private readonly rejects = Object.fromEntries(HJ212_REJECTS.map((r) => [r, 0])) as Record<Hj212Reject, number>
  private rejectedTotal = 0
  private readonly codes = new Map<string, number>()
  private readonly loggers = new Map<string, { lastPacket: number; packets: number; rejects: number }>()

  reject(reason: Hj212Reject, n = 1, mn?: string): void {
    this.rejects[reason] += n
    this.rejectedTotal += n
    if (mn !== undefined) {
      const l = this.loggers.get(mn)
      if (l) l.rejects += n
    }
  }

  /** A packet of a known logger (its MN authenticated). */
  heard(mn: string, now: number): void {
    let l = this.loggers.get(mn)
    if (!l) {
      if (this.loggers.size >= MAX_LOGGERS) return
      this.loggers.set(mn, (l = { lastPacket: now, packets: 0, rejects: 0 }))
    }
    l.lastPacket = now
    l.packets++
  }

  unknownCode(code: string): void {
    const n = this.codes.get(code)
    if (n !== undefined) this.codes.set(code, n + 1)
    else if (this.codes.size < MAX_CODES) this.codes.set(code, 1)
  }

  private readonly logged = new Map<string, number>()

  /** True at most once a minute per key (for log lines about refused loggers). */
  firstInAWhile(key: string, now: number): boolean {
    const last = this.logged.get(key)
    if (last !== undefined && now - last < 60_000) return false
    if (this.logged.size >= 1000) this.logged.clear()
    this.logged.set(key, now)
    return true
  }

  /** One logger's counters by MN (cheaper than stats() for a page of devices), or undefined: not heard from. */
  logger(mn: string): { lastPacket: number; packets: number; rejects: number } | undefined {
    const l = this.loggers.get(mn)
    return l ? { ...l } : undefined
  }

  rejectCount(reason: Hj212Reject): number {
    return this.rejects[reason]
  }

  get rejected(): number {
    return this.rejectedTotal
  }

  stats(): Hj212Stats {
    return {
      port: this.port,
      connections: { ...this.connections },
      packets: this.packets,
      accepted: this.accepted,
      answers: this.answers,
      overStandard: this.overStandard,
      rejects: { ...this.rejects },
      rejected: this.rejectedTotal,
      unknownCodes: Object.fromEntries(this.codes),
      loggers: Object.fromEntries([...this.loggers].map(([mn, l]) => [mn, { ...l }])),
    }
  }
}
