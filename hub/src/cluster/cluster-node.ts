import { join } from 'node:path'
import type { DeviceEvent, DeviceStatus, Reading } from '../model/reading.js'
import type { ClusterSettings } from './cluster-settings.js'
import { NatsLink } from './nats-link.js'
import { ensureReadingsStream } from './readings-stream.js'
import { ClusterLog } from './cluster-log.js'
import type { ReadingsMessage } from './readings-codec.js'
import { nodeSubject } from './subjects.js'

/**
 * Cluster mode's composition (docs/cluster.md), started by app.ts when HUB_NATS_URL is set: the
 * link to NATS, the READINGS stream ensured, and the durable log on it (cluster/cluster-log.ts)
 * that ingest's sink appends to. Device messages then reach the safety loop only through `feed`,
 * called with the readings log's messages of the parks this node owns — not from the sink: each
 * park's safety loop runs on its one owner, whichever node took the device's connection.
 */
export interface ClusterHealth {
  node: string
  servers: string[]
  connectedTo: string | undefined
  reconnects: number
  quorum: 'ok' | 'lost'
  /** Messages JetStream acknowledged since start. */
  published: number
  /** QoS 1 messages whose publisher waits for JetStream. */
  pendingAcks: number
  /** Messages in the local outbox not yet acknowledged by JetStream. */
  outboxBacklog: number
  lastError: string | undefined
}

/** What the readings log's messages are handed to: the safety loop. */
export interface ReadingsTarget {
  onReadings(readings: Reading[]): void
  onEvent(e: DeviceEvent): void
  onStatus(s: DeviceStatus): void
}

export interface ClusterNode {
  readonly settings: ClusterSettings
  readonly link: NatsLink
  readonly log: ClusterLog
  /** Hand one message of an owned park's readings to the safety loop. */
  feed(m: ReadingsMessage): void
  health(): ClusterHealth
  close(): Promise<void>
}

export interface ClusterNodeOptions {
  settings: ClusterSettings
  dataDir: string
  /** The outbox's bound on disk (the journal's, HUB_JOURNAL_MAX_MB). */
  maxBytes: number
  /** The safety loop, made after the sink: looked up when a message is fed. */
  target: () => ReadingsTarget
  log: { warn(o: object, m: string): void; info(o: object, m: string): void; error(o: object, m: string): void }
}

/** How long a node waits for another answering to its id before it takes it. */
const NODE_ID_PROBE_MS = 1000

/**
 * Refuse to run beside a live node with the same id: the readings log's dedup ids are
 * `<node>:<seq>`, and two nodes sharing a name would have JetStream drop one's messages as
 * duplicates of the other's. A node answers on its subject while it runs.
 */
async function claimNodeId(link: NatsLink, node: string): Promise<void> {
  const subject = nodeSubject(node)
  const answer = await link.nc.request(subject, '', { timeout: NODE_ID_PROBE_MS }).then((m) => m.string(), () => undefined)
  if (answer !== undefined) throw new Error(`HUB_NODE_ID ${node} is in use by a running hub (${answer}): each node needs its own id`)
  link.nc.subscribe(subject, { callback: (_err, m) => void m.respond(`pid ${process.pid}`) })
}

/** How long start-up waits for the READINGS stream before going on (publishing starts when it exists). */
const STREAM_WAIT_MS = 15_000

export async function startClusterNode(o: ClusterNodeOptions): Promise<ClusterNode> {
  const c = o.settings
  const link = await NatsLink.open(c, o.log)
  await claimNodeId(link, c.nodeId).catch(async (err: Error) => {
    await link.close()
    throw err
  })
  const ready = ensureReadingsStream(link.jsm, { replicas: c.replicas, maxAgeH: c.readingsMaxAgeH }, Number.POSITIVE_INFINITY, (err) => o.log.warn({ err: err.message }, 'waiting for JetStream to create the READINGS stream'))
    .then(() => undefined)
  ready.catch((err: Error) => o.log.error({ err: err.message }, 'the READINGS stream cannot be used: readings stay in the outbox'))
  const log = new ClusterLog({ link, node: c.nodeId, dir: join(o.dataDir, 'journal-cluster'), maxBytes: o.maxBytes, ready, log: o.log })
  const { replayed } = log.open()
  if (replayed > 0) o.log.warn({ messages: replayed }, 'publishing what the cluster outbox kept from the last run')
  link.onQuorum = () => log.retryNow()
  await Promise.race([ready.catch(() => undefined), new Promise((r) => setTimeout(r, STREAM_WAIT_MS).unref())])
  let closing: Promise<void> | undefined
  return {
    settings: c, link, log,
    feed(m) {
      const t = o.target()
      if (m.readings?.length) t.onReadings(m.readings)
      if (m.events) for (const e of m.events) t.onEvent(e)
      if (m.statuses) for (const s of m.statuses) t.onStatus(s)
    },
    health() {
      const s = link.status()
      const l = log.stats()
      return { node: c.nodeId, servers: s.servers, connectedTo: s.connectedTo, reconnects: s.reconnects, quorum: s.quorum, published: l.published, pendingAcks: l.pendingAcks, outboxBacklog: l.outboxBacklog, lastError: l.lastError ?? s.lastError }
    },
    close() {
      closing ??= (async () => {
        await log.close()
        await link.close()
      })()
      return closing
    },
  }
}
