import { Duplex, Readable } from 'node:stream'

/**
 * Refuses an MQTT packet larger than `maxBytes` before the broker buffers it: reads each
 * packet's fixed header (MQTT 3.1.1 §2.2: type byte, then the remaining length as a variable
 * byte integer of up to four bytes) as bytes pass, skips the body arithmetically, and reports
 * a remaining length over the limit. Without it, a client could make the broker hold a packet
 * of up to 256 MB.
 */
export class PacketSizeCheck {
  private state: 'type' | 'length' | 'body' = 'type'
  private length = 0
  private multiplier = 1
  private lengthBytes = 0
  private remaining = 0

  constructor(private readonly maxBytes: number) {}

  /** Undefined when the bytes are acceptable so far; otherwise why the connection must end. */
  check(chunk: Buffer): { error: string; tooLarge?: number } | undefined {
    let i = 0
    while (i < chunk.length) {
      if (this.state === 'body') {
        const step = Math.min(this.remaining, chunk.length - i)
        this.remaining -= step
        i += step
        if (this.remaining === 0) this.state = 'type'
        continue
      }
      if (this.state === 'type') {
        i++
        this.state = 'length'
        this.length = 0
        this.multiplier = 1
        this.lengthBytes = 0
        continue
      }
      const byte = chunk[i++]!
      this.length += (byte & 0x7f) * this.multiplier
      this.multiplier *= 128
      this.lengthBytes++
      if (this.length > this.maxBytes) return { error: `MQTT packet of ${this.length} bytes is over the ${this.maxBytes}-byte limit`, tooLarge: this.length }
      if ((byte & 0x80) === 0) {
        this.remaining = this.length
        this.state = this.remaining > 0 ? 'body' : 'type'
      } else if (this.lengthBytes >= 4) return { error: 'malformed MQTT remaining length' }
    }
    return undefined
  }
}

export interface GuardOptions {
  /** Largest MQTT packet accepted (bytes); a larger one ends the connection before it is read. */
  maxPacketBytes: number
  /**
   * Most bytes handed to the broker at a time. aedes parses everything it can read and reads
   * again only once every packet of that batch is handled, so this bounds the publishes one
   * connection has in flight (held for durability or a rate limit, or queued in the broker).
   */
  sliceBytes: number
  onTooLarge: (bytes: number) => void
}

/**
 * The connection as aedes sees it: reads go through the size check and are handed out a
 * slice at a time, writes go straight to the socket. While more than a few slices wait, the
 * socket is paused: TCP holds the rest at the publisher.
 */
export function guardedConnection(socket: Duplex, o: GuardOptions): Duplex {
  const check = new PacketSizeCheck(o.maxPacketBytes)
  const waiting: Buffer[] = []
  let waitingBytes = 0
  let ended = false
  let wanted = false
  const readable = new Readable({
    highWaterMark: o.sliceBytes,
    read() {
      wanted = true
      deliver()
    },
  })
  const deliver = (): void => {
    while (wanted && waiting.length > 0) {
      let chunk = waiting[0]!
      if (chunk.length > o.sliceBytes) {
        waiting[0] = chunk.subarray(o.sliceBytes)
        chunk = chunk.subarray(0, o.sliceBytes)
      } else waiting.shift()
      waitingBytes -= chunk.length
      inbound.waitingBytes -= chunk.length
      wanted = readable.push(chunk)
    }
    if (waitingBytes < 4 * o.sliceBytes && socket.isPaused()) {
      socket.resume()
      inbound.paused--
    }
    if (ended && waiting.length === 0) readable.push(null)
  }
  socket.on('data', (chunk: Buffer) => {
    const bad = check.check(chunk)
    if (bad) {
      if (bad.tooLarge !== undefined) o.onTooLarge(bad.tooLarge)
      socket.destroy()
      conn.destroy(new Error(bad.error))
      return
    }
    waiting.push(chunk)
    waitingBytes += chunk.length
    inbound.waitingBytes += chunk.length
    if (waitingBytes >= 4 * o.sliceBytes && !socket.isPaused()) {
      socket.pause()
      inbound.paused++
    }
    deliver()
  })
  // A clean end of the socket ends the connection after every byte it carried has been read;
  // only a broken socket ends it at once.
  socket.on('end', () => {
    ended = true
    deliver()
  })
  socket.on('error', () => conn.destroy())
  socket.on('close', () => {
    if (!ended) conn.destroy()
  })
  // Duplex.from pairs Node streams too (its types only name web streams).
  const conn = Duplex.from({ readable, writable: socket } as unknown as Parameters<typeof Duplex.from>[0])
  conn.on('close', () => {
    socket.destroy()
    inbound.waitingBytes -= waitingBytes
    waitingBytes = 0
    waiting.length = 0
    if (socket.isPaused()) inbound.paused--
  })
  return conn
}

/** Bytes read from MQTT sockets and not yet handed to the broker; connections paused meanwhile. */
const inbound = { waitingBytes: 0, paused: 0 }
export function inboundBacklog(): { waitingBytes: number; pausedConnections: number } {
  return { waitingBytes: inbound.waitingBytes, pausedConnections: inbound.paused }
}
