import { closeSync, fdatasync, fdatasyncSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The durable journal in front of the store: every accepted point (readings, events, alarm
 * steps, as line protocol) is appended here before it goes to InfluxDB.
 *
 * - Group commit: everything appended in one turn of the event loop is written with one
 *   write(); when any of it asked for durability (QoS 1), one fdatasync() follows and the
 *   commit's promise resolves once the lines are on disk (the broker sends a QoS 1 PUBACK
 *   only then). Lines nobody waits for (QoS 0) go to the page cache and are synced on the
 *   thread pool within a second, so QoS 0 traffic never makes the event loop wait for the disk.
 * - Segments: `seg-<n>.lp` files, rotated at `segmentBytes`. The store tells `written(seg, n)`
 *   as batches land in InfluxDB; a sealed segment whose every line is written is deleted.
 * - Replay: at start every segment left on disk is handed back to the store. Points that had
 *   already reached InfluxDB are written again with the same series and timestamp, which
 *   InfluxDB treats as an overwrite: no duplicates, no loss.
 * - Bounded: past `maxBytes` new points are refused (`full`), and `usage()` lets the hub raise
 *   an alarm well before that.
 */
export interface JournalOptions {
  dir: string
  maxBytes: number
  segmentBytes?: number
}

interface Segment {
  id: number
  bytes: number
  lines: number
  written: number
  sealed: boolean
}

export class Journal {
  private readonly segments = new Map<number, Segment>()
  private active!: Segment
  private fd: number | undefined
  private pending: string[] = []
  private pendingBytes = 0
  private pendingLines = 0
  /** One promise per group commit, shared by every append in it. */
  private commitPromise: Promise<void> | undefined
  private resolveCommit: (() => void) | undefined
  private scheduled = false
  private lastSync = 0
  private syncing = false
  private syncAgain = false
  private syncWaiters: (() => void)[] = []
  private bytes = 0
  readonly stats = { appended: 0, commits: 0, replayed: 0, refused: 0 }
  private readonly segmentBytes: number

  constructor(private readonly o: JournalOptions) {
    this.segmentBytes = o.segmentBytes ?? 64 * 1024 * 1024
  }

  /** Open the journal; returns the segments left from before (to replay), oldest first. */
  open(): { segment: number; lines: string[] }[] {
    mkdirSync(this.o.dir, { recursive: true })
    const ids = readdirSync(this.o.dir)
      .map((f) => /^seg-(\d+)\.lp$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b)
    const replay: { segment: number; lines: string[] }[] = []
    for (const id of ids) {
      const path = this.path(id)
      const text = readFileSync(path, 'utf8')
      // A torn last line (a crash mid-write) was never acknowledged: drop it.
      const end = text.lastIndexOf('\n')
      const lines = end < 0 ? [] : text.slice(0, end).split('\n').filter((l) => l.length > 0)
      const seg: Segment = { id, bytes: statSync(path).size, lines: lines.length, written: 0, sealed: true }
      this.segments.set(id, seg)
      this.bytes += seg.bytes
      if (lines.length === 0) this.drop(seg)
      else replay.push({ segment: id, lines })
      this.stats.replayed += lines.length
    }
    this.rotate((ids.at(-1) ?? 0) + 1)
    return replay
  }

  /** Share of the allowed size in use, 0–1. */
  usage(): number {
    return (this.bytes + this.pendingBytes) / this.o.maxBytes
  }

  /** Lines appended but not yet confirmed written to InfluxDB. */
  get backlog(): number {
    let n = this.pendingLines
    for (const s of this.segments.values()) n += s.lines - s.written
    return n
  }

  get sizeBytes(): number {
    return this.bytes
  }

  /** Append lines; returns the segment they belong to, and (with `durable`) a promise of durability. `undefined` when full. */
  append(lines: string[], durable = true): { segment: number; durable: Promise<void> | undefined } | undefined {
    let size = 0
    for (const l of lines) size += l.length + 1
    if (this.bytes + this.pendingBytes + size > this.o.maxBytes) {
      this.stats.refused += lines.length
      return undefined
    }
    if (this.active.bytes + this.pendingBytes + size > this.segmentBytes && this.active.bytes + this.pendingBytes > 0) {
      this.commit()
      this.rotate(this.active.id + 1)
    }
    this.pending.push(lines.join('\n'), '\n')
    this.pendingBytes += size
    this.pendingLines += lines.length
    this.stats.appended += lines.length
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.commit())
    }
    if (!durable) return { segment: this.active.id, durable: undefined }
    if (!this.commitPromise) this.commitPromise = new Promise<void>((resolve) => (this.resolveCommit = resolve))
    return { segment: this.active.id, durable: this.commitPromise }
  }

  /** The store wrote `count` lines of `segment` to InfluxDB. */
  written(segment: number, count: number): void {
    const seg = this.segments.get(segment)
    if (!seg) return
    seg.written += count
    if (seg.sealed && seg.written >= seg.lines) this.drop(seg)
  }

  private commit(): void {
    this.scheduled = false
    if (this.pending.length === 0 || this.fd === undefined) return
    const data = this.pending.join('')
    writeSync(this.fd, data)
    const resolve = this.resolveCommit
    if (resolve) {
      // Someone waits (QoS 1): sync now. Measured: a synchronous fdatasync per group commit
      // gives larger groups and more QoS 1 throughput than syncs on the thread pool.
      fdatasyncSync(this.fd)
      this.lastSync = Date.now()
      this.syncWaiters.push(resolve)
      this.releaseWaiters()
    } else if (Date.now() - this.lastSync > 1000) this.requestSync()
    this.active.bytes += this.pendingBytes
    this.active.lines += this.pendingLines
    this.bytes += this.pendingBytes
    this.pending = []
    this.pendingBytes = 0
    this.pendingLines = 0
    this.stats.commits++
    this.commitPromise = undefined
    this.resolveCommit = undefined
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
    fdatasync(this.fd, () => {
      this.syncing = false
      for (const w of waiters) w()
      if (this.syncAgain || this.syncWaiters.length > 0) {
        this.syncAgain = false
        this.requestSync()
      }
    })
  }

  private rotate(id: number): void {
    if (this.fd !== undefined) {
      fdatasyncSync(this.fd)
      this.releaseWaiters()
      closeSync(this.fd)
      this.active.sealed = true
      if (this.active.written >= this.active.lines) this.drop(this.active)
    }
    this.fd = openSync(this.path(id), 'a')
    this.active = { id, bytes: 0, lines: 0, written: 0, sealed: false }
    this.segments.set(id, this.active)
  }

  /** Everything written is on disk (a synchronous fdatasync just ran): release who waits. */
  private releaseWaiters(): void {
    const w = this.syncWaiters
    this.syncWaiters = []
    for (const resolve of w) resolve()
  }

  private drop(seg: Segment): void {
    this.segments.delete(seg.id)
    this.bytes -= seg.bytes
    try {
      unlinkSync(this.path(seg.id))
    } catch {
      /* already gone */
    }
  }

  private path(id: number): string {
    return join(this.o.dir, `seg-${String(id).padStart(10, '0')}.lp`)
  }

  /** Commit what is pending, and start a new segment so the finished one can be deleted once written. */
  close(): void {
    this.commit()
    if (this.fd !== undefined) {
      fdatasyncSync(this.fd)
      this.releaseWaiters()
      closeSync(this.fd)
    }
    this.fd = undefined
    this.active.sealed = true
    if (this.active.written >= this.active.lines) this.drop(this.active)
  }
}
