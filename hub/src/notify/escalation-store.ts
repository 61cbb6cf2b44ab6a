/**
 * The escalations, durable: `<dataDir>/notify/escalations` is a state log (journal/state-log.ts:
 * a snapshot and the records since, each record an escalation as it stands after a change,
 * group-committed and fdatasync'ed). After `kill -9`, `open` gives each escalation's latest
 * committed version, so a step due while the hub was down fires on the first tick after start
 * and a step already written to the outbox keeps its sequence number (its messages' ids).
 * Finished escalations are kept a week for the API, then dropped at a compaction.
 */
import { join } from 'node:path'
import { StateLog } from '../journal/state-log.js'
import { isLive, type Escalation } from './escalation.js'

const KEEP_FINISHED_MS = 7 * 86_400_000
const COMPACT_AFTER = 2000

/** An escalation as kept: the state machine's, and what the notifier adds to it. */
export interface KeptEscalation extends Escalation {
  /** An alarm's escalation taken over by its red incident's. */
  mergedInto?: string | undefined
  /** An incident's last state told (level, alarms, state), to send one message per change. */
  signature?: string | undefined
  /** Messages of a step gathered into the park's flood summary of `minute`, kept until the summary is written (so a crash loses none). */
  stormed?: { minute: number; channels: Record<string, string[]> } | undefined
}

interface Snapshot {
  version: 1
  escalations: KeptEscalation[]
}

export class EscalationStore {
  private readonly log: StateLog<Snapshot, KeptEscalation>
  readonly all = new Map<string, KeptEscalation>()

  constructor(dataDir: string) {
    this.log = new StateLog(join(dataDir, 'notify', 'escalations'))
  }

  open(now: number): void {
    const { snapshot, records } = this.log.load()
    for (const e of snapshot?.escalations ?? []) this.all.set(e.key, e)
    for (const e of records) this.all.set(e.key, e)
    this.compact(now)
  }

  get(key: string): KeptEscalation | undefined {
    return this.all.get(key)
  }

  /** Holds `e` in memory; `save` writes it. */
  put(e: KeptEscalation): void {
    this.all.set(e.key, e)
  }

  save(key: string): void {
    const e = this.all.get(key)
    if (e) this.log.append(e)
  }

  live(): KeptEscalation[] {
    return [...this.all.values()].filter(isLive)
  }

  flushed(): Promise<void> {
    return this.log.flushed()
  }

  maybeCompact(now: number): void {
    if (this.log.records >= COMPACT_AFTER) this.compact(now)
  }

  private compact(now: number): void {
    for (const [key, e] of this.all) {
      if (!isLive(e) && (e.lastAt ?? e.startedAt) < now - KEEP_FINISHED_MS) this.all.delete(key)
    }
    this.log.compact({ version: 1, escalations: [...this.all.values()] })
  }

  close(): void {
    this.log.compact({ version: 1, escalations: [...this.all.values()] })
    this.log.close()
  }
}
