import { createInbox, headers, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node'

/**
 * The cluster outbox's publishing to JetStream (cluster/cluster-log.ts reads the outbox back and
 * hands each message here): plain NATS publishes with a reply subject on one inbox, at most
 * `maxInFlight` awaiting JetStream's answer, in outbox order over one connection.
 *
 * A publish that is not acknowledged (an error, no stream, no answer within ACK_TIMEOUT_MS) puts
 * the window in a failing state: nothing new is taken (`room` is 0) and one failed message, the
 * oldest, is retried at a growing interval as a probe; once it is acknowledged the rest of what
 * failed goes again, in order, and reading back resumes.
 */
export interface JetStreamWindowOptions {
  nc: NatsConnection
  /** Publishes awaiting JetStream's acknowledgement at most (default MAX_IN_FLIGHT). */
  maxInFlight?: number
  /** JetStream acknowledged `p` (called once per message, in the order the answers come). */
  acked(p: Publication): void
  /** A publish failed (error answer, no stream, timeout, closed connection). */
  failed(err: Error): void
  /** The window has room again: read the outbox back. */
  room(): void
}

/**
 * Publishes in flight: a bounded window keeps the client's and the servers' buffers small while
 * JetStream's acknowledgements stream back.
 */
const MAX_IN_FLIGHT = 1024
/** A publish not acknowledged within this long failed (JetStream answers in ms; a lost quorum never). */
const ACK_TIMEOUT_MS = 3000
/** Retry of a failed publish: from 250 ms, doubling, at most every 2 s. */
const RETRY_FIRST_MS = 250
const RETRY_MAX_MS = 2000

const decoder = new TextDecoder()

const SENT = 0
const ACKED = 1
const FAILED = 2

/** One outbox message being published; `segment` and `bytes` say where it is in the outbox. */
export interface Publication {
  readonly seq: number
  readonly subject: string
  readonly msgId: string
  readonly data: Uint8Array
  readonly segment: number
  readonly bytes: number
  state: typeof SENT | typeof ACKED | typeof FAILED
  sentAt: number
}

export class JetStreamWindow {
  /** Read from the outbox and not yet acknowledged, in outbox order (acknowledged ones trimmed from the front). */
  private queue: Publication[] = []
  private head = 0
  private unacked = 0
  private failedCount = 0
  private failing = false
  private retryMs = RETRY_FIRST_MS
  private retryTimer: NodeJS.Timeout | undefined
  private closed = false
  private acknowledged = 0
  /** The highest READINGS sequence JetStream gave this node's messages (its PubAcks' `seq`). */
  private streamSeq = 0
  private readonly maxInFlight: number
  /**
   * Publishes go out as plain NATS publishes with a reply subject `<inbox>.<seq>` and their answers
   * (JetStream's PubAck) come back on one subscription, timed out by one sweep: measured here,
   * a request per publish (js.publish: a promise, a timer and a reply mapping each) took ≈ 70 µs
   * of the hub's CPU per message.
   */
  private readonly inbox = createInbox()
  private readonly sent = new Map<number, Publication>()
  private replies: Subscription | undefined
  private sweep: NodeJS.Timeout | undefined

  constructor(private readonly o: JetStreamWindowOptions) {
    this.maxInFlight = o.maxInFlight ?? MAX_IN_FLIGHT
  }

  /** Listen for JetStream's answers and start the timeout sweep. */
  open(): void {
    this.replies = this.o.nc.subscribe(`${this.inbox}.*`, { callback: (err, msg) => err ? undefined : this.answer(msg) })
    this.sweep = setInterval(() => this.timeouts(), 250)
    this.sweep.unref()
  }

  /** How many more messages may be published now: 0 while full or failing. */
  get room(): number {
    return this.failing ? 0 : this.maxInFlight - this.unacked
  }

  /** The highest READINGS sequence of a message of this node JetStream acknowledged (0 before any): below it after a majority's power cut, the stream lost its tail. */
  get highestStreamSeq(): number {
    return this.streamSeq
  }

  /** Messages JetStream acknowledged since start. */
  get published(): number {
    return this.acknowledged
  }

  /** Publishes awaiting JetStream's answer now (failed ones waiting for their retry included). */
  get inFlight(): number {
    return this.unacked
  }

  /** Publishes still awaiting an answer, failed ones not counted: what a stop waits for. */
  get pending(): number {
    return this.unacked - this.failedCount
  }

  /** The next outbox message, published at once (or failed, then retried with the rest). */
  add(seq: number, subject: string, msgId: string, data: Uint8Array, segment: number, bytes: number): void {
    const e: Publication = { seq, subject, msgId, data, segment, bytes, state: SENT, sentAt: 0 }
    this.queue.push(e)
    this.unacked++
    this.send(e)
  }

  /** Publish again at once (the link saw the quorum come back). */
  retryNow(): void {
    if (!this.failing) return
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    this.retry()
  }

  private send(e: Publication): void {
    e.state = SENT
    e.sentAt = performance.now()
    this.sent.set(e.seq, e)
    const h = headers()
    h.set('Nats-Msg-Id', e.msgId)
    try {
      this.o.nc.publish(e.subject, e.data, { reply: `${this.inbox}.${e.seq}`, headers: h })
    } catch (err) {
      // The connection is closed or draining: a failure like any other, retried.
      this.failed(e, err as Error)
    }
  }

  /** JetStream's answer to one publish: a PubAck `{stream, seq, duplicate?}` or `{error}`, or a 503 when no stream listens. */
  private answer(msg: Msg): void {
    const seq = Number(msg.subject.slice(this.inbox.length + 1))
    const e = this.sent.get(seq)
    if (!e) return
    if (msg.data.length === 0) {
      const text = `JetStream: ${msg.headers?.code ?? ''} ${msg.headers?.description || 'no answer'}`.trim()
      this.failed(e, msg.headers?.code === 503 ? new NoStreamListens(text) : new Error(text))
      return
    }
    // A PubAck starts {"stream": — an error {"error":; only errors are parsed.
    if (msg.data[2] === 115 && msg.data[3] === 116) {
      const at = ackedSequence(msg.data)
      if (at > this.streamSeq) this.streamSeq = at
      this.acked(e)
      return
    }
    let ack: { stream?: string; error?: { description?: string; code?: number } }
    try {
      ack = JSON.parse(decoder.decode(msg.data)) as typeof ack
    } catch {
      ack = { error: { description: 'an answer that is not JSON' } }
    }
    if (ack.error || !ack.stream) this.failed(e, new Error(`JetStream: ${ack.error?.description ?? 'no stream in the answer'}`))
    else this.acked(e)
  }

  /** Publishes unanswered for ACK_TIMEOUT_MS failed. */
  private timeouts(): void {
    const before = performance.now() - ACK_TIMEOUT_MS
    for (const e of this.sent.values()) {
      // The map keeps send order: the first young one ends the scan.
      if (e.sentAt > before) break
      this.failed(e, new Error(`JetStream did not acknowledge within ${ACK_TIMEOUT_MS} ms`))
    }
  }

  private acked(e: Publication): void {
    if (e.state !== SENT) return
    this.sent.delete(e.seq)
    e.state = ACKED
    this.unacked--
    this.acknowledged++
    this.o.acked(e)
    this.trim()
    if (this.failing) {
      // The probe got through: the rest of what failed goes again, in order, and reading resumes.
      this.failing = false
      this.retryMs = RETRY_FIRST_MS
      for (let i = this.head; i < this.queue.length; i++) {
        const q = this.queue[i]!
        if (q.state === FAILED) {
          this.failedCount--
          this.send(q)
        }
      }
    }
    // Read back once a quarter of the window is free, not at each answer: reads of one or two lines
    // each were most of the cost (CPU profile: socket writes and file reads per message).
    if (this.unacked <= this.maxInFlight * 0.75) this.o.room()
  }

  private failed(e: Publication, err: Error): void {
    if (e.state !== SENT) return
    this.sent.delete(e.seq)
    e.state = FAILED
    this.failedCount++
    this.o.failed(err)
    if (this.closed) return
    this.failing = true
    this.retryTimer ??= setTimeout(() => this.retry(), this.retryMs)
  }

  /** One failed message, the oldest, is published again as a probe; the others wait for its answer. */
  private retry(): void {
    this.retryTimer = undefined
    if (this.closed || !this.failing) return
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2)
    for (let i = this.head; i < this.queue.length; i++) {
      const q = this.queue[i]!
      if (q.state === FAILED) {
        this.failedCount--
        this.send(q)
        return
      }
    }
    // Nothing failed is left (every failure was answered meanwhile): carry on.
    this.failing = false
    this.o.room()
  }

  private trim(): void {
    while (this.head < this.queue.length && this.queue[this.head]!.state === ACKED) this.head++
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head)
      this.head = 0
    }
  }

  /** Stop: no more retries, timeouts or answers (what is unacknowledged stays in the outbox). */
  close(): void {
    this.closed = true
    clearTimeout(this.retryTimer)
    clearInterval(this.sweep)
    this.replies?.unsubscribe()
  }
}

const SEQ_KEY = [34, 115, 101, 113, 34, 58] // "seq":

/** A PubAck's `seq` (`{"stream":"READINGS","seq":123,…}`), read without parsing or copying it; 0 when not found. */
export function ackedSequence(data: Uint8Array): number {
  search: for (let at = 10; at + SEQ_KEY.length <= data.length; at++) {
    for (let k = 0; k < SEQ_KEY.length; k++) if (data[at + k] !== SEQ_KEY[k]) continue search
    let n = 0
    for (let i = at + SEQ_KEY.length; i < data.length; i++) {
      const c = data[i]!
      if (c < 48 || c > 57) break
      n = n * 10 + (c - 48)
    }
    return n
  }
  return 0
}

/** A publish that no stream listened to (NATS's 503, no responders): the stream does not exist, or its leader is being elected. */
export class NoStreamListens extends Error {}
