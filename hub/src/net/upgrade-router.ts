import type { IncomingMessage, Server as HttpServer } from 'node:http'
import type { Duplex } from 'node:stream'

/**
 * The one place that decides what an HTTP Upgrade request (RFC 9110 §7.8; WebSocket's
 * opening handshake, RFC 6455 §4.2) becomes. Node's http server hands an upgrade to its
 * 'upgrade' listeners and no longer parses nor times the socket: a request no listener takes
 * was never answered nor closed, and 2,000 of them left as many descriptors in CLOSE-WAIT
 * until the hub stopped answering. Here a path nobody serves is answered 404 and closed at once.
 */
export interface UpgradeRoute {
  /** Exact path, or with `prefix` the start of one (socket.io's `/socket.io/`). */
  path: string
  prefix?: boolean
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void
}

const NOT_FOUND_BODY = 'No WebSocket or upgrade on this path\n'
const NOT_FOUND = `HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${NOT_FOUND_BODY.length}\r\n\r\n${NOT_FOUND_BODY}`

/** Replaces every 'upgrade' listener of `server` (socket.io's included) by the routes given. */
export function routeUpgrades(server: HttpServer, routes: UpgradeRoute[], onRefused: (path: string) => void): void {
  server.removeAllListeners('upgrade')
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0] ?? ''
    const route = routes.find((r) => (r.prefix ? path.startsWith(r.path) : path === r.path))
    if (route) return route.handle(req, socket, head)
    onRefused(path)
    socket.on('error', () => undefined)
    // As ws answers a handshake it refuses: the answer, then the socket destroyed once written.
    socket.once('finish', () => socket.destroy())
    socket.end(NOT_FOUND)
    setTimeout(() => socket.destroy(), 2000).unref()
  })
}
