import { randomUUID } from 'node:crypto'
import { JetStreamApiCodes, JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream'
import { Kvm, type KV } from '@nats-io/kv'
import { LEASE_BUCKET } from './subjects.js'

/**
 * Park leases: which hub node runs a park's safety loop, in the JetStream key-value bucket
 * `park_leases` (one key per park id; history 1).
 *
 * API
 *   const kv = await openTtlBucket(js, LEASE_BUCKET, { ttlMs: 5000, replicas: 3 })
 *   const leases = new ParkLeases(kv, { node, leaseMs: 5000, onLost: (park, reason) => … })
 *   await leases.acquire(park)   // the lease's revision (the fencing token), or undefined when held
 *   leases.holds(park); leases.held()
 *   await leases.release(park)   // delete with the last revision: only our own lease is removed
 *   await leases.holder(park)    // { node, revision } read from the bucket, or undefined
 *   await leases.close()         // stop renewing (leases then expire); close({ release: true }) frees them
 *
 * How a lease works on nats-server 2.9, which has no per-key expiry: the bucket's max age IS the
 * lease time, so a key not rewritten within it is removed by the server. Acquire = `create`
 * (compare-and-set on "no live value", fails when another node holds it); renew every lease/3 =
 * `update` with the revision we last wrote (fails when the key expired or another node created
 * it: the lease is lost at once, `onLost` fires and we never renew again); release = delete with
 * our last revision. The server keeps only the newest revision (history 1), so two holders of one
 * park at one time in the bucket are impossible: every write is a compare-and-set on the key.
 *
 * What a lease does NOT promise alone: a holder that was paused (GC, SIGSTOP, a VM stall) may
 * still believe it holds a park after its lease expired and another node took it. Our local
 * view ends `leaseMs` after we SENT the last successful renewal — never later than the server's
 * expiry, which counts from when it stored that write — and we declare the lease lost then
 * ('expired'), but a paused process cannot act on a timer. That is why every effect of an owner
 * goes through the fenced park log (fenced-park-log.ts), whose writes a newer owner's takeover
 * makes fail. The acquiring revision is carried into that log's takeover record as the token.
 *
 * Timings: lease 5 s by default (HUB_LEASE_SEC); renewals every lease/3 (two renewals may fail
 * before the lease runs out); the server removed an unrenewed 2 s lease after 2,036 ms here
 * (3-server cluster on loopback), so a killed holder's park is free ≈ lease time after its last
 * renewal, and park-ownership.ts claims it within one check period more (failover ≤ 10 s;
 * 4,480 ms measured after a kill -9, tests/integration/cluster-leases.test.ts).
 *
 * A NATS server dying: a server not leading this bucket's stream costs nothing (renewals go on
 * through the others, tested). The one leading it leaves renewals unanswered until JetStream
 * elects a new leader, which took about 4 – 5 s on nats-server 2.9.10 here — longer than a
 * short lease: then every lease lapses, each park is taken again by the node that ranks first
 * for it (the same owner), after a pause (5.9 s at most with a 2 s lease,
 * cluster-leases-spread.test.ts). A lease longer than the election (e.g. HUB_LEASE_SEC=8) rides
 * it out, at the price of a slower failover after a hub dies (≈ lease + 1 s).
 */

export interface LeaseValue {
  node: string
  /** Random per acquisition: tells our own renewal that landed unanswered from anyone else's write. */
  holder: string
  /** Holder's wall clock when written (informational; no decision reads it). */
  at: number
  /** Holder's wall clock when it acquired the lease (informational, for GET /api/v1/cluster). */
  since?: number
  /** The revision that acquired the lease (the fencing token); absent until the first renewal. */
  token?: number
}

export type LeaseLossReason = 'taken' | 'expired' | 'released'

export interface ParkLeasesOptions {
  node: string
  leaseMs: number
  onLost: (park: string, reason: LeaseLossReason) => void
  /** How often held leases are renewed; leaseMs / 3 by default. */
  renewMs?: number
}

interface Held {
  readonly holder: string
  readonly since: number
  /** Revision written by acquire: the fencing token. */
  readonly token: number
  /** Revision of our last write (what the next update must name). */
  revision: number
  /** performance.now() at which our view of the lease ends: send time of the last good write + leaseMs. */
  validUntil: number
  renewing: boolean
}

const encoder = new TextEncoder()

export function isWrongLastSequence(err: unknown): boolean {
  return err instanceof JetStreamApiError && (err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
}

/**
 * Retry `f` while JetStream cannot answer yet (a 3-replica stream or bucket cannot be created
 * while the meta group elects its leader, ~0.7 s after the servers start), until `deadlineMs`.
 * An attempt not answered within `attemptMs` is abandoned and the next one started: three
 * nodes creating the same bucket at once left one request unanswered for its whole 5 s timeout
 * on nats-server 2.9.10 (measured: 2 of 3 creates answered in 39 – 764 ms, the third timed out),
 * while a second attempt finds the bucket and returns at once. `f` must be idempotent.
 */
export async function retrying<T>(what: string, f: () => Promise<T>, deadlineMs = 30_000, attemptMs = 1500): Promise<T> {
  const until = Date.now() + deadlineMs
  for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
    let timer: NodeJS.Timeout | undefined
    try {
      const attempt = f()
      attempt.catch(() => undefined)
      return await Promise.race([
        attempt,
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${attemptMs} ms`)), attemptMs))),
      ])
    } catch (err) {
      if (Date.now() + wait > until) throw new Error(`${what}: ${(err as Error).message}`, { cause: err })
      await new Promise((r) => setTimeout(r, wait))
    } finally {
      clearTimeout(timer)
    }
  }
}

/** Keys of a bucket holding a message (a deleted key's marker too), in one request: read only those. */
export async function presentKeys(jsm: JetStreamManager, bucket: string): Promise<string[]> {
  const prefix = `$KV.${bucket}.`
  const info = await jsm.streams.info(`KV_${bucket}`, { subjects_filter: `${prefix}>` })
  return Object.keys(info.state.subjects ?? {}).map((s) => s.slice(prefix.length))
}

/**
 * Create (or open) a key-value bucket whose max age is `ttlMs`: its keys live only while
 * rewritten. Reads go to the stream's leader (no direct get): a direct get on a bucket created
 * a moment before went unanswered for its whole 5 s timeout on nats-server 2.9.10, and a
 * follower's answer may be stale. An existing bucket with another max age is an error naming both figures — every
 * node must use the same lease time (HUB_LEASE_SEC); to change it, stop every node and remove
 * the bucket.
 */
export async function openTtlBucket(js: JetStreamClient, name: string, o: { ttlMs: number; replicas: number; history?: number }): Promise<KV> {
  if (!(o.ttlMs >= 100)) throw new Error(`bucket ${name}: max age must be at least 100 ms, got ${o.ttlMs}`)
  const kv = await retrying(`open bucket ${name}`, () => new Kvm(js).create(name, { history: o.history ?? 1, ttl: o.ttlMs, replicas: o.replicas, allow_direct: false }))
  // A read answered by the bucket's stream leader: requests sent before it is elected go unanswered.
  await retrying(`read from bucket ${name}`, () => kv.get('_probe'))
  const status = await retrying(`status of bucket ${name}`, () => kv.status())
  if (status.ttl !== o.ttlMs) {
    throw new Error(`bucket ${name} exists with max age ${status.ttl / 1000} s but this node uses ${o.ttlMs / 1000} s (HUB_LEASE_SEC): every node must use the same; stop every node and remove the bucket to change it`)
  }
  return kv
}

export class ParkLeases {
  private readonly leases = new Map<string, Held>()
  private readonly timer: NodeJS.Timeout
  private closed = false
  readonly node: string
  readonly leaseMs: number
  private readonly renewMs: number

  constructor(
    private readonly kv: KV,
    private readonly o: ParkLeasesOptions,
  ) {
    if (!o.node) throw new Error('a lease needs a node id')
    if (!(o.leaseMs >= 100)) throw new Error(`lease time must be at least 100 ms, got ${o.leaseMs}`)
    this.node = o.node
    this.leaseMs = o.leaseMs
    const renewMs = o.renewMs ?? Math.round(o.leaseMs / 3)
    if (!(renewMs > 0 && renewMs < o.leaseMs)) throw new Error(`renew period ${renewMs} ms must be shorter than the lease (${o.leaseMs} ms)`)
    this.renewMs = renewMs
    this.timer = setInterval(() => this.renewAll(), renewMs)
    this.timer.unref()
  }

  private value(holder: string, since: number, token?: number): Uint8Array {
    return encoder.encode(JSON.stringify({ node: this.node, holder, at: Date.now(), since, ...(token === undefined ? {} : { token }) } satisfies LeaseValue))
  }

  /** Take a free park's lease: its revision (the fencing token), or undefined when another node holds it. */
  async acquire(park: string): Promise<number | undefined> {
    if (this.closed) throw new Error('leases closed')
    const held = this.leases.get(park)
    if (held) return held.token
    const sent = performance.now()
    const holder = randomUUID()
    const since = Date.now()
    let revision: number
    try {
      revision = await this.kv.create(park, this.value(holder, since))
    } catch (err) {
      if (isWrongLastSequence(err)) return undefined
      throw err
    }
    this.leases.set(park, { holder, since, token: revision, revision, validUntil: sent + this.leaseMs, renewing: false })
    return revision
  }

  holds(park: string): boolean {
    const h = this.leases.get(park)
    return h !== undefined && performance.now() < h.validUntil
  }

  /** Parks held, with their fencing token. */
  held(): Map<string, number> {
    return new Map([...this.leases].map(([p, h]) => [p, h.token]))
  }

  /** Who holds a park according to the bucket (any node). */
  async holder(park: string): Promise<{ node: string; revision: number } | undefined> {
    const e = await this.kv.get(park)
    if (!e || e.operation !== 'PUT') return undefined
    return { node: e.json<LeaseValue>().node, revision: e.revision }
  }

  /** The lease as the bucket holds it: its node, fencing token and since when, or undefined when free. */
  async lease(park: string): Promise<{ node: string; token: number; since: number | undefined } | undefined> {
    const e = await this.kv.get(park)
    if (!e || e.operation !== 'PUT') return undefined
    const v = e.json<LeaseValue>()
    // Before its first renewal the value carries no token: the revision read is the acquiring one.
    return { node: v.node, token: v.token ?? e.revision, since: v.since }
  }

  /** Give a park up: delete its key if it is still our revision (another holder's is never touched). */
  async release(park: string): Promise<void> {
    const h = this.leases.get(park)
    if (!h) return
    this.drop(park, 'released')
    try {
      await this.kv.delete(park, { previousSeq: h.revision })
    } catch (err) {
      if (!isWrongLastSequence(err)) throw err
    }
  }

  private drop(park: string, reason: LeaseLossReason): void {
    if (!this.leases.delete(park)) return
    try {
      this.o.onLost(park, reason)
    } catch {
      // the listener's failure must not stop the other leases' renewals
    }
  }

  private renewAll(): void {
    for (const [park, h] of this.leases) void this.renew(park, h)
  }

  private async renew(park: string, h: Held): Promise<void> {
    // A paused process wakes up here first: past its view of the lease it renews nothing.
    if (performance.now() >= h.validUntil) return this.drop(park, 'expired')
    if (h.renewing) return
    h.renewing = true
    const sent = performance.now()
    try {
      // Wait no longer than a renewal period, so a request lost in a reconnection is retried.
      const revision = await this.kv.update(park, this.value(h.holder, h.since, h.token), h.revision, Math.max(100, Math.min(this.renewMs, h.validUntil - sent)))
      if (this.leases.get(park) !== h) return
      h.revision = revision
      h.validUntil = sent + this.leaseMs
    } catch (err) {
      if (this.leases.get(park) !== h) return
      if (isWrongLastSequence(err)) {
        // Our previous renewal may have landed without its answer reaching us: the key then
        // holds our own holder id at a newer revision. Then we hold it still, since that
        // write; the time of that write is unknown, so our view keeps its old end.
        const e = await this.kv.get(park).catch(() => null)
        if (e?.operation === 'PUT' && e.json<LeaseValue>().holder === h.holder && this.leases.get(park) === h) {
          h.revision = e.revision
          return
        }
        // Someone else's write or the server's expiry: the lease is gone for good.
        this.drop(park, 'taken')
      } else if (performance.now() >= h.validUntil) this.drop(park, 'expired')
      // anything else (a timeout, no quorum) is retried at the next period until validUntil passes
    } finally {
      h.renewing = false
    }
  }

  /** Stop renewing. With `release`, delete our keys so other nodes can claim at once; else they expire. */
  async close(o: { release?: boolean } = {}): Promise<void> {
    if (this.closed) return
    clearInterval(this.timer)
    if (o.release) await Promise.allSettled([...this.leases.keys()].map((p) => this.release(p)))
    this.closed = true
    this.leases.clear()
  }
}
