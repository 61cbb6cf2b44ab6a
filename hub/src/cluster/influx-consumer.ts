import { AckPolicy, DeliverPolicy, type Consumer, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream'
import { nanos } from '@nats-io/transport-node'
import { ensureDatabase, influxClient, type InfluxConnection } from '../store/influx-client.js'
import { eventLine, readingLine, statusLine } from '../store/points.js'
import { decodeReadings } from './readings-codec.js'
import { READINGS_STREAM } from './subjects.js'

/**
 * InfluxDB written once, by whichever node is free (docs/cluster.md, "Storage"): every node runs
 * a puller on the same durable pull consumer (`influx`, or `influx2` for a second, independent
 * InfluxDB server) of the READINGS stream, so JetStream hands each message to one node. A node
 * collects messages into a batch (`batchMessages`, or what waited `flushMs`), turns them into
 * line protocol with store/points.ts, posts the batch to InfluxDB's 1.x `/write`, and acks every
 * message of it only once InfluxDB answered 204. A write that fails is not acked: its messages
 * are nak'd with the back-off as delay (JetStream redelivers them, to any node, after it) and
 * this node pulls nothing more until the back-off is over. A node dying mid-batch loses nothing:
 * what it did not ack is redelivered after `ackWaitMs`. A redelivered batch that InfluxDB had
 * already taken writes the same series and timestamps again, which InfluxDB overwrites: no
 * duplicate point. Explicit acks, never AckAll: an AckAll from one node would ack what another
 * node still holds unwritten.
 *
 *   const c = new InfluxConsumer({ js, jsm, node, name: INFLUX_CONSUMER, target: { url, db }, log })
 *   await c.start()   // ensures the durable consumer (READINGS must exist; retried until it does)
 *   c.stats()         // written, batches, lastError, pending … for health
 *   await c.stop()    // writes and acks the batch in hand, then stops pulling
 */
export interface InfluxConsumerOptions {
  js: JetStreamClient
  jsm: JetStreamManager
  /** This hub node (logs, stats). */
  node: string
  /** The durable's name: INFLUX_CONSUMER, or INFLUX2_CONSUMER for the second target. */
  name: string
  target: InfluxConnection
  /** The database's default retention policy when the consumer creates it (the hub's INFLUX_RETENTION). */
  retention?: string
  /** Messages a batch holds at most (a message carries one or several readings). */
  batchMessages?: number
  /** A batch not full is written after this long. */
  flushMs?: number
  /** JetStream redelivers a message not acked this long after delivery (a node that died). */
  ackWaitMs?: number
  /** Messages delivered and not yet acked, over all nodes: bounds the memory an outage takes. */
  maxAckPending?: number
  /** Write requests in flight on this node. */
  concurrency?: number
  /**
   * True while this node's ingest takes everything it has (broker/loop-turns.ts `saturated`):
   * then one write at a time and a pause of HELD_WRITE_INTERVAL_MS after each batch, as the local
   * writer does (store/batch-writer.ts). The other nodes' pullers take what this one leaves.
   */
  holdBack?: () => boolean
  log: { info(o: object, m: string): void; warn(o: object, m: string): void }
}

export interface InfluxConsumerStats {
  consumer: string
  node: string
  /** Points InfluxDB accepted from this node. */
  written: number
  /** Messages acked after their batch was written. */
  messages: number
  batches: number
  writeErrors: number
  /** Points InfluxDB refused as unparsable (HTTP 400: it wrote the others; retrying cannot help). */
  rejectedBatches: number
  lastError: string
  lastWriteAt: number
  /** The consumer's messages not yet delivered plus those delivered and not acked (every node); -1 before the first look. */
  pending: number
}

/** Defaults: 1,000 messages a batch (several readings each) stays well under InfluxDB's recommended 5,000 – 10,000 points a write when messages carry ≤ 5 readings. */
const DEFAULT_BATCH = 1000
/** The local writer's default flush (HUB_WRITE_FLUSH_MS) is 1 s; storage is not on the alarm path. */
const DEFAULT_FLUSH_MS = 500
/** JetStream's own default ack wait is 30 s; a dead node's batch comes back after it. */
const DEFAULT_ACK_WAIT_MS = 30_000
const DEFAULT_MAX_ACK_PENDING = 20_000
const MAX_BACKOFF_MS = 5000
const PENDING_REFRESH_MS = 5000
const PULL_EXPIRES_MS = 5000
/** As store/batch-writer.ts: while held back, one batch every 250 ms. */
const HELD_WRITE_INTERVAL_MS = 250

export class InfluxConsumer {
  private messages: ConsumerMessages | undefined
  private batch: JsMsg[] = []
  private timer: NodeJS.Timeout | undefined
  private inflight = 0
  private readonly idle: (() => void)[] = []
  private backoffMs = 0
  private pausedUntil = 0
  private stopped = false
  private dbReady = false
  private loop: Promise<void> | undefined
  private pendingTimer: NodeJS.Timeout | undefined
  private readonly writeUrl: string
  private readonly headers: Record<string, string>
  private readonly s: InfluxConsumerStats

  constructor(private readonly o: InfluxConsumerOptions) {
    if (!/^[A-Za-z0-9_-]+$/.test(o.name)) throw new Error(`not a valid consumer name: ${JSON.stringify(o.name)}`)
    const q = new URLSearchParams({ db: o.target.db, precision: 'ms' })
    this.writeUrl = `${o.target.url.replace(/\/$/, '')}/write?${q}`
    this.headers = { 'content-type': 'text/plain; charset=utf-8' }
    if (o.target.username) this.headers.authorization = `Basic ${Buffer.from(`${o.target.username}:${o.target.password ?? ''}`).toString('base64')}`
    this.s = { consumer: o.name, node: o.node, written: 0, messages: 0, batches: 0, writeErrors: 0, rejectedBatches: 0, lastError: '', lastWriteAt: 0, pending: -1 }
  }

  stats(): InfluxConsumerStats {
    return { ...this.s }
  }

  /** Ensure the durable consumer and start pulling. Resolves once pulling; READINGS missing is retried until `stop()`. */
  async start(): Promise<void> {
    const consumer = await this.ensureConsumer()
    if (!consumer) return
    // Pull requests of 5 s (the client's default is 30 s) make its idle heartbeat 2.5 s, so a
    // NATS server lost under this node is noticed in ~5 s rather than ~30 s (measured: writing
    // resumed 24.7 s after a server kill with the default).
    this.messages = await consumer.consume({ max_messages: this.batchSize, expires: PULL_EXPIRES_MS })
    this.loop = this.run(this.messages).catch((err: Error) => this.pullingFailed(err))
    this.pendingTimer = setInterval(() => void this.refreshPending(consumer), PENDING_REFRESH_MS)
    this.pendingTimer.unref()
    void this.refreshPending(consumer)
  }

  /**
   * The pull loop ended with an error. The client rides out disconnects and lost servers itself;
   * what ends the loop is the connection closed for good (the hub stopping: nothing to do) or an
   * error the client gives up on: then the consumer is ensured again and pulling restarts after a pause.
   */
  private pullingFailed(err: Error): void {
    this.s.lastError = err.message
    if (this.stopped || err.name === 'ClosedConnectionError') return
    this.o.log.warn({ consumer: this.o.name, err: err.message }, 'influx consumer stopped pulling; starting again')
    if (this.pendingTimer) clearInterval(this.pendingTimer)
    setTimeout(() => void this.start().catch((e: Error) => this.pullingFailed(e)), 1000).unref()
  }

  private get batchSize(): number {
    return this.o.batchMessages ?? DEFAULT_BATCH
  }

  private async ensureConsumer(): Promise<Consumer | undefined> {
    const config = {
      durable_name: this.o.name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.o.ackWaitMs ?? DEFAULT_ACK_WAIT_MS),
      max_ack_pending: this.o.maxAckPending ?? DEFAULT_MAX_ACK_PENDING,
      // Unlimited: a message is retried until InfluxDB takes it (the stream's max age bounds it).
      max_deliver: -1,
    }
    let delay = 100
    while (!this.stopped) {
      try {
        const known = await this.o.jsm.consumers.info(READINGS_STREAM, this.o.name).catch(() => undefined)
        if (!known) await this.o.jsm.consumers.add(READINGS_STREAM, config)
        else if (known.config.ack_wait !== config.ack_wait || known.config.max_ack_pending !== config.max_ack_pending) {
          await this.o.jsm.consumers.update(READINGS_STREAM, this.o.name, { ack_wait: config.ack_wait, max_ack_pending: config.max_ack_pending })
        }
        return await this.o.js.consumers.get(READINGS_STREAM, this.o.name)
      } catch (err) {
        // The stream not there yet (created by the ingest side) or the meta leader being elected.
        this.s.lastError = (err as Error).message
        await sleep(delay)
        delay = Math.min(MAX_BACKOFF_MS, delay * 2)
      }
    }
    return undefined
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      // Stopping: handed back at once rather than after the ack wait.
      if (this.stopped) {
        settle(m, 'nak')
        continue
      }
      this.batch.push(m)
      if (this.batch.length >= this.batchSize) this.flush()
      else this.timer ??= setTimeout(() => this.flush(), this.o.flushMs ?? DEFAULT_FLUSH_MS)
      // Back-pressure: pull no further while the writes in flight are all this node may have, or during a back-off.
      while (!this.stopped && (this.inflight >= (this.held ? 1 : (this.o.concurrency ?? 2)) || Date.now() < this.pausedUntil)) {
        await new Promise<void>((r) => {
          this.idle.push(r)
          const wait = this.pausedUntil - Date.now()
          if (wait > 0) setTimeout(r, wait)
        })
      }
    }
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (this.batch.length === 0) return
    const batch = this.batch
    this.batch = []
    if (this.held) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + HELD_WRITE_INTERVAL_MS)
    void this.write(batch)
  }

  private get held(): boolean {
    return !this.stopped && (this.o.holdBack?.() ?? false)
  }

  private async write(batch: JsMsg[]): Promise<void> {
    this.inflight++
    try {
      const lines: string[] = []
      for (const m of batch) {
        try {
          const r = decodeReadings(m.data)
          if (r.readings) for (const x of r.readings) lines.push(readingLine(x))
          if (r.events) for (const e of r.events) lines.push(eventLine(e))
          if (r.statuses) for (const s of r.statuses) lines.push(statusLine(s))
        } catch (err) {
          // Not a readings message (another writer, a newer version): no retry can write it.
          this.o.log.warn({ err: (err as Error).message, subject: m.subject, seq: m.seq }, 'readings message not understood; skipped')
        }
      }
      if (lines.length > 0) await this.post(lines.join('\n'))
      for (const m of batch) settle(m, 'ack')
      this.s.written += lines.length
      this.s.messages += batch.length
      this.s.batches++
      this.s.lastWriteAt = Date.now()
      this.backoffMs = 0
    } catch (err) {
      this.s.writeErrors++
      this.s.lastError = (err as Error).message
      this.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(100, this.backoffMs * 2))
      this.pausedUntil = Date.now() + this.backoffMs
      if (this.s.writeErrors % 20 === 1) this.o.log.warn({ consumer: this.o.name, err: this.s.lastError, retryMs: this.backoffMs }, 'influx write failed; batch left for redelivery')
      // Redelivered (to this node or another) once the back-off is over.
      for (const m of batch) settle(m, 'nak', this.backoffMs)
    } finally {
      this.inflight--
      for (const r of this.idle.splice(0)) r()
    }
  }

  private async post(body: string): Promise<void> {
    if (!this.dbReady) {
      await ensureDatabase(influxClient(this.o.target), this.o.target.db, this.o.retention)
      this.dbReady = true
    }
    const res = await fetch(this.writeUrl, { method: 'POST', headers: this.headers, body, signal: AbortSignal.timeout(30_000) })
    if (res.status === 204) return
    const text = (await res.text()).slice(0, 500)
    if (res.status === 404) this.dbReady = false
    if (res.status !== 400) throw new Error(`HTTP ${res.status}: ${text}`)
    // Unparsable points: InfluxDB wrote the good ones and names the bad (as store/batch-writer.ts).
    this.s.rejectedBatches++
    this.s.lastError = text
    this.o.log.warn({ consumer: this.o.name, body: text }, 'influx rejected points')
  }

  private async refreshPending(consumer: Consumer): Promise<void> {
    try {
      const info = await consumer.info()
      this.s.pending = info.num_pending + info.num_ack_pending
    } catch {
      // NATS unreachable: the figure stays as last seen; health shows quorum separately.
    }
  }

  /** Write and ack the batch in hand, then stop pulling; what is still buffered is redelivered to another node. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    if (this.pendingTimer) clearInterval(this.pendingTimer)
    this.flush()
    const until = Date.now() + timeoutMs
    while (this.inflight > 0 && Date.now() < until) await sleep(20)
    for (const r of this.idle.splice(0)) r()
    await this.messages?.close().catch(() => undefined)
    await this.loop
    for (const m of this.batch.splice(0)) settle(m, 'nak')
  }
}

/** Ack or nak; on a closed connection neither can go, and JetStream redelivers after the ack wait. */
function settle(m: JsMsg, how: 'ack' | 'nak', delayMs?: number): void {
  try {
    if (how === 'ack') m.ack()
    else m.nak(delayMs)
  } catch {
    // ClosedConnectionError: nothing to do here; the message comes back to a live node.
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
