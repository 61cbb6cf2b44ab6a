import { Duplex, Transform, type TransformCallback } from 'node:stream'
import type { Socket } from 'node:net'

/**
 * Refuses an MQTT packet larger than `maxBytes` before the broker buffers it: reads each
 * packet's fixed header (MQTT 3.1.1 §2.2: type byte, then the remaining length as a variable
 * byte integer of up to four bytes) as bytes pass, skips the body arithmetically, and ends
 * the connection when a remaining length is over the limit. Without it, a client could make
 * the broker hold a packet of up to 256 MB.
 */
export class PacketSizeGuard extends Transform {
  private state: 'type' | 'length' | 'body' = 'type'
  private length = 0
  private multiplier = 1
  private lengthBytes = 0
  private remaining = 0

  constructor(private readonly maxBytes: number, private readonly onTooLarge: (bytes: number) => void) {
    super()
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
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
      if (this.length > this.maxBytes) {
        this.onTooLarge(this.length)
        return done(new Error(`MQTT packet of ${this.length} bytes is over the ${this.maxBytes}-byte limit`))
      }
      if ((byte & 0x80) === 0) {
        this.remaining = this.length
        this.state = this.remaining > 0 ? 'body' : 'type'
      } else if (this.lengthBytes >= 4) {
        return done(new Error('malformed MQTT remaining length'))
      }
    }
    done(null, chunk)
  }
}

/** The socket as aedes sees it: reads through the guard, writes straight to the socket. */
export function guardedConnection(socket: Socket, maxBytes: number, onTooLarge: (bytes: number) => void): Duplex {
  const guard = new PacketSizeGuard(maxBytes, onTooLarge)
  socket.pipe(guard)
  // Duplex.from pairs Node streams too (its types only name web streams).
  const conn = Duplex.from({ readable: guard, writable: socket } as unknown as Parameters<typeof Duplex.from>[0])
  guard.on('error', () => {
    socket.destroy()
    conn.destroy()
  })
  // A clean end of the socket ends the guard through the pipe, after every byte it carries has
  // been read; only a broken socket ends the connection at once.
  socket.on('error', () => conn.destroy())
  return conn
}
