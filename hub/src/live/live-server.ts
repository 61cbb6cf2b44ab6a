import type { Server as HttpServer } from 'node:http'
import { Server, type Socket } from 'socket.io'
import type { Alarm } from '../model/alarm.js'
import type { Incident } from '../model/incident.js'
import type { ParkFootprint } from '../model/footprint.js'
import type { ParkRisk } from '../model/risk.js'
import type { ClientToServerEvents, DeviceStateUpdate, ServerToClientEvents, SessionEndReason, Snapshot, SocketData, TelemetryUpdate } from '../model/live-events.js'
import { riskView, sees, seesPark, seesWholePark } from '../api/scope.js'
import { liveRisk } from '../risk/index.js'
import { EventLimiter } from './event-limiter.js'
import { RiskPacer } from './risk-pacer.js'
import { TELEMETRY_HZ, TelemetryBatcher } from './telemetry-batcher.js'
import { DeviceStateBatcher } from './device-state-batcher.js'

/**
 * socket.io (CONTRACT.md): token auth in the handshake, `snapshot` on connect, rooms per park
 * (`subscribe` narrows what a client receives), `alarm`/`incident` at once on every change,
 * `risk` at once when a park's level changes and at most once a second per park while only its
 * figures do (risk-pacer.ts), `telemetry` batched (at most `telemetryHz` times a second per device).
 *
 * Limits (docs/security.md, "Socket limits"): every client event passes a per-socket token
 * bucket (refused past it, the socket dropped when it keeps flooding); the socket ends when its
 * token expires unless the client sends `refresh` with a new one; each event re-reads the user
 * as it is now (removed: dropped; roles or scope changed: followed at once, with a new snapshot).
 *
 * Scope (api/scope.ts): a user limited to parks follows only their rooms; one limited to
 * enterprises of a park is a "narrow" socket, sent that park's items of its enterprises one by one.
 */
export interface LiveUser {
  name: string
  roles: string[]
  scope?: SocketData['user']['scope']
}

export interface LiveSources {
  verifyToken(token: string): (LiveUser & { expiresAt: number }) | undefined
  /** The user as it is now; undefined when removed. */
  currentUser(name: string): LiveUser | undefined
  snapshot(parks: string[] | undefined): Snapshot
  parkIds(): string[]
  enterprisePark(enterprise: string): string | undefined
  deviceEnterprise(device: string): string | undefined
}

export interface LiveLimits {
  eventRate: number
  eventBurst: number
  floodDisconnectAfter: number
}

export interface LiveStats {
  sockets: number
  eventsRefused: number
  droppedFlood: number
  droppedExpired: number
  droppedUserRemoved: number
}

type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>

const ALL = 'all'
const parkRoom = (p: string): string => `park:${p}`
/** Distinct park ids of a client's request (at most as many as the zone could have). */
const parkList = (v: unknown): string[] => (Array.isArray(v) ? [...new Set(v.filter((p): p is string => typeof p === 'string').slice(0, 10_000))] : [])
/** setTimeout's longest delay (2^31 − 1 ms); a later expiry is re-armed. */
const MAX_TIMER_MS = 2_147_483_647
/** Device presence changes gathered this long before they go to the sockets (device-state-batcher.ts). */
const DEVICE_BATCH_MS = 250

export class LiveServer {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
  private readonly batcher: TelemetryBatcher
  /** Device presence, batched per park every DEVICE_BATCH_MS (device-state-batcher.ts). */
  private readonly deviceBatcher: DeviceStateBatcher
  private readonly riskPacer = new RiskPacer((risk) => this.sendRisk(risk))
  /** Sockets that see only some enterprises of a park: socket id → those enterprises and their parks. */
  private readonly narrow = new Map<string, { socket: LiveSocket; enterprises: Set<string>; parks: Set<string> }>()
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>()
  private readonly counts = { eventsRefused: 0, droppedFlood: 0, droppedExpired: 0, droppedUserRemoved: 0 }
  private readonly limits: LiveLimits

  constructor(server: HttpServer, private readonly sources: LiveSources, o: { telemetryHz?: number; corsOrigins?: string[]; limits?: Partial<LiveLimits> } = {}) {
    this.limits = { eventRate: 5, eventBurst: 20, floodDisconnectAfter: 50, ...o.limits }
    this.io = new Server(server, {
      path: '/socket.io',
      serveClient: false,
      // Other upgrade paths (MQTT over WebSocket at /mqtt) belong to the broker.
      destroyUpgrade: false,
      cors: o.corsOrigins && o.corsOrigins.length > 0 ? { origin: o.corsOrigins } : undefined,
      maxHttpBufferSize: 64 * 1024,
      connectionStateRecovery: undefined,
    })
    this.io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token
      const holder = typeof token === 'string' ? sources.verifyToken(token) : undefined
      if (!holder) return next(new Error('unauthorized: a valid token is required in auth.token'))
      socket.data.user = { name: holder.name, roles: holder.roles, scope: holder.scope }
      socket.data.parks = undefined
      socket.data.expiresAt = holder.expiresAt
      next()
    })
    this.io.on('connection', (socket) => this.onConnection(socket))
    this.batcher = new TelemetryBatcher(1000 / (o.telemetryHz ?? TELEMETRY_HZ), (park, batch) => {
      this.io.to([ALL, parkRoom(park)]).emit('telemetry', batch)
      this.toNarrow(park, (n) => {
        const mine = batch.filter((u) => n.enterprises.has(this.sources.deviceEnterprise(u.device) ?? ''))
        if (mine.length > 0) n.socket.emit('telemetry', mine)
      })
    })
    this.deviceBatcher = new DeviceStateBatcher(DEVICE_BATCH_MS, (park, batch) => {
      this.io.to([ALL, parkRoom(park)]).emit('device', batch)
      this.toNarrow(park, (n) => {
        const mine = batch.filter((u) => n.enterprises.has(this.sources.deviceEnterprise(u.device) ?? ''))
        if (mine.length > 0) n.socket.emit('device', mine)
      })
    })
  }

  private onConnection(socket: LiveSocket): void {
    this.armExpiry(socket)
    socket.once('disconnect', () => {
      clearTimeout(this.expiryTimers.get(socket.id))
      this.expiryTimers.delete(socket.id)
      this.narrow.delete(socket.id)
    })
    const limiter = new EventLimiter(this.limits.eventRate, this.limits.eventBurst, this.limits.floodDisconnectAfter, Date.now())
    // Every client event, known or not, passes here first.
    socket.use((packet, next) => {
      const verdict = limiter.take(Date.now())
      if (verdict !== 'ok') {
        this.counts.eventsRefused++
        const ack = packet[packet.length - 1]
        if (typeof ack === 'function') (ack as (r: { error: string }) => void)({ error: 'rate_limited' })
        if (verdict === 'flood') this.end(socket, 'flood')
        return
      }
      if (this.recheckUser(socket)) next()
    })
    // `auth.parks` in the handshake sizes the first snapshot as a `subscribe` would.
    const wanted = parkList((socket.handshake.auth as { parks?: unknown } | undefined)?.parks)
    this.follow(socket, wanted.length > 0 ? wanted : undefined)
    socket.emit('snapshot', this.snapshotOf(socket))
    socket.on('subscribe', (request, ack) => {
      const { parks, refused } = this.follow(socket, parkList(request?.parks))
      // The client sees the current truth for what it now follows.
      socket.emit('snapshot', this.snapshotOf(socket))
      if (typeof ack === 'function') ack(refused.length > 0 ? { parks, refused } : { parks })
    })
    socket.on('refresh', (request, ack) => {
      const holder = typeof request?.token === 'string' ? this.sources.verifyToken(request.token) : undefined
      const reply = typeof ack === 'function' ? ack : () => undefined
      if (!holder || holder.name !== socket.data.user.name) return reply({ ok: false, error: 'a valid token of the same user is required' })
      socket.data.expiresAt = holder.expiresAt
      this.armExpiry(socket)
      reply({ ok: true, expiresAt: holder.expiresAt })
    })
  }

  /**
   * Puts the socket in the rooms of what it follows: the requested parks it may see (all it may
   * see when none is requested or none is allowed). Unknown and out-of-scope parks are refused alike.
   */
  private follow(socket: LiveSocket, requested: string[] | undefined): { parks: string[]; refused: string[] } {
    const user = socket.data.user
    const known = new Set(this.sources.parkIds())
    const accepted = (requested ?? []).filter((p) => known.has(p) && seesPark(user, p))
    const refused = (requested ?? []).filter((p) => !accepted.includes(p))
    for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room)
    this.narrow.delete(socket.id)
    socket.data.parks = accepted.length > 0 ? accepted : undefined
    const scope = user.scope
    if (!scope) {
      if (accepted.length === 0) void socket.join(ALL)
      for (const p of accepted) void socket.join(parkRoom(p))
      return { parks: accepted, refused }
    }
    const parks = accepted.length > 0 ? accepted : [...scope.parks, ...scope.partialParks]
    for (const p of parks.filter((x) => seesWholePark(user, x))) void socket.join(parkRoom(p))
    const enterprises = scope.enterprises.filter((e) => {
      const p = this.sources.enterprisePark(e)
      return p !== undefined && parks.includes(p) && !seesWholePark(user, p)
    })
    if (enterprises.length > 0) {
      this.narrow.set(socket.id, { socket, enterprises: new Set(enterprises), parks: new Set(enterprises.map((e) => this.sources.enterprisePark(e)!)) })
    }
    return { parks: accepted, refused }
  }

  /** What the socket follows, within the user's scope. */
  private snapshotOf(socket: LiveSocket): Snapshot {
    const user = socket.data.user
    if (!user.scope) return this.sources.snapshot(socket.data.parks)
    const parks = [...socket.rooms].filter((r) => r.startsWith('park:')).map((r) => r.slice(5))
    const n = this.narrow.get(socket.id)
    const s = this.sources.snapshot([...parks, ...(n?.parks ?? [])])
    return {
      alarms: s.alarms.filter((a) => sees(user, a.park, a.enterprise)),
      risk: s.risk.map((r) => riskView(user, r)).filter((r): r is ParkRisk => r !== undefined).map(liveRisk),
      incidents: s.incidents.filter((i) => sees(user, i.park, i.enterprise)),
      serverTime: s.serverTime,
    }
  }

  /** The user as it is now: false (and the socket dropped) when removed; rooms follow a changed role or scope. */
  private recheckUser(socket: LiveSocket): boolean {
    const now = this.sources.currentUser(socket.data.user.name)
    if (!now) {
      this.end(socket, 'user_removed')
      return false
    }
    const next = { name: now.name, roles: now.roles, scope: now.scope }
    if (JSON.stringify(next) !== JSON.stringify(socket.data.user)) {
      socket.data.user = next
      this.follow(socket, socket.data.parks)
      socket.emit('snapshot', this.snapshotOf(socket))
    }
    return true
  }

  /** Users changed (the directory says so): every socket follows its user as it is now. */
  usersChanged(): void {
    for (const socket of this.io.sockets.sockets.values()) this.recheckUser(socket)
  }

  private armExpiry(socket: LiveSocket): void {
    clearTimeout(this.expiryTimers.get(socket.id))
    const delay = socket.data.expiresAt - Date.now()
    const timer = setTimeout(() => {
      if (socket.data.expiresAt <= Date.now()) this.end(socket, 'token_expired')
      else this.armExpiry(socket)
    }, Math.max(0, Math.min(delay, MAX_TIMER_MS)))
    timer.unref()
    this.expiryTimers.set(socket.id, timer)
  }

  private end(socket: LiveSocket, reason: SessionEndReason): void {
    if (!socket.connected) return
    if (reason === 'flood') this.counts.droppedFlood++
    else if (reason === 'token_expired') this.counts.droppedExpired++
    else this.counts.droppedUserRemoved++
    socket.emit('session_end', { reason })
    socket.disconnect(true)
  }

  private toNarrow(park: string, send: (n: { socket: LiveSocket; enterprises: Set<string> }) => void): void {
    for (const n of this.narrow.values()) if (n.parks.has(park)) send(n)
  }

  stats(): LiveStats {
    return { sockets: this.io.sockets.sockets.size, ...this.counts }
  }

  alarm(alarm: Alarm): void {
    this.io.to([ALL, parkRoom(alarm.park)]).emit('alarm', alarm)
    this.toNarrow(alarm.park, (n) => n.enterprises.has(alarm.enterprise) && n.socket.emit('alarm', alarm))
  }

  risk(risk: ParkRisk): void {
    this.riskPacer.offer(risk)
  }

  private sendRisk(risk: ParkRisk): void {
    this.io.to([ALL, parkRoom(risk.park)]).emit('risk', liveRisk(risk))
    this.toNarrow(risk.park, (n) => {
      const view = riskView(n.socket.data.user, risk)
      if (view) n.socket.emit('risk', liveRisk(view))
    })
  }

  incident(incident: Incident): void {
    this.io.to([ALL, parkRoom(incident.park)]).emit('incident', incident)
    this.toNarrow(incident.park, (n) => incident.enterprise !== undefined && n.enterprises.has(incident.enterprise) && n.socket.emit('incident', incident))
  }

  /** A park's hazard footprint (hazard/footprint-service.ts): to sockets that see the whole park; it covers the park, not one enterprise. */
  footprint(footprint: ParkFootprint): void {
    this.io.to([ALL, parkRoom(footprint.park)]).emit('footprint', footprint)
  }

  device(update: DeviceStateUpdate): void {
    this.deviceBatcher.add(update)
  }

  telemetry(update: TelemetryUpdate): void {
    this.batcher.add(update)
  }

  async close(): Promise<void> {
    this.batcher.stop()
    this.deviceBatcher.stop()
    this.riskPacer.stop()
    for (const t of this.expiryTimers.values()) clearTimeout(t)
    this.io.disconnectSockets(true)
    await new Promise<void>((resolve) => {
      this.io.close(() => resolve())
      setTimeout(resolve, 1000).unref()
    })
  }
}
