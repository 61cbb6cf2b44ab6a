import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ForwardQueue, type QueueItem } from '../../../hub/src/hj212/forward-queue.js'

const dirs: string[] = []
async function dir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'fwdq-'))
  dirs.push(d)
  return d
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

function drain(q: ForwardQueue): QueueItem[] {
  const out: QueueItem[] = []
  for (let i = q.next(); i; i = q.next()) out.push(i)
  return out
}

describe('forward queue', () => {
  it('hands lines out in order and forgets them once answered', async () => {
    const q = new ForwardQueue({ dir: await dir() })
    expect(q.open()).toBe(0)
    q.append(['a', 'b', 'c'])
    const items = drain(q)
    expect(items.map((i) => i.line)).toEqual(['a', 'b', 'c'])
    expect(q.backlog).toBe(3)
    for (const i of items) q.ack(i)
    expect(q.backlog).toBe(0)
    q.close()
  })

  it('keeps unanswered lines across a restart, answered ones not', async () => {
    const d = await dir()
    const q = new ForwardQueue({ dir: d })
    q.open()
    q.append(Array.from({ length: 10 }, (_, i) => `line-${i}`))
    const items = drain(q)
    for (const i of items.slice(0, 4)) q.ack(i)
    q.close()
    const again = new ForwardQueue({ dir: d })
    expect(again.open()).toBe(6)
    expect(drain(again).map((i) => i.line)).toEqual(['line-4', 'line-5', 'line-6', 'line-7', 'line-8', 'line-9'])
    again.close()
  })

  it('a line answered behind an unanswered one waits for it; rewind sends the unanswered again in order', async () => {
    const d = await dir()
    const q = new ForwardQueue({ dir: d })
    q.open()
    q.append(['a', 'b', 'c', 'd'])
    const [a, b, c] = [q.next()!, q.next()!, q.next()!]
    q.ack(b)
    expect(q.backlog).toBe(3)
    q.rewind()
    expect(q.next()?.line).toBe('a')
    expect(q.next()?.line).toBe('c')
    expect(q.next()?.line).toBe('d')
    q.ack(a)
    q.ack(c)
    q.close()
    // b and a and c answered: after a restart only d is left.
    const again = new ForwardQueue({ dir: d })
    expect(again.open()).toBe(1)
    expect(drain(again).map((i) => i.line)).toEqual(['d'])
    again.close()
  })

  it('rolls over files, deletes answered ones, and refuses past its size', async () => {
    const d = await dir()
    const q = new ForwardQueue({ dir: d, fileBytes: 100, maxBytes: 1000 })
    q.open()
    for (let i = 0; i < 20; i++) expect(q.append([`packet-${String(i).padStart(3, '0')}-${'x'.repeat(30)}`])).toBe(true)
    expect((await readdir(d)).filter((f) => f.endsWith('.log')).length).toBeGreaterThan(5)
    expect(q.append(['y'.repeat(400)])).toBe(false)
    expect(q.stats.refused).toBe(1)
    const items = drain(q)
    expect(items).toHaveLength(20)
    for (const i of items) q.ack(i)
    q.close()
    await new Promise((r) => setTimeout(r, 50))
    expect((await readdir(d)).filter((f) => f.endsWith('.log')).length).toBe(1)
    const again = new ForwardQueue({ dir: d, fileBytes: 100 })
    expect(again.open()).toBe(0)
    again.append(['z'])
    expect(drain(again).map((i) => i.line)).toEqual(['z'])
    again.close()
  })

  it('skips a torn last line left by a crash', async () => {
    const d = await dir()
    const q = new ForwardQueue({ dir: d })
    q.open()
    q.append(['whole'])
    q.close()
    const { appendFileSync, readdirSync } = await import('node:fs')
    const file = readdirSync(d).filter((f) => f.endsWith('.log')).sort()[0]!
    appendFileSync(join(d, file), 'torn-without-newline')
    const again = new ForwardQueue({ dir: d })
    expect(again.open()).toBe(1)
    expect(drain(again).map((i) => i.line)).toEqual(['whole'])
    again.append(['after'])
    expect(drain(again).map((i) => i.line)).toEqual(['after'])
    again.close()
  })
})
