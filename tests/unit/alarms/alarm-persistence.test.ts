import { describe, expect, it } from 'vitest'
import { AlarmBook } from '../../../hub/src/alarms/alarm-book.js'
import { counterIds, fakeClock, MIN, SEC, T0, transition } from './fixtures.js'

const DAY = 24 * 60 * MIN

/** A book with a bit of everything: reset and closed, dispatched, shelved, chattering (life-safety latches, the default). */
function busyBook(clock: ReturnType<typeof fakeClock>): AlarmBook {
  const book = new AlarmBook({ clock: clock.now, newId: counterIds() })
  const a = book.apply(transition({ key: 'k1', ts: T0 }))!
  book.apply(transition({ key: 'k1', ts: T0 + MIN, kind: 'clear' }))
  book.reset(a.id, 'li', { note: 'checked on site' })
  book.resolve(a.id, 'li', { cause: 'c', action: 'x' })
  book.close(a.id, 'li', { note: 'n' })
  const b = book.apply(transition({ key: 'k2', ts: T0 + 2 * MIN, level: 1 }))!
  book.dispatch(b.id, 'zhang', { assignee: '应急一班' })
  const c = book.apply(transition({ key: 'k3', ts: T0 + 3 * MIN }))!
  book.shelve(c.id, 'zhang', { minutes: 60 })
  book.apply(transition({ key: 'k4', ts: T0 + 4 * MIN }))
  book.apply(transition({ key: 'k4', ts: T0 + 4 * MIN + 10 * SEC, kind: 'clear' }))
  book.apply(transition({ key: 'k4', ts: T0 + 4 * MIN + 20 * SEC }))
  return book
}

describe('AlarmBook: snapshot and restore', () => {
  it('restores an identical book that continues the same way', () => {
    const clock = fakeClock(T0 + 5 * MIN)
    const original = busyBook(clock)
    const saved = JSON.stringify(original.snapshot())
    const restored = AlarmBook.restore(JSON.parse(saved), { clock: clock.now, newId: counterIds('a', 5) })
    expect(JSON.stringify(restored.snapshot())).toBe(saved)

    // Same ids, states, histories.
    expect(restored.list()).toEqual(original.list())
    expect(restored.byKey('k2')).toEqual(original.byKey('k2'))

    // Continue both the same way: chattering counts activations from before the restore.
    for (const book of [original, restored]) {
      book.apply(transition({ key: 'k4', ts: T0 + 4 * MIN + 30 * SEC, kind: 'clear' }))
      book.apply(transition({ key: 'k4', ts: T0 + 4 * MIN + 40 * SEC }))
      book.apply(transition({ key: 'k1', ts: T0 + 5 * MIN }))
      book.tick(T0 + 66 * MIN)
    }
    expect(restored.byKey('k4')?.chattering).toBe(true)
    expect(restored.byKey('k1')?.id).toBe('a-5')
    expect(restored.byKey('k3')?.shelvedUntil).toBeUndefined()
    expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(original.snapshot()))
  })

  it('rejects a state it does not know', () => {
    expect(() => AlarmBook.restore({ version: 2 } as never, { clock: () => 0 })).toThrow(/version/)
  })

  it('prunes closed alarms past the retention window, keeping live ones', () => {
    const clock = fakeClock(T0 + 5 * MIN)
    const book = busyBook(clock)
    expect(book.prune(T0 + 6 * DAY)).toEqual([])
    expect(book.prune(T0 + 5 * MIN + 7 * DAY)).toEqual(['a-1'])
    expect(book.get('a-1')).toBeUndefined()
    expect(book.byKey('k1')).toBeUndefined()
    expect(book.size).toBe(3)
    expect(book.snapshot().activations).toEqual({})
  })
})
