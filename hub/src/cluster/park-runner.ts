import type { NatsLink } from './nats-link.js'
import { ensureStateStream, FencedError, FencedParkLog } from './fenced-park-log.js'
import { startParkFeed, StreamBehindError, TurnDeadlineError, type ParkFeed } from './park-feed.js'
import { startPositionAt } from './readings-positions.js'
import { startParkOwnership, type OwnershipLossReason, type ParkLeaseView, type ParkOwnership } from './park-ownership.js'
import { parkStateOf, type ParkRecord, type ParkRules, type ParkSnapshot } from './park-state.js'
import type { ReadingsMessage } from './readings-codec.js'

/**
 * Cluster mode's parks, each evaluated on exactly one node (docs/cluster.md):
 *
 *   ownership (park-ownership.ts) → on acquiring a park: take its fenced log over
 *   (fenced-park-log.ts), hand what the last owner left to the safety loop (`adopt`, same
 *   alarm ids), write a snapshot, then feed it the park's readings from the log's position
 *   (park-feed.ts); each turn's alarm and incident records go to the log in one fenced write
 *   with the position processed through. On losing it (lease gone, moved, fenced, stopping):
 *   stop the feed, write what is left when still allowed (a move, a clean stop), give the park
 *   up in the safety loop.
 *
 * `owns(park)` is what the safety loop asks before it evaluates anything of a park. Records
 * produced outside a turn (the deadman, off-delays, an operator's action) are written within
 * FLUSH_MS. A write the log refuses because a newer owner took over stops the park at once
 * (`ownership.fenced`, the lease given up). A write whose fate is unknown — it failed, or the
 * turn waiting on it did not settle within the feed's deadline (park-feed.ts TURN_DEADLINE_MS)
 * — makes the node take the park over again under the same lease (`ownership.retake`): its
 * state is dropped and read back from the log, with what did land, and the feed resumes from
 * the log's position (no reading applied twice, none skipped). Counted in health as `retakes`
 * (`turnDeadlines` of them after a turn past its deadline).
 */

/** Records of changes outside a feed turn (timers, operator actions) wait at most this long for their write. */
const FLUSH_MS = 100
/**
 * A park's log is snapshotted when this many records were written since the last snapshot, or
 * SNAPSHOT_MS after the first: a takeover reads at most that much (100 messages: 37 ms here,
 * fenced-park-log.ts), and the rules' conditions on the log are at most that old (park-state.ts).
 */
const SNAPSHOT_RECORDS = 500
const SNAPSHOT_MS = 10_000
/**
 * A turn that changed nothing of the park's alarms and incidents is not written at once: its
 * position goes with the next write, or after this long. A takeover then processes again at
 * most this much of the readings that changed nothing (it changes nothing again); a write per
 * turn held each park's feed to one replicated write per batch and left it behind under load.
 */
const POSITION_MS = 1000
/** A park never owned before is evaluated from its readings of the last minute (those published while the nodes settled). */
const FIRST_OWNER_LOOKBACK_MS = 60_000

/** The safety loop as the runner drives it. */
export interface ParkTarget {
  adoptPark(park: string, state: ParkSnapshot | undefined): void
  parkSnapshot(park: string): ParkSnapshot
  /** The rules' state of these devices of the park (and its correlation areas). */
  parkRules(park: string, devices: ReadonlySet<string>): ParkRules
}

export interface ParkRunnerOptions {
  link: NatsLink
  node: string
  leaseMs: number
  replicas: number
  parks: () => readonly string[]
  target: () => ParkTarget
  /** Hand one message of an owned park's readings to the safety loop (cluster-node.ts `feed`). */
  feed: (m: ReadingsMessage) => void
  /** Told after a park is running here / before it stops (live view and actions follow ownership). */
  onRunning?: (park: string) => void
  onStopping?: (park: string) => void
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void }
}

/** A READINGS sequence processed through, and when READINGS stored that message. */
interface Position {
  seq: number
  time: number
}

interface Running {
  log: FencedParkLog
  feed: ParkFeed | undefined
  pending: ParkRecord[]
  sinceSnapshot: number
  snapshotAt: number
  writing: Promise<unknown>
  /** Processed through (with its stored time), not written yet (turns without records), and when a position was last written. */
  unwritten: Position | undefined
  positionAt: number
  /** A write or turn failed: the park is being stopped or taken over again. */
  failed: boolean
}

export interface ParkRunnerStats {
  owned: string[]
  alive: string[]
  takeovers: number
  lost: Record<string, number>
  recordsWritten: number
  fenced: number
  /** Parks taken over again from their log after a write whose fate was unknown. */
  retakes: number
  /** Of those, turns whose write did not settle within the feed's deadline. */
  turnDeadlines: number
  /**
   * Parks whose feed found READINGS ending before their position (park-feed.ts StreamBehindError):
   * not evaluated until the stream passes it. Cleared by the park's next turn or its loss.
   */
  behind: Record<string, { position: number; lastSeq: number }>
  /**
   * Parks whose feed found READINGS ending before their position and read on from the
   * messages stored after it (park-feed.ts onRebase): each one's last move.
   */
  rebased: Record<string, { from: number; to: number; lastSeq: number }>
  lastError: string | undefined
}

export class ParkRunner {
  private readonly running = new Map<string, Running>()
  private ownership: ParkOwnership | undefined
  private stopOwnership: ((o?: { release?: boolean }) => Promise<void>) | undefined
  private timer: NodeJS.Timeout | undefined
  private readonly s: ParkRunnerStats = { owned: [], alive: [], takeovers: 0, lost: {}, recordsWritten: 0, fenced: 0, retakes: 0, turnDeadlines: 0, behind: {}, rebased: {}, lastError: undefined }

  constructor(private readonly o: ParkRunnerOptions) {}

  /**
   * Whether this node evaluates `park` now: it runs it and its lease is valid by this node's own
   * clock. A node paused past its lease (SIGSTOP, a VM stall) evaluates nothing of the park when
   * it resumes, before it even learns that the lease moved: no alarm raised, nothing pushed.
   */
  owns(park: string): boolean {
    return this.running.has(park) && (this.ownership?.holds(park) ?? false)
  }

  /** Every record the safety loop persists for a park (its `onParkRecord`). */
  record(park: string, r: ParkRecord): void {
    this.running.get(park)?.pending.push(r)
  }

  /** Resolves when the park's records so far are on its fenced log (an operator's action answers then). */
  async flush(park: string): Promise<void> {
    const r = this.running.get(park)
    if (r) await this.write(park, r)
  }

  ownerOf(park: string): string | undefined {
    return this.ownership?.ownerOf(park)
  }

  async move(park: string, to: string): Promise<void> {
    if (!this.ownership) throw new Error('cluster ownership not started')
    await this.ownership.move(park, to)
  }

  get leaseMs(): number {
    return this.o.leaseMs
  }

  /** The park's lease holder as the bucket says now (undefined: free). */
  async leaseHolder(park: string): Promise<string | undefined> {
    if (!this.ownership) throw new Error('cluster ownership not started')
    return (await this.ownership.lease(park))?.node
  }

  /** Whether ownership has started (the API answers 503 before). */
  get started(): boolean {
    return this.ownership !== undefined
  }

  /** Live nodes (the roster) and every park's lease, as the buckets say now. */
  async view(): Promise<{ node: string; alive: string[]; parks: ParkLeaseView[] }> {
    if (!this.ownership) throw new Error('cluster ownership not started')
    const [alive, parks] = await Promise.all([this.ownership.alive(), this.ownership.view()])
    return { node: this.o.node, alive: [...alive].sort(), parks }
  }

  async start(): Promise<void> {
    const { link, log } = this.o
    await ensureStateStream(link.jsm, { replicas: this.o.replicas })
    // What this node's books hold from an earlier run is not its to keep: each park is adopted
    // from its log when (and if) this node acquires it.
    for (const p of this.o.parks()) this.o.target().adoptPark(p, undefined)
    const started = await startParkOwnership(link.nc, {
      node: this.o.node, leaseMs: this.o.leaseMs, replicas: this.o.replicas, parks: this.o.parks,
      onAcquired: (park, token, epoch) => this.acquired(park, token, epoch),
      onLost: (park, reason) => this.lost(park, reason),
      onError: (err) => {
        this.s.lastError = err.message
        log.warn({ err: err.message }, 'park ownership')
      },
    })
    this.ownership = started.ownership
    this.stopOwnership = started.stop
    this.timer = setInterval(() => this.flushAll(), FLUSH_MS)
    this.timer.unref()
  }

  private async acquired(park: string, token: number, epoch: string): Promise<void> {
    const { link } = this.o
    const started = performance.now()
    const since = Date.now() - FIRST_OWNER_LOOKBACK_MS
    const log: FencedParkLog = await FencedParkLog.takeover(link.js, link.jsm, {
      park, node: this.o.node, token, epoch,
      initialPosition: () => startPositionAt(link.js, link.jsm, park, new Date(since)),
      initialPositionTime: since - 1,
      // Only this log's fence stops the park: a log given up before (a retake) may still see its last write refused.
      onFenced: () => {
        if (this.running.get(park)?.log === log) void this.ownership?.fenced(park)
      },
    })
    const state = parkStateOf(park, log.loaded)
    const target = this.o.target()
    target.adoptPark(park, state)
    const r: Running = { log, feed: undefined, pending: [], sinceSnapshot: 0, snapshotAt: Date.now(), writing: Promise.resolve(), unwritten: undefined, positionAt: Date.now(), failed: false }
    this.running.set(park, r)
    try {
      // The log starts again from what this node now holds (and the takeover's position).
      await log.snapshot(target.parkSnapshot(park))
    } catch (err) {
      // Not taken over after all: ownership releases the lease (the error is onAcquired's).
      this.running.delete(park)
      target.adoptPark(park, undefined)
      throw err
    }
    const after = log.position ?? 0
    r.feed = startParkFeed(link.js, {
      park, after, afterTime: log.positionTime,
      onBatch: async (batch, seq, time) => {
        if (!this.owns(park)) throw new Error(`park ${park}: lease no longer valid here, ${batch.length} messages left to the next owner`)
        delete this.s.behind[park]
        for (const m of batch) this.o.feed(m.message)
        if (r.pending.length === 0 && Date.now() - r.positionAt < POSITION_MS) r.unwritten = { seq, time }
        else await this.write(park, r, { seq, time })
      },
      onRebase: async (to, behind) => {
        if (!this.owns(park)) throw new Error(`park ${park}: lease no longer valid here, not moved back to READINGS ${to}`)
        // A position of the old stream not written yet is meaningless in the new one.
        r.unwritten = undefined
        await r.writing
        await r.log.rebase(to, { from: behind.position, lastSeq: behind.lastSeq })
        delete this.s.behind[park]
        this.s.rebased[park] = { from: behind.position, to, lastSeq: behind.lastSeq }
        this.s.lastError = behind.message
        this.o.log.error({ park, from: behind.position, to, lastSeq: behind.lastSeq, since: new Date(log.positionTime ?? 0).toISOString() }, `park feed: ${behind.message}; the park reads on from READINGS ${to + 1}, its messages stored after the last one it processed`)
      },
      onError: (err) => {
        if (!(err instanceof StreamBehindError)) return this.o.log.warn({ park, err: err.message }, 'park feed')
        this.s.behind[park] = { position: err.position, lastSeq: err.lastSeq }
        this.s.lastError = err.message
        this.o.log.error({ park, err: err.message, position: err.position, lastSeq: err.lastSeq }, 'park feed: READINGS is behind the park\'s position and the position\'s time is not known; the park is not evaluated until the stream passes it')
      },
    })
    void r.feed.done.then((err) => {
      if (err) this.failed(park, r, err)
    })
    this.s.takeovers++
    this.s.owned = [...this.running.keys()].sort()
    this.o.log.info({ park, token, after, alarms: state.alarms.length, incidents: state.incidents.length, previous: log.loaded.previous?.node, ms: Math.round(performance.now() - started) }, 'park taken over')
    this.o.onRunning?.(park)
  }

  /** The park's pending records (with `position` when a turn ends) in one fenced write; a snapshot when due. */
  private write(park: string, r: Running, at?: Position): Promise<unknown> {
    const records = r.pending
    r.pending = []
    // The conditions behind the alarms that changed, as they are now: the next owner continues them.
    const devices = new Set<string>()
    for (const x of records) if ('a' in x) devices.add(x.a.alarm.device)
    if (devices.size > 0) records.push({ c: { devices: [...devices], rules: this.o.target().parkRules(park, devices) } })
    const position = at ?? r.unwritten
    r.unwritten = undefined
    if (position !== undefined) r.positionAt = Date.now()
    const run = r.writing.then(async () => {
      if (records.length > 0 || position !== undefined) await r.log.append(records, position === undefined ? {} : { position: position.seq, positionTime: position.time })
      this.s.recordsWritten += records.length
      r.sinceSnapshot += records.length
      if (r.sinceSnapshot >= SNAPSHOT_RECORDS || (r.sinceSnapshot > 0 && Date.now() - r.snapshotAt >= SNAPSHOT_MS)) {
        r.sinceSnapshot = 0
        r.snapshotAt = Date.now()
        await r.log.snapshot(this.o.target().parkSnapshot(park))
      }
    })
    r.writing = run.catch(() => undefined)
    run.catch((err: Error) => this.failed(park, r, err))
    return run
  }

  private flushAll(): void {
    for (const [park, r] of this.running) {
      const due = r.pending.length > 0 || (r.unwritten !== undefined && Date.now() - r.positionAt >= POSITION_MS) || (r.sinceSnapshot > 0 && Date.now() - r.snapshotAt >= SNAPSHOT_MS)
      if (due) void this.write(park, r).catch(() => undefined)
    }
  }

  /**
   * A write or a turn of the running park `r` failed (once per run of a park: later failures of
   * the same run are the same cause). Fenced: stop now, the lease given up. Anything else leaves
   * the log's state unknown: give this log up and take the park over again from what landed.
   */
  private failed(park: string, r: Running, err: Error): void {
    if (this.running.get(park) !== r || r.failed) return
    r.failed = true
    this.s.lastError = err.message
    // A lease no longer valid here is never taken again by this node on its own: it may have moved.
    if (err instanceof FencedError || r.log.fenced || !this.owns(park)) {
      if (err instanceof FencedError || r.log.fenced) this.s.fenced++
      this.o.log.warn({ park, err: err.message }, 'park stopped: its state log refused a write, or its lease is no longer valid here')
      void this.ownership?.fenced(park)
      return
    }
    r.log.fail()
    this.s.retakes++
    if (err instanceof TurnDeadlineError) this.s.turnDeadlines++
    this.o.log.error({ park, err: err.message, position: r.log.position, retakes: this.s.retakes, turnDeadlines: this.s.turnDeadlines }, 'park state write not settled: taking the park over again from its log')
    void this.ownership?.retake(park)
  }

  private async lost(park: string, reason: OwnershipLossReason): Promise<void> {
    const r = this.running.get(park)
    if (!r) return
    this.o.onStopping?.(park)
    // Not evaluated from here on: readings, ticks and actions of the park no longer reach the books.
    this.running.delete(park)
    this.s.owned = [...this.running.keys()].sort()
    this.s.lost[reason] = (this.s.lost[reason] ?? 0) + 1
    await r.feed?.stop()
    if (reason === 'moved' || reason === 'stopped') {
      // Handing over in order: what this node did last is on the log before the next owner reads it.
      await this.write(park, r).catch(() => undefined)
      await r.writing
    }
    this.o.target().adoptPark(park, undefined)
    this.o.log.info({ park, reason }, 'park given up')
  }

  stats(): ParkRunnerStats {
    const o = this.ownership?.stats()
    const behind = Object.fromEntries(Object.entries(this.s.behind).filter(([park]) => this.running.has(park)))
    return { ...this.s, owned: [...this.running.keys()].sort(), alive: o?.alive ?? [], lost: { ...this.s.lost }, behind, rebased: { ...this.s.rebased } }
  }

  /** Stop claiming; with `release` (a clean shutdown) every park is handed over at once, else left to expire. */
  async stop(o: { release?: boolean } = {}): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    await this.stopOwnership?.(o)
    for (const [park, r] of this.running) {
      this.running.delete(park)
      await r.feed?.stop()
    }
  }
}
