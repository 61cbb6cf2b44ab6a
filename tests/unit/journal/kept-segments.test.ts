import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Journal } from '../../../hub/src/journal/journal.js'
import { eventually } from '../../support/hub-harness.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** 20 durable lines of 32 bytes into 256-byte segments: the first segments sealed, the last active. */
async function filled(keepWrittenMs: number | undefined): Promise<{ dir: string; j: Journal }> {
  const dir = mkdtempSync(join(tmpdir(), 'journal-kept-'))
  dirs.push(dir)
  const j = new Journal({ dir, maxBytes: 1024 * 1024, segmentBytes: 256, keepWrittenMs })
  j.open()
  for (let i = 0; i < 20; i++) {
    const r = j.append([`m,d=${String(i).padStart(2, '0')} v=1 1700000000000000`], true)
    await new Promise<void>((resolve) => r!.durable!.whenDurable(resolve))
  }
  return { dir, j }
}

const segmentFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.lp')).sort()

describe('journal segments kept after they were confirmed', () => {
  it('a confirmed segment stays on disk for keepWrittenMs, outside usage(), then goes; a start meanwhile reads it again', async () => {
    const { dir, j } = await filled(600)
    const first = j.segmentAfter()!
    expect(first.sealed).toBe(true)
    const path = join(dir, segmentFiles(dir)[0]!)
    const usageBefore = j.usage()
    j.written(first.id, first.bytes, first.lines)
    // Freed from the journal (its bound, its readers), still on disk.
    expect(j.segment(first.id)).toBeUndefined()
    expect(j.usage()).toBeLessThan(usageBefore)
    expect(j.keptBytes).toBe(first.bytes)
    expect(existsSync(path)).toBe(true)
    // A start now (a power cut of the NATS machines, then this node's restart) finds its lines again.
    const again = new Journal({ dir, maxBytes: 1024 * 1024, segmentBytes: 256 })
    expect(again.open().lines).toBe(20)
    again.close()
    await eventually(() => !existsSync(path) || undefined, 5000, 'the kept segment deleted after its time')
    expect(j.keptBytes).toBe(0)
    j.close()
  })

  it('without keepWrittenMs a confirmed segment is deleted at once', async () => {
    const { dir, j } = await filled(undefined)
    const first = j.segmentAfter()!
    const name = segmentFiles(dir)[0]!
    j.written(first.id, first.bytes, first.lines)
    await eventually(() => !segmentFiles(dir).includes(name) || undefined, 2000, 'deleted')
    expect(j.keptBytes).toBe(0)
    j.close()
  })

  it('what is kept has a bound of its own: past it the oldest kept segments go first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-kept-'))
    dirs.push(dir)
    // maxBytes 600: at most two 256-byte segments kept.
    const j = new Journal({ dir, maxBytes: 600, segmentBytes: 256, keepWrittenMs: 60_000 })
    j.open()
    for (let i = 0; i < 16; i++) {
      const r = j.append([`m,d=${String(i).padStart(2, '0')} v=1 1700000000000000`], true)
      await new Promise<void>((resolve) => r!.durable!.whenDurable(resolve))
      for (let s = j.segmentAfter(); s; s = j.segmentAfter(s.id)) if (s.sealed) j.written(s.id, s.bytes, s.lines)
    }
    expect(j.keptBytes).toBeLessThanOrEqual(600)
    expect(j.keptBytes).toBeGreaterThan(0)
    await eventually(() => segmentFiles(dir).length <= 3 || undefined, 2000, 'the oldest kept ones deleted')
    j.close()
  })
})
