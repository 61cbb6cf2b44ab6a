import { closeSync, existsSync, fdatasync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlink, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../config/private-files.js'

/**
 * One upstream platform's durable store-and-forward queue (docs/hj212.md, "Forwarding"): the
 * packets to send, one line each, in `<dir>/q-<n>.log` files, and how far the platform has
 * answered in `<dir>/cursor.json`.
 *
 * - `append` writes at once (the page cache) and syncs on the thread pool within the turn, so
 *   the event loop never waits for the disk; lines are sent only once written.
 * - `next()` hands out the lines in order; `ack(item)` marks one answered; the cursor moves
 *   over answered lines in order (a window of several in flight may be answered out of order)
 *   and is saved a moment later. `rewind()` (a dropped connection) hands the unanswered ones
 *   out again, in their order.
 * - Delivery is at least once: after a crash, lines sent but not yet saved as answered are
 *   sent again (the same QN and DataTime: platforms keep one row per MN, CN and DataTime).
 * - Files whose every line is answered are deleted. Bounded by `maxBytes`: past it, new lines
 *   are refused and counted (`refused`), never taking room from what is queued.
 */
export interface QueueItem {
  readonly line: string
  /** The file it is in and where the next line starts. */
  readonly file: number
  readonly end: number
}

export interface ForwardQueueOptions {
  dir: string
  /** Bytes a file grows to before the next one starts. */
  fileBytes?: number
  /** Bytes the queue may hold in all. */
  maxBytes?: number
  /** How long after an answer the cursor is saved. */
  saveDelayMs?: number
}

interface QueueFile {
  id: number
  /** Bytes written to it. */
  size: number
  sealed: boolean
}

const NEWLINE = 10
const READ_CHUNK = 256 * 1024

export class ForwardQueue {
  private readonly files = new Map<number, QueueFile>()
  private active!: QueueFile
  private fd: number | undefined
  /** The reader: next byte not yet read into `readAhead`. */
  private readFile = 0
  private readOffset = 0
  private readAhead: QueueItem[] = []
  private readAheadHead = 0
  /** Handed out and not yet answered, in order, with whether each is answered. */
  private inFlight: { item: QueueItem; acked: boolean }[] = []
  /** Handed out again after a rewind, before anything new is read. */
  private again: QueueItem[] = []
  /** Where the oldest unanswered line starts. */
  private cursor = { file: 0, offset: 0 }
  private pendingLines = 0
  private bytes = 0
  private syncing = false
  private syncAgain = false
  private saveTimer: ReturnType<typeof setTimeout> | undefined
  private readonly fileBytes: number
  private readonly maxBytes: number
  readonly stats = { appended: 0, acked: 0, refused: 0 }

  constructor(private readonly o: ForwardQueueOptions) {
    this.fileBytes = o.fileBytes ?? 8 * 1024 * 1024
    this.maxBytes = o.maxBytes ?? 512 * 1024 * 1024
  }

  /** Opens the queue; returns the lines still to send from before. */
  open(): number {
    mkdirSync(this.o.dir, { recursive: true, mode: PRIVATE_DIR_MODE })
    const ids = readdirSync(this.o.dir)
      .map((f) => /^q-(\d+)\.log$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b)
    for (const id of ids) {
      const size = statSync(this.path(id)).size
      this.files.set(id, { id, size, sealed: true })
      this.bytes += size
    }
    const saved = this.loadCursor()
    const first = ids[0] ?? 1
    this.cursor = saved && this.files.has(saved.file) ? { file: saved.file, offset: Math.min(saved.offset, this.files.get(saved.file)!.size) } : { file: first, offset: 0 }
    // Files wholly before the cursor were answered; a stop came before their deletion.
    for (const id of ids) if (id < this.cursor.file) this.dropFile(id)
    this.readFile = this.cursor.file
    this.readOffset = this.cursor.offset
    this.pendingLines = 0
    for (const f of this.files.values()) this.pendingLines += countLines(this.path(f.id), f.id === this.cursor.file ? this.cursor.offset : 0)
    this.startFile((ids.at(-1) ?? 0) + 1)
    if (!this.files.has(this.readFile) || ids.length === 0) {
      this.readFile = this.active.id
      this.readOffset = 0
      this.cursor = { file: this.active.id, offset: 0 }
    }
    return this.pendingLines
  }

  /** Lines not yet answered (queued, or sent and waiting for their answer). */
  get backlog(): number {
    return this.pendingLines
  }

  get sizeBytes(): number {
    return this.bytes
  }

  /** Adds lines (no newlines inside); false when the queue is full and they were refused. */
  append(lines: readonly string[]): boolean {
    let text = ''
    for (const l of lines) text += `${l}\n`
    const buf = Buffer.from(text, 'utf8')
    if (this.bytes + buf.length > this.maxBytes) {
      this.stats.refused += lines.length
      return false
    }
    if (this.active.size > 0 && this.active.size + buf.length > this.fileBytes) {
      this.active.sealed = true
      if (this.fd !== undefined) closeSync(this.fd)
      this.startFile(this.active.id + 1)
    }
    for (let off = 0; off < buf.length; ) off += writeSync(this.fd!, buf, off, buf.length - off)
    this.active.size += buf.length
    this.bytes += buf.length
    this.pendingLines += lines.length
    this.stats.appended += lines.length
    this.requestSync()
    return true
  }

  /** The next line to send, or undefined when everything has been handed out. */
  next(): QueueItem | undefined {
    const again = this.again.shift()
    if (again) return again
    const item = this.readNext()
    if (item) this.inFlight.push({ item, acked: false })
    return item
  }

  /** The platform answered `item`: the cursor moves over every answered line at the front. */
  ack(item: QueueItem): void {
    const f = this.inFlight.find((x) => x.item === item)
    if (!f || f.acked) return
    f.acked = true
    this.pendingLines--
    this.stats.acked++
    let moved = false
    while (this.inFlight[0]?.acked) {
      const done = this.inFlight.shift()!.item
      this.cursor = { file: done.file, offset: done.end }
      moved = true
    }
    if (moved) {
      for (const fl of [...this.files.values()]) if (fl.sealed && (fl.id < this.cursor.file || (fl.id === this.cursor.file && this.cursor.offset >= fl.size))) this.dropFile(fl.id)
      this.scheduleSave()
    }
  }

  /** The connection dropped: the unanswered lines are handed out again, oldest first. */
  rewind(): void {
    this.again = this.inFlight.filter((x) => !x.acked).map((x) => x.item)
  }

  /** Saves the cursor and closes the file (the queue stays on disk). */
  close(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer)
    this.saveTimer = undefined
    this.saveCursor()
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }

  private readNext(): QueueItem | undefined {
    if (this.readAheadHead >= this.readAhead.length) {
      this.readAhead = []
      this.readAheadHead = 0
      this.fill()
    }
    const item = this.readAhead[this.readAheadHead]
    if (item) this.readAheadHead++
    return item
  }

  /** Reads the next complete lines from the files into `readAhead`. */
  private fill(): void {
    for (;;) {
      const f = this.files.get(this.readFile)
      if (!f) {
        const later = [...this.files.keys()].filter((id) => id > this.readFile).sort((a, b) => a - b)[0]
        if (later === undefined) return
        this.readFile = later
        this.readOffset = 0
        continue
      }
      if (this.readOffset >= f.size) {
        if (!f.sealed) return
        const later = [...this.files.keys()].filter((id) => id > f.id).sort((a, b) => a - b)[0]
        if (later === undefined) return
        this.readFile = later
        this.readOffset = 0
        continue
      }
      const want = Math.min(READ_CHUNK, f.size - this.readOffset)
      const buf = Buffer.allocUnsafe(want)
      const fd = f.id === this.active.id && this.fd !== undefined ? this.fd : openSync(this.path(f.id), 'r')
      let n: number
      try {
        n = readSync(fd, buf, 0, want, this.readOffset)
      } finally {
        if (fd !== this.fd) closeSync(fd)
      }
      let start = 0
      for (let i = buf.indexOf(NEWLINE, 0); i >= 0 && i < n; i = buf.indexOf(NEWLINE, start)) {
        const line = buf.toString('utf8', start, i)
        start = i + 1
        if (line.length > 0) this.readAhead.push({ line, file: f.id, end: this.readOffset + start })
      }
      if (start === 0) {
        // A line longer than a chunk, or a torn last line of a file left by a crash.
        if (want < READ_CHUNK && f.sealed) {
          this.readOffset = f.size
          continue
        }
        if (want < READ_CHUNK) return
        throw new Error(`forward queue ${this.path(f.id)}: a line longer than ${READ_CHUNK} bytes at ${this.readOffset}`)
      }
      this.readOffset += start
      if (this.readAhead.length > 0) return
    }
  }

  private startFile(id: number): void {
    this.fd = openSync(this.path(id), 'a+', PRIVATE_FILE_MODE)
    const size = fstatSync(this.fd).size
    this.active = { id, size, sealed: false }
    this.files.set(id, this.active)
  }

  private requestSync(): void {
    if (this.fd === undefined) return
    if (this.syncing) {
      this.syncAgain = true
      return
    }
    this.syncing = true
    const fd = this.fd
    fdatasync(fd, () => {
      this.syncing = false
      if (this.syncAgain) {
        this.syncAgain = false
        this.requestSync()
      }
    })
  }

  private dropFile(id: number): void {
    const f = this.files.get(id)
    if (!f || f === this.active) return
    this.files.delete(id)
    this.bytes -= f.size
    unlink(this.path(id), () => undefined)
  }

  private scheduleSave(): void {
    if (this.saveTimer) return
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined
      this.saveCursor()
    }, this.o.saveDelayMs ?? 200)
    this.saveTimer.unref?.()
  }

  private saveCursor(): void {
    const tmp = join(this.o.dir, 'cursor.json.tmp')
    writeFileSync(tmp, JSON.stringify(this.cursor), { mode: PRIVATE_FILE_MODE })
    renameSync(tmp, join(this.o.dir, 'cursor.json'))
  }

  private loadCursor(): { file: number; offset: number } | undefined {
    const p = join(this.o.dir, 'cursor.json')
    if (!existsSync(p)) return undefined
    try {
      const c = JSON.parse(readFileSync(p, 'utf8')) as { file?: unknown; offset?: unknown }
      return typeof c.file === 'number' && typeof c.offset === 'number' ? { file: c.file, offset: c.offset } : undefined
    } catch {
      return undefined
    }
  }

  private path(id: number): string {
    return join(this.o.dir, `q-${String(id).padStart(10, '0')}.log`)
  }
}

/** Complete lines in a file from `offset` (a torn last line is not one). */
function countLines(path: string, offset: number): number {
  const fd = openSync(path, 'r')
  const buf = Buffer.allocUnsafe(1024 * 1024)
  let lines = 0
  try {
    for (let pos = offset, n = readSync(fd, buf, 0, buf.length, pos); n > 0; pos += n, n = readSync(fd, buf, 0, buf.length, pos)) {
      for (let i = buf.indexOf(NEWLINE); i >= 0 && i < n; i = buf.indexOf(NEWLINE, i + 1)) lines++
    }
  } finally {
    closeSync(fd)
  }
  return lines
}
