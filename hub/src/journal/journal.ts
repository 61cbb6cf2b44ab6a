import { closeSync, fdatasync, fdatasyncSync, mkdirSync, openSync, readdirSync, readSync, statSync, unlink, writeSync } from 'node:fs'
import { join } from 'node:path'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../config/private-files.js'
import { KeptSegments } from './kept-segments.js'

/**
 * The durable journal in front of the store: every accepted point (readings, events, alarm
 * steps, as line protocol) is appended here before it goes to InfluxDB.
 *
 * - Group commit: everything appended in one turn of the event loop is written together
 *   (encoded straight into a reusable buffer); when any of it asked for durability (QoS 1), one fdatasync() follows and the
 *   commit's promise resolves once the lines are on disk (the broker sends a QoS 1 PUBACK
 *   only then). Lines nobody waits for (QoS 0) go to the page cache and are synced on the
 *   thread pool within a second, so QoS 0 traffic never makes the event loop wait for the disk.
 * - Segments: `seg-<n>.lp` files, rotated at `segmentBytes`. The store reads committed bytes
 *   back from the files (`JournalCursor`) and tells `written(seg, bytes, lines)` as batches
 *   land in InfluxDB; a sealed segment whose every byte is written is deleted. The files are
 *   the queue: however far InfluxDB falls behind, memory holds only the batches in flight.
 * - Replay: at start the segments left on disk are simply where the store starts reading.
 *   Points that had already reached InfluxDB are written again with the same series and
 *   timestamp, which InfluxDB treats as an overwrite: no duplicates, no loss.
 * - Bounded: past `maxBytes` new points are refused (`full`), and `usage()` lets the hub raise
 *   an alarm well before that.
 */
const NEWLINE = 10
/**
 * A durable commit syncs on the event loop only while fdatasync takes at most this long (an
 * idle ext4 on this VM's disk: ≈ 1 – 3 ms); past it, syncs go to the thread pool until one is
 * fast again. The target for the loop's longest task is 100 ms (docs/performance.md).
 */
const SYNC_ON_LOOP_MS = 10
/** Durable commits closer together than this are a QoS 1 stream (a group commit per loop turn). */
const STREAM_GAP_MS = 20

/** A durable append's wait: `whenDurable(cb)` runs cb once the lines are on disk. */
export interface Durable {
  whenDurable(cb: () => void): void
}

/**
 * Everyone waiting for one group commit: a list of callbacks, not a promise per publisher
 * (at 30,000 QoS 1 messages a second, a promise reaction and a derived promise each were
 * garbage the collector had to chase).
 */
class CommitGroup implements Durable {
  private waiting: (() => void)[] = []
  private done = false

  whenDurable(cb: () => void): void {
    if (this.done) queueMicrotask(cb)
    else this.waiting.push(cb)
  }

  release(): void {
    this.done = true
    const w = this.waiting
    this.waiting = []
    for (const cb of w) cb()
  }
}

export interface JournalOptions {
  dir: string
  maxBytes: number
  segmentBytes?: number
  /** Called after every group commit: there are new bytes to read. */
  onCommit?: () => void
  /** A segment whose lines were all confirmed stays on disk this long before it is deleted (kept-segments.ts); default 0. */
  keepWrittenMs?: number
}

/** A segment file: committed bytes and lines, and how much of it InfluxDB has confirmed. */
export interface Segment {
  readonly id: number
  bytes: number
  lines: number
  writtenBytes: number
  writtenLines: number
  sealed: boolean
}

export class Journal {
  private readonly segments = new Map<number, Segment>()
  private active!: Segment
  private fd: number | undefined
  /**
   * Lines are encoded into this buffer as they are appended (no joined strings: the line
   * strings die young), and written out when it fills or at the group commit.
   */
  private readonly buf = Buffer.allocUnsafe(4 * 1024 * 1024)
  private bufLen = 0
  /** Bytes appended since the last commit (in `buf` or already written out), as UTF-8. */
  private pendingBytes = 0
  private pendingLines = 0
  /** The group commit that durable appends wait for, shared by every append in it. */
  private group: CommitGroup | undefined
  private scheduled = false
  private lastSync = 0
  /** How long the last fdatasync took (ms; on the thread pool, from its request to its answer). */
  private lastSyncMs = 0
  /** When (performance.now()) the last commit someone waited for was made. */
  private lastDurableCommit = Number.NEGATIVE_INFINITY
  /** Bumped as a segment file closes: a sync on the thread pool can tell its file is gone. */
  private files = 0
  private syncing = false
  private syncAgain = false
  private syncWaiters: (() => void)[] = []
  private bytes = 0
  /** Lines committed to the files since open, counting those found at open. */
  committedLines = 0
  readonly stats = { appended: 0, commits: 0, replayed: 0, refused: 0 }
  /** The longest the event loop waited for the disk in a commit or rotation since `takeSlowestMs()`. */
  private slowestMs = 0
  onCommit: (() => void) | undefined
  private readonly segmentBytes: number

  private readonly kept: KeptSegments | undefined

  constructor(private readonly o: JournalOptions) {
    this.segmentBytes = o.segmentBytes ?? 64 * 1024 * 1024
    this.onCommit = o.onCommit
    this.kept = o.keepWrittenMs ? new KeptSegments({ keepMs: o.keepWrittenMs, maxBytes: o.maxBytes }) : undefined
  }

  /** Bytes of confirmed segments kept on disk for a while (`keepWrittenMs`), not counted in `usage()`. */
  get keptBytes(): number {
    return this.kept?.keptBytes ?? 0
  }

  /** Open the journal; returns what was left from before (the store writes it again first). */
  open(): { segments: number; lines: number } {
    mkdirSync(this.o.dir, { recursive: true, mode: PRIVATE_DIR_MODE })
    const ids = readdirSync(this.o.dir)
      .map((f) => /^seg-(\d+)\.lp$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b)
    let left = 0
    for (const id of ids) {
      const path = this.segmentPath(id)
      const bytes = statSync(path).size
      // A torn last line (a crash mid-write) was never acknowledged; the reader skips it.
      const lines = countLines(path)
      const seg: Segment = { id, bytes, lines, writtenBytes: 0, writtenLines: 0, sealed: true }
      this.segments.set(id, seg)
      this.bytes += bytes
      this.committedLines += lines
      if (lines === 0) this.drop(seg, false)
      else left++
      this.stats.replayed += lines
    }
    this.rotate((ids.at(-1) ?? 0) + 1)
    return { segments: left, lines: this.stats.replayed }
  }

  /** Every file of the journal, oldest first: the kept segments (`keepWrittenMs`), then the others with their committed bytes. */
  onDisk(): { path: string; bytes: number }[] {
    return [...(this.kept?.files ?? []), ...[...this.segments.values()].map((s) => ({ path: this.segmentPath(s.id), bytes: s.bytes }))]
  }

  /** The segment with this id, if it is still on disk. */
  segment(id: number): Segment | undefined {
    return this.segments.get(id)
  }

  /** The oldest segment after `id` (the oldest of all without it). */
  segmentAfter(id?: number): Segment | undefined {
    for (const s of this.segments.values()) if (id === undefined || s.id > id) return s
    return undefined
  }

  /** The slowest commit or rotation (ms, 0.1 ms steps) since the previous call. */
  takeSlowestMs(): number {
    const ms = Number(this.slowestMs.toFixed(1))
    this.slowestMs = 0
    return ms
  }

  /** Share of the allowed size in use, 0–1. */
  usage(): number {
    return (this.bytes + this.pendingBytes) / this.o.maxBytes
  }

  /** Lines appended but not yet confirmed written to InfluxDB. */
  get backlog(): number {
    let n = this.pendingLines
    for (const s of this.segments.values()) n += s.lines - s.writtenLines
    return n
  }

  get sizeBytes(): number {
    return this.bytes
  }

  /** Whether `chars` more characters of lines (newlines included) fit under the bound now. */
  hasRoom(chars: number): boolean {
    return this.bytes + this.pendingBytes + chars <= this.o.maxBytes
  }

  /** Append lines; returns the segment they belong to, and (with `durable`) a promise of durability. `undefined` when full. */
  append(lines: string[], durable = true): { segment: number; durable: Durable | undefined } | undefined {
    let chars = 0
    for (const l of lines) chars += l.length + 1
    if (!this.hasRoom(chars)) {
      this.stats.refused += lines.length
      return undefined
    }
    if (this.active.bytes + this.pendingBytes + chars > this.segmentBytes && this.active.bytes + this.pendingBytes > 0) {
      this.commit()
      this.rotate(this.active.id + 1)
    }
    for (const l of lines) this.pendingBytes += this.encode(l)
    this.pendingLines += lines.length
    this.stats.appended += lines.length
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.commit())
    }
    if (!durable) return { segment: this.active.id, durable: undefined }
    this.group ??= new CommitGroup()
    return { segment: this.active.id, durable: this.group }
  }

  /** The store wrote `bytes` (`lines` lines) of `segment` to InfluxDB. */
  written(segment: number, bytes: number, lines: number): void {
    const seg = this.segments.get(segment)
    if (!seg) return
    seg.writtenBytes += bytes
    seg.writtenLines += lines
    if (seg.sealed && seg.writtenBytes >= seg.bytes) this.drop(seg)
  }

  /** One line and its newline into the write buffer; returns its size in bytes. */
  private encode(line: string): number {
    // UTF-8 takes at most three bytes per UTF-16 unit.
    const most = line.length * 3 + 1
    if (this.bufLen + most > this.buf.length) this.spill()
    if (most > this.buf.length) {
      const b = Buffer.from(`${line}\n`)
      this.writeAll(b, b.length)
      return b.length
    }
    const n = this.buf.write(line, this.bufLen, 'utf8')
    this.buf[this.bufLen + n] = NEWLINE
    this.bufLen += n + 1
    return n + 1
  }

  /** Write the buffer out (not yet committed: readers see bytes only after the commit). */
  private spill(): void {
    if (this.bufLen === 0) return
    this.writeAll(this.buf, this.bufLen)
    this.bufLen = 0
  }

  private writeAll(b: Buffer, length: number): void {
    for (let off = 0; off < length; ) off += writeSync(this.fd!, b, off, length - off)
  }

  private commit(): void {
    this.scheduled = false
    if (this.pendingBytes === 0 || this.fd === undefined) return
    const started = performance.now()
    this.spill()
    const group = this.group
    if (group) {
      // Someone waits (QoS 1, an HJ 212 9014): they are released only once the lines are on disk,
      // by whichever fdatasync runs after this write.
      this.syncWaiters.push(() => group.release())
      if (this.syncOnLoop(started)) {
        // Measured: under a steady QoS 1 stream, a synchronous fdatasync per group commit gives
        // larger groups and more QoS 1 throughput than syncs on the thread pool.
        const t = performance.now()
        fdatasyncSync(this.fd)
        this.lastSyncMs = performance.now() - t
        this.lastSync = Date.now()
        this.releaseWaiters()
      } else this.requestSync()
      this.lastDurableCommit = started
    } else if (Date.now() - this.lastSync > 1000) this.requestSync()
    this.active.bytes += this.pendingBytes
    this.active.lines += this.pendingLines
    this.bytes += this.pendingBytes
    this.committedLines += this.pendingLines
    this.pendingBytes = 0
    this.pendingLines = 0
    this.stats.commits++
    this.group = undefined
    this.slowestMs = Math.max(this.slowestMs, performance.now() - started)
    this.onCommit?.()
  }

  /**
   * Sync this durable commit on the event loop? Only in a steady QoS 1 stream (the previous
   * durable commit less than STREAM_GAP_MS ago), while the disk answers fast (the last sync took
   * at most SYNC_ON_LOOP_MS) and no sync is on the thread pool. A lone durable commit (an HJ 212
   * packet, an occasional QoS 1 message among QoS 0 traffic) gains no throughput from syncing
   * on the loop, and a sync slowed by InfluxDB's compaction on the same disk (118 – 162 ms seen)
   * would hold every connection's readings and alarms that long.
   */
  private syncOnLoop(now: number): boolean {
    return !this.syncing && this.lastSyncMs <= SYNC_ON_LOOP_MS && now - this.lastDurableCommit <= STREAM_GAP_MS
  }

  /**
   * One fdatasync in flight at a time: commits made meanwhile wait for the next one, which
   * covers all of them (fewer syncs under load, so more messages per sync).
   */
  private requestSync(): void {
    if (this.fd === undefined) return
    if (this.syncing) {
      this.syncAgain = true
      return
    }
    this.syncing = true
    this.lastSync = Date.now()
    const waiters = this.syncWaiters
    this.syncWaiters = []
    const started = performance.now()
    const file = this.files
    fdatasync(this.fd, (err) => {
      // A file rotated or closed meanwhile was synced on the loop before it closed (its
      // descriptor may fail here); a failure on the file in use means lines some publisher
      // waits for may not be on disk: as with the synchronous sync, the hub stops rather than
      // acknowledge them.
      if (err && file === this.files) throw err
      this.lastSyncMs = performance.now() - started
      this.syncing = false
      for (const w of waiters) w()
      if (this.syncAgain || this.syncWaiters.length > 0) {
        this.syncAgain = false
        this.requestSync()
      }
    })
  }

  private rotate(id: number): void {
    const started = performance.now()
    if (this.fd !== undefined) {
      fdatasyncSync(this.fd)
      this.releaseWaiters()
      closeSync(this.fd)
      this.files++
      this.active.sealed = true
      if (this.active.writtenBytes >= this.active.bytes) this.drop(this.active)
    }
    this.fd = openSync(this.segmentPath(id), 'a', PRIVATE_FILE_MODE)
    this.active = { id, bytes: 0, lines: 0, writtenBytes: 0, writtenLines: 0, sealed: false }
    this.segments.set(id, this.active)
    this.slowestMs = Math.max(this.slowestMs, performance.now() - started)
  }

  /** Everything written is on disk (a synchronous fdatasync just ran): release who waits. */
  private releaseWaiters(): void {
    const w = this.syncWaiters
    this.syncWaiters = []
    for (const resolve of w) resolve()
  }

  /** Done with a segment: deleted, or first kept a while (`keepWrittenMs`; an empty one never is). */
  private drop(seg: Segment, keep = true): void {
    this.segments.delete(seg.id)
    this.bytes -= seg.bytes
    if (keep && this.kept) {
      this.kept.keep(this.segmentPath(seg.id), seg.bytes)
      return
    }
    // On the thread pool: deleting a 64 MB file takes ≈ 23 ms on an idle ext4 mounted with
    // `discard`, and far longer under load; on the event loop it delayed alarms. A segment
    // left behind by a stop before the deletion is replayed at start, as an overwrite.
    unlink(this.segmentPath(seg.id), () => undefined)
  }

  segmentPath(id: number): string {
    return join(this.o.dir, `seg-${String(id).padStart(10, '0')}.lp`)
  }

  /** Commit what is pending, and start a new segment so the finished one can be deleted once written. */
  close(): void {
    this.commit()
    if (this.fd !== undefined) {
      fdatasyncSync(this.fd)
      this.releaseWaiters()
      closeSync(this.fd)
      this.files++
    }
    this.fd = undefined
    this.active.sealed = true
    if (this.active.writtenBytes >= this.active.bytes) this.drop(this.active)
    // What is kept stays for the next start.
    this.kept?.close()
  }
}

/** Newlines in a file, read a few MiB at a time (a journal left by an outage can be large). */
function countLines(path: string): number {
  const fd = openSync(path, 'r')
  const buf = Buffer.allocUnsafe(4 * 1024 * 1024)
  let lines = 0
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      for (let i = buf.indexOf(10); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) lines++
    }
  } finally {
    closeSync(fd)
  }
  return lines
}
