import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Journal } from '../../../hub/src/journal/journal.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function journal(): { j: Journal; text: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'journal-sync-'))
  dirs.push(dir)
  const j = new Journal({ dir, maxBytes: 64 * 1024 * 1024 })
  j.open()
  const text = (): string => readdirSync(dir).filter((f) => f.endsWith('.lp')).map((f) => readFileSync(join(dir, f), 'utf8')).join('')
  return { j, text }
}

/** Waits for a durable append; returns what the files held when it was released. */
function durable(j: Journal, line: string, text: () => string): Promise<string> {
  const r = j.append([line], true)
  if (!r?.durable) throw new Error('not durable')
  return new Promise((resolve) => r.durable!.whenDurable(() => resolve(text())))
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('journal durable commits', () => {
  it('a lone durable append (synced on the thread pool) is released only with its line in the file', async () => {
    const { j, text } = journal()
    expect(await durable(j, 'm v=1 1', text)).toContain('m v=1 1\n')
    j.close()
  })

  it('a stream of durable appends, one per loop turn, releases every one after its line is written, in order', async () => {
    const { j, text } = journal()
    const released: number[] = []
    const waits: Promise<void>[] = []
    for (let i = 0; i < 50; i++) {
      const line = `m v=${i} ${i}`
      waits.push(durable(j, line, text).then((held) => {
        expect(held).toContain(`${line}\n`)
        released.push(i)
      }))
      await turn()
    }
    await Promise.all(waits)
    expect(released).toEqual([...Array(50).keys()])
    expect(j.committedLines).toBe(50)
    j.close()
  })

  it('appends across a segment rotation are all released and kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-sync-'))
    dirs.push(dir)
    const j = new Journal({ dir, maxBytes: 64 * 1024 * 1024, segmentBytes: 200 })
    j.open()
    const text = (): string => readdirSync(dir).filter((f) => f.endsWith('.lp')).map((f) => readFileSync(join(dir, f), 'utf8')).join('')
    const waits: Promise<string>[] = []
    for (let i = 0; i < 40; i++) {
      waits.push(durable(j, `rotating v=${i} ${i}`, text))
      if (i % 3 === 0) await turn()
    }
    const held = await Promise.all(waits)
    held.forEach((h, i) => expect(h).toContain(`rotating v=${i} ${i}\n`))
    j.close()
  })
})
