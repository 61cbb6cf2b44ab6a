import { describe, expect, it } from 'vitest'
import { bookWith, fakeClock, HOUR, MIN, SEC, T0, transition } from './fixtures.js'
import { AlarmBook } from '../../../hub/src/alarms/alarm-book.js'

describe('AlarmBook: one alarm per condition (ISA-18.2)', () => {
  it('makes one alarm and one history step for 100 identical activations, keeping the latest value', () => {
    const clock = fakeClock()
    const { book, events } = bookWith(clock)
    const results = []
    for (let i = 0; i < 100; i++) results.push(book.apply(transition({ ts: T0 + i * SEC, value: 30 + i / 10 })))
    expect(results[0]?.id).toBe('a-1')
    expect(results.slice(1).every((r) => r === undefined)).toBe(true)
    expect(book.size).toBe(1)
    const alarm = book.byKey('pk1/d-gas-1/setpoint/lel')!
    expect(alarm.history.map((s) => s.action)).toEqual(['raise'])
    expect(alarm.value).toBeCloseTo(39.9)
    expect(alarm).toMatchObject({ condition: 'active', ack: 'unacked', workflow: 'open', level: 2, raisedAt: T0 })
    expect(alarm.history[0]).toMatchObject({ actor: 'system', action: 'raise', ts: T0, level: 2 })
    expect(events).toHaveLength(1)
  })

  it('escalates the same alarm and makes it unacknowledged again; deescalation keeps the ack', () => {
    const clock = fakeClock()
    const { book } = bookWith(clock)
    const raised = book.apply(transition({ ts: T0, level: 2 }))!
    book.ack(raised.id, 'zhang', { note: '已确认' })
    const escalated = book.apply(transition({ ts: T0 + 10 * SEC, level: 1, value: 55, threshold: 50 }))!
    expect(escalated.id).toBe(raised.id)
    expect(escalated).toMatchObject({ level: 1, ack: 'unacked', value: 55, threshold: 50 })
    expect(escalated.history.at(-1)).toMatchObject({ action: 'escalate', actor: 'system', level: 1, note: 'level 2 → 1' })
    book.ack(raised.id, 'zhang')
    const deescalated = book.apply(transition({ ts: T0 + 20 * SEC, level: 2, value: 40 }))!
    expect(deescalated).toMatchObject({ id: raised.id, level: 2, ack: 'acked' })
    expect(deescalated.history.map((s) => s.action)).toEqual(['raise', 'ack', 'escalate', 'ack', 'deescalate'])
    expect(book.size).toBe(1)
  })

  it('clear then activate reactivates the same alarm, unacknowledged again', () => {
    const clock = fakeClock()
    const { book } = bookWith(clock)
    const a = book.apply(transition({ ts: T0 }))!
    book.ack(a.id, 'li')
    const cleared = book.apply(transition({ ts: T0 + 5 * MIN, kind: 'clear', value: 10 }))!
    expect(cleared).toMatchObject({ id: a.id, condition: 'cleared', ack: 'acked', value: 10 })
    expect(book.apply(transition({ ts: T0 + 6 * MIN, kind: 'clear', value: 9 }))).toBeUndefined()
    const again = book.apply(transition({ ts: T0 + 10 * MIN, value: 31 }))!
    expect(again).toMatchObject({ id: a.id, condition: 'active', ack: 'unacked', value: 31 })
    expect(again.history.map((s) => s.action)).toEqual(['raise', 'ack', 'clear', 'reactivate'])
    expect(book.size).toBe(1)
  })

  it('ignores a clear for a key without a live alarm', () => {
    const { book, events } = bookWith(fakeClock())
    expect(book.apply(transition({ ts: T0, kind: 'clear' }))).toBeUndefined()
    expect(book.size).toBe(0)
    expect(events).toHaveLength(0)
  })

  it('raises a new alarm for a key whose previous alarm is closed', () => {
    const clock = fakeClock()
    const { book } = bookWith(clock)
    const first = book.apply(transition({ ts: T0 }))!
    book.apply(transition({ ts: T0 + MIN, kind: 'clear' }))
    book.resolve(first.id, 'wang', { cause: '阀门泄漏', action: '更换垫片' })
    book.close(first.id, 'wang', { note: '复核完毕' })
    const second = book.apply(transition({ ts: T0 + 2 * MIN }))!
    expect(second.id).not.toBe(first.id)
    expect(book.byKey('pk1/d-gas-1/setpoint/lel')?.id).toBe(second.id)
    expect(book.get(first.id)?.workflow).toBe('closed')
  })

  it('reopens a resolved alarm whose condition comes back', () => {
    const clock = fakeClock()
    const { book } = bookWith(clock)
    const a = book.apply(transition({ ts: T0 }))!
    book.apply(transition({ ts: T0 + MIN, kind: 'clear' }))
    book.resolve(a.id, 'wang', { cause: 'c', action: 'x' })
    const back = book.apply(transition({ ts: T0 + 5 * MIN }))!
    expect(back).toMatchObject({ workflow: 'open', condition: 'active', ack: 'unacked' })
    expect(back.history.at(-1)?.note).toContain('workflow reopened')
  })
})

describe('AlarmBook: chattering (ISA-18.2 / EEMUA 191: ≥ 3 activations in 60 s)', () => {
  function flap(book: ReturnType<typeof bookWith>['book'], times: number[]): void {
    times.forEach((t, i) => {
      if (i > 0) book.apply(transition({ ts: t - SEC, kind: 'clear' }))
      book.apply(transition({ ts: t }))
    })
  }

  it('marks the alarm chattering at 3 activations within 60 s, with one step', () => {
    const { book, events } = bookWith(fakeClock())
    flap(book, [T0, T0 + 30 * SEC, T0 + 60 * SEC])
    const a = book.byKey('pk1/d-gas-1/setpoint/lel')!
    expect(a.chattering).toBe(true)
    expect(a.history.map((s) => s.action)).toEqual(['raise', 'clear', 'reactivate', 'clear', 'reactivate', 'chattering'])
    expect(a.history.at(-1)).toMatchObject({ actor: 'system', ts: T0 + 60 * SEC })
    expect(events.map((e) => e.step.action).filter((x) => x === 'chattering')).toHaveLength(1)
    flap(book, [T0 + 90 * SEC])
    expect(book.byKey('pk1/d-gas-1/setpoint/lel')!.history.filter((s) => s.action === 'chattering')).toHaveLength(1)
  })

  it('does not mark 3 activations spread over 61 s', () => {
    const { book } = bookWith(fakeClock())
    flap(book, [T0, T0 + 30 * SEC, T0 + 61 * SEC])
    const a = book.byKey('pk1/d-gas-1/setpoint/lel')!
    expect(a.chattering).toBe(false)
    expect(a.history.some((s) => s.action === 'chattering')).toBe(false)
  })

  it('does not count escalations as activations', () => {
    const { book } = bookWith(fakeClock())
    book.apply(transition({ ts: T0, level: 3 }))
    book.apply(transition({ ts: T0 + SEC, level: 2 }))
    book.apply(transition({ ts: T0 + 2 * SEC, level: 1 }))
    expect(book.byKey('pk1/d-gas-1/setpoint/lel')!.chattering).toBe(false)
  })
})

describe('AlarmBook: queries', () => {
  it('lists by state and park, newest first', () => {
    const clock = fakeClock(T0 + HOUR)
    const { book } = bookWith(clock)
    const a = book.apply(transition({ key: 'k1', ts: T0 }))!
    const b = book.apply(transition({ key: 'k2', ts: T0 + MIN, park: 'pk2' }))!
    const c = book.apply(transition({ key: 'k3', ts: T0 + 2 * MIN }))!
    book.apply(transition({ key: 'k3', ts: T0 + 3 * MIN, kind: 'clear' }))
    book.ack(a.id, 'zhang')
    book.shelve(b.id, 'zhang', { minutes: 30 })
    const ids = (xs: Array<{ id: string }>) => xs.map((x) => x.id)
    expect(ids(book.list())).toEqual([c.id, b.id, a.id])
    expect(ids(book.list({ state: 'active' }))).toEqual([a.id])
    expect(ids(book.list({ state: 'unacked' }))).toEqual([c.id])
    expect(ids(book.list({ state: 'cleared' }))).toEqual([c.id])
    expect(ids(book.list({ state: 'shelved' }))).toEqual([b.id])
    expect(ids(book.list({ state: 'open', park: 'pk1' }))).toEqual([c.id, a.id])
    expect(ids(book.list({ to: T0 + 30 * SEC }))).toEqual([a.id])
    expect(ids(book.active())).toEqual([c.id, b.id, a.id])
    expect(book.keyOf(b.id)).toBe('k2')
  })

  it('hands out copies: changing one does not change the book', () => {
    const { book } = bookWith(fakeClock())
    const a = book.apply(transition({ ts: T0 }))!
    a.level = 1
    a.history.push({ ts: 0, actor: 'x', action: 'comment' })
    expect(book.get(a.id)).toMatchObject({ level: 2 })
    expect(book.get(a.id)!.history).toHaveLength(1)
  })
})


describe('AlarmBook: bounded history and the sink', () => {
  it('keeps the raise step and the latest ones beyond maxHistory', () => {
    const { book, events } = bookWith(fakeClock(), { maxHistory: 4, chatterCount: 1000 })
    for (let i = 0; i < 5; i++) {
      book.apply(transition({ ts: T0 + i * MIN }))
      book.apply(transition({ ts: T0 + i * MIN + SEC, kind: 'clear' }))
    }
    const a = book.byKey('pk1/d-gas-1/setpoint/lel')!
    expect(a.history.map((s) => [s.action, s.ts])).toEqual([
      ['raise', T0], ['clear', T0 + 3 * MIN + SEC], ['reactivate', T0 + 4 * MIN], ['clear', T0 + 4 * MIN + SEC],
    ])
    expect(events).toHaveLength(10)
  })

  it('commits the state before a failing sink throws', () => {
    const book = new AlarmBook({ clock: () => T0, sink: { onChange: () => { throw new Error('socket down') } } })
    expect(() => book.apply(transition({ ts: T0 }))).toThrow('socket down')
    expect(book.size).toBe(1)
    expect(book.apply(transition({ ts: T0 + SEC }))).toBeUndefined()
  })
})
