import { afterEach, describe, expect, it } from 'vitest'
import { appendFileSync, readdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Outbox } from '../../../../hub/src/notify/outbox.js'
import { message, NOW } from './message-fixture.js'

const dirs: string[] = []
const boxes: Outbox[] = []
afterEach(async () => {
  for (const b of boxes.splice(0)) b.close()
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})
async function freshDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'smartpark-outbox-'))
  dirs.push(d)
  return d
}
let now = NOW
const clock = (): number => now
/** Opens the outbox in `dir` as a restarted hub would: the earlier instance is simply abandoned, as after kill -9. */
async function open(dir: string, o: { keepDoneMs?: number; logSize?: number; compactEvery?: number } = {}): Promise<Outbox> {
  const b = await Outbox.open({ dir, clock, ...o })
  boxes.push(b)
  return b
}

describe('durable outbox', () => {
  it('has a message on disk once add() resolves', async () => {
    const dir = await freshDir()
    const box = await open(dir)
    await box.add(message({ id: 'm1' }))
    const after = await open(dir)
    expect(after.get('m1')).toMatchObject({ state: 'pending', attempts: 0, resent: false })
    expect(after.unfinished().map((e) => e.msg.id)).toEqual(['m1'])
  })

  it('sends again, marked and counted, a message attempted without a recorded outcome', async () => {
    const dir = await freshDir()
    const box = await open(dir)
    await box.add(message({ id: 'm1', markdown: '## 一级报警\n罐区' }))
    await box.add(message({ id: 'm2' }))
    await box.add(message({ id: 'm3', to: [{ person: 'li', name: 'Li', phone: undefined, lang: 'en' }], text: 'Level 1 alarm' }))
    await box.attempt('m1')
    await box.attempt('m2')
    await box.sent('m2', 120)
    await box.attempt('m3')
    // kill -9 here: m1 and m3 may have reached the platform, or not.
    const after = await open(dir)
    expect(after.get('m1')).toMatchObject({ state: 'pending', resent: true, attempts: 1 })
    expect(after.get('m1')!.msg.text).toBe('【重发】一级报警：VTC 园区 罐区 可燃气体 25 %LEL（设定 20）')
    expect(after.get('m1')!.msg.markdown).toBe('## 【重发】一级报警\n罐区')
    expect(after.get('m1')!.msg.resent).toBe(true)
    expect(after.get('m3')!.msg.text).toBe('[resent] Level 1 alarm')
    expect(after.get('m2')).toMatchObject({ state: 'sent', resent: false, latencyMs: 120 })
    expect(after.resentAtOpen.get('ch')).toBe(2)
    expect(after.resentTotal).toBe(2)
    expect(after.next('ch')?.msg.id).toBe('m1')

    // Killed again before the resend was tried: nothing new to mark, nothing marked twice.
    const again = await open(dir)
    expect(again.get('m1')!.msg.text.match(/【重发】/g)).toHaveLength(1)
    expect(again.resentAtOpen.size).toBe(0)
    // Killed again while the resend was in flight: counted again, still one mark.
    await again.attempt('m1')
    const third = await open(dir)
    expect(third.get('m1')).toMatchObject({ state: 'pending', resent: true, attempts: 2 })
    expect(third.get('m1')!.msg.text.match(/【重发】/g)).toHaveLength(1)
    expect(third.resentTotal).toBe(3)
  })

  it('ignores a torn last record (a crash in the middle of a write)', async () => {
    const dir = await freshDir()
    const box = await open(dir)
    await box.add(message({ id: 'm1' }))
    await box.add(message({ id: 'm2' }))
    const log = readdirSync(dir).find((f) => f.endsWith('.log'))!
    appendFileSync(join(dir, log), '{"op":"attempt","id":"m')
    const after = await open(dir)
    expect(after.unfinished().map((e) => e.msg.id)).toEqual(['m1', 'm2'])
    expect(after.get('m1')!.state).toBe('pending')
  })

  it('takes the next message to send: pending first, then the soonest retry', async () => {
    const box = await open(await freshDir())
    await box.add(message({ id: 'r' }))
    await box.attempt('r')
    await box.retry('r', 'HTTP 503', NOW + 10_000)
    await box.add(message({ id: 'p' }))
    await box.add(message({ id: 'other', channel: 'other' }))
    expect(box.next('ch')?.msg.id).toBe('p')
    await box.attempt('p')
    expect(box.next('ch')?.msg.id).toBe('r')
    expect(box.next('none')).toBeUndefined()
  })

  it('drops finished entries from the live set after a while but keeps the last N in the log', async () => {
    const dir = await freshDir()
    const box = await open(dir, { keepDoneMs: 60_000, logSize: 3, compactEvery: 5 })
    for (const id of ['a', 'b', 'c', 'd']) {
      await box.add(message({ id, decidedAt: now++ }))
      await box.attempt(id)
      await box.sent(id, 10)
    }
    await box.add(message({ id: 'e', decidedAt: now++ }))
    await box.attempt('e')
    await box.failed('e', 'isv.MOBILE_NUMBER_ILLEGAL: 非法手机号')
    now += 120_000
    await box.add(message({ id: 'f', decidedAt: now }))
    await box.attempt('f')
    await box.retry('f', 'HTTP 503', now + 1000) // past compactEvery: a snapshot
    const after = await open(dir, { keepDoneMs: 60_000, logSize: 3, compactEvery: 5 })
    expect(after.unfinished().map((e) => e.msg.id)).toEqual(['f'])
    expect(after.log().map((e) => [e.id, e.state])).toEqual([['f', 'retrying'], ['e', 'failed'], ['d', 'sent'], ['c', 'sent']])
    expect(after.log({ limit: 2 }).map((e) => e.id)).toEqual(['f', 'e'])
  })

  it('shows the log with phones masked, filtered by alarm and park', async () => {
    const box = await open(await freshDir())
    await box.add(message({ id: 'x', alarm: 'a-9', park: 'p2' }))
    await box.add(message({ id: 'y' }))
    const [row] = box.log({ alarm: 'a-9' })
    expect(row).toMatchObject({ id: 'x', park: 'p2', state: 'pending', attempts: 0, to: [{ person: 'wang', name: '王工', phone: '138****0001' }] })
    expect(JSON.stringify(box.log())).not.toContain('13800000001')
    expect(box.log({ park: 'vtc' }).map((e) => e.id)).toEqual(['y'])
  })

  it('keeps one entry for a message added twice', async () => {
    const box = await open(await freshDir())
    await box.add(message({ id: 'same' }))
    await box.add(message({ id: 'same', text: 'other' }))
    expect(box.log().length).toBe(1)
    expect(box.get('same')!.msg.text).not.toBe('other')
  })
})
