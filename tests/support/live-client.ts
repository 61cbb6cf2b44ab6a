import { io, type Socket } from 'socket.io-client'
import type { ClientToServerEvents, ServerToClientEvents, Snapshot } from '../../hub/src/model/live-events.js'

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>

/** A real socket.io client of the hub, resolved with the snapshot the hub sends on connect. */
export function connectLive(http: string, token: string): Promise<{ socket: LiveClient; snapshot: Snapshot }> {
  return new Promise((resolve, reject) => {
    const socket: LiveClient = io(http, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false })
    socket.once('snapshot', (snapshot) => resolve({ socket, snapshot }))
    socket.once('connect_error', reject)
  })
}
