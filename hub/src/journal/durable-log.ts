import type { DeviceEvent, DeviceStatus, Reading } from '../model/reading.js'
import { eventLine, readingLine, statusLine } from '../store/points.js'
import type { Durable, Journal } from './journal.js'

/**
 * The durable log: where ingest's sink makes a device's accepted readings, events and statuses
 * durable before the publisher is acknowledged (a QoS 1 PUBACK, an HJ 212 answer). Two
 * implementations, and the rest of the hub does not care which runs:
 *
 * - `JournalLog` (single-node, the default): the local journal alone — durable once its
 *   fdatasync returned; the local writer takes the lines to InfluxDB.
 * - `ClusterLog` (cluster/cluster-log.ts, HUB_NATS_URL set): a local outbox journal plus the
 *   replicated READINGS stream on NATS JetStream — durable once the outbox is on disk and
 *   JetStream acknowledged the message.
 *
 * An entry is what one device sent in one message (all its items are that device's); `append`
 * returns a `Durable` to wait for when `qos` ≥ 1, undefined when nobody waits, or 'full' when the
 * log refuses it (its disk bound reached).
 */
export interface DeviceEntry {
  readings?: Reading[]
  events?: DeviceEvent[]
  statuses?: DeviceStatus[]
}

export interface DurableLog {
  readonly kind: 'journal' | 'cluster'
  append(entry: DeviceEntry, qos: number): Durable | undefined | 'full'
  /** Share of its disk bound in use, 0–1 (QoS 0 is shed near 1). */
  usage(): number
}

/** Today's behaviour: each item as a line of line protocol in the local journal. */
export class JournalLog implements DurableLog {
  readonly kind = 'journal'

  constructor(private readonly journal: Journal) {}

  append(entry: DeviceEntry, qos: number): Durable | undefined | 'full' {
    const lines: string[] = []
    if (entry.readings) for (const r of entry.readings) lines.push(readingLine(r))
    if (entry.events) for (const e of entry.events) lines.push(eventLine(e))
    if (entry.statuses) for (const s of entry.statuses) lines.push(statusLine(s))
    const j = this.journal.append(lines, qos >= 1)
    if (!j) return 'full'
    return j.durable
  }

  usage(): number {
    return this.journal.usage()
  }
}

/** Waits for two things (cluster/cluster-log.ts: the outbox's fdatasync and JetStream's acknowledgement), each `step()` once. */
export class BothDurable implements Durable {
  private left = 2
  private waiting: (() => void)[] = []

  whenDurable(cb: () => void): void {
    if (this.left === 0) queueMicrotask(cb)
    else this.waiting.push(cb)
  }

  step(): void {
    if (--this.left > 0) return
    const w = this.waiting
    this.waiting = []
    for (const cb of w) cb()
  }
}
