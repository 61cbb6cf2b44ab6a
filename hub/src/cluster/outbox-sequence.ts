import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PRIVATE_FILE_MODE } from '../config/private-files.js'

/**
 * The cluster outbox's sequences across restarts (cluster/cluster-log.ts): a node's messages are
 * deduplicated by `<node>:<seq>` within JetStream's window, so a sequence must never be used twice.
 * After a crash the outbox's last lines tell the last one used; after a stop, the file saved then.
 */

/** The highest sequence in the outbox left by the previous run (0 when none): among the last lines of its newest segment. */
export function lastSequence(dir: string): number {
  let files: string[]
  try {
    files = readdirSync(dir).filter((f) => /^seg-\d+\.lp$/.test(f)).sort().reverse()
  } catch {
    return 0
  }
  for (const f of files) {
    const fd = openSync(join(dir, f), 'r')
    try {
      const size = fstatSync(fd).size
      if (size === 0) continue
      const len = Math.min(size, 256 * 1024)
      const buf = Buffer.allocUnsafe(len)
      readSync(fd, buf, 0, len, size - len)
      // The highest of the tail's lines: a torn last line may hold a cut sequence.
      let last = 0
      for (const m of buf.toString('utf8').matchAll(/"seq":(\d+)/g)) last = Math.max(last, Number(m[1]))
      if (last > 0) return last
    } finally {
      closeSync(fd)
    }
  }
  return 0
}

const LAST_SEQ_FILE = 'last-seq'

/** The sequence saved at the last stop (0 when none). */
export function savedSequence(dir: string): number {
  try {
    const n = Number(readFileSync(join(dir, LAST_SEQ_FILE), 'utf8').trim())
    return Number.isSafeInteger(n) && n > 0 ? n : 0
  } catch {
    return 0
  }
}

/** Save the last sequence used (at a stop: the outbox may be empty then). */
export function saveSequence(dir: string, seq: number): void {
  writeFileSync(join(dir, LAST_SEQ_FILE), `${seq}\n`, { mode: PRIVATE_FILE_MODE })
}
