import { afterEach, describe, expect, it } from 'vitest'
import { appendFileSync, readdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Journal } from '../../../hub/src/journal/journal.js'
import { JournalCursor, type JournalBatch } from '../../../hub/src/journal/journal-cursor.js'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})
async function freshDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'smartpark-journal-'))
  dirs.push(d)
  return d
}
const line = (i: number): string => `gas,device=d${i % 7} lel=${i} ${1_700_000_000_000 + i}`
const committed = (): Promise<void> => new Promise((r) => setImmediate(r))
async function readAll(cursor: JournalCursor, maxLines: number): Promise<JournalBatch[]> {
  const out: JournalBatch[] = []
  for (let b = await cursor.next(maxLines); b; b = await cursor.next(maxLines)) out.push(b)
  return out
}
const linesOf = (batches: JournalBatch[]): string[] => batches.flatMap((b) => (b.lines === 0 ? [] : b.body.toString('utf8').trimEnd().split('\n')))

/** The directory's files once the journal's deletions (on the thread pool) have settled to `count`, or as they are after 2 s. */
async function filesOnceDeleted(dir: string, count: number): Promise<string[]> {
  const until = Date.now() + 2000
  while (readdirSync(dir).length > count && Date.now() < until) await new Promise((r) => setTimeout(r, 10))
  return readdirSync(dir)
}

describe('journal cursor: the store reads the journal back from its files', () => {
  it('hands out every committed line once, in order, in whole-line batches across segments', async () => {
    const dir = await freshDir()
    const j = new Journal({ dir, maxBytes: 10_000_000, segmentBytes: 4096 })
    j.open()
    const cursor = new JournalCursor(j)
    const all = Array.from({ length: 1000 }, (_, i) => line(i))
    j.append(all.slice(0, 10), false)
    // Appended but not committed yet: nothing to read.
    expect(cursor.unreadLines).toBe(0)
    expect(await cursor.next(64)).toBeUndefined()
    for (let i = 10; i < all.length; i += 10) j.append(all.slice(i, i + 10), false)
    await committed()
    expect(cursor.unreadLines).toBe(1000)
    const batches = await readAll(cursor, 64)
    expect(linesOf(batches)).toEqual(all)
    expect(Math.max(...batches.map((b) => b.lines))).toBeLessThanOrEqual(64)
    expect(new Set(batches.map((b) => b.segment)).size).toBeGreaterThan(5)
    expect(cursor.unreadLines).toBe(0)
    // Lines committed after the cursor caught up are read next.
    j.append([line(1000)], false)
    await committed()
    expect(linesOf(await readAll(cursor, 64))).toEqual([line(1000)])
    await cursor.close()
    j.close()
  })

  it('deletes a sealed segment once all its bytes are written, and keeps what is not', async () => {
    const dir = await freshDir()
    const j = new Journal({ dir, maxBytes: 10_000_000, segmentBytes: 2048 })
    j.open()
    const cursor = new JournalCursor(j)
    for (let i = 0; i < 300; i += 5) j.append(Array.from({ length: 5 }, (_, k) => line(i + k)), false)
    await committed()
    const segmentsBefore = readdirSync(dir).length
    expect(segmentsBefore).toBeGreaterThan(3)
    const batches = await readAll(cursor, 1000)
    // Confirm all but the last batch: only the segments they cover go.
    for (const b of batches.slice(0, -1)) j.written(b.segment, b.bytes, b.lines)
    expect(j.backlog).toBe(batches.at(-1)!.lines)
    const last = batches.at(-1)!
    expect(readdirSync(dir).length).toBeGreaterThanOrEqual(1)
    j.written(last.segment, last.bytes, last.lines)
    expect(j.backlog).toBe(0)
    await cursor.close()
    j.close()
    expect(await filesOnceDeleted(dir, 0)).toEqual([])
  })

  it('after a crash, reads what was left from disk first and skips a torn last line', async () => {
    const dir = await freshDir()
    const first = new Journal({ dir, maxBytes: 10_000_000, segmentBytes: 4096 })
    first.open()
    const kept = Array.from({ length: 200 }, (_, i) => line(i))
    first.append(kept, true)
    await committed()
    // The process dies mid-write: a partial line follows the last whole one, nothing is closed.
    const active = readdirSync(dir).sort().at(-1)!
    appendFileSync(join(dir, active), 'gas,device=torn lel=')
    const again = new Journal({ dir, maxBytes: 10_000_000, segmentBytes: 4096 })
    expect(again.open().lines).toBe(200)
    const cursor = new JournalCursor(again)
    again.append([line(500)], false)
    await committed()
    const batches = await readAll(cursor, 50)
    expect(linesOf(batches)).toEqual([...kept, line(500)])
    for (const b of batches) again.written(b.segment, b.bytes, b.lines)
    // Every old segment, torn tail included, is accounted for and deleted.
    expect(await filesOnceDeleted(dir, 1)).toHaveLength(1)
    await cursor.close()
    again.close()
    expect(await filesOnceDeleted(dir, 0)).toEqual([])
  })

  it('keeps a large backlog on disk, not in memory: reads are bounded by the batch size', async () => {
    const dir = await freshDir()
    const j = new Journal({ dir, maxBytes: 100_000_000 })
    j.open()
    const cursor = new JournalCursor(j)
    for (let i = 0; i < 200_000; i += 1000) j.append(Array.from({ length: 1000 }, (_, k) => line(i + k)), false)
    await committed()
    expect(cursor.unreadLines).toBe(200_000)
    const b = (await cursor.next(5000))!
    expect(b.lines).toBe(5000)
    expect(b.body.length).toBeLessThan(5000 * 60)
    expect(cursor.unreadLines).toBe(195_000)
    await cursor.close()
    j.close()
  })

  it('counts bytes, not characters: lines with Chinese text are read back whole', async () => {
    const dir = await freshDir()
    const j = new Journal({ dir, maxBytes: 10_000_000, segmentBytes: 1024 })
    j.open()
    const cursor = new JournalCursor(j)
    const all = Array.from({ length: 100 }, (_, i) => `alarm_events,device=d${i} message="可燃气体浓度超过一级报警值 ${i}" ${1_700_000_000_000 + i}`)
    for (const l of all) j.append([l], false)
    await committed()
    expect(linesOf(await readAll(cursor, 7))).toEqual(all)
    expect(cursor.unreadLines).toBe(0)
    await cursor.close()
    j.close()
  })
})
