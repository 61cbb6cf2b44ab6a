import { randomUUID } from 'node:crypto'
import { JetStreamApiError, StorageType, type JetStreamClient, type JetStreamManager, type MsgRequest } from '@nats-io/jetstream'
import { isWrongLastSequence, retrying } from './park-leases.js'
import { STATE_STREAM, stateSubject } from './subjects.js'

/**
 * A park owner's state log, fenced: stream PARK_STATE, one subject per park (`state.<park>`).
 *
 * API
 *   await ensureStateStream(jsm, { replicas })
 *   const log = await FencedParkLog.takeover(js, jsm, { park, node, token, initialPosition? })
 *   log.loaded          // { snapshot, records, position, previous } as the last owner left it
 *   await log.append(records, { position })   // one message per turn of the safety loop
 *   await log.snapshot(state, { position })   // restarts the log from `state`, older messages purged
 *   log.fenced          // true once a newer owner took over; every later write throws FencedError
 *
 * The fence. Every write names the sequence of the subject's previous message
 * (`Nats-Expected-Last-Subject-Sequence`); the stream's leader applies writes one at a time, so
 * of two writes naming the same predecessor exactly one is stored. A new owner reads the
 * subject's last sequence L and writes a `takeover` record expecting L; from then on the old
 * owner's next write names a predecessor that is no longer the last one and is refused — a
 * paused owner resuming after its lease moved changes nothing. If the old owner's write landed
 * first, the takeover is refused instead, and the new owner reads again (that write is then part
 * of the state it restores) and writes its takeover after it. The lease revision (`token`, from
 * park-leases.ts) rides in every record with the lease bucket's creation time (`epoch`): a
 * takeover is refused outright when the log already holds a record of a newer lease of the same
 * bucket, so a claimant that was itself delayed past its lease cannot fence the rightful owner
 * (a bucket made anew — revisions start again at 1 — does not block takeovers). A write retried
 * after a timeout carries the same `Nats-Msg-Id` (unique per log instance and write), so a write
 * that did land is answered as a duplicate, not mistaken for a fence.
 *
 * Position: `position` is the READINGS stream sequence the owner has processed through, written
 * in the same message as the records that processing produced, so state and position move
 * together: a new owner resumes its feed (park-feed.ts) right after `loaded.position` — no
 * reading applied twice, none skipped, even when the old owner died between processing and
 * writing (its unwritten turn is processed again, and only once). A park never owned before has
 * no position: `initialPosition()` gives one and the takeover record stores it, so every later
 * owner starts from the same place. With the position goes `positionTime`, when READINGS stored
 * the message at it: if the stream is made again or loses its tail, the owner reads on from
 * the first message stored later and writes that move with `rebase` — the one write that may
 * take the position back (park-feed.ts `onRebase`).
 *
 * A write that fails otherwise (no answer for `writeTimeoutMs`) leaves it unknown whether it
 * landed: the log refuses further writes too (`failed`), and the owner must stop the park and
 * take it over again, which reads what did land.
 */

export type StateKind = 'takeover' | 'records' | 'snapshot'

export interface StateMessage {
  v: 1
  kind: StateKind
  node: string
  /** The writer's lease revision (fencing token). */
  token: number
  /** Creation time of the lease bucket the token comes from. */
  epoch?: string
  /** READINGS sequence processed through. */
  position?: number
  /** When READINGS stored the message at `position` (ms since 1970): where the park reads on from if the stream is made again or loses its tail. */
  positionTime?: number
  /** The position moved back to where READINGS's messages newer than `positionTime` start (the stream ended at `lastSeq`, before `from`). */
  rebase?: { from: number; lastSeq: number }
  records?: unknown[]
  state?: unknown
}

export interface LoadedPark {
  /** The last snapshot's state, if any. */
  snapshot: unknown
  /** Every record written after the last snapshot, in order (a turn's records in their order). */
  records: unknown[]
  /** READINGS sequence processed through, undefined for a park never owned before. */
  position: number | undefined
  /** When READINGS stored the message at `position`, when known (written with the position since the turns carry it). */
  positionTime: number | undefined
  /** The writer of the subject's last message before this takeover. */
  previous: { node: string; token: number } | undefined
}

export class FencedError extends Error {
  constructor(
    readonly park: string,
    detail: string,
  ) {
    super(`park ${park}: fenced, ${detail}`)
    this.name = 'FencedError'
  }
}

export interface TakeoverOptions {
  park: string
  node: string
  token: number
  /** The lease bucket's creation time (ParkOwnership.epoch); tokens compare only within one. */
  epoch?: string
  /** Where a park never owned before starts reading (park-feed.ts startPositionAt). */
  initialPosition?: () => Promise<number>
  /** Every message after the initial position was stored after this time (ms): the lookback's start, less 1 ms. */
  initialPositionTime?: number
  /** Called once when a write is refused because a newer owner took over. */
  onFenced?: (park: string) => void
  /**
   * How long a write is retried while the stream does not answer; 15 s by default: a new
   * stream leader after a NATS server died took about 4 – 5 s here, and waiting is safe (a
   * write that lands after a newer owner's takeover is refused anyway).
   */
  writeTimeoutMs?: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const WRITE_TIMEOUT_MS = 15_000
/** A park's log is at most a snapshot and the turns since: read in well under a second here (100 messages: 37 ms). */
const READ_TIMEOUT_MS = 15_000

/** PARK_STATE: file storage, no limits (a park's subject is trimmed by its owner's snapshots), 2 min dedup window. */
export async function ensureStateStream(jsm: JetStreamManager, o: { replicas: number }): Promise<void> {
  const config = { name: STATE_STREAM, subjects: ['state.>'], storage: StorageType.File, num_replicas: o.replicas, duplicate_window: 120_000_000_000 }
  await retrying(`stream ${STATE_STREAM}`, async () => {
    try {
      await jsm.streams.add(config)
    } catch (err) {
      // 10058: stream name already in use (with another configuration)
      if (err instanceof JetStreamApiError && err.code === 10058) await jsm.streams.update(STATE_STREAM, config)
      else throw err
    }
  })
}

export class FencedParkLog {
  private lastSeq: number
  private writes = 0
  private readonly instance = randomUUID()
  private chain: Promise<unknown> = Promise.resolve()
  private state: 'open' | 'fenced' | 'failed' = 'open'
  private pos: number | undefined
  private posTime: number | undefined
  readonly subject: string

  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly o: TakeoverOptions,
    readonly loaded: LoadedPark,
    takeoverSeq: number,
  ) {
    this.subject = stateSubject(o.park)
    this.lastSeq = takeoverSeq
    this.pos = loaded.position
    this.posTime = loaded.positionTime
  }

  get park(): string {
    return this.o.park
  }

  get fenced(): boolean {
    return this.state === 'fenced'
  }

  /** An earlier write failed or was given up (`fail`): every later write throws; take the park over again. */
  get failed(): boolean {
    return this.state === 'failed'
  }

  /**
   * The owner gives this log up (a turn's write did not settle in time): every later write on
   * it throws, and a write still in flight that is then refused does not report a fence — the
   * owner's next takeover is what made it stale.
   */
  fail(): void {
    if (this.state === 'open') this.state = 'failed'
  }

  /** READINGS sequence processed through, as last written. */
  get position(): number | undefined {
    return this.pos
  }

  /** When READINGS stored the message at `position`, as last written; undefined when not known. */
  get positionTime(): number | undefined {
    return this.posTime
  }

  /** Read the park's log and write a takeover record after its last message (the fence). */
  static async takeover(js: JetStreamClient, jsm: JetStreamManager, o: TakeoverOptions): Promise<FencedParkLog> {
    const subject = stateSubject(o.park)
    for (let attempt = 1; ; attempt++) {
      const { loaded, lastSeq, newestToken } = await readLog(jsm, subject, o.epoch)
      if (newestToken > o.token) throw new FencedError(o.park, `its log holds lease ${newestToken}, newer than ours (${o.token})`)
      if (loaded.position === undefined && o.initialPosition) {
        loaded.position = await o.initialPosition()
        loaded.positionTime = o.initialPositionTime
      }
      const msg: StateMessage = { v: 1, kind: 'takeover', node: o.node, token: o.token, ...epochOf(o), ...positionFields(loaded.position, loaded.positionTime) }
      try {
        const seq = await publishFenced(js, subject, msg, lastSeq, `${o.park}:${o.node}:${randomUUID()}`, o.writeTimeoutMs ?? WRITE_TIMEOUT_MS)
        return new FencedParkLog(js, jsm, o, loaded, seq)
      } catch (err) {
        // A write landed between our read and our takeover: read again (it is part of the state).
        if (!isWrongLastSequence(err) || attempt >= 5) throw err
      }
    }
  }

  /** One turn's records (may be empty: the position alone), in one message. */
  async append(records: readonly unknown[], o: { position?: number; positionTime?: number } = {}): Promise<number> {
    return this.write({ v: 1, kind: 'records', node: this.o.node, token: this.o.token, ...epochOf(this.o), records: [...records], ...this.positionOf(o.position, o.positionTime) })
  }

  /**
   * The position moved back, the only way it may: READINGS ended at `lastSeq`, before the
   * position `from` (the stream made again, or its tail lost with a majority of the NATS
   * machines), and the park reads on from `position`, where the messages stored after
   * `positionTime` start (park-feed.ts). Written as an empty turn that names the move.
   */
  async rebase(position: number, o: { from: number; lastSeq: number }): Promise<number> {
    return this.write({ v: 1, kind: 'records', node: this.o.node, token: this.o.token, ...epochOf(this.o), records: [], ...positionFields(position, this.posTime), rebase: { from: o.from, lastSeq: o.lastSeq } })
  }

  /** A snapshot of the whole state: `load` starts from the newest one; the subject's older messages are purged. */
  async snapshot(state: unknown, o: { position?: number; positionTime?: number } = {}): Promise<number> {
    const seq = await this.write({ v: 1, kind: 'snapshot', node: this.o.node, token: this.o.token, ...epochOf(this.o), state, ...this.positionOf(o.position, o.positionTime) })
    // Purging what precedes the snapshot on this subject leaves the snapshot (and anything
    // after it) in place, so the subject's last sequence, hence the fence, is unchanged.
    await this.jsm.streams.purge(STATE_STREAM, { filter: this.subject, seq })
    return seq
  }

  private positionOf(p: number | undefined, time: number | undefined): { position?: number; positionTime?: number } {
    if (p !== undefined && this.pos !== undefined && p < this.pos) throw new Error(`park ${this.o.park}: position ${p} is before ${this.pos}, already written`)
    return p === undefined ? positionFields(this.pos, this.posTime) : positionFields(p, time)
  }

  private write(msg: StateMessage): Promise<number> {
    const run = this.chain.then(async () => {
      if (this.state === 'fenced') throw new FencedError(this.o.park, 'a newer owner took over')
      if (this.state === 'failed') throw new Error(`park ${this.o.park}: an earlier write failed; take the park over again`)
      const id = `${this.o.park}:${this.o.node}:${this.instance}:${++this.writes}`
      try {
        this.lastSeq = await publishFenced(this.js, this.subject, msg, this.lastSeq, id, this.o.writeTimeoutMs ?? WRITE_TIMEOUT_MS)
        if (msg.position !== undefined) {
          this.pos = msg.position
          this.posTime = msg.positionTime
        }
        return this.lastSeq
      } catch (err) {
        if (isWrongLastSequence(err)) {
          const was = this.state
          this.state = 'fenced'
          if (was === 'open') this.o.onFenced?.(this.o.park)
          throw new FencedError(this.o.park, `its log moved past sequence ${this.lastSeq}: ${(err as Error).message}`)
        }
        if (this.state === 'open') this.state = 'failed'
        throw err
      }
    })
    this.chain = run.catch(() => undefined)
    return run
  }
}

function positionFields(position: number | undefined, time: number | undefined): { position?: number; positionTime?: number } {
  if (position === undefined) return {}
  return time === undefined ? { position } : { position, positionTime: time }
}

function epochOf(o: { epoch?: string }): { epoch?: string } {
  return o.epoch === undefined ? {} : { epoch: o.epoch }
}

/** Publish expecting `lastSeq` as the subject's last sequence, retrying (same msg id) while the stream does not answer. */
async function publishFenced(js: JetStreamClient, subject: string, msg: StateMessage, lastSeq: number, msgID: string, timeoutMs: number): Promise<number> {
  const data = encoder.encode(JSON.stringify(msg))
  const until = Date.now() + timeoutMs
  for (;;) {
    try {
      const ack = await js.publish(subject, data, { msgID, expect: { lastSubjectSequence: lastSeq }, timeout: Math.max(200, Math.min(2000, until - Date.now())) })
      return ack.seq
    } catch (err) {
      if (isWrongLastSequence(err) || Date.now() >= until) throw err
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

/**
 * Everything on the subject after its last snapshot, with the subject's last sequence and the
 * newest lease seen of bucket `epoch`. Read message by message from the stream's leader
 * (`next_by_subj` from the sequence after the previous one), not through a consumer: a new
 * consumer of one replica can be placed on a NATS server that just died, which JetStream still
 * counts as a peer for some seconds, and a takeover after a machine's loss then waited for its
 * whole READ_TIMEOUT_MS (measured: a park's takeover failed after 15 s, taken at the next try
 * 1 s later). Reading stops at that last sequence, or fails after READ_TIMEOUT_MS without it.
 */
async function readLog(jsm: JetStreamManager, subject: string, epoch: string | undefined): Promise<{ loaded: LoadedPark; lastSeq: number; newestToken: number }> {
  const loaded: LoadedPark = { snapshot: undefined, records: [], position: undefined, positionTime: undefined, previous: undefined }
  const last = await jsm.streams.getMessage(STATE_STREAM, { last_by_subj: subject })
  if (!last) return { loaded, lastSeq: 0, newestToken: 0 }
  let newestToken = 0
  const until = Date.now() + READ_TIMEOUT_MS
  for (let from = 1; from <= last.seq; ) {
    if (Date.now() > until) throw new Error(`${subject}: read up to sequence ${from - 1} of ${last.seq} in ${READ_TIMEOUT_MS / 1000} s`)
    // STREAM.MSG.GET takes `next_by_subj` (nats-server 2.9); the client's type names it only for direct gets.
    const m = await jsm.streams.getMessage(STATE_STREAM, { seq: from, next_by_subj: subject } as unknown as MsgRequest)
    if (!m) throw new Error(`${subject}: sequence ${from} to ${last.seq} gone while reading (purged by a snapshot of another owner?)`)
    const s = JSON.parse(decoder.decode(m.data)) as StateMessage
    if (s.v !== 1) throw new Error(`${subject}: state message ${m.seq} of unknown version ${JSON.stringify(s.v)}`)
    if (s.kind === 'snapshot') {
      loaded.snapshot = s.state
      loaded.records = []
    } else if (s.kind === 'records' && s.records) {
      for (const r of s.records) loaded.records.push(r)
    }
    if (s.position !== undefined) {
      loaded.position = s.position
      loaded.positionTime = s.positionTime
    }
    if (s.epoch === epoch) newestToken = Math.max(newestToken, s.token)
    loaded.previous = { node: s.node, token: s.token }
    from = m.seq + 1
  }
  return { loaded, lastSeq: last.seq, newestToken }
}
