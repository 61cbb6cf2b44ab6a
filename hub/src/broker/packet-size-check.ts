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

  /** The bytes checked so far end where a packet ends. */
  get atBoundary(): boolean {
    return this.state === 'type'
  }
}
