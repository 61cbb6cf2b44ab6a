import { DeliverPolicy, type Consumer, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream'
import { decodeReadings, type ReadingsMessage } from './readings-codec.js'
import { positionAfter, readingsMark, within } from './readings-positions.js'
import { fromToken, parkReadingsFilter, READINGS_STREAM } from './subjects.js'

/**
 * A park owner's feed: the park's messages from the READINGS stream (`readings.<park>.>`), in
 * stream order, handed over in batches to the safety loop, starting right after a given stream
 * sequence.
 *
 * API
 *   const feed = startParkFeed(js, { park, after: log.position!, onBatch: async (batch, position) => {
 *     const records = safety.apply(batch)                // one turn
 *     await log.append(records, { position })            // state and position in one fenced write
 *   } })
 *   feed.position          // stream sequence of the last batch onBatch returned from
 *   await feed.stop()      // waits for a batch in progress; nothing is delivered after
 *   await startPositionAt(js, jsm, park, since)   // where a park never owned before starts (readings-positions.ts)
 *
 * Where a new owner resumes is NOT kept by the feed: it is the `position` the owner wrote with
 * its state in the fenced park log (fenced-park-log.ts), so it moves only when the turn's
 * effects are durable, and a new owner starts at `loaded.position + 1`: a reading is applied to
 * the park's state exactly once across owners — at a kill the batch in flight, whose records
 * were not written, is processed again by the next owner, once. The consumer is an ordered
 * consumer (ephemeral, no acks, recreated by the client from its last sequence when a NATS
 * server goes away) rather than a shared durable one with acks: a paused old owner resuming
 * then only reads — it cannot take or acknowledge messages meant for the new owner, and its
 * write of what it processed is refused by the fence. No per-message ack is sent either.
 *
 * `onBatch` gets up to `maxBatch` messages (what arrived while the previous batch ran, so the
 * batch grows under load and is a single message when idle); if it throws, or does not settle
 * within `turnDeadlineMs` (TurnDeadlineError), the feed stops where it was (the error in `done`
 * and `onError`). A message that does not decode is skipped
 * and reported through `onError`; the position still passes it.
 */

/** No delivery for this long while the consumer says messages wait: it is replaced. */
const STALL_MS = 6000
/**
 * A turn (`onBatch`) not settled in this long ends the feed with a TurnDeadlineError. The
 * owner's fenced write is retried for at most 15 s (fenced-park-log.ts, a new PARK_STATE
 * leader took 4 – 5 s here): a turn past 20 s is stuck, and waiting on it would leave the park
 * unevaluated for good. The owner then takes the park over again from its log (park-runner.ts).
 */
export const TURN_DEADLINE_MS = 20_000
/** Turns' worth of delivered messages the feed queues before it stops taking more from the client. */
const QUEUED_TURNS = 4

/** A turn that did not settle within the feed's deadline: the feed ended, the turn's effects are unknown. */
export class TurnDeadlineError extends Error {
  constructor(
    readonly park: string,
    readonly through: number,
    readonly ms: number,
  ) {
    super(`park ${park}: the turn through READINGS ${through} did not settle in ${ms / 1000} s`)
    this.name = 'TurnDeadlineError'
  }
}

export interface FeedMessage {
  /** READINGS stream sequence. */
  seq: number
  /** When READINGS stored it (ms since 1970, the NATS server's clock). */
  time: number
  park: string
  device: string
  message: ReadingsMessage
}

export interface ParkFeedOptions {
  park: string
  /** Stream sequence processed through: delivery starts at after + 1. */
  after: number
  /** When READINGS stored the message at `after` (FeedMessage `time`), when known: what lets the feed read on if the stream ends before `after`. */
  afterTime?: number
  /** A turn: the messages, and the sequence (and its stored time) processed through once it settles. */
  onBatch: (batch: FeedMessage[], position: number, positionTime: number) => Promise<void> | void
  /**
   * READINGS ends before the position (StreamBehindError) and `afterTime` is known: the feed
   * reads on from `position`, just before the park's first message stored after that time (the
   * messages stored since are new to the park: a stream made again holds only those; one that
   * lost its tail reuses the lost sequences for them). The feed waits for this to settle (the
   * owner writes the move to its log) before it reads on; if it throws, the feed ends with it.
   */
  onRebase?: (position: number, behind: StreamBehindError) => Promise<void> | void
  /** 256 by default. */
  maxBatch?: number
  /** How long a turn may take before the feed ends with a TurnDeadlineError; TURN_DEADLINE_MS by default. */
  turnDeadlineMs?: number
  onError?: (err: Error) => void
}

export interface ParkFeed {
  readonly park: string
  readonly position: number
  /** How many times the feed replaced a consumer that went silent. */
  readonly restarts: number
  /** Resolves when the feed ended: undefined after stop(), the error when onBatch or the consumer failed. */
  readonly done: Promise<Error | undefined>
  stop(): Promise<void>
}

export function startParkFeed(js: JetStreamClient, o: ParkFeedOptions): ParkFeed {
  if (!Number.isInteger(o.after) || o.after < 0) throw new Error(`park ${o.park}: feed position must be a stream sequence (integer ≥ 0), got ${o.after}`)
  const maxBatch = o.maxBatch ?? 256
  const turnDeadlineMs = o.turnDeadlineMs ?? TURN_DEADLINE_MS
  let position = o.after
  let positionTime = o.afterTime
  /** READINGS's creation time when the feed last opened: another one means it was made again. */
  let seenCreated: number | undefined
  let stopped = false
  let close: (() => Promise<unknown>) | undefined
  let restarts = 0

  const run = async (): Promise<Error | undefined> => {
    while (!stopped) {
      // READINGS ending before the position, or made again since this feed last opened or since
      // the message at the position was stored: the sequences up to the position are new messages.
      const stream = await readingsMark(js)
      if (stream) {
        const remade = (seenCreated !== undefined && stream.created !== seenCreated) || (positionTime !== undefined && stream.created > positionTime)
        seenCreated = stream.created
        if (position > 0 && (position > stream.lastSeq || remade)) {
          const behind = new StreamBehindError(o.park, position, stream.lastSeq)
          if (positionTime !== undefined && o.onRebase) {
            const to = await positionAfter(js, o.park, positionTime, stream.lastSeq)
            // The same place (a stream made again since a park's first lookback, nothing of the park in it yet): nothing to move.
            if (to !== position) {
              await o.onRebase(to, behind)
              position = to
            }
          } else o.onError?.(behind)
        }
      }
      const opened = await open(js, o.park, position + 1, maxBatch, () => stopped)
      if (!opened) break
      const { consumer, messages } = opened
      close = () => closeWithin(messages)
      if (stopped) await closeWithin(messages)
      // The client's own recovery of an ordered consumer whose server died did not always come
      // back (heartbeats missed, counted up for 30 s and more, nothing delivered — seen 1 run of 4
      // killing a NATS server): after two missed heartbeats (≈ 3 s), or when the consumer has
      // messages waiting but delivered none for STALL_MS, or does not answer twice, the feed makes
      // a new consumer itself, from the position processed through; what was delivered but not
      // handed over comes again.
      let silent: string | undefined
      // The messages delivered and not handed over yet: the client's iterator is drained into
      // this queue as it yields, and each turn takes what is queued (up to maxBatch), so a
      // message is handed over in the first turn after it arrived. Batching on the iterator's
      // `getPending()` instead held deliveries back: the client's queue also carries the pull
      // requests it sends (a refill every 128 messages here), and `getPending()` counts one
      // met in the same chunk as a message still to come (@nats-io/nats-core 3.4
      // QueuedIteratorImpl: `inflight` is not decremented for it). A burst delivered while a turn
      // was slow — its write waiting for a PARK_STATE election after a NATS server kill — was
      // held whole, waiting for one more reading: 101 of 200 applied in 1 run of ~15 of
      // tests/integration/cluster-leases-feed's kill test, 4 of 201 in its burst test, every run.
      const queue: JsMsg[] = []
      let ended = false
      let wake: (() => void) | undefined
      // At most QUEUED_TURNS turns' worth queued: past it the pump waits for the turns, so the
      // client pulls no more (a slow owner holds a bounded backlog, the rest stays in the stream).
      const queueMax = maxBatch * QUEUED_TURNS
      let room: (() => void) | undefined
      const makeRoom = (): void => {
        room?.()
        room = undefined
      }
      let moved = performance.now()
      let consumerName: string | undefined
      let inTurn = false
      let unanswered = 0
      const replace = (why: string): void => {
        silent ??= why
        messages.stop()
        wake?.()
        makeRoom()
      }
      void (async () => {
        for await (const st of messages.status()) {
          if (st.type === 'heartbeats_missed' && st.count >= 2) return replace('heartbeats missed')
        }
      })().catch(() => undefined)
      const pump = (async (): Promise<Error | undefined> => {
        try {
          for await (const m of messages) {
            if (stopped || silent) break
            queue.push(m)
            moved = performance.now()
            wake?.()
            if (queue.length >= queueMax) await new Promise<void>((r) => (room = r))
          }
          return undefined
        } catch (err) {
          return err as Error
        } finally {
          ended = true
          wake?.()
        }
      })()
      const watchdog = setInterval(() => {
        if (inTurn || silent || stopped) return
        // The client's ordered consumer reads on in a stream made again, from the old position: looked for here.
        void readingsMark(js, STALL_MS / 2 - 500).then((m) => {
          if (m && seenCreated !== undefined && m.created !== seenCreated && !inTurn) replace(`${READINGS_STREAM} made again`)
        })
        if (performance.now() - moved < STALL_MS) return
        void within(consumer.info(), 2000).then(
          (info) => {
            unanswered = 0
            if (info.num_pending > 0 && !inTurn && performance.now() - moved >= STALL_MS) replace(`${info.num_pending} messages waiting, none delivered`)
          },
          () => {
            if (++unanswered >= 2) replace('consumer not answering')
          },
        )
      }, STALL_MS / 2)
      watchdog.unref()
      try {
        for (;;) {
          while (queue.length === 0 && !ended && !stopped && !silent) await new Promise<void>((r) => (wake = r))
          wake = undefined
          if (stopped || silent || queue.length === 0) break
          // The client made its ordered consumer again (a NATS server gone, or the stream made
          // again: then it reads on from the old position in the new stream). Which one is
          // asked before anything of the new consumer is handed over.
          const by = queue[0]!.info.consumer
          if (consumerName !== undefined && by !== consumerName) {
            const m = await readingsMark(js)
            if (m && seenCreated !== undefined && m.created !== seenCreated) {
              replace(`${READINGS_STREAM} made again`)
              break
            }
          }
          consumerName = by
          const taken = queue.splice(0, maxBatch)
          if (queue.length < queueMax) makeRoom()
          const through = taken[taken.length - 1]!.seq
          const throughTime = storedAt(taken[taken.length - 1]!)
          const turn: FeedMessage[] = []
          for (const m of taken) {
            const fm = decode(o.park, m, o.onError)
            if (fm) turn.push(fm)
          }
          inTurn = true
          await turnWithin(o.onBatch(turn, through, throughTime), turnDeadlineMs, o.park, through)
          inTurn = false
          moved = performance.now()
          position = through
          positionTime = throughTime
        }
      } finally {
        clearInterval(watchdog)
        // A pump waiting for room goes on to see the feed stopped (or its consumer replaced).
        makeRoom()
      }
      if (!silent) {
        await closeWithin(messages)
        const err = await pump
        if (err && !stopped) throw err
        break
      }
      // Deleting the silent consumer may wait for a server that is gone: not waited for (an
      // ordered consumer left behind is removed by the server after its 5 min inactivity limit).
      void messages.close().catch(() => undefined)
      restarts++
      o.onError?.(new Error(`park ${o.park}: the feed's consumer went silent (${silent}); a new one reads from ${position + 1}`))
    }
    return undefined
  }

  const done = run().catch((err: Error) => {
    o.onError?.(err)
    return err
  })
  void done.then(() => close?.().catch(() => undefined))

  return {
    park: o.park,
    get position() {
      return position
    },
    get restarts() {
      return restarts
    },
    done,
    async stop() {
      stopped = true
      await close?.().catch(() => undefined)
      await done
    },
  }
}

/**
 * READINGS was made again (deleted, or the NATS cluster rebuilt on empty disks: its creation
 * time is later than the feed saw, or than the message at the position was stored) or lost its
 * tail with a majority of the NATS machines (it ends before the position). Its new messages
 * have sequences at or below the position. When the feed knows when the message
 * at its position was stored, it reads on from the first message stored later (`onRebase`);
 * otherwise it reads on from the position and hands nothing over until the stream passes it,
 * the park not evaluated meanwhile — said at each opening of the feed's consumer
 * (park-runner.ts: an error in the log, `behind` in health), never silently.
 */
export class StreamBehindError extends Error {
  constructor(readonly park: string, readonly position: number, readonly lastSeq: number) {
    super(`park ${park}: ${READINGS_STREAM} was made again, or lost its tail with a majority of the NATS machines (it ends at sequence ${lastSeq}; this park's position is ${position})`)
  }
}

/** When READINGS stored a message, in ms since 1970. */
function storedAt(m: JsMsg): number {
  return Math.floor(m.info.timestampNanos / 1e6)
}

/**
 * An ordered consumer on the park's readings from `start`, retried while JetStream does not
 * answer (an attempt is given up after 2 s: during an election a request may wait out the
 * client's whole 5 s timeout); undefined once stopped.
 */
async function open(js: JetStreamClient, park: string, start: number, maxBatch: number, stopped: () => boolean): Promise<{ consumer: Consumer; messages: ConsumerMessages } | undefined> {
  for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
    const attempt = (async () => {
      const consumer = await js.consumers.get(READINGS_STREAM, { filter_subjects: parkReadingsFilter(park), deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start })
      // Pull requests of 3 s (server heartbeats every 1.5 s) so a consumer whose server died is
      // noticed in ≈ 3 s, not the 30 s of the default pull.
      return { consumer, messages: await consumer.consume({ max_messages: maxBatch * 2, expires: 3000 }) }
    })()
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), 2000)))
    try {
      const got = await Promise.race([attempt, late])
      if (got !== 'late') return got
      // given up: whatever it makes later is closed
      void attempt.then((a) => a.messages.close()).catch(() => undefined)
    } catch (err) {
      if ((err as Error).message === 'stream not found') throw err
    } finally {
      clearTimeout(timer)
    }
    if (stopped()) return undefined
    await new Promise((r) => setTimeout(r, wait))
  }
}

/** The turn, or a TurnDeadlineError once `ms` passed (the turn itself is left to settle on its own). */
async function turnWithin(turn: Promise<void> | void, ms: number, park: string, through: number): Promise<void> {
  if (!(turn instanceof Promise)) return
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new TurnDeadlineError(park, through, ms)), ms)))
  turn.catch(() => undefined)
  try {
    await Promise.race([turn, late])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The consumer's messages ended at once (the feed's iterator sees no more), its removal from
 * the server waited for at most 2 s: `close()` of a consumer opened a moment before, in a
 * stream made again, was seen never to settle, which held the feed's stop and the hub's.
 */
async function closeWithin(messages: ConsumerMessages): Promise<void> {
  messages.stop()
  await within(messages.close(), 2000).catch(() => undefined)
}

function decode(park: string, m: JsMsg, onError: ((err: Error) => void) | undefined): FeedMessage | undefined {
  try {
    const device = fromToken(m.subject.split('.')[2] ?? '')
    return { seq: m.seq, time: storedAt(m), park, device, message: decodeReadings(m.data) }
  } catch (err) {
    onError?.(new Error(`park ${park}: READINGS message ${m.seq} on ${m.subject} skipped: ${(err as Error).message}`))
    return undefined
  }
}
