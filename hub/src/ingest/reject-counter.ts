import { REJECT_REASONS, type RejectReason } from '../model/reading.js'

/** Rejects counted by reason (visible in health and /metrics). */
export class RejectCounter {
  private readonly counts = new Map<RejectReason, number>(REJECT_REASONS.map((r) => [r, 0]))
  total = 0

  add(reason: RejectReason, n = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + n)
    this.total += n
  }

  get(reason: RejectReason): number {
    return this.counts.get(reason) ?? 0
  }

  /** Non-zero counts, by reason. */
  byReason(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [r, n] of this.counts) if (n > 0) out[r] = n
    return out
  }

  all(): ReadonlyMap<RejectReason, number> {
    return this.counts
  }
}
