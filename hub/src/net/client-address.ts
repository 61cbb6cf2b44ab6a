import type { Socket } from 'node:net'

/**
 * The client's address for a connection that came through a trusted balancer's PROXY
 * protocol header (connection-gate.ts): set as the socket's own `remoteAddress`, so the HTTP
 * server's `req.ip`, logs and the broker see the client, not the balancer. A TLS socket made
 * over it finds it through its parent.
 */
const CLIENT = Symbol('smartpark.clientAddress')
type WithClient = object & { [CLIENT]?: string; _parent?: unknown }

export function setClientAddress(socket: Socket, address: string): void {
  ;(socket as WithClient)[CLIENT] = address
  Object.defineProperty(socket, 'remoteAddress', { value: address, configurable: true, enumerable: true })
}

/** The client's address: from a PROXY protocol header when one came, else the peer's. */
export function clientAddressOf(socket: { remoteAddress?: string | undefined }): string | undefined {
  const own = (socket as WithClient)[CLIENT]
  if (own !== undefined) return own
  const parent = (socket as WithClient)._parent as WithClient | undefined
  if (parent && parent[CLIENT] !== undefined) return parent[CLIENT]
  return socket.remoteAddress
}
