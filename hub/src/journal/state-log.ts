import { closeSync, existsSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { open as openAsync, rename as renameAsync } from 'node:fs/promises'

/**
 * A durable record of a state machine's changes: a snapshot file plus an append-only log of
 * records since that snapshot, one JSON line each. Appends are group-committed — everything
 * appended in one turn of the event loop is written and fdatasync'ed together — and
 * `flushed()` resolves once a caller's records are on disk (an operator's action is answered
 * only then). After `kill -9`, `load()` gives the last snapshot and every committed record
 * after it; a torn last line is ignored. `compact(state)` writes a new snapshot atomically
 * (temporary file, fsync, rename) and starts an empty log.
 */
export class StateLog<S, R> {
  private fd: number | undefined
  private pending: string[] = []
  private waiters: (() => void)[] = []
  private scheduled = false
  records = 0

  constructor(private readonly base: string) {}

  private get snapshotPath(): string {
    return `${this.base}.snapshot.json`
  }

  private get logPath(): string {
    return `${this.base}.log`
  }

  load(): { snapshot: S | undefined; records: R[] } {
    mkdirSync(dirname(this.base), { recursive: true })
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
    this.fd = openSync(this.logPath, 'a')
    return { snapshot, records }
  }

  append(record: R): void {
    this.pending.push(`${JSON.stringify(record)}\n`)
    this.records++
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.commit())
    }
  }

  /** Resolves when everything appended so far is on disk. */
  flushed(): Promise<void> {
    if (this.pending.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  private commit(): void {
    this.scheduled = false
    if (this.fd === undefined || this.pending.length === 0) return
    const data = this.pending.join('')
    this.pending = []
    writeSync(this.fd, data)
    fdatasyncSync(this.fd)
    const w = this.waiters
    this.waiters = []
    for (const resolve of w) resolve()
  }

  /** Replace snapshot + log by a new snapshot of the whole state. */
  compact(state: S): void {
    this.commit()
    const tmp = `${this.snapshotPath}.tmp`
    writeFileSync(tmp, JSON.stringify(state))
    const fd = openSync(tmp, 'r')
    fsyncSync(fd)
    closeSync(fd)
    renameSync(tmp, this.snapshotPath)
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = openSync(this.logPath, 'w')
    fsyncSync(this.fd)
    this.records = 0
  }

  /**
   * A new snapshot written off the event loop (stringify aside), for state saved on a timer
   * that has no log records of its own (the rules). Same atomic steps as `compact`.
   */
  async snapshotAsync(state: S): Promise<void> {
    const tmp = `${this.snapshotPath}.async.tmp`
    const fh = await openAsync(tmp, 'w')
    try {
      await fh.writeFile(JSON.stringify(state))
      await fh.sync()
    } finally {
      await fh.close()
    }
    await renameAsync(tmp, this.snapshotPath)
  }

  close(): void {
    this.commit()
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }
}
