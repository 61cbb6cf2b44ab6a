import { jetstream } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { Journal, type Durable } from '../journal/journal.js'
import { JournalCursor } from '../journal/journal-cursor.js'
import { BothDurable, type DeviceEntry, type DurableLog } from '../journal/durable-log.js'
import { messageId, type ReadingsMessage } from './readings-codec.js'
import { batchBody, batchSubject, subjectOf, TurnBatches, type TurnBatch } from './turn-batches.js'
import { lastSequence, savedSequence, saveSequence } from './outbox-sequence.js'
import { DUPLICATE_WINDOW_MS } from './readings-stream.js'
import { JetStreamWindow, type Publication } from './jetstream-window.js'
import { republishOutbox, type Republished } from './outbox-republish.js'

/**
 * The durable log in cluster mode: the local outbox journal plus the READINGS stream on JetStream.
 *
 * The device messages of one park accepted in one turn of the event loop become one
 * ReadingsMessage (turn-batches.ts; its node and sequence make the `Nats-Msg-Id`), appended as a
 * JSON line to the outbox (`<dataDir>/journal-cluster/`, a Journal of its own, so the local
 * InfluxDB writer never sees readings: the shared consumer writes them), read back in order and
 * published to `readings.<park>.<device>` (one device's) or `readings.<park>.=many`, many
 * publishes in flight (cluster/jetstream-window.ts). A QoS 1
 * publisher is acknowledged only once both hold it: the outbox's fdatasync returned AND JetStream
 * acknowledged the publish. JetStream 2.9 acknowledges once a majority of the stream's servers
 * hold the message (in memory; written to disk at its sync interval, not configurable before 2.10).
 * So an acknowledged reading survives any one hub process or machine (the stream has it) and any
 * one NATS server (the others have it); it is lost only when a majority of the NATS machines lose
 * power within their sync interval and the ingesting machine's disk is lost too.
 *
 * While JetStream does not answer (quorum lost, NATS unreachable) the publishes time out: QoS 1 is
 * not acknowledged (the device retries later or on another node), new messages go on into the
 * outbox on disk (bounded by `maxBytes`, then refused), and one message is retried at a growing
 * interval; once it is acknowledged the rest follow in order and the waiting acknowledgements go
 * out. The outbox frees a segment KEEP_ACKED_MS after JetStream acknowledged all of it; what a
 * stop or crash leaves in it is published again at the next start. Within the stream's dedup
 * window (2 min) the same Msg-Id is stored once;
 * beyond it a message acknowledged before the crash can be stored twice — harmless: InfluxDB
 * overwrites a point with the same series and timestamp, and the park owner's rules take a
 * repeated reading as the same value again (an alarm is raised on a change of state, not twice).
 *
 * Order: messages are published in outbox order over one connection, so JetStream stores each
 * device's messages in the order they arrived. A publish that fails while a later one succeeds
 * (a stream leader change in between) is stored after it when retried.
 */
export interface ClusterLogLink {
  readonly nc: NatsConnection
  publishOk(): void
  publishFailed(err: Error): void
}

export interface ClusterLogOptions {
  link: ClusterLogLink
  node: string
  /** The outbox's directory (`<dataDir>/journal-cluster`). */
  dir: string
  maxBytes: number
  /** Resolves once the READINGS stream exists: nothing is published before. */
  ready: Promise<void>
  log: { warn(o: object, m: string): void; info(o: object, m: string): void }
  /** Publishes awaiting JetStream's acknowledgement at most (default MAX_IN_FLIGHT, jetstream-window.ts). */
  maxInFlight?: number
  segmentBytes?: number
  /** How long acknowledged outbox segments are kept (default KEEP_ACKED_MS). */
  keepAckedMs?: number
}

/**
 * Outbox segments of 4 MiB (≈ 20,000 messages of 200 B): the outbox frees a segment once every
 * message in it is acknowledged, and a restart republishes the segments left — small segments
 * keep that, and the duplicates beyond the dedup window, to about a second of full load.
 */
const OUTBOX_SEGMENT_BYTES = 4 * 1024 * 1024
/**
 * Acknowledged segments stay this long before they are freed (journal/kept-segments.ts): NATS 2.9
 * writes what it acknowledged to disk within its sync interval, two minutes by default, so a power
 * cut of a majority of the NATS machines loses at most that much — which this node's next start
 * publishes again. The same as the stream's dedup window: a restart republishes nothing JetStream
 * would store twice.
 */
const KEEP_ACKED_MS = DUPLICATE_WINDOW_MS
/** Subjects remembered for reading back (≈ 100 B each): 200,000 is 20 MB at most. */
const MAX_REMEMBERED_SUBJECTS = 200_000

export interface ClusterLogStats {
  /** Messages JetStream acknowledged since start. */
  published: number
  /** QoS 1 device messages whose publisher still waits. */
  pendingAcks: number
  /** Publishes awaiting JetStream's answer now. */
  inFlight: number
  /** Messages in the outbox not yet acknowledged by JetStream. */
  outboxBacklog: number
  /** Messages left in the outbox by the previous run, published again at start (what was kept after JetStream's acknowledgement included). */
  replayed: number
  /** Bytes of acknowledged outbox segments kept for JetStream's sync interval (KEEP_ACKED_MS). */
  keptBytes: number
  /** The last time the outbox was published again while the node ran (READINGS lost what it had acknowledged), with what JetStream did with it. */
  republished: (Republished & { at: string }) | undefined
  lastError: string | undefined
}

export class ClusterLog implements DurableLog {
  readonly kind = 'cluster'
  private readonly outbox: Journal
  private readonly cursor: JournalCursor
  private seq = 0
  private readonly waiters = new Map<number, BothDurable>()
  private readonly window: JetStreamWindow
  private pumping = false
  private isReady = false
  private closed = false
  private replayed = 0
  private lastError: string | undefined
  /**
   * Subjects of the messages appended by this run and not yet read back, so reading back does not
   * parse each line again (JSON.parse of every line was the largest cost of reading back, CPU
   * profile of 60,000 QoS 1 messages); bounded: past it, and for lines left by a previous run, the
   * line is parsed.
   */
  private readonly subjects = new Map<number, string>()
  /** How every line this node writes starts, up to its sequence. */
  private readonly linePrefix: string
  private readonly turns = new TurnBatches((b) => this.appendTurn(b))
  /** QoS 1 publishers (device messages, HJ 212 packets) waiting for their message: outbox on disk and JetStream's acknowledgement. */
  private waitingPublishers = 0
  private republishing: Promise<Republished> | undefined
  private republished: (Republished & { at: string }) | undefined

  constructor(private readonly o: ClusterLogOptions) {
    this.window = new JetStreamWindow({ nc: o.link.nc, maxInFlight: o.maxInFlight, acked: this.acked, failed: this.failed, room: this.room })
    this.linePrefix = `{"v":1,"node":${JSON.stringify(o.node)},"seq":`
    this.outbox = new Journal({ dir: o.dir, maxBytes: o.maxBytes, segmentBytes: o.segmentBytes ?? OUTBOX_SEGMENT_BYTES, keepWrittenMs: o.keepAckedMs ?? KEEP_ACKED_MS })
    this.cursor = new JournalCursor(this.outbox)
  }

  /** Open the outbox; what the last run left unacknowledged is published first, once the stream is ready. */
  open(): { replayed: number } {
    const lastSeq = Math.max(lastSequence(this.o.dir), savedSequence(this.o.dir))
    const left = this.outbox.open()
    this.replayed = left.lines
    // Sequences only grow, across restarts too: a reused one would be dropped by the dedup window as
    // a duplicate. Microseconds of the clock at start stay ahead of the count (17k messages/s ≪ 10⁶/s);
    // the last sequence used (the outbox's last line after a crash, the saved one after a stop)
    // covers a clock set back meanwhile.
    this.seq = Math.max(Date.now() * 1000, lastSeq + 1)
    this.outbox.onCommit = () => void this.pump()
    this.window.open()
    void this.o.ready.then(() => {
      this.isReady = true
      void this.pump()
    }, () => undefined)
    return { replayed: left.lines }
  }

  /** One device's entry joins its park's message of this turn (turn-batches.ts); 'full' when the outbox has no room for it. */
  append(entry: DeviceEntry, qos: number): Durable | undefined | 'full' {
    const b = this.turns.add(entry, qos, (chars) => this.outbox.hasRoom(chars))
    if (!b) return 'full'
    if (qos < 1 || !b.durable) return undefined
    this.waitingPublishers++
    b.durable.whenDurable(this.publisherReleased)
    return b.durable
  }

  private readonly publisherReleased = (): void => {
    this.waitingPublishers--
  }

  /** The turn's messages into the outbox, one line each. */
  private appendTurn(batches: TurnBatch[]): void {
    for (const b of batches) {
      const seq = ++this.seq
      const j = this.outbox.append([this.linePrefix + batchBody(seq, b)], b.durable !== undefined)
      if (!j) {
        // Cannot happen: each item was checked against the outbox's room as it came, this turn's included.
        this.o.log.warn({ park: b.park, readings: b.readings.length }, 'cluster outbox: a turn\'s message refused after its room was checked')
        continue
      }
      if (this.subjects.size < MAX_REMEMBERED_SUBJECTS) this.subjects.set(seq, batchSubject(b))
      if (b.durable && j.durable) {
        const both = b.durable
        j.durable.whenDurable(() => both.step())
        this.waiters.set(seq, both)
      }
    }
  }

  usage(): number {
    return this.outbox.usage()
  }

  stats(): ClusterLogStats {
    return { published: this.window.published, pendingAcks: this.waitingPublishers, inFlight: this.window.inFlight, outboxBacklog: this.outbox.backlog, replayed: this.replayed, keptBytes: this.outbox.keptBytes, republished: this.republished, lastError: this.lastError }
  }

  /** Publish JetStream again at once (the link saw the quorum come back). */
  retryNow(): void {
    this.window.retryNow()
  }

  /** The highest READINGS sequence JetStream acknowledged for this node's messages (0 before any). */
  get highestStreamSeq(): number {
    return this.window.highestStreamSeq
  }

  /**
   * READINGS lost what this node had acknowledged (made again, or its tail lost): the outbox's
   * files — the segments kept for JetStream's sync interval included — published again
   * (outbox-republish.ts). One run at a time; a call during one joins it.
   */
  republish(): Promise<Republished> {
    this.republishing ??= republishOutbox(jetstream(this.o.link.nc), this.o.node, this.outbox.onDisk())
      .then((r) => (this.republished = { ...r, at: new Date().toISOString() }))
      .finally(() => (this.republishing = undefined))
    return this.republishing
  }

  /** Read committed outbox lines and publish them while the window has room. */
  private async pump(): Promise<void> {
    if (this.pumping || this.closed || !this.isReady || this.window.room <= 0) return
    this.pumping = true
    try {
      while (!this.closed) {
        const room = this.window.room
        if (room <= 0) break
        const b = await this.cursor.next(room)
        if (!b) break
        if (b.lines === 0) {
          // A torn line left by a crash: never acknowledged to anyone; its bytes are done.
          this.outbox.written(b.segment, b.bytes, 0)
          continue
        }
        let start = 0
        for (let i = b.body.indexOf(10); i >= 0; i = b.body.indexOf(10, start)) {
          this.enqueue(b.body, start, i, b.segment)
          start = i + 1
        }
      }
    } catch (err) {
      this.lastError = (err as Error).message
      this.o.log.warn({ err: this.lastError }, 'cluster outbox: reading back failed')
    } finally {
      this.pumping = false
    }
  }

  private enqueue(body: Buffer, start: number, end: number, segment: number): void {
    const bytes = end - start + 1
    let seq = this.ownSequence(body, start)
    let subject = seq === undefined ? undefined : this.subjects.get(seq)
    try {
      if (seq !== undefined && subject !== undefined) this.subjects.delete(seq)
      else {
        const m = JSON.parse(body.toString('utf8', start, end)) as ReadingsMessage
        subject = subjectOf(m)
        if (subject === undefined || typeof m.seq !== 'number') throw new Error('an empty message')
        seq = m.seq
      }
    } catch (err) {
      // Only this hub writes the outbox; a line it cannot read is reported and skipped, never retried forever.
      this.o.log.warn({ err: (err as Error).message, segment }, 'cluster outbox: a line that is not a readings message, skipped')
      this.outbox.written(segment, bytes, 1)
      return
    }
    this.window.add(seq, subject, messageId({ node: this.o.node, seq }), body.subarray(start, end), segment, bytes)
  }

  /** The sequence of a line this node wrote (its known prefix, then digits), read without parsing the line. */
  private ownSequence(body: Buffer, start: number): number | undefined {
    const p = this.linePrefix
    if (body.toString('latin1', start, start + p.length) !== p) return undefined
    let n = 0
    for (let i = start + p.length; ; i++) {
      const c = body[i] ?? 0
      if (c >= 48 && c <= 57) n = n * 10 + (c - 48)
      else return c === 44 && i > start + p.length ? n : undefined
    }
  }

  /** JetStream acknowledged a message: its outbox bytes are done and its QoS 1 publishers take one step. */
  private readonly acked = (e: Publication): void => {
    this.outbox.written(e.segment, e.bytes, 1)
    const w = this.waiters.get(e.seq)
    if (w) {
      this.waiters.delete(e.seq)
      w.step()
    }
    this.o.link.publishOk()
  }

  /** A publish failed: health shows the error (stats().lastError) and the link counts it. */
  private readonly failed = (err: Error): void => {
    this.lastError = err.message
    this.o.link.publishFailed(err)
  }

  private readonly room = (): void => void this.pump()

  /** Stop publishing: the acknowledgements in flight are waited for up to `timeoutMs`, the rest stays in the outbox for the next start. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.closed) return
    this.turns.flush()
    const until = Date.now() + timeoutMs
    while (this.window.pending > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
    this.closed = true
    this.window.close()
    await this.cursor.close()
    this.outbox.close()
    saveSequence(this.o.dir, this.seq)
  }
}
