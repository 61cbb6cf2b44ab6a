import { closeSync, existsSync, fdatasync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, write, writeSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { open as openAsync, rename as renameAsync } from 'node:fs/promises'
import { jsonInSlices, type WithJsonText } from './json-in-slices.js'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../config/private-files.js'

/**
 * A durable record of a state machine's changes: a snapshot file plus an append-only log of
 * records since that snapshot, one JSON line each. Appends are group-committed — everything
 * appended in one turn of the event loop is written and fdatasync'ed together, on the thread
 * pool: the event loop never waits for the disk, whose flushes take 3 – 40 ms while InfluxDB
 * compacts on the same disk, and every alarm raised would otherwise have held every reading
 * behind it that long. One commit is in flight at a time; what is appended meanwhile goes in
 * the next. `flushed()` resolves once a caller's records are on disk (an operator's action is
 * answered only then). After `kill -9`, `load()` gives the last snapshot and every committed
 * record after it; a torn last line is ignored. `compact(state)` writes a new snapshot
 * atomically (temporary file, fsync, rename) and starts an empty log.
 */
export class StateLog<S, R> {
  private fd: number | undefined
  private pending: string[] = []
  /** Who waits for the records in `pending`. */
  private waiting: (() => void)[] = []
  /** The commit being written, and who waits for it. */
  private inFlight: { fd: number; waiting: (() => void)[] } | undefined
  private scheduled = false
  private closing = false
  /** The text `snapshotAsync` last wrote: the same text again is not written. */
  private lastAsyncText: string | undefined
  records = 0

  constructor(private readonly base: string) {}

  private get snapshotPath(): string {
    return `${this.base}.snapshot.json`
  }

  private get logPath(): string {
    return `${this.base}.log`
  }

  load(): { snapshot: S | undefined; records: R[] } {
    mkdirSync(dirname(this.base), { recursive: true, mode: PRIVATE_DIR_MODE })
    const snapshot = existsSync(this.snapshotPath) ? (JSON.parse(readFileSync(this.snapshotPath, 'utf8')) as S) : undefined
    const records: R[] = []
    if (existsSync(this.logPath)) {
      for (const line of readFileSync(this.logPath, 'utf8').split('\n')) {
        if (!line) continue
        try {
          records.push(JSON.parse(line) as R)
        } catch {
          break // a torn write at the end: everything before it was committed
        }
      }
    }
    this.records = records.length
    this.fd = openSync(this.logPath, 'a', PRIVATE_FILE_MODE)
    return { snapshot, records }
  }

  append(record: R): void {
    this.pending.push(`${JSON.stringify(record)}\n`)
    this.records++
    this.schedule()
  }

  /** Resolves when everything appended so far is on disk. */
  flushed(): Promise<void> {
    if (this.pending.length > 0) return new Promise((resolve) => this.waiting.push(resolve))
    if (this.inFlight) return new Promise((resolve) => this.inFlight!.waiting.push(resolve))
    return Promise.resolve()
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return
    this.scheduled = true
    setImmediate(() => this.commit())
  }

  private commit(): void {
    this.scheduled = false
    if (this.fd === undefined || this.pending.length === 0 || this.inFlight) return
    const flight = { fd: this.fd, waiting: this.waiting }
    const data = Buffer.from(this.pending.join(''))
    this.pending = []
    this.waiting = []
    this.inFlight = flight
    writeAll(flight.fd, data, 0, () => fdatasync(flight.fd, (err) => {
      // As when this ran on the event loop: a log that cannot be written stops the hub.
      if (err) throw err
      this.landed(flight)
    }))
  }

  private landed(flight: { fd: number; waiting: (() => void)[] }): void {
    this.inFlight = undefined
    // Replaced by a compaction, or closed, while it was written to: its records are in the snapshot.
    if (flight.fd !== this.fd) closeSync(flight.fd)
    for (const resolve of flight.waiting) resolve()
    if (this.closing) {
      this.closing = false
      this.close()
    } else if (this.pending.length > 0) this.schedule()
  }

  /** Write what is pending and flush it, on the event loop (as the log closes). */
  private commitNow(): void {
    if (this.fd === undefined || this.pending.length === 0) return
    writeSync(this.fd, this.pending.join(''))
    fdatasyncSync(this.fd)
    this.pending = []
    this.answerWaiting()
  }

  /** Everyone waiting for the pending records: they are on disk (written, or in a snapshot). */
  private answerWaiting(): void {
    const w = this.waiting
    this.waiting = []
    for (const resolve of w) resolve()
  }

  /**
   * Replace snapshot + log by a new snapshot of the whole state. The state holds every record
   * appended so far, so whoever waits for them is answered once the snapshot is on disk. The
   * empty log is a new file renamed over the old one: a commit still being written lands in the
   * old file, never in the new log.
   */
  compact(state: S): void {
    const tmp = `${this.snapshotPath}.tmp`
    writeFileSync(tmp, JSON.stringify(state), { mode: PRIVATE_FILE_MODE })
    const fd = openSync(tmp, 'r')
    fsyncSync(fd)
    closeSync(fd)
    renameSync(tmp, this.snapshotPath)
    this.lastAsyncText = undefined
    this.pending = []
    this.answerWaiting()
    const logTmp = `${this.logPath}.tmp`
    const next = openSync(logTmp, 'w', PRIVATE_FILE_MODE)
    fsyncSync(next)
    renameSync(logTmp, this.logPath)
    const old = this.fd
    this.fd = next
    if (old !== undefined && old !== this.inFlight?.fd) closeSync(old)
    this.records = 0
  }

  /**
   * A new snapshot written off the event loop, for state saved on a timer that has no log
   * records of its own (the rules). `state` may be the live state, not a copy: it is read a
   * slice at a time (json-in-slices.ts), each entry as it is when its turn comes; a part may
   * come as JSON text already written (`CachedJson`). Same atomic steps as `compact`. A text
   * the same as the last one written is not written again: the file already holds it.
   */
  async snapshotAsync(state: WithJsonText<S>): Promise<void> {
    const text = await jsonInSlices(state)
    if (text === this.lastAsyncText) return
    const tmp = `${this.snapshotPath}.async.tmp`
    const fh = await openAsync(tmp, 'w', PRIVATE_FILE_MODE)
    try {
      await fh.writeFile(text)
      await fh.sync()
    } finally {
      await fh.close()
    }
    await renameAsync(tmp, this.snapshotPath)
    this.lastAsyncText = text
  }

  close(): void {
    if (this.inFlight) {
      // What came after the commit being written follows it, then the log closes.
      this.closing = true
      return
    }
    this.commitNow()
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }
}

/** All of `data` from `offset`, on the thread pool (a write may take less than asked). */
function writeAll(fd: number, data: Buffer, offset: number, done: () => void): void {
  write(fd, data, offset, data.length - offset, null, (err, n) => {
    if (err) throw err
    if (offset + n < data.length) writeAll(fd, data, offset + n, done)
    else done()
  })
}
