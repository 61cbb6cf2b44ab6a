/**
 * Batched writes to the InfluxDB 1.x HTTP API with backpressure instead of an unbounded queue.
 *
 * Lines are buffered and flushed when a batch fills (`batchPoints`, 5,000 by default) or when
 * `flushMs` passes. When InfluxDB is down, the batch is kept and retried with back-off; when the
 * buffer passes its high-water mark, `push` returns a promise that resolves once it has drained
 * below the low-water mark — the broker holds the publisher until then (TCP backpressure, and
 * no PUBACK for QoS 1). Each push may carry a sequence number: `onWritten(seq)` tells a journal
 * in front of the writer how far it may trim.
 */
export interface WriterOptions {
  url: string
  db: string
  username?: string | undefined
  password?: string | undefined
  batchPoints: number
  flushMs: number
  /** Lines buffered before publishers are held. */
  highWater: number
  /** Concurrent write requests. */
  concurrency?: number
  onWritten?: (seq: number, count: number) => void
  log: { warn(o: object, m: string): void; info(o: object, m: string): void }
}

interface Chunk {
  lines: string[]
  seq: number | undefined
}

export class BatchWriter {
  /** Chunks waiting, from `head` on (an index, not shift(): the queue can hold 100,000s). */
  private queue: Chunk[] = []
  private head = 0
  private queued = 0
  private inflight = 0
  private timer: NodeJS.Timeout | undefined
  /** One promise per backpressure episode, shared by every publisher it holds. */
  private drained: Promise<void> | undefined
  private resolveDrained: (() => void) | undefined
  private retryDelay = 0
  private closed = false
  private flushing: Promise<void> | undefined
  readonly stats = { pointsWritten: 0, batchesWritten: 0, writeErrors: 0, lastError: '' as string, lastWriteAt: 0 }
  private readonly writeUrl: string
  private readonly headers: Record<string, string>

  constructor(private readonly o: WriterOptions) {
    const q = new URLSearchParams({ db: o.db, precision: 'ms' })
    this.writeUrl = `${o.url.replace(/\/$/, '')}/write?${q}`
    this.headers = { 'content-type': 'text/plain; charset=utf-8' }
    if (o.username) this.headers.authorization = `Basic ${Buffer.from(`${o.username}:${o.password ?? ''}`).toString('base64')}`
  }

  /** Lines waiting to be written (queue depth). */
  get depth(): number {
    return this.queued
  }

  get healthy(): boolean {
    return !this.paused && this.retryDelay === 0
  }

  push(lines: string[], seq?: number): void | Promise<void> {
    if (lines.length === 0) return
    this.queue.push({ lines, seq })
    this.queued += lines.length
    if (this.queued >= this.o.batchPoints) this.pump()
    else if (!this.timer) this.timer = setTimeout(() => this.tick(), this.o.flushMs)
    if (this.queued >= this.o.highWater) {
      if (!this.drained) this.drained = new Promise<void>((resolve) => (this.resolveDrained = resolve))
      return this.drained
    }
  }

  private tick(): void {
    this.timer = undefined
    this.pump(true)
  }

  /** Start as many writes as allowed. `partial` flushes a batch that has not filled. */
  private pump(partial = false): void {
    const concurrency = this.o.concurrency ?? 2
    while (this.inflight < concurrency && this.queued > 0 && !this.paused && (partial || this.queued >= this.o.batchPoints || this.closed)) {
      const batch = this.take()
      void this.send(batch)
      partial = false
    }
    if (this.queued > 0 && !this.timer && !this.paused) this.timer = setTimeout(() => this.tick(), this.o.flushMs)
  }

  private take(): Chunk[] {
    const out: Chunk[] = []
    let n = 0
    while (this.head < this.queue.length && n < this.o.batchPoints) {
      const c = this.queue[this.head++]!
      out.push(c)
      n += c.lines.length
    }
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head)
      this.head = 0
    }
    return out
  }

  private async send(chunks: Chunk[]): Promise<void> {
    this.inflight++
    let count = 0
    for (const c of chunks) count += c.lines.length
    const body = chunks.map((c) => c.lines.join('\n')).join('\n')
    try {
      const res = await fetch(this.writeUrl, { method: 'POST', headers: this.headers, body, signal: AbortSignal.timeout(30_000) })
      if (res.status === 204) {
        this.succeeded(chunks, count)
      } else {
        const text = (await res.text()).slice(0, 500)
        if (res.status === 400) {
          // Unparsable points: InfluxDB wrote the good ones and names the bad; retrying cannot help.
          this.o.log.warn({ status: res.status, body: text }, 'influx rejected points')
          this.stats.writeErrors++
          this.stats.lastError = text
          this.succeeded(chunks, count)
        } else throw new Error(`HTTP ${res.status}: ${text}`)
      }
    } catch (err) {
      this.stats.writeErrors++
      this.stats.lastError = (err as Error).message
      this.queue = [...chunks, ...this.queue.slice(this.head)]
      this.head = 0
      this.retryDelay = Math.min(5000, Math.max(100, this.retryDelay * 2))
      this.paused = true
      if (this.stats.writeErrors % 20 === 1) this.o.log.warn({ err: this.stats.lastError, queued: this.queued, retryMs: this.retryDelay }, 'influx write failed; will retry')
      this.inflight--
      setTimeout(() => {
        this.paused = false
        this.pump(true)
      }, this.retryDelay).unref()
      return
    }
    this.inflight--
    this.pump(this.closed)
  }

  /** Writes wait out a back-off after a failure. */
  private paused = false

  private succeeded(chunks: Chunk[], count: number): void {
    this.queued -= count
    this.stats.pointsWritten += count
    this.stats.batchesWritten++
    this.stats.lastWriteAt = Date.now()
    this.retryDelay = 0
    for (const c of chunks) if (c.seq !== undefined) this.o.onWritten?.(c.seq, c.lines.length)
    if (this.queued < this.o.highWater / 2) this.release()
  }

  private release(): void {
    const resolve = this.resolveDrained
    this.drained = undefined
    this.resolveDrained = undefined
    resolve?.()
  }

  /** Write everything buffered; resolves when the queue is empty or `timeoutMs` passes. */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    const until = Date.now() + timeoutMs
    while ((this.queued > 0 || this.inflight > 0) && Date.now() < until) {
      this.pump(true)
      await new Promise((r) => setTimeout(r, 20))
    }
    return this.queued === 0 && this.inflight === 0
  }

  async close(timeoutMs = 10_000): Promise<void> {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.flushing ??= this.flush(timeoutMs).then(() => undefined)
    await this.flushing
    this.release()
  }
}
