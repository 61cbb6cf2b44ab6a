/**
 * HJ 212-2017 framing on a byte stream (HJ 212-2017 §6.3, table 2): `##`, the data segment's
 * length as 4 decimal digits, the data segment, its CRC as 4 hex digits (crc.ts), CR LF.
 * TCP delivers packets split across segments and several in one segment; the Deframer keeps
 * the unfinished tail and resynchronises at the next `##` after anything it cannot take.
 */
import { crcHex, hj212Crc, isModbusCrc } from './crc.js'

export type FrameReject = 'bad_header' | 'bad_length' | 'bad_crc' | 'bad_trailer' | 'oversize' | 'garbage'
export const FRAME_REJECTS: readonly FrameReject[] = ['bad_header', 'bad_length', 'bad_crc', 'bad_trailer', 'oversize', 'garbage']

/** The standard's data-segment limit (HJ 212-2017 §6.3.2: 0–1024); real loggers exceed it. */
export const STANDARD_MAX_DATA_BYTES = 1024
/** What 4 decimal digits can say. */
export const FOUR_DIGIT_MAX = 9999

const HASH = 0x23 // '#'
const CR = 0x0d
const LF = 0x0a
const HEADER = 6 // "##" + 4 digits
const TAIL = 6 // 4 hex digits + CR LF

export interface PushResult {
  segments: string[]
  /** One entry per reject, with the bytes it dropped; a bad CRC that is CRC-16/MODBUS's says so. */
  rejects: { reason: FrameReject; bytes: number; modbusCrc?: true }[]
  /** Bytes dropped in this push while resynchronising after a reject of an earlier push. */
  skippedBytes: number
}

export class Deframer {
  private buf: Buffer = Buffer.alloc(0)
  private garbage = 0
  private long = 0
  /** After a reject, the bytes up to the next "##" belong to it. */
  private skipping = false
  /** Bytes of the pending frame (at the buffer's start) already searched for CR LF. */
  private scanned = 0
  private readonly maxData: number

  constructor(o?: { maxDataBytes?: number }) {
    this.maxData = Math.min(o?.maxDataBytes ?? FOUR_DIGIT_MAX, FOUR_DIGIT_MAX)
  }

  /** Bytes rejected since the last good packet (flood detection). */
  get garbageBytes(): number {
    return this.garbage
  }

  /** Good packets whose data segment exceeded the standard's 1,024 bytes (accepted, counted). */
  get overStandardPackets(): number {
    return this.long
  }

  /** Bytes held waiting for the rest of a packet. */
  get pendingBytes(): number {
    return this.buf.length
  }

  push(chunk: Buffer): PushResult {
    const out: PushResult = { segments: [], rejects: [], skippedBytes: 0 }
    const buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk])
    let pos = 0
    let scanned = this.scanned
    const drop = (reason: FrameReject, bytes: number): void => {
      if (bytes <= 0) return
      this.garbage += bytes
      if (this.skipping) {
        out.skippedBytes += bytes
        return
      }
      const last = out.rejects[out.rejects.length - 1]
      if (reason === 'garbage' && last?.reason === 'garbage') last.bytes += bytes
      else out.rejects.push({ reason, bytes })
    }
    /** Drop from pos up to the next "##" at or after `from` (or all that can be told apart). */
    const resync = (reason: FrameReject, from: number): void => {
      const next = findStart(buf, from)
      const to = next >= 0 ? next : buf.length - (buf[buf.length - 1] === HASH ? 1 : 0)
      drop(reason, to - pos)
      pos = to
      this.skipping = next < 0
      scanned = 0
    }
    while (pos < buf.length) {
      if (buf[pos] !== HASH || buf[pos + 1] !== HASH) {
        if (pos + 1 >= buf.length && buf[pos] === HASH) break // a lone '#' may begin "##"
        resync('garbage', pos)
        continue
      }
      this.skipping = false
      if (buf.length - pos < HEADER) break
      const len = digits4(buf, pos + 2)
      if (len < 0) {
        resync('bad_header', pos + 1)
        continue
      }
      if (len > this.maxData) {
        resync('oversize', pos + 1)
        continue
      }
      const end = pos + HEADER + len + TAIL // one past LF
      // A CR LF before the declared end means the length is wrong (data segments hold no CR LF).
      const crlf = findCrlf(buf, pos + HEADER + scanned, Math.min(end - 2, buf.length - 1))
      if (crlf >= 0) {
        drop('bad_length', crlf + 2 - pos)
        pos = crlf + 2
        scanned = 0
        continue
      }
      if (buf.length < end) {
        scanned = Math.max(0, buf.length - 1 - pos - HEADER)
        break
      }
      scanned = 0
      if (buf[end - 2] !== CR || buf[end - 1] !== LF) {
        // Declared too short: the packet's own CR LF comes later, before any next "##".
        const later = findCrlf(buf, end - 2, buf.length - 1)
        const next = nextStart(buf, pos + 1)
        if (later < 0 && next === Number.POSITIVE_INFINITY && buf.length - pos < HEADER + this.maxData + TAIL) break
        if (later >= 0 && next > later) {
          drop('bad_length', later + 2 - pos)
          pos = later + 2
        } else resync('bad_trailer', pos + 1)
        continue
      }
      const data = buf.subarray(pos + HEADER, pos + HEADER + len)
      const sent = buf.toString('latin1', pos + HEADER + len, pos + HEADER + len + 4).toUpperCase()
      if (sent !== crcHex(hj212Crc(data))) {
        drop('bad_crc', end - pos)
        const last = out.rejects[out.rejects.length - 1]
        if (last?.reason === 'bad_crc' && isModbusCrc(data, sent)) last.modbusCrc = true
        pos = end
        continue
      }
      this.garbage = 0
      if (len > STANDARD_MAX_DATA_BYTES) this.long++
      out.segments.push(data.toString('utf8'))
      pos = end
    }
    this.scanned = scanned
    this.buf = pos >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos))
    return out
  }
}

/** A whole packet around a data segment: "##" + len4 + data + crc4 + "\r\n". */
export function frame(dataSegment: string): string {
  const bytes = Buffer.from(dataSegment, 'utf8')
  if (bytes.length > FOUR_DIGIT_MAX) throw new RangeError(`HJ 212 data segment of ${bytes.length} bytes exceeds ${FOUR_DIGIT_MAX}`)
  return `##${String(bytes.length).padStart(4, '0')}${dataSegment}${crcHex(hj212Crc(bytes))}\r\n`
}

function findStart(buf: Buffer, from: number): number {
  for (let i = from; i < buf.length - 1; i++) if (buf[i] === HASH && buf[i + 1] === HASH) return i
  return -1
}

function nextStart(buf: Buffer, from: number): number {
  const i = findStart(buf, from)
  return i < 0 ? Number.POSITIVE_INFINITY : i
}

/** Index of the CR of the first CR LF with CR in [from, last), or -1. */
function findCrlf(buf: Buffer, from: number, last: number): number {
  for (let i = from; i < last && i < buf.length - 1; i++) if (buf[i] === CR && buf[i + 1] === LF) return i
  return -1
}

function digits4(buf: Buffer, at: number): number {
  let n = 0
  for (let i = at; i < at + 4; i++) {
    const d = buf[i]! - 0x30
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
  }
  return n
}
