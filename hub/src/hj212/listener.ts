import { createServer, type Server, type Socket } from 'node:net'
import type { ConnectionGate } from '../net/connection-gate.js'
import { clientAddressOf } from '../net/client-address.js'
import { Hj212Counters } from './counters.js'
import { Hj212Session, DEFAULT_SESSION_LIMITS, type SessionDeps, type SessionLimits } from './session.js'

/**
 * The HJ 212-2017 listener (HUB_HJ212_PORT, off unless set; docs/hj212.md): a TCP server beside
 * the MQTT broker whose connections pass the hub's connection gate (net/connection-gate.ts)
 * before a byte is read, each then an Hj212Session feeding the same ingest → journal → rules
 * path as MQTT.
 */
export interface ListenerOptions extends Omit<SessionDeps, 'counters' | 'limits'> {
  host: string
  port: number
  gate?: ConnectionGate
  limits?: Partial<SessionLimits>
}

export interface Hj212Listener {
  readonly port: number
  readonly counters: Hj212Counters
  close(): Promise<void>
}

export async function startHj212Listener(o: ListenerOptions): Promise<Hj212Listener> {
  const counters = new Hj212Counters()
  const limits: SessionLimits = { ...DEFAULT_SESSION_LIMITS, ...o.limits }
  const deps: SessionDeps = { ...o, counters, limits }
  const server: Server = createServer({ noDelay: true })
  const sockets = new Set<Socket>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    new Hj212Session(socket, clientAddressOf(socket), deps)
  })
  // The gate takes over the 'connection' listener above: a session starts only once admitted.
  o.gate?.guard(server, 'hj212')
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port, o.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const addr = server.address()
  const port = typeof addr === 'object' && addr ? addr.port : o.port
  counters.port = port
  return {
    port,
    counters,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    }),
  }
}
