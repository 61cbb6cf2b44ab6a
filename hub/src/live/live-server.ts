import type { Server as HttpServer } from 'node:http'
import { Server, type Socket } from 'socket.io'
import type { Alarm } from '../model/alarm.js'
import type { Incident } from '../model/incident.js'
import type { ParkRisk } from '../model/risk.js'
import type { ClientToServerEvents, DeviceStateUpdate, ServerToClientEvents, Snapshot, SocketData, TelemetryUpdate } from '../model/live-events.js'
import { TelemetryBatcher } from './telemetry-batcher.js'

/**
 * socket.io (CONTRACT.md): token auth in the handshake, `snapshot` on connect, rooms per park
 * (`subscribe` narrows what a client receives), `alarm`/`risk`/`incident` at once on every
 * change, `telemetry` batched (at most `telemetryHz` times a second per device).
 */
export interface LiveSources {
  verifyToken(token: string): { name: string; roles: string[] } | undefined
  snapshot(parks: string[] | undefined): Snapshot
  parkIds(): string[]
}

type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>

const ALL = 'all'
const parkRoom = (p: string): string => `park:${p}`

export class LiveServer {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
  private readonly batcher: TelemetryBatcher

  constructor(server: HttpServer, private readonly sources: LiveSources, o: { telemetryHz?: number; corsOrigins?: string[] } = {}) {
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
      const user = typeof token === 'string' ? sources.verifyToken(token) : undefined
      if (!user) return next(new Error('unauthorized: a valid token is required in auth.token'))
      socket.data.user = user
      socket.data.parks = undefined
      next()
    })
    this.io.on('connection', (socket) => this.onConnection(socket))
    this.batcher = new TelemetryBatcher(1000 / (o.telemetryHz ?? 4), (park, batch) => this.io.to([ALL, parkRoom(park)]).emit('telemetry', batch))
  }

  private onConnection(socket: LiveSocket): void {
    void socket.join(ALL)
    socket.emit('snapshot', this.sources.snapshot(undefined))
    socket.on('subscribe', (request, ack) => {
      const known = new Set(this.sources.parkIds())
      const parks = Array.isArray(request?.parks) ? request.parks.filter((p): p is string => typeof p === 'string' && known.has(p)) : []
      for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room)
      if (parks.length === 0) {
        socket.data.parks = undefined
        void socket.join(ALL)
      } else {
        socket.data.parks = parks
        for (const p of parks) void socket.join(parkRoom(p))
      }
      // The client sees the current truth for what it now follows.
      socket.emit('snapshot', this.sources.snapshot(socket.data.parks))
      if (typeof ack === 'function') ack({ parks })
    })
  }

  alarm(alarm: Alarm): void {
    this.io.to([ALL, parkRoom(alarm.park)]).emit('alarm', alarm)
  }

  risk(risk: ParkRisk): void {
    this.io.to([ALL, parkRoom(risk.park)]).emit('risk', risk)
  }

  incident(incident: Incident): void {
    this.io.to([ALL, parkRoom(incident.park)]).emit('incident', incident)
  }

  device(update: DeviceStateUpdate): void {
    this.io.to([ALL, parkRoom(update.park)]).emit('device', update)
  }

  telemetry(update: TelemetryUpdate): void {
    this.batcher.add(update)
  }

  async close(): Promise<void> {
    this.batcher.stop()
    this.io.disconnectSockets(true)
    await new Promise<void>((resolve) => {
      this.io.close(() => resolve())
      setTimeout(resolve, 1000).unref()
    })
  }
}
