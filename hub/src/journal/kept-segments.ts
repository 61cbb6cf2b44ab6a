import { unlink } from 'node:fs'

/**
 * Journal segments whose every line was confirmed, kept on disk a while longer before they are
 * deleted (journal.ts `keepWrittenMs`). The cluster outbox keeps what JetStream acknowledged for
 * JetStream's sync interval: NATS 2.9 acknowledges a message once a majority holds it in memory
 * and writes it to disk up to two minutes later, so a power cut of a majority of the NATS machines
 * loses what they acknowledged in that window. A kept segment is still in the outbox directory:
 * the node's next start publishes it again, and JetStream stores only what it lost (the rest has
 * the same `Nats-Msg-Id` within its 2-minute dedup window and is answered as a duplicate).
 *
 * Kept segments do not count towards the journal's bound (a full journal refuses readings; what
 * is kept is already safe in the normal case), but they have a bound of their own: past
 * `maxBytes` the oldest are deleted early.
 */
interface Kept { path: string; bytes: number; until: number }

export class KeptSegments {
  private readonly kept: Kept[] = []
  private bytes = 0
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly o: { keepMs: number; maxBytes: number; clock?: () => number }) {}

  /** Keep the file at `path` (`bytes` long) for keepMs from now, then delete it. */
  keep(path: string, bytes: number): void {
    const now = this.now()
    this.kept.push({ path, bytes, until: now + this.o.keepMs })
    this.bytes += bytes
    while (this.bytes > this.o.maxBytes && this.kept.length > 1) this.delete(this.kept.shift()!)
    this.schedule()
  }

  /** The files kept now, oldest first (any may be deleted from here on). */
  get files(): { path: string; bytes: number }[] {
    return this.kept.map((k) => ({ path: k.path, bytes: k.bytes }))
  }

  /** Bytes kept now. */
  get keptBytes(): number {
    return this.bytes
  }

  /** Stop deleting: what is kept stays on disk for the next start. */
  close(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private now(): number {
    return (this.o.clock ?? Date.now)()
  }

  private schedule(): void {
    if (this.timer || this.kept.length === 0) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      const now = this.now()
      while (this.kept.length > 0 && this.kept[0]!.until <= now) this.delete(this.kept.shift()!)
      this.schedule()
    }, Math.max(0, this.kept[0]!.until - this.now()))
    this.timer.unref()
  }

  private delete(k: Kept): void {
    this.bytes -= k.bytes
    // On the thread pool, as the journal deletes its segments.
    unlink(k.path, () => undefined)
  }
}
