import type { JournalBatch, JournalCursor } from '../journal/journal-cursor.js'

/**
 * Writes the journal to the InfluxDB 1.x HTTP API. The journal's files are the queue: the
 * writer reads committed lines back in batches (`batchPoints` lines, or whatever has waited
 * `flushMs`) and posts them as they are, `concurrency` writes in flight. Memory holds only
 * those batches, however far behind InfluxDB falls; an outage makes the journal grow on disk
 * (bounded, with alarms) and never holds a publisher. A failed batch is kept and retried with
 * back-off; `onWritten` tells the journal which bytes have landed so it can delete segments.
 */
export interface WriterOptions {
  url: string
  db: string
  username?: string | undefined
  password?: string | undefined
  batchPoints: number
  flushMs: number
  /** Concurrent write requests. */
  concurrency?: number
  /**
   * True while ingest takes everything the hub has (broker/loop-turns.ts): writes then go one
   * at a time, a batch at most every HELD_WRITE_INTERVAL_MS, and the journal holds the rest
   * until the load eases. InfluxDB on the same cores would otherwise take CPU from ingest and
   * alarms (bench: QoS 1 39.6k → 27.8k msgs/s, alarm p50 4 → 21 ms with the writer at full speed).
   */
  holdBack?: () => boolean
  source: JournalCursor
  onWritten: (batch: JournalBatch) => void
  log: { warn(o: object, m: string): void; info(o: object, m: string): void }
}

/** While held back: one batch (HUB_WRITE_BATCH, 5,000 points) every 250 ms is 20,000 points/s. */
const HELD_WRITE_INTERVAL_MS = 250

export class BatchWriter {
  private inflight = 0
  private lastSendAt = -Infinity
  private heldTimer: NodeJS.Timeout | undefined
  private inflightLines = 0
  /** Batches whose write failed, sent again first after the back-off. */
  private retries: JournalBatch[] = []
  private reading = false
  /** The flush timer fired: send a batch even if it is not full. */
  private due = false
  private timer: NodeJS.Timeout | undefined
  private retryDelay = 0
  /** Writes wait out a back-off after a failure. */
  private paused = false
  private closing = false
  readonly stats = { pointsWritten: 0, batchesWritten: 0, writeErrors: 0, lastError: '' as string, lastWriteAt: 0 }
  private readonly writeUrl: string
  private readonly headers: Record<string, string>

  constructor(private readonly o: WriterOptions) {
    const q = new URLSearchParams({ db: o.db, precision: 'ms' })
    this.writeUrl = `${o.url.replace(/\/$/, '')}/write?${q}`
    this.headers = { 'content-type': 'text/plain; charset=utf-8' }
    if (o.username) this.headers.authorization = `Basic ${Buffer.from(`${o.username}:${o.password ?? ''}`).toString('base64')}`
  }

  /** Writes are held back because ingest is saturated (`holdBack`). */
  get heldBack(): boolean {
    return !this.closing && (this.o.holdBack?.() ?? false)
  }

  /** Lines not yet written: unread in the journal, in flight, or waiting to be retried. */
  get depth(): number {
    let retrying = 0
    for (const b of this.retries) retrying += b.lines
    return this.o.source.unreadLines + this.inflightLines + retrying
  }

  get healthy(): boolean {
    return !this.paused && this.retryDelay === 0
  }

  /** New lines were committed to the journal. */
  poke(): void {
    this.pump()
  }

  /** Start as many writes as allowed. */
  private pump(): void {
    if (this.paused || this.reading || this.heldTimer) return
    let concurrency = this.o.concurrency ?? 2
    if (this.heldBack) {
      concurrency = 1
      const wait = this.lastSendAt + HELD_WRITE_INTERVAL_MS - performance.now()
      if (wait > 0 && this.inflight === 0) {
        this.heldTimer = setTimeout(() => {
          this.heldTimer = undefined
          this.pump()
        }, wait)
        return
      }
    }
    while (this.inflight < concurrency && this.retries.length > 0) void this.send(this.retries.shift()!)
    if (this.inflight >= concurrency) return
    const unread = this.o.source.unreadLines
    if (unread === 0) return
    if (unread < this.o.batchPoints && !this.due && !this.closing) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined
        this.due = true
        this.pump()
      }, this.o.flushMs)
      return
    }
    this.due = false
    this.reading = true
    this.o.source.next(this.o.batchPoints).then(
      (batch) => {
        this.reading = false
        if (batch && batch.lines === 0) this.o.onWritten(batch)
        else if (batch) void this.send(batch)
        this.pump()
      },
      (err: Error) => {
        this.reading = false
        this.failed(err)
      },
    )
  }

  private async send(batch: JournalBatch): Promise<void> {
    this.lastSendAt = performance.now()
    this.inflight++
    this.inflightLines += batch.lines
    let ok = false
    try {
      const res = await fetch(this.writeUrl, { method: 'POST', headers: this.headers, body: batch.body as unknown as NonNullable<RequestInit['body']>, signal: AbortSignal.timeout(30_000) })
      if (res.status === 204) ok = true
      else {
        const text = (await res.text()).slice(0, 500)
        if (res.status !== 400) throw new Error(`HTTP ${res.status}: ${text}`)
        // Unparsable points: InfluxDB wrote the good ones and names the bad; retrying cannot help.
        this.o.log.warn({ status: res.status, body: text }, 'influx rejected points')
        this.stats.writeErrors++
        this.stats.lastError = text
        ok = true
      }
    } catch (err) {
      this.retries.push(batch)
      this.failed(err as Error)
    } finally {
      this.inflight--
      this.inflightLines -= batch.lines
    }
    if (ok) this.succeeded(batch)
    this.pump()
  }

  private failed(err: Error): void {
    this.stats.writeErrors++
    this.stats.lastError = err.message
    this.retryDelay = Math.min(5000, Math.max(100, this.retryDelay * 2))
    if (this.stats.writeErrors % 20 === 1) this.o.log.warn({ err: this.stats.lastError, unwritten: this.depth, retryMs: this.retryDelay }, 'influx write failed; will retry')
    if (this.paused) return
    this.paused = true
    setTimeout(() => {
      this.paused = false
      this.due = true
      this.pump()
    }, this.retryDelay).unref()
  }

  private succeeded(batch: JournalBatch): void {
    this.stats.pointsWritten += batch.lines
    this.stats.batchesWritten++
    this.stats.lastWriteAt = Date.now()
    this.retryDelay = 0
    this.o.onWritten(batch)
  }

  /** Write everything committed; resolves true when nothing is left, false after `timeoutMs`. */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    const until = Date.now() + timeoutMs
    while ((this.depth > 0 || this.inflight > 0) && Date.now() < until) {
      this.due = true
      this.pump()
      await new Promise((r) => setTimeout(r, 20))
    }
    return this.depth === 0 && this.inflight === 0
  }

  async close(timeoutMs = 10_000): Promise<void> {
    this.closing = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (this.heldTimer) clearTimeout(this.heldTimer)
    this.heldTimer = undefined
    await this.flush(timeoutMs)
    while (this.reading) await new Promise((r) => setTimeout(r, 5))
    await this.o.source.close()
  }
}
