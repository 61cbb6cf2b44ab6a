import { createServer as createTcpServer, type Server as TcpServer } from 'node:net'
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls'
import { readFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { Aedes } from 'aedes'
import { WebSocketServer, createWebSocketStream } from 'ws'
import type { DeviceRegistry } from '../registry/device-registry.js'
import type { Ingest } from '../ingest/pipeline.js'
import { makeAuthenticate } from './authenticate.js'
import { HeldPublishes, makeAuthorizePublish } from './authorize-publish.js'
import { makeAuthorizeSubscribe } from './authorize-subscribe.js'
import { identityOf, setCertificateName } from './identity.js'
import { guardedConnection, InboundBacklog, MQTT_SERVER_OPTIONS, type GuardOptions } from './guarded-connection.js'
import { ConnectionScheduler, type SchedulerStats } from './loop-turns.js'
import { FastPathCounters, fastPublishFor } from './publish-fast-path.js'
import { ConnectPacer, type PacingStats } from './connect-pacing.js'
import { lightenParser, skipFanOutFor } from './aedes-internals.js'
import { BrokerSessions } from './sessions.js'
import { DEFAULT_SESSION_LIMITS, type SessionLimits, type SessionStats } from './session-book.js'
import type { ConnectionGate } from '../net/connection-gate.js'
import { clientAddressOf } from '../net/client-address.js'

/** Topics ingest consumes entirely (their format already checked by authorizePublish). */
const consumedByIngest = (topic: string): boolean => topic.endsWith('/telemetry') || topic.endsWith('/event')
const MAX_TOPIC_LEVELS = 16
/**
 * Connections the kernel holds accepted until the hub takes them (listen(2) backlog; Linux caps
 * it at net.core.somaxconn, 4096 since 5.4). Node's default, 511, overflowed when 18,000 devices
 * reconnected at once: the kernel dropped their SYNs and each client waited for its SYN's
 * retransmission (1, 3, 7, 15 s…), some past their 30 s CONNACK timeout.
 */
const LISTEN_BACKLOG = 4096

export interface BrokerOptions {
  registry: DeviceRegistry
  ingest: Ingest
  log: { info(o: object, m: string): void; warn(o: object, m: string): void }
  tls?: { key: string; cert: string; ca: string | undefined; requestCert: boolean } | undefined
  /** Admits, caps and counts every MQTT connection (TCP, TLS), with HTTP's (net/connection-gate.ts). */
  gate?: ConnectionGate
  /** Publishes a second per connection; 0: no limit. */
  clientMaxRate?: number
  /** Largest MQTT packet accepted (bytes); larger ones end the connection. */
  maxPacketBytes?: number
  /** Bytes of a connection handed to the broker at a time: bounds each client's publishes in flight. */
  clientSliceBytes?: number
  /** Caps on stored sessions, QoS 2 in flight and queued messages (session-book.ts). */
  sessionLimits?: SessionLimits
  /**
   * Whose turn it is to hand bytes to the broker (loop-turns.ts). Given when something built
   * before the broker asks whether ingest is saturated (the store's writer); else the broker's own.
   */
  scheduler?: ConnectionScheduler
}

/** Everything the broker counts, in one place (health, /metrics). */
export interface BrokerStats {
  clients: number
  tcpPort: number | undefined
  /** Publishes waiting for the store (backpressure) or the journal (QoS 1 durability). */
  heldPublishes: number
  /** Bytes read from MQTT sockets and not yet handed to the broker; sockets paused meanwhile. */
  waitingBytes: number
  pausedConnections: number
  scheduler: SchedulerStats
  /** New connections waiting for their start, the rate they start at, those refused busy (connect-pacing.ts). */
  connecting: PacingStats
  /** Publishes taken past aedes's parser (publish-fast-path.ts); QoS 1 ones of them not yet acknowledged. */
  fastPath: { taken: number; held: number }
  /** Stored sessions, QoS 2 in flight, queued messages, and what the caps refused. */
  sessions: SessionStats
}

export interface Broker {
  aedes: Aedes
  /** Listen for MQTT over TCP (and mqtts when TLS is configured). Returns the bound ports. */
  listen(host: string, port: number, tlsPort?: number): Promise<{ port: number; tlsPort: number | undefined }>
  /** Serve MQTT over WebSocket: an HTTP upgrade to `/mqtt` (net/upgrade-router.ts routes it here). */
  webSocketUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  /** Publish from the hub (commands to devices); bypasses authorisation. */
  publish(topic: string, payload: string | Buffer, qos?: 0 | 1, retain?: boolean): Promise<void>
  close(): Promise<void>
  /** Everything the broker counts (health, /metrics). */
  stats(): BrokerStats
}

export async function createBroker(o: BrokerOptions): Promise<Broker> {
  const logFn = (msg: string, data: object): void => o.log.warn(data, msg)
  const sessions = new BrokerSessions(o.registry, o.sessionLimits ?? DEFAULT_SESSION_LIMITS, logFn)
  // The broker's own state: two brokers in one process share none of it.
  const held = new HeldPublishes()
  const backlog = new InboundBacklog()
  const scheduler = o.scheduler ?? new ConnectionScheduler()
  const fastPath = new FastPathCounters()
  const pacer = new ConnectPacer()
  const authorizePublish = makeAuthorizePublish(o.registry, o.ingest, logFn, o.clientMaxRate ?? 0, held)
  const aedes = await Aedes.createBroker({
    persistence: sessions.persistence as never,
    authenticate: makeAuthenticate(o.registry, sessions, logFn),
    // A QoS 2 publish past the device's cap is refused before ingest sees it (bounded-persistence.ts holds the cap).
    authorizePublish: (client, packet, done) => (packet.qos === 2 && client && !sessions.mayTakeQos2(client, packet) ? done(new Error('QoS 2 publishes awaiting PUBREL over the cap')) : authorizePublish(client, packet, done)),
    authorizeSubscribe: makeAuthorizeSubscribe(o.registry, logFn),
    authorizeForward: sessions.forward as never,
    // Longer client ids than MQTT 3.1's 23 (device ids are up to 64 characters).
    maxClientsIdLength: 128,
    maxTopicLevels: MAX_TOPIC_LEVELS,
    maxInflightInbound: (o.sessionLimits ?? DEFAULT_SESSION_LIMITS).qos2PerDevice,
    drainTimeout: 30_000,
    heartbeatInterval: 60_000,
  })
  sessions.attach(aedes)
  // A device's telemetry and events reach this only after authorizePublish handed them to
  // ingest, and no MQTT client may subscribe to them (authorize-subscribe.ts: `cmd` topics
  // only): the fan-out (a copy of the packet, a topic match against every subscription, the
  // hooks) would find no one, so it is skipped for them.
  skipFanOutFor(aedes, (packet) => consumedByIngest(packet.topic))
  aedes.on('clientError', (client, err) => {
    o.log.info({ client: identityOf(client)?.id ?? client?.id, err: err.message }, 'mqtt client error')
  })
  aedes.on('connectionError', (client, err) => {
    o.log.info({ client: client?.id, err: err.message }, 'mqtt connection error')
  })
  const servers: (TcpServer | TlsServer)[] = []
  const sockets = new Set<Duplex>()
  let wss: WebSocketServer | undefined
  let tcpPort: number | undefined

  // One options object for every connection (per connection it was an object, a closure and its context).
  const guardOptions: GuardOptions = {
    maxPacketBytes: o.maxPacketBytes ?? 268_435_455,
    sliceBytes: o.clientSliceBytes ?? 16 * 1024,
    scheduler,
    backlog,
    onTooLarge: (bytes, remote) => {
      o.ingest.countReject('payload_too_large', `MQTT packet of ${bytes} bytes refused before reading it`, '', undefined)
      o.log.warn({ remote, bytes }, 'mqtt packet too large; connection closed')
    },
  }
  const guard = (socket: Duplex, remote: string | undefined) => guardedConnection(socket, guardOptions, remote)

  /** The broker takes the connection; its device telemetry may pass its parser (publish-fast-path.ts). */
  const handle = (conn: ReturnType<typeof guard>, req?: IncomingMessage): void => {
    // A new connection starts when the pacer lets it (connect-pacing.ts: 18,000 devices
    // reconnecting at once after a network blip held the loop for seconds while alarms waited),
    // or is refused at once with CONNACK "server unavailable" when its wait would be too long.
    // aedes makes its client in the connection's first turn among the connecting ones (loop-turns.ts).
    pacer.offer(
      () => scheduler.inTurn(() => {
        if (conn.destroyed) return
        const client = aedes.handle(conn, req)
        lightenParser(client)
        conn.fast = fastPublishFor(aedes, client, consumedByIngest, MAX_TOPIC_LEVELS, fastPath)
      }, 'connecting'),
      () => conn.refuseBusy(),
    )
  }

  // One listener for every socket (an emitter's listener is called with it as `this`), not a closure each.
  function untrack(this: Duplex): void {
    sockets.delete(this)
  }
  const track = (s: Duplex): void => {
    sockets.add(s)
    s.on('close', untrack)
  }

  const listenOn = (server: TcpServer | TlsServer, host: string, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
        server.off('error', reject)
        const addr = server.address()
        resolve(typeof addr === 'object' && addr ? addr.port : port)
      })
    })

  return {
    aedes,
    async listen(host, port, tlsPort) {
      const tcp = createTcpServer(MQTT_SERVER_OPTIONS, (socket) => {
        track(socket)
        handle(guard(socket, clientAddressOf(socket)))
      })
      o.gate?.guard(tcp, 'mqtt')
      servers.push(tcp)
      tcpPort = await listenOn(tcp, host, port)
      let boundTls: number | undefined
      if (o.tls && tlsPort !== undefined) {
        const tls = createTlsServer(
          {
            key: readFileSync(o.tls.key),
            cert: readFileSync(o.tls.cert),
            ...(o.tls.ca ? { ca: readFileSync(o.tls.ca) } : {}),
            requestCert: o.tls.requestCert,
            rejectUnauthorized: o.tls.requestCert,
          },
          (socket) => {
            track(socket)
            const conn = guard(socket, clientAddressOf(socket))
            // Verified by the TLS handshake against HUB_TLS_CA; authenticate() binds it to the username.
            if (o.tls?.requestCert) setCertificateName(conn, String(socket.getPeerCertificate().subject?.CN ?? ''))
            handle(conn)
          },
        )
        o.gate?.guard(tls, 'mqtts')
        servers.push(tls)
        boundTls = await listenOn(tls, host, tlsPort)
      }
      return { port: tcpPort, tlsPort: boundTls }
    },
    webSocketUpgrade(req, socket, head) {
      wss ??= new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 })
      wss.handleUpgrade(req, socket, head, (ws) => {
        const stream = createWebSocketStream(ws)
        track(stream)
        handle(guard(stream, clientAddressOf(req.socket)), req)
      })
    },
    publish(topic, payload, qos = 1, retain = false) {
      return new Promise((resolve, reject) => {
        aedes.publish(
          { cmd: 'publish', topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, qos, retain, dup: false },
          (err) => (err ? reject(err) : resolve()),
        )
      })
    },
    async close() {
      pacer.close()
      for (const s of servers) s.close()
      wss?.close()
      await new Promise<void>((resolve) => aedes.close(() => resolve()))
      for (const s of sockets) s.destroy()
      await Promise.all(servers.map((s) => new Promise<void>((r) => (s.listening ? s.close(() => r()) : r()))))
    },
    stats() {
      return { clients: aedes.connectedClients, tcpPort, heldPublishes: held.now, ...backlog.stats(), scheduler: scheduler.stats(), connecting: pacer.stats(), fastPath: fastPath.stats(), sessions: sessions.stats() }
    },
  }
}
