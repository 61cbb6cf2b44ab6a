import { afterEach, describe, expect, it } from 'vitest'
import { appendFileSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StateLog } from '../../../hub/src/journal/state-log.js'
import { JsonText } from '../../../hub/src/journal/json-in-slices.js'

type State = { n: number }
type Rec = { id: string }

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})
async function freshBase(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'smartpark-state-log-'))
  dirs.push(d)
  return join(d, 'state', 'alarms')
}
/** One turn of the event loop: the group commit of what was appended before has started. */
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r))
/** A fresh log, loaded (empty), and where it lives. */
async function freshLog(): Promise<{ base: string; log: StateLog<State, Rec> }> {
  const base = await freshBase()
  const log = new StateLog<State, Rec>(base)
  log.load()
  return { base, log }
}
const logLines = (base: string): string[] => readFileSync(`${base}.log`, 'utf8').split('\n').filter(Boolean)
const reopened = (base: string): { snapshot: State | undefined; records: Rec[] } => new StateLog<State, Rec>(base).load()

describe('state log (snapshot + group-committed records, flushed on the thread pool)', () => {
  it('has every record in the file, in order, once flushed() resolves, across commits in flight', async () => {
    const { base, log } = await freshLog()
    log.append({ id: 'a' })
    log.append({ id: 'b' })
    const first = log.flushed()
    await nextTurn()
    // Appended while the first commit is on its way to disk: the next commit takes them.
    log.append({ id: 'c' })
    log.append({ id: 'd' })
    await first
    expect(logLines(base).slice(0, 2)).toEqual(['{"id":"a"}', '{"id":"b"}'])
    await log.flushed()
    expect(logLines(base)).toEqual(['{"id":"a"}', '{"id":"b"}', '{"id":"c"}', '{"id":"d"}'])
    await expect(log.flushed()).resolves.toBeUndefined()
    log.close()
    expect(reopened(base).records.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd'])
  })

  it('compacts while a commit is being written: the snapshot, then only what came after it', async () => {
    const { base, log } = await freshLog()
    log.append({ id: 'before' })
    const before = log.flushed()
    await nextTurn()
    log.compact({ n: 1 })
    log.append({ id: 'after' })
    await before
    await log.flushed()
    log.close()
    expect(reopened(base)).toEqual({ snapshot: { n: 1 }, records: [{ id: 'after' }] })
  })

  it('closes after the commit in flight, with what was appended after it', async () => {
    const { base, log } = await freshLog()
    log.append({ id: 'a' })
    const a = log.flushed()
    await nextTurn()
    log.append({ id: 'b' })
    log.close()
    await a
    expect(logLines(base)).toEqual(['{"id":"a"}', '{"id":"b"}'])
  })

  it('ignores a torn last line left by a crash', async () => {
    const { base, log } = await freshLog()
    log.append({ id: 'a' })
    await log.flushed()
    log.close()
    appendFileSync(`${base}.log`, '{"id":"b"')
    expect(reopened(base).records).toEqual([{ id: 'a' }])
  })

  it('writes a snapshot off the loop with a part given as JSON text, and not again when the text is the same', async () => {
    const base = await freshBase()
    const log = new StateLog<{ n: number; part: { a: number[] } }, Rec>(base)
    log.load()
    await log.snapshotAsync({ n: 1, part: new JsonText('{"a":[1,2]}') })
    const file = `${base}.snapshot.json`
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ n: 1, part: { a: [1, 2] } })
    const written = statSync(file).ino
    // The same state: the file is left as it is (a new one would be a new inode: temporary file, rename).
    await log.snapshotAsync({ n: 1, part: { a: [1, 2] } })
    expect(statSync(file).ino).toBe(written)
    await log.snapshotAsync({ n: 2, part: { a: [1, 2] } })
    expect(statSync(file).ino).not.toBe(written)
    expect(new StateLog<{ n: number }, Rec>(base).load().snapshot).toEqual({ n: 2, part: { a: [1, 2] } })
    log.close()
  })
})
