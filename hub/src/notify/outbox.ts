import { join } from 'node:path'
import { StateLog } from '../journal/state-log.js'
import { render } from '../model/messages/index.js'
import type { DeliveryState, OutboundMessage } from './types.js'
import { maskPhone } from './message-text.js'

/**
 * The durable outbox: every notification decided is written here — the message, unsigned —
 * before anything is sent, and each attempt and outcome after it, as records of a state log
 * (journal/state-log.ts: group commit, fdatasync, a snapshot plus the records since; a torn
 * last line after `kill -9` is dropped). `add` resolves once the message is on disk, and
 * delivery waits for an attempt's record to be on disk before the request leaves, so after a
 * crash the file tells what may have reached the platform:
 *
 *   pending ──attempt──▶ attempted ──sent──▶ sent
 *      ▲                    │ └──failed──▶ failed
 *      │                    └──retry───▶ retrying ──attempt──▶ …
 *      └── on open: attempted without an outcome ("resent": sent again, its text marked)
 *
 * The chat platforms take no idempotency key, so that resend is a possible duplicate: it is
 * marked in the text (【重发】 / [resent]), flagged and counted — at least once, never lost.
 * Sent and failed entries leave the live set `keepDoneMs` after their outcome; the last
 * `logSize` of them stay for `log()` (the API's notification log).
 */
export type OutboxState = 'pending' | 'attempted' | 'retrying' | 'sent' | 'failed'

export interface OutboxEntry {
  msg: OutboundMessage
  state: OutboxState
  /** Attempts started (1 after the first). */
  attempts: number
  /** Sent again after a restart found an attempt without an outcome. */
  resent: boolean
  lastError: string | undefined
  /** When a retrying entry may go again. */
  retryAt: number | undefined
  /** From decidedAt to the platform's answer, when sent. */
  latencyMs: number | undefined
  updatedAt: number
}

type OutboxRecord =
  | { op: 'add'; msg: OutboundMessage; at: number }
  | { op: 'attempt'; id: string; at: number }
  | { op: 'sent'; id: string; at: number; latencyMs: number }
  | { op: 'retry'; id: string; at: number; error: string; retryAt: number }
  | { op: 'failed'; id: string; at: number; error: string }
  | { op: 'resent'; id: string; at: number }

interface OutboxSnapshot {
  version: 1
  entries: OutboxEntry[]
  /** Finished entries as the log shows them (phones masked, no text: what the log needs, no more). */
  recent: OutboxLogEntry[]
  resentTotal: number
}

/** One row of the notification log (GET /notify/log), phones masked. */
export interface OutboxLogEntry {
  id: string
  ts: number
  kind: OutboundMessage['kind']
  channel: string
  park: string | undefined
  alarm: string | undefined
  incident: string | undefined
  tier: number
  title: string
  to: { person: string; name: string; phone: string | undefined }[]
  state: DeliveryState
  attempts: number
  resent: boolean
  latencyMs: number | undefined
  error: string | undefined
  updatedAt: number
}

export interface OutboxOptions {
  /** The outbox's directory (`<dataDir>/notify/outbox`). */
  dir: string
  clock: () => number
  /** How long a sent or failed entry stays in the live set (default an hour). */
  keepDoneMs?: number
  /** How many finished entries the log keeps (default 1,000). */
  logSize?: number
  /** A snapshot is written once the log holds this many records (default 2,000). */
  compactEvery?: number
}

const DONE: ReadonlySet<OutboxState> = new Set(['sent', 'failed'])

export class Outbox {
  private readonly live = new Map<string, OutboxEntry>()
  private recent: OutboxLogEntry[] = []
  private readonly listeners = new Set<(msg: OutboundMessage) => void>()
  /** Messages sent again after restarts, ever (kept in the snapshot). */
  resentTotal = 0
  /** Messages this open found attempted without an outcome, by channel. */
  readonly resentAtOpen = new Map<string, number>()
  private readonly keepDoneMs: number
  private readonly logSize: number
  private readonly compactEvery: number
  private closed = false

  private constructor(
    private readonly log_: StateLog<OutboxSnapshot, OutboxRecord>,
    private readonly clock: () => number,
    o: OutboxOptions,
  ) {
    this.keepDoneMs = o.keepDoneMs ?? 3_600_000
    this.logSize = o.logSize ?? 1000
    this.compactEvery = o.compactEvery ?? 2000
  }

  /** Opens (or creates) the outbox in `dir`; what was attempted without an outcome is queued again, marked. */
  static async open(o: OutboxOptions): Promise<Outbox> {
    const stateLog = new StateLog<OutboxSnapshot, OutboxRecord>(join(o.dir, 'outbox'))
    const box = new Outbox(stateLog, o.clock, o)
    const { snapshot, records } = stateLog.load()
    if (snapshot) {
      for (const e of snapshot.entries) box.live.set(e.msg.id, e)
      // (a snapshot of this day's first outbox kept whole entries there)
      box.recent = snapshot.recent.map((r) => ('msg' in r ? logEntry(r as unknown as OutboxEntry) : r))
      box.resentTotal = snapshot.resentTotal
    }
    for (const r of records) box.apply(r)
    const now = o.clock()
    for (const e of box.live.values()) {
      if (e.state !== 'attempted') continue
      const r: OutboxRecord = { op: 'resent', id: e.msg.id, at: now }
      box.apply(r)
      stateLog.append(r)
      box.resentAtOpen.set(e.msg.channel, (box.resentAtOpen.get(e.msg.channel) ?? 0) + 1)
    }
    box.compactIfDue(true)
    await stateLog.flushed()
    return box
  }

  /** Writes `msg`; resolves once it is on disk. A message already held (same id) is left as it is. */
  async add(msg: OutboundMessage): Promise<void> {
    if (this.closed) throw new Error('outbox closed')
    if (this.live.has(msg.id) || this.recent.some((e) => e.id === msg.id)) return
    this.record({ op: 'add', msg, at: this.clock() })
    await this.log_.flushed()
    for (const l of this.listeners) l(msg)
  }

  /** Called with each message once it is durable (delivery wakes its channel). */
  onAdded(listener: (msg: OutboundMessage) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** A live entry (not yet finished, or finished less than keepDoneMs ago). */
  get(id: string): OutboxEntry | undefined {
    return this.live.get(id)
  }

  /** Entries not yet sent or failed, oldest first (of one channel, when named). */
  unfinished(channel?: string): OutboxEntry[] {
    return [...this.live.values()].filter((e) => !DONE.has(e.state) && (channel === undefined || e.msg.channel === channel))
  }

  /** The next entry of `channel` to send: the earliest ready (pending, or retrying with the soonest retryAt). */
  next(channel: string): OutboxEntry | undefined {
    let best: OutboxEntry | undefined
    for (const e of this.live.values()) {
      if (e.msg.channel !== channel || (e.state !== 'pending' && e.state !== 'retrying')) continue
      if (best === undefined || (e.retryAt ?? 0) < (best.retryAt ?? 0)) best = e
    }
    return best
  }

  /** The retrying entries of `channel` may go now (an operator mended the channel); in memory only. */
  retryNow(channel: string): number {
    let n = 0
    for (const e of this.live.values()) {
      if (e.msg.channel !== channel || e.state !== 'retrying') continue
      e.retryAt = undefined
      n++
    }
    return n
  }

  /** An attempt starts; resolves once that is on disk (only then may the request leave). */
  async attempt(id: string): Promise<void> {
    this.record({ op: 'attempt', id, at: this.clock() })
    await this.log_.flushed()
  }

  sent(id: string, latencyMs: number): Promise<void> {
    return this.outcome({ op: 'sent', id, at: this.clock(), latencyMs })
  }

  retry(id: string, error: string, retryAt: number): Promise<void> {
    return this.outcome({ op: 'retry', id, at: this.clock(), error, retryAt })
  }

  failed(id: string, error: string): Promise<void> {
    return this.outcome({ op: 'failed', id, at: this.clock(), error })
  }

  /** The notification log, newest first: every live entry and the finished ones kept. */
  log(q: { alarm?: string | undefined; park?: string | undefined; channel?: string | undefined; limit?: number | undefined } = {}): OutboxLogEntry[] {
    const all = [...this.recent, ...[...this.live.values()].map(logEntry)]
      .filter((e) => (q.alarm === undefined || e.alarm === q.alarm) && (q.park === undefined || e.park === q.park) && (q.channel === undefined || e.channel === q.channel))
      .sort((a, b) => b.ts - a.ts || b.updatedAt - a.updatedAt)
    return all.slice(0, Math.max(0, q.limit ?? 100))
  }

  /** Writes what is pending and closes the file. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.log_.close()
  }

  private async outcome(r: OutboxRecord): Promise<void> {
    this.record(r)
    this.compactIfDue(false)
    await this.log_.flushed()
  }

  private record(r: OutboxRecord): void {
    this.apply(r)
    this.log_.append(r)
  }

  private apply(r: OutboxRecord): void {
    if (r.op === 'add') {
      this.live.set(r.msg.id, { msg: r.msg, state: 'pending', attempts: 0, resent: false, lastError: undefined, retryAt: undefined, latencyMs: undefined, updatedAt: r.at })
      return
    }
    const e = this.live.get(r.id)
    if (!e) return
    e.updatedAt = r.at
    switch (r.op) {
      case 'attempt':
        e.state = 'attempted'
        e.attempts++
        e.retryAt = undefined
        break
      case 'sent':
        e.state = 'sent'
        e.latencyMs = r.latencyMs
        e.lastError = undefined
        break
      case 'retry':
        e.state = 'retrying'
        e.lastError = r.error
        e.retryAt = r.retryAt
        break
      case 'failed':
        e.state = 'failed'
        e.lastError = r.error
        break
      case 'resent':
        if (!e.resent) e.msg = markResent(e.msg)
        e.resent = true
        e.state = 'pending'
        this.resentTotal++
        break
    }
  }

  /** Finished entries past keepDoneMs move to the log; a snapshot replaces the records when they are many. */
  private compactIfDue(force: boolean): void {
    if (!force && this.log_.records < this.compactEvery) return
    const now = this.clock()
    for (const [id, e] of this.live) {
      if (DONE.has(e.state) && now - e.updatedAt >= this.keepDoneMs) {
        this.live.delete(id)
        this.recent.push(logEntry(e))
      }
    }
    if (this.recent.length > this.logSize) this.recent = this.recent.slice(-this.logSize)
    this.log_.compact({ version: 1, entries: [...this.live.values()], recent: this.recent, resentTotal: this.resentTotal })
  }
}

/** The message with its text (and markdown) marked as sent again, in its recipients' language. */
export function markResent(msg: OutboundMessage): OutboundMessage {
  const mark = render('notify.resentMark', undefined, msg.to[0]?.lang ?? 'zh-CN')
  // In markdown the mark goes after a leading heading's hashes, so the heading stays one.
  const markdown = msg.markdown?.replace(/^(#{1,6} +)?/, (hashes) => `${hashes}${mark}`)
  return { ...msg, text: `${mark}${msg.text}`, markdown, resent: true }
}

function logEntry(e: OutboxEntry): OutboxLogEntry {
  const m = e.msg
  return {
    id: m.id,
    ts: m.decidedAt,
    kind: m.kind,
    channel: m.channel,
    park: m.park,
    alarm: m.alarm,
    incident: m.incident,
    tier: m.tier,
    title: m.title,
    to: m.to.map((r) => ({ person: r.person, name: r.name, phone: maskPhone(r.phone) })),
    state: e.state === 'attempted' ? 'pending' : e.state,
    attempts: e.attempts,
    resent: e.resent,
    latencyMs: e.latencyMs,
    error: e.lastError,
    updatedAt: e.updatedAt,
  }
}
