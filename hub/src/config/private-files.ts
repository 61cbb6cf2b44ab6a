import { chmodSync, closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, writeFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { dirname, join } from 'node:path'

/**
 * The data dir holds secrets: the token signing key (jwt-secret), hashed device secrets
 * (registry.json), password hashes (users), the audit log, the state logs. Files the hub
 * writes there are created readable by its own user only, and the dirs it makes searchable
 * by that user only (CWE-732, incorrect permission assignment for a critical resource).
 */
export const PRIVATE_FILE_MODE = 0o600
export const PRIVATE_DIR_MODE = 0o700

/** At most this many entries are looked at by tightenDataDir (a journal of many segments stays quick). */
const MAX_ENTRIES = 100_000

/**
 * At start: files left group- or world-readable by an older hub (or a copy) are made 0600,
 * dirs 0700, under the data dir; the managed InfluxDB's own tree is left as influxd made it
 * (the data dir's 0700 closes it). Returns the paths changed, for a log line.
 */
export function tightenDataDir(dataDir: string, skip: readonly string[] = ['influxdb']): string[] {
  const changed: string[] = []
  let seen = 0
  const visit = (path: string, top: boolean): void => {
    if (++seen > MAX_ENTRIES) return
    let st
    try {
      st = lstatSync(path)
    } catch {
      return
    }
    if (st.isSymbolicLink()) return
    const want = st.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE
    if (st.isDirectory() || st.isFile()) {
      if ((st.mode & 0o777 & ~want) !== 0) {
        try {
          chmodSync(path, (st.mode & 0o777) & want)
          changed.push(path)
        } catch {
          /* not ours to change (another owner): left as it is */
        }
      }
    }
    if (!st.isDirectory()) return
    let names: string[]
    try {
      names = readdirSync(path)
    } catch {
      return
    }
    for (const n of names) if (!(top && skip.includes(n))) visit(join(path, n), false)
  }
  visit(dataDir, true)
  return changed
}

/** A secret kept in the data dir (0600), made at first start: the token signing key. */
export async function persistentSecret(file: string): Promise<string> {
  try {
    const s = (await readFile(file, 'utf8')).trim()
    if (s.length >= 32) return s
  } catch {
    /* first start */
  }
  const s = randomBytes(48).toString('base64url')
  await writeFile(file, s, { mode: PRIVATE_FILE_MODE })
  return s
}

/**
 * Replace a private file whole: written beside it (0600, in a 0700 dir), fsync'ed, renamed over
 * it, so after a crash the file is the old one or the new one, never half of each.
 */
export function writePrivateFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE })
  const tmp = `${file}.tmp`
  writeFileSync(tmp, data, { mode: PRIVATE_FILE_MODE })
  const fd = openSync(tmp, 'r')
  fsyncSync(fd)
  closeSync(fd)
  renameSync(tmp, file)
}
