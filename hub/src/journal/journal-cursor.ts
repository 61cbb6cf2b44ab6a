import { open, type FileHandle } from 'node:fs/promises'
import type { Journal } from './journal.js'

/** Whole lines read from one segment: the body of one InfluxDB write. */
export interface JournalBatch {
  segment: number
  body: Buffer
  lines: number
  bytes: number
}

/** Largest read (InfluxDB 1.x refuses bodies over 25 MB by default). */
const MAX_READ_BYTES = 8 * 1024 * 1024
const NEWLINE = 10

/**
 * Reads the journal's committed bytes back in order, segment after segment, as batches of
 * whole lines. Only committed bytes are read (a group commit writes whole lines), so a batch
 * never splits a line; a torn tail left by a crash in a sealed segment is skipped.
 * One read at a time: `next()` must not be called again before its promise settles.
 */
export class JournalCursor {
  private segmentId: number | undefined
  private offset = 0
  private file: { id: number; handle: FileHandle } | undefined
  /** Lines handed out since the journal was opened. */
  private readLines = 0

  constructor(private readonly journal: Journal) {}

  /** Committed lines not yet read. */
  get unreadLines(): number {
    return this.journal.committedLines - this.readLines
  }

  /** The next batch of up to about `maxLines` lines, or undefined when everything committed has been read. */
  async next(maxLines: number): Promise<JournalBatch | undefined> {
    for (;;) {
      const seg = this.segmentId === undefined ? this.journal.segmentAfter() : this.journal.segment(this.segmentId)
      if (!seg) {
        // Not started, or the segment is gone (it was fully written): move to the next one.
        const next = this.journal.segmentAfter(this.segmentId)
        if (!next || next.id === this.segmentId) return undefined
        await this.moveTo(next.id)
        continue
      }
      if (this.segmentId !== seg.id) await this.moveTo(seg.id)
      const available = seg.bytes - this.offset
      if (available <= 0) {
        if (!seg.sealed) return undefined
        const next = this.journal.segmentAfter(seg.id)
        if (!next) return undefined
        await this.moveTo(next.id)
        continue
      }
      const perLine = seg.lines > 0 ? seg.bytes / seg.lines : 200
      const want = Math.min(available, MAX_READ_BYTES, Math.max(64 * 1024, Math.ceil(maxLines * perLine * 1.05)))
      const buf = Buffer.allocUnsafe(want)
      const handle = await this.handle(seg.id)
      const { bytesRead } = await handle.read(buf, 0, want, this.offset)
      const cut = lastLineEnd(buf, bytesRead, maxLines)
      if (cut.bytes === 0) {
        if (seg.sealed && bytesRead === available) {
          // A torn last line: never acknowledged, never counted; mark its bytes done.
          this.offset += available
          return { segment: seg.id, body: Buffer.alloc(0), lines: 0, bytes: available }
        }
        if (bytesRead < want || want === MAX_READ_BYTES) throw new Error(`journal segment ${seg.id}: no line end within ${bytesRead} bytes at offset ${this.offset}`)
        return undefined
      }
      this.offset += cut.bytes
      this.readLines += cut.lines
      return { segment: seg.id, body: buf.subarray(0, cut.bytes), lines: cut.lines, bytes: cut.bytes }
    }
  }

  async close(): Promise<void> {
    const f = this.file
    this.file = undefined
    await f?.handle.close().catch(() => undefined)
  }

  private async moveTo(id: number): Promise<void> {
    await this.close()
    this.segmentId = id
    this.offset = 0
  }

  private async handle(id: number): Promise<FileHandle> {
    if (this.file?.id === id) return this.file.handle
    await this.close()
    this.file = { id, handle: await open(this.journal.segmentPath(id), 'r') }
    return this.file.handle
  }
}

/** Bytes up to and including the last newline within `length` (at most `maxLines` lines), and their line count. */
function lastLineEnd(buf: Buffer, length: number, maxLines: number): { bytes: number; lines: number } {
  let lines = 0
  let end = 0
  for (let i = buf.indexOf(NEWLINE); i >= 0 && i < length; i = buf.indexOf(NEWLINE, i + 1)) {
    lines++
    end = i + 1
    if (lines >= maxLines) break
  }
  return { bytes: end, lines }
}
