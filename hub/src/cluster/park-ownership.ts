import { jetstream, type JetStreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { KV } from '@nats-io/kv'
import { NodeRoster } from './node-roster.js'
import { preferLastOwner, rankNodes } from './park-ranking.js'
import { isWrongLastSequence, openTtlBucket, ParkLeases, presentKeys, retrying, type LeaseLossReason } from './park-leases.js'
import { LEASE_BUCKET, MOVES_BUCKET, NODES_BUCKET } from './subjects.js'

/**
 * Which parks this node runs. Every node runs the same rule, on what the buckets say:
 *
 * - Spread: the parks rank the live nodes by rendezvous hashing (highest sha-256 of
 *   park + node first); a node claims a free park it ranks first for. Nodes started together
 *   wait until the roster has not changed for `settleMs` (one lease time by default; at most
 *   three) so each sees the others before claiming.
 * - Failover: a park whose lease expired is free; the best-ranked live node claims it at its
 *   next check — its last owner first, when that one is live (`preferLastOwner`: after a NATS
 *   election every park goes back where it was). If that node does not (it is stuck but still
 *   heartbeating), the node ranked i-th claims after the park stayed free i lease times — after a NATS election, not while
 *   a better-ranked node whose heartbeat lapsed in it may still come back (two lease times at
 *   most, `present`). Killed owner at t: its lease is gone
 *   by t + lease (5 s), its roster entry too, the next check (lease/5 = 1 s) claims: measured
 *   in tests/integration/cluster-leases.test.ts against the 10 s target.
 * - No automatic move back: a node claims only free parks, so a returning node (even the one a
 *   park ranks first) takes nothing from a live owner.
 * - Operator move: `move(park, toNode)` writes `park_moves/<park>` = { to }. The owner sees it
 *   at its next check, stops the park (`onLost(park, 'moved')`, awaited: the caller's last
 *   state write happens there), deletes its lease; the target claims it at its next check (no
 *   other node claims a park moved to a live node for one lease time). The park pauses for
 *   about two check periods. The move record is removed by the target once it holds the park,
 *   or expires with the bucket's max age (12 leases) if the target never claims it.
 *
 * API
 *   const { ownership, stop } = await startParkOwnership(nc, { node, leaseMs, replicas, parks: () => ids,
 *     onAcquired: async (park, token, epoch) => …, onLost: async (park, reason) => … })
 *   ownership.owned(); ownership.ownerOf(park); await ownership.move(park, node)
 *   await ownership.fenced(park); ownership.stats(); await stop({ release: true })
 *
 * `onAcquired` gets the lease's revision, the fencing token for fenced-park-log.ts's takeover,
 * and the lease bucket's epoch;
 * if it throws, the lease is released again. `onLost` fires when the lease is taken, expired
 * (we could not renew: paused, cut off from the quorum), moved, fenced (`fenced(park)`, which
 * the caller calls when the park's log refused a write) or the node stops. A park's callbacks
 * never overlap: onLost waits for an onAcquired still running. `stats()` is for health. Ownership
 * alone never fences: a paused owner may still act until it notices — its writes are refused
 * by the fenced park log, which is what makes a lost lease harmless.
 */

export type OwnershipLossReason = LeaseLossReason | 'moved' | 'stopped' | 'fenced' | 'retaken'

/** Why an operator's move was refused; the API answers 409 with the message. */
export class MoveRefused extends Error {
  constructor(
    readonly reason: 'node not alive' | 'already there',
    message: string,
  ) {
    super(message)
    this.name = 'MoveRefused'
  }
}

/** A park as the lease bucket says now (GET /api/v1/cluster). */
export interface ParkLeaseView {
  park: string
  /** Undefined while the park is free (its owner gone, not claimed yet). */
  owner: string | undefined
  /** The lease's fencing token: the revision that acquired it. */
  token: number | undefined
  /** When the owner acquired the lease (its wall clock, ms). */
  since: number | undefined
  /** An operator's move waiting to be carried out. */
  movingTo: string | undefined
}

export interface ParkOwnershipOptions {
  node: string
  leaseMs: number
  leases: KV
  moves: KV
  roster: NodeRoster
  jsm: JetStreamManager
  /** The lease bucket's creation time: tokens (revisions) compare only within one bucket. */
  epoch: string
  /** The zone's parks (read at every check). */
  parks: () => readonly string[]
  /** `token` and `epoch` go to FencedParkLog.takeover. */
  onAcquired: (park: string, token: number, epoch: string) => Promise<void> | void
  onLost: (park: string, reason: OwnershipLossReason) => Promise<void> | void
  onError?: (err: Error) => void
  /** Period of the claim check; leaseMs / 5 by default. */
  checkMs?: number
  /** Wait after start before claiming; leaseMs by default. */
  settleMs?: number
}

interface MoveRecord {
  to: string
  by: string
  at: number
}

const encoder = new TextEncoder()

export class ParkOwnership {
  readonly node: string
  /** Pass with the token to FencedParkLog.takeover. */
  readonly epoch: string
  private readonly leases: ParkLeases
  private readonly owners = new Map<string, string>()
  /** Who held each park last, as this node saw it: kept when the lease lapses, for `preferLastOwner`. */
  private readonly lastOwners = new Map<string, string>()
  private readonly freeSince = new Map<string, number>()
  /** Parks between a claim and the end of onAcquired, or being given up: not touched by checks. */
  private readonly busy = new Set<string>()
  private readonly startedAt = performance.now()
  private readonly turns = new Map<string, Promise<void>>()
  private lastAlive: readonly string[] = []
  /**
   * The roster as last read in steady times, and when its reads last came back from failing or
   * stalling or one of its leases lapsed (a NATS election): for two lease times after that, nodes of the steady roster that
   * are missing count as present when parks are ranked (unless silent to probes: present()). Their heartbeats lapsed with everyone's
   * during the election, and the first node back otherwise ranked first for every park and took
   * them all (tests/integration/cluster-leases-spread, the leases' leader killed on a busy
   * machine: 12 parks on one node instead of their owners); with one lease time, a node whose
   * NATS connection was to the killed server (it reconnects first) still lost one park in a
   * clean-clone CI run.
   */
  private steadyAlive: readonly string[] = []
  private troubled = false
  private troubleEndedAt = Number.NEGATIVE_INFINITY
  private lastCheckAt: number | undefined
  private lastError: string | undefined
  private rosterSeen = ''
  private rosterSince = 0
  private settled = false
  private timer: NodeJS.Timeout | undefined
  private checking: Promise<void> | undefined
  private stopped = false

  constructor(private readonly o: ParkOwnershipOptions) {
    this.node = o.node
    this.epoch = o.epoch
    this.leases = new ParkLeases(o.leases, { node: o.node, leaseMs: o.leaseMs, onLost: (park, reason) => this.lost(park, reason) })
  }

  start(): void {
    if (this.timer || this.stopped) return
    this.timer = setInterval(() => void this.check(), this.o.checkMs ?? Math.round(this.o.leaseMs / 5))
    this.timer.unref()
    void this.check()
  }

  /** Whether this node has started claiming (its roster view settled after start). */
  get claiming(): boolean {
    return this.settled
  }

  /** Parks this node holds now. */
  owned(): string[] {
    return [...this.leases.held().keys()].sort()
  }

  /** Whether this node's lease of the park is still valid by its own clock (renewed within the lease time). */
  holds(park: string): boolean {
    return this.leases.holds(park)
  }

  /** The fencing token of a park this node holds. */
  token(park: string): number | undefined {
    return this.leases.held().get(park)
  }

  /** The owner seen at the last check (this node for its own parks), or undefined when free. */
  ownerOf(park: string): string | undefined {
    return this.leases.held().has(park) ? this.node : this.owners.get(park)
  }

  alive(): Promise<string[]> {
    return this.o.roster.alive()
  }

  /** An operator's move of a park to a live node; the owner hands it over at its next check. */
  async move(park: string, to: string): Promise<void> {
    const alive = await this.o.roster.alive()
    if (!alive.includes(to)) throw new MoveRefused('node not alive', `cannot move park ${park} to ${to}: no such live node (alive: ${alive.join(', ') || 'none'})`)
    const holder = await this.leases.holder(park)
    if (holder?.node === to) throw new MoveRefused('already there', `park ${park} is already on ${to}`)
    await this.o.moves.put(park, encoder.encode(JSON.stringify({ to, by: this.node, at: Date.now() } satisfies MoveRecord)))
  }

  /** The park's lease as the bucket says now (any node's), or undefined when free. */
  lease(park: string): Promise<{ node: string; token: number; since: number | undefined } | undefined> {
    return this.leases.lease(park)
  }

  /** Every park's lease and pending move as the buckets say now, read from their streams' leaders. */
  async view(): Promise<ParkLeaseView[]> {
    const moving = new Set(await presentKeys(this.o.jsm, MOVES_BUCKET))
    const parks = [...new Set(this.o.parks())].sort()
    return Promise.all(parks.map(async (park): Promise<ParkLeaseView> => {
      const [lease, move] = await Promise.all([this.leases.lease(park), moving.has(park) ? this.moveOf(park) : undefined])
      return { park, owner: lease?.node, token: lease?.token, since: lease?.since, movingTo: move?.to }
    }))
  }

  /**
   * Take a park this node holds over again, keeping its lease (the same fencing token): the
   * caller's state of it is dropped (`onLost(park, 'retaken')`) and read back from its log
   * (`onAcquired`), when a write's fate is unknown. If taking over fails, the lease is released.
   */
  async retake(park: string): Promise<void> {
    const token = this.leases.held().get(park)
    if (token === undefined || !this.leases.holds(park) || this.stopped) return
    this.busy.add(park)
    let failed: Error | undefined
    try {
      await this.inTurn(park, async () => {
        await this.o.onLost(park, 'retaken')
        if (this.leases.held().get(park) !== token) return
        try {
          await this.o.onAcquired(park, token, this.epoch)
        } catch (err) {
          failed = err as Error
        }
      })
      if (failed) {
        this.o.onError?.(new Error(`park ${park}: taking over again failed, lease released: ${failed.message}`, { cause: failed }))
        await this.leases.release(park).catch(() => undefined)
      }
    } finally {
      this.busy.delete(park)
    }
  }

  private lost(park: string, reason: LeaseLossReason): void {
    if (reason === 'released') return // we gave it up ourselves and said so
    // A lease of ours lapsed with nobody taking it: NATS did not take our renewals (an election),
    // and every other node's heartbeats may have lapsed likewise — the same trouble as failing reads.
    if (reason === 'expired') this.troubled = true
    void this.inTurn(park, () => this.o.onLost(park, reason))
  }

  /**
   * Run a park's callbacks one after another (onAcquired, then onLost, never overlapping),
   * errors to onError. A lease can be lost while onAcquired still runs (a stall of a lease
   * time): the caller then sees onLost once onAcquired has returned.
   */
  private inTurn(park: string, f: () => Promise<void> | void): Promise<void> {
    const run = (this.turns.get(park) ?? Promise.resolve()).then(f).catch((err: Error) => this.o.onError?.(err))
    this.turns.set(park, run)
    void run.then(() => {
      if (this.turns.get(park) === run) this.turns.delete(park)
    })
    return run
  }

  /**
   * The park's fenced log refused a write (a newer owner took over): drop it now rather than
   * at the next renewal. onLost(park, 'fenced') follows.
   */
  async fenced(park: string): Promise<void> {
    if (!this.leases.held().has(park)) return
    await this.leases.release(park).catch(() => undefined)
    await this.inTurn(park, () => this.o.onLost(park, 'fenced'))
  }

  /** For health: what this node holds and sees. */
  stats(): { node: string; claiming: boolean; owned: string[]; alive: string[]; lastCheckAt: number | undefined; lastError: string | undefined } {
    return { node: this.node, claiming: this.settled, owned: this.owned(), alive: [...this.lastAlive], lastCheckAt: this.lastCheckAt, lastError: this.lastError }
  }

  /** One pass: hand over moved parks, note owners, claim what this node should. */
  check(): Promise<void> {
    this.checking ??= this.checkOnce()
      .then(() => {
        this.lastCheckAt = Date.now()
        this.lastError = undefined
      })
      .catch((err: Error) => {
        this.lastError = err.message
        this.troubled = true
        this.o.onError?.(err)
      })
      .finally(() => (this.checking = undefined))
    return this.checking
  }

  private async checkOnce(): Promise<void> {
    if (this.stopped) return
    // Before the roster read, which fails while JetStream elects: the probes go over core NATS.
    this.o.roster.probe([...new Set([...this.steadyAlive, ...this.lastAlive])])
    const readFrom = performance.now()
    const [alive, moving] = await Promise.all([this.o.roster.alive(), presentKeys(this.o.jsm, MOVES_BUCKET)])
    this.lastAlive = alive
    const moved = new Set(moving)
    const parks = [...new Set(this.o.parks())]
    const held = this.leases.held()
    const now = performance.now()
    if (this.troubled || now - readFrom > this.o.leaseMs / 2) {
      this.troubled = false
      this.troubleEndedAt = now
    }
    const ranked = this.present(alive, now)
    const settled = this.settle(alive, now)
    await Promise.all(
      parks.map(async (park) => {
        if (this.busy.has(park) || this.stopped) return
        if (held.has(park)) {
          const move = moved.has(park) ? await this.moveOf(park) : undefined
          if (move && move.to !== this.node && alive.includes(move.to)) await this.handOver(park, move.to)
          else if (move && move.to === this.node) await this.o.moves.delete(park, { previousSeq: move.revision }).catch(() => undefined)
          return
        }
        // Who holds it first, the move only for a free park: a move record that cannot be read
        // (its bucket's leader being elected) must not keep this node from seeing who holds the
        // park now — else its last owner stayed the one before the move, and after a NATS
        // election this node took the moved park back (tests/integration/cluster-leases-spread).
        const holder = await this.leases.holder(park)
        if (holder) {
          this.owners.set(park, holder.node)
          this.lastOwners.set(park, holder.node)
          this.freeSince.delete(park)
          return
        }
        const move = moved.has(park) ? await this.moveOf(park) : undefined
        this.owners.delete(park)
        // How long a park has been free counts only once this node is settled and in the roster.
        if (!settled || !alive.includes(this.node)) return void this.freeSince.delete(park)
        const since = this.freeSince.get(park) ?? now
        this.freeSince.set(park, since)
        // Time free before this node's last trouble ended (a NATS election) does not count: the
        // better-ranked nodes get their lease time from then on, as after a start.
        const freeFor = now - Math.max(since, this.troubleEndedAt)
        if (move && alive.includes(move.to)) {
          if (move.to === this.node) return this.claim(park, move.revision)
          if (freeFor < this.o.leaseMs) return
        }
        const order = preferLastOwner(rankNodes(park, ranked), this.lastOwners.get(park))
        const rank = order.indexOf(this.node)
        // A better-ranked node of the steady roster missing from this read (its heartbeat lapsed in
        // the election, its reconnection slower than this node's) is waited for, not passed over:
        // the countdown starts again once it is back, or once the ranking leaves it out.
        if (rank > 0 && order.slice(0, rank).some((n) => !alive.includes(n))) return void this.freeSince.set(park, now)
        if (rank === 0 || (rank > 0 && freeFor >= rank * this.o.leaseMs)) await this.claim(park)
      }),
    )
  }

  /**
   * The nodes parks are ranked over: the roster read, and within two lease times after trouble
   * the steady roster's too — except a node silent to probes for a lease time (node-roster.ts):
   * its heartbeat did not just lapse in an election, it is gone (its machine lost with the NATS
   * server it talked to), and its parks are not kept waiting for it. A node that never answered
   * a probe (one without them, during an upgrade) is waited for as before.
   */
  private present(alive: readonly string[], now: number): readonly string[] {
    if (now - this.troubleEndedAt >= 2 * this.o.leaseMs) {
      this.steadyAlive = alive
      return alive
    }
    const waitedFor = this.steadyAlive.filter((n) => (this.o.roster.silentFor(n) ?? 0) < this.o.leaseMs)
    return [...new Set([...alive, ...waitedFor])].sort()
  }

  /**
   * Claims start once the roster has stayed the same for `settleMs` (so nodes started about
   * together all see each other before the first claims), or at the latest 3 × settleMs after start.
   */
  private settle(alive: readonly string[], now: number): boolean {
    if (this.settled) return true
    const key = alive.join('\n')
    if (key !== this.rosterSeen) {
      this.rosterSeen = key
      this.rosterSince = now
    }
    const settleMs = this.o.settleMs ?? this.o.leaseMs
    this.settled = (now - this.rosterSince >= settleMs && now - this.startedAt >= settleMs) || now - this.startedAt >= 3 * settleMs
    return this.settled
  }

  private async moveOf(park: string): Promise<(MoveRecord & { revision: number }) | undefined> {
    const e = await this.o.moves.get(park)
    if (!e || e.operation !== 'PUT') return undefined
    return { ...e.json<MoveRecord>(), revision: e.revision }
  }

  private async claim(park: string, moveRevision?: number): Promise<void> {
    this.busy.add(park)
    try {
      const token = await this.leases.acquire(park)
      if (token === undefined) return
      this.freeSince.delete(park)
      this.owners.delete(park)
      this.lastOwners.set(park, this.node)
      if (moveRevision !== undefined) await this.o.moves.delete(park, { previousSeq: moveRevision }).catch((err) => {
        if (!isWrongLastSequence(err)) throw err
      })
      let failed: Error | undefined
      await this.inTurn(park, async () => {
        try {
          await this.o.onAcquired(park, token, this.epoch)
        } catch (err) {
          failed = err as Error
        }
      })
      if (failed) {
        this.o.onError?.(new Error(`park ${park}: taking over failed, lease released: ${failed.message}`, { cause: failed }))
        await this.leases.release(park)
      }
    } finally {
      this.busy.delete(park)
    }
  }

  private async handOver(park: string, to: string): Promise<void> {
    this.busy.add(park)
    try {
      await this.inTurn(park, () => this.o.onLost(park, 'moved'))
      await this.leases.release(park)
      // Until this node reads the new holder, the park's last owner is where it was moved.
      this.lastOwners.set(park, to)
    } finally {
      this.busy.delete(park)
    }
  }

  /**
   * Stop claiming. With `release` (a clean shutdown) every park is stopped (`onLost(park,
   * 'stopped')`) and its lease deleted so other nodes take over at their next check; without,
   * leases are left to expire (what a crash looks like to the others).
   */
  async stop(o: { release?: boolean } = {}): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    await this.checking
    if (o.release) {
      for (const park of this.owned()) {
        await this.inTurn(park, () => this.o.onLost(park, 'stopped'))
        await this.leases.release(park).catch(() => undefined)
      }
    }
    await this.leases.close()
  }
}

/**
 * Open the three buckets, start this node's heartbeat and the claim checks. Requests on the
 * buckets time out after a renewal period (lease/3, at least 1 s) instead of the client's 5 s:
 * an answer later than that is of no use to a lease, and a check waiting on a NATS server that
 * died would hold back failover.
 */
export async function startParkOwnership(
  nc: NatsConnection,
  o: Omit<ParkOwnershipOptions, 'leases' | 'moves' | 'roster' | 'jsm' | 'epoch'> & { replicas: number; onConflict?: (node: string) => void },
): Promise<{ ownership: ParkOwnership; roster: NodeRoster; stop: (o?: { release?: boolean }) => Promise<void> }> {
  const js = jetstream(nc, { timeout: Math.max(1000, Math.round(o.leaseMs / 3)) })
  const jsm = await js.jetstreamManager()
  const [leases, nodes, moves] = await Promise.all([
    openTtlBucket(js, LEASE_BUCKET, { ttlMs: o.leaseMs, replicas: o.replicas }),
    openTtlBucket(js, NODES_BUCKET, { ttlMs: o.leaseMs, replicas: o.replicas }),
    // A move not carried out within 12 leases (1 min at 5 s) is forgotten.
    openTtlBucket(js, MOVES_BUCKET, { ttlMs: 12 * o.leaseMs, replicas: o.replicas }),
  ])
  const roster = new NodeRoster(nodes, jsm, { node: o.node, leaseMs: o.leaseMs, onConflict: o.onConflict, nc })
  await roster.start()
  const epoch = (await retrying('status of the lease bucket', () => leases.status())).streamInfo.created
  const ownership = new ParkOwnership({ ...o, leases, moves, roster, jsm, epoch })
  ownership.start()
  return {
    ownership,
    roster,
    async stop(s = {}) {
      await ownership.stop(s)
      await roster.stop({ leave: s.release })
    },
  }
}
