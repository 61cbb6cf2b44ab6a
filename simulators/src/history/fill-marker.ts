/**
 * The history fill's marker in the hub's data dir: which range it fills, how far it got, and
 * whether it is done — so the fill happens once, and an interrupted one carries on from the
 * last day written (the engine is deterministic: the same seed and range give the same
 * readings, so the days before are simulated again without being written). Written whole to a
 * temporary file and renamed, 0600 like the hub's other files in the data dir.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

export interface FillMarker {
  version: 1
  zone: string
  seed: number
  /** The range filled, ms since the epoch: [from, until]. */
  from: number
  until: number
  /** Written up to here (from at first). */
  doneTo: number
  points: number
  startedAt: number
  /** Wall-clock ms spent filling, over every run. */
  wallMs: number
  /** Set once every day is written and rolled up. */
  finishedAt?: number
}

export class MarkerError extends Error {}

export async function readMarker(file: string): Promise<FillMarker | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  let m: Partial<FillMarker>
  try {
    m = JSON.parse(text) as Partial<FillMarker>
  } catch {
    throw new MarkerError(`${file} is not JSON; delete it to fill the history again`)
  }
  const nums = ['seed', 'from', 'until', 'doneTo', 'points', 'startedAt', 'wallMs'] as const
  if (m.version !== 1 || typeof m.zone !== 'string' || nums.some((k) => typeof m[k] !== 'number' || !Number.isFinite(m[k])) || m.from! > m.until! || m.doneTo! < m.from! || m.doneTo! > m.until!) {
    throw new MarkerError(`${file} is not a history marker this simulator knows; delete it to fill the history again`)
  }
  return m as FillMarker
}

export async function writeMarker(file: string, m: FillMarker): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const tmp = `${file}.tmp`
  await writeFile(tmp, `${JSON.stringify(m, null, 2)}\n`, { mode: 0o600 })
  await rename(tmp, file)
}
