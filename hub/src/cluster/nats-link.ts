import { readFile } from 'node:fs/promises'
import { connect, credsAuthenticator, nkeyAuthenticator, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node'
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream'
import { Kvm } from '@nats-io/kv'
import type { ClusterSettings } from './cluster-settings.js'

/**
 * This node's link to NATS (docs/cluster.md): one connection to the servers of HUB_NATS_URL with
 * the configured credentials, reconnecting forever to whichever server answers; the JetStream
 * client and manager and the key-value manager on it; and the status health shows — the server
 * connected to, reconnects, and whether JetStream answers (`quorum`).
 *
 * `quorum` is 'ok' while JetStream accepts writes: a replicated stream needs a majority of its
 * servers (two of three), so with one NATS server left, or none, publishes time out and it reads
 * 'lost'. It is judged from what the readings log's publishes report (`publishOk` /
 * `publishFailed`) and, when nothing was published for a while, from a cheap JetStream account
 * query (measured with two of three servers killed: the query times out while a publish does
 * too; a stream-info answer does not tell, it is served from the local server's view).
 */
export interface NatsLinkStatus {
  servers: string[]
  /** The server this node talks to now (host:port), or undefined while disconnected. */
  connectedTo: string | undefined
  reconnects: number
  quorum: 'ok' | 'lost'
  lastError: string | undefined
}

/** JetStream API requests (publishes' acknowledgements included) wait at most this long. */
export const JS_TIMEOUT_MS = 3000
/** Closing waits this long for the connection to drain. */
const DRAIN_MS = 2000
/** With no publish for this long, the account query probes the quorum. */
const PROBE_IDLE_MS = 5000

export interface NatsLogger {
  info(o: object, m: string): void
  warn(o: object, m: string): void
}

export class NatsLink {
  readonly js: JetStreamClient
  readonly kvm: Kvm
  private quorum: 'ok' | 'lost' = 'ok'
  private lastError: string | undefined
  private lastVerdictAt = Date.now()
  private reconnects = 0
  private connected = true
  private readonly probe: NodeJS.Timeout
  private probing = false
  private closed = false
  /** Called when the quorum comes back: the readings log resumes publishing at once. */
  onQuorum: (() => void) | undefined
  /** Called with every failed publish (cluster-node.ts: a stream that no longer exists is made again). */
  onPublishFailed: ((err: Error) => void) | undefined

  private constructor(readonly nc: NatsConnection, readonly jsm: JetStreamManager, private readonly c: ClusterSettings, private readonly log: NatsLogger) {
    this.js = jetstream(nc, { timeout: JS_TIMEOUT_MS })
    this.kvm = new Kvm(this.js)
    void this.watch()
    this.probe = setInterval(() => void this.probeQuorum(), 1000)
    this.probe.unref()
  }

  /** Connect (waiting until some server answers, logging while none does). */
  static async open(c: ClusterSettings, log: NatsLogger): Promise<NatsLink> {
    const opts: NodeConnectionOptions = {
      servers: c.servers,
      name: `smartpark-hub ${c.nodeId}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      waitOnFirstConnect: true,
      // Pings every 5 s, two missed: a server that stopped answering is left within ~10 s.
      pingInterval: 5000,
      maxPingOut: 2,
      ...(await authOptions(c)),
    }
    const waiting = setInterval(() => log.warn({ servers: c.servers }, 'waiting for a NATS server'), 10_000)
    let nc: NatsConnection
    try {
      nc = await connect(opts)
    } finally {
      clearInterval(waiting)
    }
    const jsm = await jetstreamManager(nc, { timeout: JS_TIMEOUT_MS, checkAPI: false })
    log.info({ server: nc.getServer(), node: c.nodeId }, 'connected to NATS')
    return new NatsLink(nc, jsm, c, log)
  }

  /** A publish was acknowledged: JetStream has its quorum. */
  publishOk(): void {
    this.lastVerdictAt = Date.now()
    if (this.quorum === 'ok') return
    this.quorum = 'ok'
    this.log.info({ node: this.c.nodeId }, 'JetStream answers again: quorum ok')
    this.onQuorum?.()
  }

  /** A publish failed (timeout, no responders, an API error): JetStream cannot take writes now. */
  publishFailed(err: Error): void {
    this.lastVerdictAt = Date.now()
    this.lastError = err.message
    this.onPublishFailed?.(err)
    if (this.quorum === 'lost') return
    this.quorum = 'lost'
    this.log.warn({ err: err.message, node: this.c.nodeId }, 'JetStream does not answer: quorum lost, QoS 1 not acknowledged, readings kept in the outbox')
  }

  get hasQuorum(): boolean {
    return this.quorum === 'ok'
  }

  status(): NatsLinkStatus {
    return {
      servers: this.c.servers,
      connectedTo: this.connected && !this.nc.isClosed() ? this.nc.getServer() : undefined,
      reconnects: this.reconnects,
      quorum: this.quorum,
      lastError: this.lastError,
    }
  }

  private async watch(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect') {
        this.connected = false
        this.log.warn({ server: s.server }, 'NATS disconnected')
      } else if (s.type === 'reconnect') {
        this.connected = true
        this.reconnects++
        this.log.info({ server: s.server }, 'NATS reconnected')
      }
    }
  }

  private async probeQuorum(): Promise<void> {
    if (this.probing || this.closed || Date.now() - this.lastVerdictAt < PROBE_IDLE_MS) return
    this.probing = true
    try {
      await this.jsm.getAccountInfo()
      this.publishOk()
    } catch (err) {
      if (!this.closed) this.publishFailed(err as Error)
    } finally {
      this.probing = false
    }
  }

  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.probe)
    if (this.nc.isClosed()) return
    // A drain needs a server to flush to: with none reachable it would wait for one.
    const drained = this.nc.drain().catch(() => undefined)
    const t = setTimeout(() => void this.nc.close(), DRAIN_MS)
    await drained
    clearTimeout(t)
    if (!this.nc.isClosed()) await this.nc.close()
  }
}

async function authOptions(c: ClusterSettings): Promise<Partial<NodeConnectionOptions>> {
  const a = c.auth
  if (!a) return {}
  switch (a.kind) {
    case 'creds':
      return { authenticator: credsAuthenticator(await readFile(a.file)) }
    case 'nkey':
      return { authenticator: nkeyAuthenticator(new TextEncoder().encode((await readFile(a.seedFile, 'utf8')).trim())) }
    case 'user':
      return { user: a.user, pass: a.password }
    case 'token':
      return { token: a.token }
  }
}
