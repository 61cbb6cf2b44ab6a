/**
 * Which rollup buckets to rebuild because readings arrived too late for the continuous
 * queries (store/rollup-repository.ts: hourly ones look back 2 h, daily ones 2 d). Pure: `mark` as
 * readings arrive, `due` at each tick gives the ranges whose last late reading is at least
 * `settleMs` old (so that the readings have reached InfluxDB through the journal and the
 * batch writer). Contiguous buckets merge into one range; hours come before days, since
 * the daily rollup is built from the hourly one.
 */
import type { LocalCalendar } from './calendar.js'

export type RollupKind = 'energy' | 'emission'

export interface RebuildJob {
  kind: RollupKind
  bucket: 'hour' | 'day'
  from: number
  to: number
}

export interface BackfillOptions {
  settleMs: number
  /** Whether energy has a daily rollup. */
  daily: boolean
  /** Buckets remembered at most (the oldest are dropped beyond: a rebuild by hand covers them). */
  maxPending: number
}

export const BACKFILL_DEFAULTS: BackfillOptions = { settleMs: 30_000, daily: true, maxPending: 20_000 }

const HOUR = 3_600_000

export class RollupBackfill {
  /** `kind|bucket|start` → last marked at. */
  private readonly pending = new Map<string, number>()

  constructor(private readonly cal: LocalCalendar, private readonly o: BackfillOptions = BACKFILL_DEFAULTS) {}

  get size(): number {
    return this.pending.size
  }

  mark(kind: RollupKind, ts: number, now: number): void {
    const hour = this.cal.startOf('hour', ts)
    if (hour < this.cal.startOf('hour', now) - HOUR) this.add(`${kind}|hour|${hour}`, now)
    if (kind === 'energy' && this.o.daily) {
      const day = this.cal.startOf('day', ts)
      const yesterday = this.cal.startOf('day', this.cal.startOf('day', now) - 1)
      if (day < yesterday) this.add(`${kind}|day|${day}`, now)
    }
  }

  private add(key: string, now: number): void {
    this.pending.delete(key)
    this.pending.set(key, now)
    if (this.pending.size > this.o.maxPending) {
      const oldest = this.pending.keys().next().value
      if (oldest !== undefined) this.pending.delete(oldest)
    }
  }

  due(now: number): RebuildJob[] {
    const ready: { kind: RollupKind; bucket: 'hour' | 'day'; start: number }[] = []
    for (const [key, at] of this.pending) {
      if (at + this.o.settleMs > now) continue
      const [kind, bucket, start] = key.split('|') as [RollupKind, 'hour' | 'day', string]
      ready.push({ kind, bucket, start: Number(start) })
      this.pending.delete(key)
    }
    ready.sort((a, b) => (a.bucket === b.bucket ? 0 : a.bucket === 'hour' ? -1 : 1) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) || a.start - b.start)
    const out: RebuildJob[] = []
    for (const r of ready) {
      const end = r.bucket === 'hour' ? r.start + HOUR : this.cal.next('day', r.start)
      const last = out[out.length - 1]
      if (last && last.kind === r.kind && last.bucket === r.bucket && last.to === r.start) last.to = end
      else out.push({ kind: r.kind, bucket: r.bucket, from: r.start, to: end })
    }
    return out
  }
}
