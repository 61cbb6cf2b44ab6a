import type { ParkRisk } from '../model/risk.js'

/**
 * How often at most one park's risk goes to the sockets while only its figures change (devices
 * online, reasons of the same level). A park of tens of thousands of devices is recomputed as
 * devices come and go, many times a second during a mass (dis)connect, and each of its risk
 * messages is encoded for the sockets in one piece: 20 – 80 ms of the event loop each in the
 * many-connections bench (6,000 connections, 40,000-device zone, CPU profile), half the hub's
 * time spent on park risk.
 */
export const RISK_EVERY_MS = 1000

/**
 * Park risk to the sockets, paced per park: a park's first risk, and any whose level differs
 * from the last one sent, goes at once; one with the same level within RISK_EVERY_MS of the
 * last sent is held, and only the latest held goes, RISK_EVERY_MS after the last sent at most.
 */
export class RiskPacer {
  private readonly sent = new Map<string, { at: number; level: ParkRisk['level'] }>()
  private readonly held = new Map<string, ParkRisk>()
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly send: (risk: ParkRisk) => void,
    private readonly clock: () => number = Date.now,
    private readonly everyMs = RISK_EVERY_MS,
  ) {}

  offer(risk: ParkRisk): void {
    const now = this.clock()
    const last = this.sent.get(risk.park)
    if (last === undefined || last.level !== risk.level || now - last.at >= this.everyMs) {
      this.held.delete(risk.park)
      this.emit(risk, now)
      return
    }
    this.held.set(risk.park, risk)
    this.timer ??= setTimeout(() => this.flush(), last.at + this.everyMs - now)
  }

  /** Risks held, not yet sent. */
  get holding(): number {
    return this.held.size
  }

  stop(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.held.clear()
  }

  private flush(): void {
    this.timer = undefined
    const now = this.clock()
    let next = Number.POSITIVE_INFINITY
    for (const [park, risk] of this.held) {
      const due = (this.sent.get(park)?.at ?? now) + this.everyMs
      if (due <= now) {
        this.held.delete(park)
        this.emit(risk, now)
      } else next = Math.min(next, due)
    }
    if (this.held.size > 0) this.timer = setTimeout(() => this.flush(), next - now)
  }

  private emit(risk: ParkRisk, now: number): void {
    this.sent.set(risk.park, { at: now, level: risk.level })
    this.send(risk)
  }
}
