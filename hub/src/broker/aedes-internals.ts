import { createRequire } from 'node:module'
import type { Aedes, Client, PublishPacket } from 'aedes'

/**
 * Every place the hub reaches past aedes's public API, in one file. These are aedes 1.2.0's
 * private fields and calls; they may change in any release, so package.json pins aedes to
 * exactly AEDES_VERSION and tests/unit/broker/aedes-internals.test.ts checks each of them on a
 * real broker and client: a release that renames, retypes or drops one fails that test before
 * the hub misbehaves. To move to another aedes release: change the pin and this constant, run
 * that test, and adapt this file alone.
 */
export const AEDES_VERSION = '1.2.0'

/** The parts of aedes's client (lib/client.js) the hub reads; not in aedes's typings. */
interface ClientInternals {
  connected: boolean
  closed: boolean
  /** Set while aedes has paused reading the client's stream (its parser's backpressure). */
  _paused: boolean
  /** Packets of the current read batch not yet handled (0: every packet given was handled). */
  _parsingBatch: number
  /** The keep-alive (MQTT 3.1.1 §3.1.2.10) in ms; -1 or 0 when there is none. */
  _keepaliveInterval: number
  _keepaliveTimer: NodeJS.Timeout | null
  conn: ClientConnection
}

/** The stream aedes writes the client's packets to. */
export interface ClientConnection {
  destroyed: boolean
  write(b: Buffer): boolean
  cork(): void
  uncork(): void
}

const internals = (client: Client): ClientInternals => client as unknown as ClientInternals

/** The client is connected and aedes has handled every packet it was given: a packet may be handled beside it, in order. */
export function clientIdle(client: Client): boolean {
  const c = internals(client)
  return c.connected && !c.closed && !c._paused && c._parsingBatch === 0
}

/** As aedes's handle() does for every packet a connected client sends: restart its keep-alive. */
export function refreshKeepalive(client: Client): void {
  const c = internals(client)
  if (c._keepaliveInterval > 0) c._keepaliveTimer?.refresh()
}

/** The client's connection, to write a packet aedes would have written (a PUBACK). */
export function clientConnection(client: Client): ClientConnection {
  return internals(client).conn
}

/** aedes's connected clients by client id (a null-prototype object). */
export function connectedClients(aedes: Aedes | undefined): Record<string, Client> {
  return (aedes as unknown as { clients?: Record<string, Client> } | undefined)?.clients ?? {}
}

/** aedes's own call from its PUBLISH handler: `publish(packet, client, done)`; from the API `publish(packet, done)`. */
type InternalPublish = (packet: PublishPacket, client: unknown, done?: (err?: Error | null) => void) => void

/**
 * Complete a client's publish without aedes's fan-out when `skip(packet)` says no one may
 * receive it. aedes's PUBLISH handler calls `broker.publish(packet, client, done)`, which the
 * typings do not show (they have the API's `publish(packet, done)`, which is left as it is).
 */
export function skipFanOutFor(aedes: Aedes, skip: (packet: PublishPacket) => boolean): void {
  const fanOut = aedes.publish.bind(aedes) as unknown as InternalPublish
  ;(aedes as unknown as { publish: InternalPublish }).publish = (packet, client, done) => {
    if (client && typeof client !== 'function' && skip(packet)) return done?.(null)
    fanOut(packet, client, done)
  }
}

/** mqtt-packet as aedes loads it, and the `bl` its parser loads. */
const aedesRequire = createRequire(createRequire(import.meta.url).resolve('aedes'))
const parserRequire = createRequire(aedesRequire.resolve('mqtt-packet'))
const { BufferList } = parserRequire('bl') as { BufferList: new () => { length: number } }

/** The parts of mqtt-packet's parser (parser.js) the hub touches. */
interface ParserInternals {
  /** The bytes read and not yet parsed. */
  _list: { length: number }
}

/**
 * mqtt-packet's parser keeps a client's unparsed bytes in `bl()`: a BufferListStream, which is a
 * whole readable-stream Duplex — ≈ 1,000 B of heap and a pair of stream states a connection, of
 * 12.8 KB (heap snapshots at 3,000 connections, docs/performance.md) — of which the parser uses
 * only the buffer list's methods (append, consume, length, readUInt8 / 16BE / 32BE, slice,
 * toString). The same package's plain BufferList has them all and no stream: ≈ 70 B. Swapped
 * while it holds nothing, as aedes has just made the client; after a parse error the parser
 * makes a `bl()` again, and its client is closed.
 */
export function lightenParser(client: Client): void {
  const parser = (client as unknown as { _parser?: ParserInternals })._parser
  if (parser?._list?.length === 0) parser._list = new BufferList()
}

/** aedes-persistence's in-memory store, which its package's entry point does not export (pinned by aedes's lock entry). */
export function aedesMemoryStore<T>(): new () => T {
  return createRequire(import.meta.url)('aedes-persistence/asyncPersistence.js') as new () => T
}
