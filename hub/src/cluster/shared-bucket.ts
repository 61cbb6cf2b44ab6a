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
/**
 * How often the watcher's progress is held against the bucket's stream. The client's ordered
 * consumer notices its consumer gone (the NATS server holding it stopped) only after two missed
 * idle heartbeats 30 s apart (@nats-io/jetstream `getOrderedPushConsumer`): for a minute or more
 * the node would apply nothing another node changed. Measured before this check: a reader whose
 * watcher's consumer sat on the killed server had applied nothing 55 s after the write.
 */
const PROGRESS_CHECK_MS = 1000
/** The most revisions a stalled watcher's catch-up reads at one check: the watcher started again brings the rest. */
const READ_MISSED_MAX = 1000

export class SharedBucket {
  private readonly applied = new Map<string, number>()
  /** The newest revision the watcher delivered (where a new watcher resumes; own writes do not move it). */
  private lastRevision = 0
  private apply: Apply | undefined
  private watcher: { stop(): void } | undefined
  /** Counts the watchers started: progress is judged only over the life of one. */
  private watcherCount = 0
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
    void this.checkProgress()
  }

  /**
   * Every PROGRESS_CHECK_MS, the stream's last sequence: a watcher that stayed behind the last
   * sequence seen at the previous check and delivered nothing since is stalled (its consumer is
   * gone with a NATS server). What it missed is read straight from the stream, and it is stopped:
   * watch() starts it again from the revision after the last one delivered, so nothing is
   * skipped and nothing applied twice. (A new watcher's consumer can be placed on the server
   * just lost, which JetStream still counts as a peer for some seconds: reading from the stream
   * does not wait for that.) A watcher that is behind but moving (a burst of changes), or one
   * started since the previous check, is left alone; without a quorum the stream cannot be read
   * and nothing is judged.
   */
  private async checkProgress(): Promise<void> {
    let previous: { last: number; delivered: number; watcher: number } | undefined
    while (!this.closed) {
      await new Promise((r) => setTimeout(r, PROGRESS_CHECK_MS).unref())
      if (this.closed) return
      let last: number
      try {
        last = (await this.jsm.streams.info(`KV_${this.name}`)).state.last_seq
      } catch {
        previous = undefined
        continue
      }
      const now = { last, delivered: this.lastRevision, watcher: this.watcherCount }
      if (previous && previous.watcher === now.watcher && now.delivered === previous.delivered && now.delivered < previous.last) {
        const read = await this.readMissed(previous.last).catch((err: Error) => err.message)
        this.log.warn({ bucket: this.name, delivered: now.delivered, last, read }, 'shared bucket watcher stalled: missed changes read from the stream, watching again')
        this.watcher?.stop()
        previous = undefined
        continue
      }
      previous = now
    }
  }

  /**
   * Revisions after the last delivered, up to `until` (at most READ_MISSED_MAX), read one by one
   * from the stream's leader and delivered in order; how many held a value. A sequence that is
   * gone was replaced by a newer revision of its key (history 1).
   */
  private async readMissed(until: number): Promise<number> {
    const prefix = `$KV.${this.name}.`
    let read = 0
    const end = Math.min(until, this.lastRevision + READ_MISSED_MAX)
    for (let seq = this.lastRevision + 1; seq <= end && !this.closed; seq++) {
      const m = await this.jsm.streams.getMessage(`KV_${this.name}`, { seq })
      if (seq > this.lastRevision) this.lastRevision = seq
      if (!m) continue
      const op = m.header?.get('KV-Operation')
      this.deliver(m.subject.slice(prefix.length), seq, op === 'DEL' || op === 'PURGE' ? undefined : m.data)
      read++
    }
    return read
  }

  private async watch(onEntry: () => void): Promise<void> {
    for (let round = 0; !this.closed; round++) {
      if (round > 0) this.counts.watcherRestarts++
      try {
        const it = await this.kv.watch({ key: '>', ...(this.lastRevision > 0 ? { resumeFromRevision: this.lastRevision + 1 } : {}) })
        this.watcher = it
        this.watcherCount++
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
