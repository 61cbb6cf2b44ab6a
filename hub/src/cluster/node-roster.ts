import type { JetStreamManager } from '@nats-io/jetstream'
import type { KV } from '@nats-io/kv'
import type { NatsConnection, Subscription } from '@nats-io/transport-node'
import { isWrongLastSequence, presentKeys, retrying } from './park-leases.js'
import { NODES_BUCKET, rosterProbeSubject } from './subjects.js'

/**
 * Which hub nodes are alive: each node heartbeats its own key `hub_nodes/<node>` every
 * lease/3; the bucket's max age is the lease time (the same trick as park-leases.ts, since
 * nats-server 2.9 has no per-key expiry), so a node that stops — killed, paused, cut off from
 * the NATS quorum — drops out of the roster one lease time after its last heartbeat.
 *
 * API
 *   const kv = await openTtlBucket(js, NODES_BUCKET, { ttlMs: leaseMs, replicas })
 *   const roster = new NodeRoster(kv, jsm, { node, leaseMs, onConflict })
 *   await roster.start()        // first heartbeat written before it returns
 *   await roster.alive()        // sorted ids of the nodes whose key is live, this one included
 *   await roster.stop({ leave: true })   // delete our key (others see us gone at once)
 *
 * Heartbeats after the first are compare-and-set on our last revision: if one fails because
 * another process wrote our key, two processes run with one HUB_NODE_ID — `onConflict` says so
 * (and we write again so the roster keeps us), since both would claim parks as one node.
 *
 * Probes (with `nc`): a node also answers on `hub.roster.<node>` over core NATS, which keeps
 * working while JetStream elects leaders — when every heartbeat in the bucket lapses at once.
 *   roster.probe(['b', 'c'])      // ask them; answers are noted as they come
 *   roster.silentFor('b')         // ms since b last answered; undefined if it never did
 * A node whose heartbeat lapsed in an election still answers; one that died does not.
 */

export interface NodeEntry {
  node: string
  at: number
}

export interface NodeRosterOptions {
  node: string
  leaseMs: number
  /** Another process wrote this node's key: two processes share one node id. */
  onConflict?: (node: string) => void
  /** For probes: this node answers on its probe subject and asks others on theirs. */
  nc?: NatsConnection
}

/** How long a probe waits for its answer. */
const PROBE_TIMEOUT_MS = 1000

const encoder = new TextEncoder()

export class NodeRoster {
  private revision = 0
  private timer: NodeJS.Timeout | undefined
  private beating = false
  private probes: Subscription | undefined
  /** When each probed node last answered (performance.now()). */
  private readonly answeredAt = new Map<string, number>()
  private readonly probing = new Set<string>()
  readonly node: string

  constructor(
    private readonly kv: KV,
    private readonly jsm: JetStreamManager,
    private readonly o: NodeRosterOptions,
  ) {
    if (!o.node) throw new Error('the roster needs a node id')
    this.node = o.node
  }

  private value(): Uint8Array {
    return encoder.encode(JSON.stringify({ node: this.node, at: Date.now() } satisfies NodeEntry))
  }

  async start(): Promise<void> {
    if (this.timer) return
    // A bucket just created may not take writes for a moment (its stream's leader is elected).
    this.revision = await retrying(`heartbeat of ${this.node}`, () => this.kv.put(this.node, this.value()), 10_000)
    this.timer = setInterval(() => void this.beat(), Math.round(this.o.leaseMs / 3))
    this.timer.unref()
    this.probes = this.o.nc?.subscribe(rosterProbeSubject(this.node), { callback: (_err, m) => void m.respond('alive') })
  }

  /** Ask each node (one probe in flight per node) whether it runs; answers are noted for silentFor. */
  probe(nodes: readonly string[]): void {
    const nc = this.o.nc
    if (!nc || nc.isClosed()) return
    for (const n of nodes) {
      if (n === this.node || this.probing.has(n)) continue
      this.probing.add(n)
      nc.request(rosterProbeSubject(n), '', { timeout: PROBE_TIMEOUT_MS })
        .then(() => void this.answeredAt.set(n, performance.now()), () => undefined)
        .finally(() => this.probing.delete(n))
    }
  }

  /** Milliseconds since `node` last answered a probe; undefined when it never did (not probed yet, or a node without probes). */
  silentFor(node: string): number | undefined {
    const at = this.answeredAt.get(node)
    return at === undefined ? undefined : performance.now() - at
  }

  private async beat(): Promise<void> {
    if (this.beating) return
    this.beating = true
    try {
      this.revision = await this.kv.update(this.node, this.value(), this.revision)
    } catch (err) {
      if (isWrongLastSequence(err)) {
        // Our key expired (we were paused or cut off longer than a lease) or another process wrote it.
        const e = await this.kv.get(this.node).catch(() => null)
        if (e && e.operation === 'PUT' && e.revision !== this.revision) this.o.onConflict?.(this.node)
        this.revision = await this.kv.put(this.node, this.value()).catch(() => this.revision)
      }
      // other failures (no quorum, timeout): the next period tries again
    } finally {
      this.beating = false
    }
  }

  /** Ids of the nodes whose heartbeat is live, sorted. */
  async alive(): Promise<string[]> {
    const keys = await presentKeys(this.jsm, NODES_BUCKET)
    const entries = await Promise.all(keys.map((k) => this.kv.get(k)))
    return entries
      .filter((e) => e !== null && e.operation === 'PUT')
      .map((e) => e!.key)
      .sort()
  }

  async stop(o: { leave?: boolean } = {}): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    this.probes?.unsubscribe()
    this.probes = undefined
    if (o.leave && this.revision > 0) {
      await this.kv.delete(this.node, { previousSeq: this.revision }).catch(() => undefined)
    }
  }
}
