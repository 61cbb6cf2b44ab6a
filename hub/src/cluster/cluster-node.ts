import { join } from 'node:path'
import type { DeviceEvent, DeviceStatus, Reading } from '../model/reading.js'
import type { ClusterSettings } from './cluster-settings.js'
import { NatsLink } from './nats-link.js'
import { ensureReadingsStream } from './readings-stream.js'
import { NoStreamListens } from './jetstream-window.js'
import type { StreamInfo } from '@nats-io/jetstream'
import { ClusterLog, type ClusterLogStats } from './cluster-log.js'
import type { ReadingsMessage } from './readings-codec.js'
import { INFLUX2_CONSUMER, INFLUX_CONSUMER, nodeSubject } from './subjects.js'
import { InfluxConsumer, type InfluxConsumerStats } from './influx-consumer.js'
import type { InfluxConnection } from '../store/influx-client.js'
import { ParkRunner, type ParkRunnerOptions, type ParkRunnerStats, type ParkTarget } from './park-runner.js'
import type { SharedBucketStats } from './shared-bucket.js'

/**
 * Cluster mode's composition (docs/cluster.md), started by app.ts when HUB_NATS_URL is set: the
 * link to NATS, the READINGS stream ensured, the durable log on it (cluster/cluster-log.ts)
 * that ingest's sink appends to, and (`startStorage`, once InfluxDB's address is known) this
 * node's pullers of the shared consumers that write the log to InfluxDB (cluster/influx-consumer.ts):
 * whichever node is free writes a message, once. Device messages then reach the safety loop only through `feed`,
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
  /** Bytes of acknowledged outbox segments kept for JetStream's sync interval (cluster-log.ts). */
  outboxKeptBytes: number
  /** The last time the outbox was published again while the node ran (READINGS lost what this node had acknowledged; outbox-republish.ts). */
  outboxRepublished: ClusterLogStats['republished']
  lastError: string | undefined
  /** The shared InfluxDB consumers' pullers on this node (`influx`, and `influx2` with HUB_INFLUX2_URL). */
  storage: InfluxConsumerStats[]
  /** The parks this node evaluates (cluster/park-runner.ts), once started. */
  parks?: ParkRunnerStats
  /** The shared buckets (`hub_registry`, `hub_settings`) as this node applied them, by name; added by app.ts, which starts them. */
  shared?: Record<string, SharedBucketStats>
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
  /**
   * Start this node's pullers of the shared InfluxDB consumers (the local journal's writer then
   * carries only what is not on the log: alarm steps, rejects, HJ 212 logger rows). Once.
   */
  startStorage(influx: InfluxConnection): void
  /** Which parks this node evaluates; every park when not started (nothing is fed then). */
  readonly parks: ParkRunner
  /**
   * Take part in park ownership (cluster/park-runner.ts): the parks this node acquires are
   * adopted by `target` (the safety loop) and fed from the readings log. Once, after the safety
   * loop exists.
   */
  startParks(o: { parks: () => readonly string[]; target: () => ParkTarget } & Pick<ParkRunnerOptions, 'onRunning' | 'onStopping'>): Promise<void>
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
/** Failed publishes check READINGS at most this often. */
const STREAM_CHECK_MS = 5_000

export async function startClusterNode(o: ClusterNodeOptions): Promise<ClusterNode> {
  const c = o.settings
  const link = await NatsLink.open(c, o.log)
  await claimNodeId(link, c.nodeId).catch(async (err: Error) => {
    await link.close()
    throw err
  })
  const streamOptions = { replicas: c.replicas, maxAgeH: c.readingsMaxAgeH }
  // The stream as this node knows it: another creation time later means it was made again.
  let streamCreated: string | undefined
  const ready = ensureReadingsStream(link.jsm, streamOptions, Number.POSITIVE_INFINITY, (err) => o.log.warn({ err: err.message }, 'waiting for JetStream to create the READINGS stream'))
    .then((info) => void (streamCreated = info.created))
  ready.catch((err: Error) => o.log.error({ err: err.message }, 'the READINGS stream cannot be used: readings stay in the outbox'))
  const log = new ClusterLog({ link, node: c.nodeId, dir: join(o.dataDir, 'journal-cluster'), maxBytes: o.maxBytes, ready, log: o.log })
  const { replayed } = log.open()
  if (replayed > 0) o.log.warn({ messages: replayed }, 'publishing what the cluster outbox kept from the last run')
  // READINGS without what this node had acknowledged — made again (a later creation time), or
  // its tail lost with a majority of the NATS machines (it ends before the highest sequence
  // JetStream gave this node) — gets the outbox's kept segments again, as a restart would give.
  const lostSince = (info: StreamInfo): void => {
    const remade = streamCreated !== undefined && info.created !== streamCreated
    const tailLost = info.state.last_seq < log.highestStreamSeq
    streamCreated = info.created
    if (!remade && !tailLost) return
    o.log.error({ node: c.nodeId, remade, lastSeq: info.state.last_seq, acknowledgedUpTo: log.highestStreamSeq }, 'READINGS lost messages this node had acknowledged: publishing the outbox\'s kept segments again')
    void log.republish().then(
      (r) => o.log.warn({ node: c.nodeId, ...r }, 'the outbox published again'),
      (err: Error) => o.log.error({ err: err.message }, 'the outbox not published again'),
    )
  }
  // READINGS deleted, or gone with a NATS cluster rebuilt on empty disks, while this node ran:
  // every publish failed (no responders) until a restart, the readings waiting in the outbox.
  // Such a failure, or the quorum coming back, ensures the stream (at most every
  // STREAM_CHECK_MS), then the outbox goes out at once.
  let ensuring: Promise<void> | undefined
  let ensuredAt = 0
  const ensureStream = (): void => {
    if (ensuring || Date.now() - ensuredAt < STREAM_CHECK_MS) return
    ensuredAt = Date.now()
    ensuring = ensureReadingsStream(link.jsm, streamOptions, STREAM_WAIT_MS, undefined, () => o.log.error({ node: c.nodeId }, 'the READINGS stream was missing: made again; parks read on from its new messages'))
      .then((info) => lostSince(info), (err: Error) => o.log.warn({ err: err.message }, 'READINGS not ensured'))
      .finally(() => {
        ensuring = undefined
        log.retryNow()
      })
  }
  link.onQuorum = () => {
    ensuredAt = 0
    ensureStream()
  }
  link.onPublishFailed = (err) => {
    if (err instanceof NoStreamListens) ensureStream()
  }
  await Promise.race([ready.catch(() => undefined), new Promise((r) => setTimeout(r, STREAM_WAIT_MS).unref())])
  const consumers: InfluxConsumer[] = []
  let closing: Promise<void> | undefined
  let parksOptions: Parameters<ClusterNode['startParks']>[0] | undefined
  const parks = new ParkRunner({
    link, node: c.nodeId, leaseMs: c.leaseSec * 1000, replicas: c.replicas, log: o.log,
    parks: () => parksOptions?.parks() ?? [],
    target: () => {
      if (!parksOptions) throw new Error('park ownership not started')
      return parksOptions.target()
    },
    feed: (m) => feed(m),
    onRunning: (p) => parksOptions?.onRunning?.(p),
    onStopping: (p) => parksOptions?.onStopping?.(p),
  })
  const feed = (m: ReadingsMessage): void => {
    const t = o.target()
    if (m.readings?.length) t.onReadings(m.readings)
    if (m.events) for (const e of m.events) t.onEvent(e)
    if (m.statuses) for (const s of m.statuses) t.onStatus(s)
  }
  return {
    settings: c, link, log, parks,
    async startParks(p) {
      if (parksOptions) throw new Error('park ownership already started')
      parksOptions = p
      await parks.start()
    },
    startStorage(influx) {
      if (consumers.length > 0) return
      const targets: [string, InfluxConnection][] = [[INFLUX_CONSUMER, influx]]
      if (c.influx2Url) targets.push([INFLUX2_CONSUMER, { ...influx, url: c.influx2Url }])
      for (const [name, target] of targets) {
        const consumer = new InfluxConsumer({ js: link.js, jsm: link.jsm, node: c.nodeId, name, target, ackWaitMs: c.influxAckWaitSec * 1000, log: o.log })
        consumers.push(consumer)
        // Not awaited: it waits for the READINGS stream on its own and pulls once it exists.
        void consumer.start().catch((err: Error) => o.log.warn({ err: err.message, consumer: name }, 'influx consumer did not start'))
      }
    },
    feed,
    health() {
      const s = link.status()
      const l = log.stats()
      return { node: c.nodeId, servers: s.servers, connectedTo: s.connectedTo, reconnects: s.reconnects, quorum: s.quorum, published: l.published, pendingAcks: l.pendingAcks, outboxBacklog: l.outboxBacklog, outboxKeptBytes: l.keptBytes, outboxRepublished: l.republished, lastError: l.lastError ?? s.lastError, storage: consumers.map((x) => x.stats()), ...(parksOptions ? { parks: parks.stats() } : {}) }
    },
    close() {
      closing ??= (async () => {
        // A clean stop hands this node's parks over at once (their last records written first).
        await parks.stop({ release: true }).catch((err: Error) => o.log.warn({ err: err.message }, 'parks not handed over'))
        await Promise.all(consumers.map((x) => x.stop()))
        await log.close()
        await link.close()
      })()
      return closing
    },
  }
}
