import type { Server as NetServer, Socket } from 'node:net'
import { addressKey, CidrList } from './cidr.js'
import { readProxyHeader } from './proxy-protocol.js'
import { setClientAddress } from './client-address.js'
import { refuseWithConnack } from './connack-refusal.js'
import type { OpenFileLimits } from './descriptors.js'

/**
 * Every accepted connection of the hub — HTTP (REST, dashboard, socket.io, MQTT over
 * WebSocket), MQTT over TCP and over TLS, HJ 212 data loggers over TCP — passes here before its protocol sees a byte:
 * counted while open, refused past the cap in all or past the cap per client address (an
 * exempt network, such as a carrier's NAT or a balancer that does not send the PROXY
 * protocol, has no per-address cap), and, from a trusted balancer, read for its PROXY
 * protocol header first so the cap and everyone after count the real client.
 */
export type Listener = 'http' | 'mqtt' | 'mqtts' | 'hj212'

export type RefusalReason = 'total_cap' | 'address_cap' | 'proxy_header' | 'unknown_upgrade'

export interface GateOptions {
  /** Connections open at once, all listeners together. */
  maxTotal: number
  /** Connections open at once from one client address (0: no per-address cap). */
  maxPerAddress: number
  exempt: CidrList
  /** Balancers whose connections start with a PROXY protocol header. */
  proxyFrom: CidrList
  /** Listeners that expect the header from those balancers. */
  proxyOn: readonly Listener[]
  proxyTimeoutMs: number
  log: { warn(o: object, m: string): void }
  /** The process's open-file limits and the descriptors kept free under them (descriptors.ts), reported in stats. */
  openFiles?: OpenFileLimits & { reserve: number }
}

/**
 * Refused connections are held a moment (an HTTP 503, an MQTT CONNACK) and each holds a
 * descriptor meanwhile: the kernel-level cap (`server.maxConnections`) sits this far above the
 * hub's own, inside the descriptor reserve, so a flood is answered rather than reset.
 */
const REFUSING_AT_ONCE = 256

/** Connections under the cap that MQTT leaves to HTTP: an eighth, at most 256. */
export const httpRoom = (maxTotal: number): number => Math.min(256, Math.floor(maxTotal / 8))

export interface ConnectionStats {
  open: { total: number; http: number; mqtt: number; mqtts: number; hj212: number }
  peak: number
  /** Caps in force (maxTotal after the descriptor headroom: descriptors.ts). */
  limits: { total: number; perAddress: number; exemptNetworks: string[]; proxyProtocolFrom: string[]; openFiles: { soft: number | null; hard: number | null; reserve: number | null } }
  refused: Record<RefusalReason, number>
  /** MQTT connections over TCP refused with CONNACK "server unavailable" (of those counted in `refused`). */
  serverUnavailable: number
  /** Accept errors of the operating system (EMFILE: out of descriptors). */
  acceptErrors: number
}

const BUSY_BODY = 'Too many connections; retry later\n'
const HTTP_503 = `HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 10\r\nContent-Type: text/plain\r\nContent-Length: ${BUSY_BODY.length}\r\n\r\n${BUSY_BODY}`

export class ConnectionGate {
  private readonly open = { total: 0, http: 0, mqtt: 0, mqtts: 0, hj212: 0 }
  private readonly perAddress = new Map<string, number>()
  private peak = 0
  private acceptErrors = 0
  private serverUnavailable = 0
  private readonly refused: Record<RefusalReason, number> = { total_cap: 0, address_cap: 0, proxy_header: 0, unknown_upgrade: 0 }

  constructor(private readonly o: GateOptions) {}

  /**
   * Takes over `server`'s 'connection' listeners (its protocol's own: http's parser, tls's
   * handshake, the broker's handler): they see a connection only once it is admitted.
   */
  guard(server: NetServer, listener: Listener): void {
    const downstream = server.listeners('connection') as ((socket: Socket) => void)[]
    server.removeAllListeners('connection')
    // The kernel's accept failing (EMFILE: no descriptor left) is an 'error' of the server; without a listener it ended the process.
    server.on('error', (err: NodeJS.ErrnoException) => {
      this.acceptErrors++
      if (this.acceptErrors === 1 || this.acceptErrors % 1000 === 0) this.o.log.warn({ listener, err: err.message, acceptErrors: this.acceptErrors }, 'accept failed')
    })
    server.maxConnections = this.o.maxTotal + Math.min(REFUSING_AT_ONCE, Math.floor((this.o.openFiles?.reserve ?? 0) / 2))
    server.on('drop', () => this.refused.total_cap++)
    const expectsProxy = this.o.proxyOn.includes(listener)
    server.on('connection', (socket: Socket) => {
      socket.on('error', () => undefined)
      const peer = socket.remoteAddress
      if (expectsProxy && this.o.proxyFrom.has(peer)) {
        void readProxyHeader(socket, this.o.proxyTimeoutMs).then((h) => {
          if (socket.destroyed) return
          if (!h.ok) {
            this.refused.proxy_header++
            this.o.log.warn({ listener, balancer: peer, err: h.error }, 'connection refused: PROXY protocol header')
            socket.destroy()
            return
          }
          const client = h.source ?? peer
          if (h.source !== undefined) setClientAddress(socket, h.source)
          this.admit(socket, listener, client, downstream, server)
        })
      } else this.admit(socket, listener, peer, downstream, server)
    })
  }

  private admit(socket: Socket, listener: Listener, address: string | undefined, downstream: ((s: Socket) => void)[], server: NetServer): void {
    const key = addressKey(address)
    const reason = this.refusal(key, listener)
    if (reason) {
      this.refused[reason]++
      if (listener === 'http') socket.end(HTTP_503, () => socket.destroy())
      // Past the cap an MQTT client is told the server is unavailable (connack-refusal.ts); one address over its own cap is closed.
      else if (listener === 'mqtt' && reason === 'total_cap') {
        this.serverUnavailable++
        refuseWithConnack(socket)
        return
      } else socket.destroy()
      // A client that never reads its answer is not held.
      setTimeout(() => socket.destroy(), 2000).unref()
      return
    }
    this.open.total++
    this.open[listener]++
    if (this.open.total > this.peak) this.peak = this.open.total
    this.perAddress.set(key, (this.perAddress.get(key) ?? 0) + 1)
    socket.once('close', () => {
      this.open.total--
      this.open[listener]--
      const n = (this.perAddress.get(key) ?? 1) - 1
      if (n <= 0) this.perAddress.delete(key)
      else this.perAddress.set(key, n)
    })
    for (const l of downstream) l.call(server, socket)
    // Bytes that followed a PROXY header wait, paused, in the socket's buffer: HTTP's parser and
    // the broker read them once it flows again; TLS reads them itself as it wraps the socket.
    if (listener !== 'mqtts' && socket.isPaused()) socket.resume()
  }

  private refusal(key: string, listener: Listener): RefusalReason | undefined {
    if (this.open.total >= this.o.maxTotal) return 'total_cap'
    // MQTT stops short of the cap: a device flood leaves HTTP (health, the dashboard, operators) its room.
    if (listener !== 'http' && this.open.total >= this.o.maxTotal - httpRoom(this.o.maxTotal)) return 'total_cap'
    if (this.o.maxPerAddress > 0 && (this.perAddress.get(key) ?? 0) >= this.o.maxPerAddress && !this.o.exempt.has(key)) return 'address_cap'
    return undefined
  }

  /** An HTTP upgrade to a path nobody serves (upgrade-router.ts). */
  countUnknownUpgrade(): void {
    this.refused.unknown_upgrade++
  }

  /** Client addresses with a connection open now (for tests and diagnostics). */
  addresses(): string[] {
    return [...this.perAddress.keys()]
  }

  stats(): ConnectionStats {
    return {
      open: { ...this.open },
      peak: this.peak,
      limits: {
        total: this.o.maxTotal, perAddress: this.o.maxPerAddress, exemptNetworks: this.o.exempt.text, proxyProtocolFrom: this.o.proxyFrom.text,
        openFiles: { soft: this.o.openFiles?.soft ?? null, hard: this.o.openFiles?.hard ?? null, reserve: this.o.openFiles?.reserve ?? null },
      },
      refused: { ...this.refused },
      serverUnavailable: this.serverUnavailable,
      acceptErrors: this.acceptErrors,
    }
  }
}
