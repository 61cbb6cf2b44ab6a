import { Kvm, type KV, type KvEntry } from '@nats-io/kv'
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import { unavailable } from '../api/errors.js'
import { isWrongLastSequence, retrying } from './park-leases.js'

/**
 * A key-value bucket whose values every node holds and applies (docs/cluster.md, "Shared
 * registry and settings"): the device registry's run-time changes (shared-registry.ts) and the
 * notification rosters, policies and channel secrets (shared-settings.ts).
 *
 *   const b = await SharedBucket.open({ js, jsm, name, replicas, log })
 *   await b.start((key, value) => …)   // every present value applied, then every change as it comes
 *   await b.change(key, (current) => next)   // compare-and-set, retried on a concurrent write; applied here before it resolves
 *   await b.create(key, value)          // create-if-absent: 'exists' when the key holds a value
 *
 * Each key's changes are applied in revision order, once: the watcher and this node's own writes
 * both go through `deliver`, which skips a revision not newer than the key's last applied one —
 * so a node's own write is applied before its API answers (read your writes), and the watcher's
 * copy of it, or an older value arriving late, changes nothing.
 *
 * Writes wait for JetStream's acknowledgement: a replicated bucket takes a write only with a
 * majority of its servers. Without it a write fails after the JetStream timeout (3 s) and this
 * throws a 503 (`UNAVAILABLE`) with nothing applied on this node; a write that timed out here
 * may still have been stored (the acknowledgement lost) — then every node applies it from its
 * watcher, this one included.
 */
export type Apply = (key: string, value: Uint8Array | undefined, revision: number) => void

export interface SharedBucketLog {
  info(o: object, m: string): void
  warn(o: object, m: string): void
}

/** What a shared bucket's user needs of the node: its JetStream link, the buckets' replicas, its id and log. */
export interface SharedStateOptions {
  js: JetStreamClient
  jsm: JetStreamManager
  replicas: number
  node: string
  log: SharedBucketLog & { error(o: object, m: string): void }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * A key token for an id: KV keys are NATS subjects (`[-/_=.A-Za-z0-9]`, `.` separating tokens),
 * so every character outside `[A-Za-z0-9_-]` travels as `=` and its code in hex (`.` → `=2e`).
 */
export function keyToken(id: string): string {
  if (id === '') throw new Error('an empty id has no key')
  return id.replace(/[^A-Za-z0-9_-]/g, (c) => {
    const code = c.codePointAt(0)!
    // Ids are `[A-Za-z0-9_.-]` (model/device.ts): two hex digits carry any byte-sized character.
    if (code > 0xff) throw new Error(`not a valid id for a key: ${JSON.stringify(id)}`)
    return `=${code.toString(16).padStart(2, '0')}`
  })
}

export function fromKeyToken(t: string): string {
  return t.replace(/=([0-9a-f]{2})/g, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
}

export function encodeJson(v: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(v))
}

export function decodeJson<T>(b: Uint8Array): T {
  return JSON.parse(decoder.decode(b)) as T
}

/** What health shows of a bucket on this node (docs/contract.md, health `cluster.shared`). */
export interface SharedBucketStats {
  /** The newest revision this node applied (its own writes and the watcher's); 0 before any. A value its apply refused (logged) is not counted. */
  revision: number
  /** Values applied since start: those loaded at start, then every change. */
  applied: number
  /** Times the watcher was started again after it ended unasked (a lost consumer, a NATS server gone). */
  watcherRestarts: number
  /** How long ago the last value was applied; null before any. */
  lastAppliedMsAgo: number | null
}

/** How many times a compare-and-set is tried again after a concurrent write to the same key. */
const CAS_ATTEMPTS = 10
/** After the watcher ends unasked (a lost consumer), it is started again after this pause. */
const REWATCH_MS = 500

export class SharedBucket {
  private readonly applied = new Map<string, number>()
  /** The newest revision the watcher delivered (where a new watcher resumes; own writes do not move it). */
  private lastRevision = 0
  private apply: Apply | undefined
  private watcher: { stop(): void } | undefined
  private closed = false
  private readonly counts = { revision: 0, applied: 0, watcherRestarts: 0, lastAppliedAt: 0 }

  private constructor(readonly kv: KV, private readonly jsm: JetStreamManager, readonly name: string, private readonly log: SharedBucketLog) {}

  /** Create the bucket (history 1: the newest value of a key is all a node needs) or open it. */
  static async open(o: { js: JetStreamClient; jsm: JetStreamManager; name: string; replicas: number; log: SharedBucketLog; deadlineMs?: number }): Promise<SharedBucket> {
    // allow_direct off: reads answered by the stream's leader, never a follower's stale copy (park-leases.ts).
    const kv = await retrying(`open bucket ${o.name}`, () => new Kvm(o.js).create(o.name, { history: 1, replicas: o.replicas, allow_direct: false }), o.deadlineMs)
    await retrying(`read from bucket ${o.name}`, () => kv.get('meta.probe'), o.deadlineMs)
    return new SharedBucket(kv, o.jsm, o.name, o.log)
  }

  /**
   * Apply every value the bucket holds now, then keep applying its changes. Resolves once the
   * values present at the call are all applied (the stream's last sequence reached).
   */
  async start(apply: Apply, deadlineMs = 30_000): Promise<void> {
    this.apply = apply
    const info = await retrying(`state of bucket ${this.name}`, () => this.jsm.streams.info(`KV_${this.name}`), deadlineMs)
    const target = info.state.messages === 0 ? 0 : info.state.last_seq
    let loaded!: () => void
    const ready = new Promise<void>((r) => (loaded = r))
    const check = (): void => {
      if (this.lastRevision >= target) loaded()
    }
    check()
    void this.watch(check)
    const until = Date.now() + deadlineMs
    while (this.lastRevision < target) {
      if (Date.now() > until) throw new Error(`bucket ${this.name}: ${this.lastRevision} of ${target} revisions read after ${deadlineMs} ms`)
      await Promise.race([ready, new Promise((r) => setTimeout(r, 200))])
    }
  }

  private async watch(onEntry: () => void): Promise<void> {
    for (let round = 0; !this.closed; round++) {
      if (round > 0) this.counts.watcherRestarts++
      try {
        const it = await this.kv.watch({ key: '>', ...(this.lastRevision > 0 ? { resumeFromRevision: this.lastRevision + 1 } : {}) })
        this.watcher = it
        if (this.closed) it.stop()
        for await (const e of it) {
          if (e.revision > this.lastRevision) this.lastRevision = e.revision
          this.deliver(e.key, e.revision, e.operation === 'PUT' ? e.value : undefined)
          onEntry()
        }
      } catch (err) {
        if (!this.closed) this.log.warn({ err: (err as Error).message, bucket: this.name }, 'shared bucket watch failed: watching again')
      }
      if (!this.closed) await new Promise((r) => setTimeout(r, REWATCH_MS))
    }
  }

  /** Apply revision `revision` of `key` unless a newer one was applied. */
  private deliver(key: string, revision: number, value: Uint8Array | undefined): void {
    // Before start() nothing is applied: the watcher brings every value then.
    if (!this.apply) return
    if ((this.applied.get(key) ?? 0) >= revision) return
    this.applied.set(key, revision)
    try {
      this.apply?.(key, value, revision)
      if (revision > this.counts.revision) this.counts.revision = revision
      this.counts.applied++
      this.counts.lastAppliedAt = Date.now()
    } catch (err) {
      this.log.warn({ err: (err as Error).message, bucket: this.name, key }, 'shared value not applied')
    }
  }

  /** The key's value read from the stream's leader; undefined when it holds none. */
  async get(key: string): Promise<KvEntry | undefined> {
    const e = await this.kv.get(key).catch((err: Error) => {
      throw refused(this.name, err)
    })
    return e ?? undefined
  }

  /** Create-if-absent (a deleted key counts as absent): applied here and its revision, or 'exists'. */
  async create(key: string, value: Uint8Array): Promise<number | 'exists'> {
    let revision: number
    try {
      revision = await this.kv.create(key, value)
    } catch (err) {
      if (isWrongLastSequence(err)) return 'exists'
      throw refused(this.name, err as Error)
    }
    this.deliver(key, revision, value)
    return revision
  }

  /**
   * Read-modify-write of one key: `f` gets the present value (undefined: none) and returns the
   * next, or throws to refuse (nothing written). A concurrent write to the key makes the
   * compare-and-set fail: `f` is asked again with the newer value.
   */
  async change<T>(key: string, f: (current: T | undefined) => T): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const e = await this.get(key)
      const current = e && e.operation === 'PUT' ? decodeJson<T>(e.value) : undefined
      const next = f(current)
      const value = encodeJson(next)
      let revision: number
      try {
        revision = e ? await this.kv.update(key, value, e.revision) : await this.kv.create(key, value)
      } catch (err) {
        if (isWrongLastSequence(err) && attempt < CAS_ATTEMPTS) continue
        throw refused(this.name, err as Error)
      }
      this.deliver(key, revision, value)
      return next
    }
  }

  /** A write without compare-and-set (the last writer wins): applied here when stored. */
  async put(key: string, value: Uint8Array): Promise<void> {
    let revision: number
    try {
      revision = await this.kv.put(key, value)
    } catch (err) {
      throw refused(this.name, err as Error)
    }
    this.deliver(key, revision, value)
  }

  /** Keys holding a value whose name starts with `prefix` (seeding checks, tests). */
  async keys(prefix: string): Promise<string[]> {
    const out: string[] = []
    for await (const k of await this.kv.keys(`${prefix}>`)) out.push(k)
    return out
  }

  stats(): SharedBucketStats {
    const { revision, applied, watcherRestarts, lastAppliedAt } = this.counts
    return { revision, applied, watcherRestarts, lastAppliedMsAgo: lastAppliedAt === 0 ? null : Date.now() - lastAppliedAt }
  }

  stop(): void {
    this.closed = true
    this.watcher?.stop()
  }
}

/** A write or read JetStream did not take: the cluster cannot hold the change now (503). */
function refused(bucket: string, err: Error): Error {
  const e = unavailable(`the cluster cannot store this change now (NATS JetStream, bucket ${bucket}: ${err.message}); nothing was changed on this node — try again`)
  e.cause = err
  return e
}

export { isWrongLastSequence }
