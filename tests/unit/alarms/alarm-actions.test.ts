import { describe, expect, it } from 'vitest'
import { AlarmActionError } from '../../../hub/src/alarms/errors.js'
import { bookWith, fakeClock, HOUR, MIN, T0, transition } from './fixtures.js'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    if (err instanceof AlarmActionError) return err.code
    throw err
  }
  return undefined
}

describe('AlarmBook: the closed loop (闭环)', () => {
  it('runs raise → ack → dispatch → clear → resolve → close, recording actor, time and note', () => {
    const clock = fakeClock()
    const { book, events } = bookWith(clock)
    const a = book.apply(transition({ ts: T0, level: 1, value: 55, message: '可燃气体二级报警' }))!

    clock.set(T0 + 1 * MIN)
    book.ack(a.id, 'zhang.safety', { note: '值班员已确认' })
    clock.set(T0 + 2 * MIN)
    const dispatched = book.dispatch(a.id, 'zhang.safety', { assignee: '应急一班', note: '携带便携式检测仪' })
    expect(dispatched).toMatchObject({ workflow: 'dispatched', assignee: '应急一班' })
    book.apply(transition({ ts: T0 + 10 * MIN, kind: 'clear', value: 3 }))
    clock.set(T0 + 20 * MIN)
    const resolved = book.resolve(a.id, 'li.responder', { cause: '法兰垫片老化泄漏', action: '关阀、更换垫片', note: '现场复测 0 %LEL' })
    expect(resolved).toMatchObject({ workflow: 'resolved', cause: '法兰垫片老化泄漏', action: '关阀、更换垫片' })
    clock.set(T0 + 30 * MIN)
    const closed = book.close(a.id, 'wang.admin', { note: '复核关闭' })

    expect(closed).toMatchObject({ workflow: 'closed', condition: 'cleared', ack: 'acked', updatedAt: T0 + 30 * MIN })
    expect(closed.history.map((s) => [s.action, s.actor, s.ts])).toEqual([
      ['raise', 'system', T0],
      ['ack', 'zhang.safety', T0 + 1 * MIN],
      ['dispatch', 'zhang.safety', T0 + 2 * MIN],
      ['clear', 'system', T0 + 10 * MIN],
      ['resolve', 'li.responder', T0 + 20 * MIN],
      ['close', 'wang.admin', T0 + 30 * MIN],
    ])
    expect(closed.history.map((s) => s.note)).toEqual([
      '可燃气体二级报警',
      '值班员已确认',
      'assignee: 应急一班 | 携带便携式检测仪',
      undefined,
      'cause: 法兰垫片老化泄漏 | action: 关阀、更换垫片 | 现场复测 0 %LEL',
      '复核关闭',
    ])
    expect(events.map((e) => e.step.action)).toEqual(['raise', 'ack', 'dispatch', 'clear', 'resolve', 'close'])
    expect(events.at(-1)?.alarm.workflow).toBe('closed')
  })

  it('refuses to close an active alarm (invalid_state) and leaves it unchanged', () => {
    const { book } = bookWith(fakeClock())
    const a = book.apply(transition({ ts: T0 }))!
    book.resolve(a.id, 'li', { cause: 'c', action: 'x' })
    const before = book.get(a.id)
    expect(codeOf(() => book.close(a.id, 'wang', { note: 'n' }))).toBe('invalid_state')
    expect(book.get(a.id)).toEqual(before)
  })

  it('refuses to close a cleared alarm that is not resolved', () => {
    const { book } = bookWith(fakeClock())
    const a = book.apply(transition({ ts: T0 }))!
    book.apply(transition({ ts: T0 + MIN, kind: 'clear' }))
    expect(codeOf(() => book.close(a.id, 'wang', { note: 'n' }))).toBe('invalid_state')
  })

  it('acknowledges at close when nobody did', () => {
    const { book } = bookWith(fakeClock())
    const a = book.apply(transition({ ts: T0 }))!
    book.apply(transition({ ts: T0 + MIN, kind: 'clear' }))
    book.resolve(a.id, 'li', { cause: 'c', action: 'x' })
    const closed = book.close(a.id, 'wang', { note: 'ok' })
    expect(closed.history.slice(-2).map((s) => [s.action, s.actor, s.note])).toEqual([
      ['ack', 'wang', 'acknowledged at close'],
      ['close', 'wang', 'ok'],
    ])
  })

  it('maps bad requests to typed codes', () => {
    const { book } = bookWith(fakeClock())
    const a = book.apply(transition({ ts: T0 }))!
    expect(codeOf(() => book.ack('nope', 'zhang'))).toBe('not_found')
    expect(codeOf(() => book.ack(a.id, ' '))).toBe('missing_field')
    expect(codeOf(() => book.dispatch(a.id, 'zhang', {}))).toBe('missing_field')
    expect(codeOf(() => book.resolve(a.id, 'zhang', { cause: 'c' }))).toBe('missing_field')
    expect(codeOf(() => book.close(a.id, 'zhang', {}))).toBe('missing_field')
    expect(codeOf(() => book.suppress(a.id, 'zhang', {}))).toBe('missing_field')
    expect(codeOf(() => book.shelve(a.id, 'zhang', {}))).toBe('missing_field')
    expect(codeOf(() => book.shelve(a.id, 'zhang', { minutes: 481 }))).toBe('invalid_field')
    expect(codeOf(() => book.shelve(a.id, 'zhang', { minutes: 0 }))).toBe('invalid_field')
    expect(codeOf(() => book.unshelve(a.id, 'zhang'))).toBe('invalid_state')
    expect(codeOf(() => book.inService(a.id, 'zhang'))).toBe('invalid_state')
    book.ack(a.id, 'zhang')
    expect(codeOf(() => book.ack(a.id, 'zhang'))).toBe('invalid_state')
    try {
      book.ack('nope', 'zhang')
    } catch (err) {
      expect(err).toBeInstanceOf(AlarmActionError)
      expect((err as AlarmActionError).statusCode).toBe(404)
    }
  })

  it('refuses every action on a closed alarm', () => {
    const { book } = bookWith(fakeClock())
    const a = book.apply(transition({ ts: T0 }))!
    book.apply(transition({ ts: T0 + MIN, kind: 'clear' }))
    book.resolve(a.id, 'li', { cause: 'c', action: 'x' })
    book.close(a.id, 'li', { note: 'n' })
    expect(codeOf(() => book.comment(a.id, 'li', { note: 'late' }))).toBe('invalid_state')
    expect(codeOf(() => book.dispatch(a.id, 'li', { assignee: 'x' }))).toBe('invalid_state')
    expect(codeOf(() => book.shelve(a.id, 'li', { minutes: 5 }))).toBe('invalid_state')
  })

  it('suppresses and takes out of service, hiding from the active board but recording', () => {
    const { book } = bookWith(fakeClock())
    const a = book.apply(transition({ ts: T0 }))!
    book.suppress(a.id, 'zhang', { note: '氯化车间检修' })
    expect(book.list({ state: 'active' })).toHaveLength(0)
    expect(book.list({ state: 'suppressed' }).map((x) => x.id)).toEqual([a.id])
    book.unsuppress(a.id, 'zhang')
    book.outOfService(a.id, 'zhang', { note: '探头送修' })
    expect(book.list({ state: 'active' })).toHaveLength(0)
    const back = book.inService(a.id, 'zhang', { note: '已标定' })
    expect(back.history.map((s) => s.action)).toEqual(['raise', 'suppress', 'unsuppress', 'out_of_service', 'in_service'])
    expect(book.list({ state: 'active' })).toHaveLength(1)
  })
})

describe('AlarmBook: shelving (ISA-18.2, time-limited)', () => {
  it('hides a shelved alarm and unshelves it at expiry on tick', () => {
    const clock = fakeClock()
    const { book } = bookWith(clock)
    const a = book.apply(transition({ ts: T0 }))!
    clock.set(T0 + MIN)
    const shelved = book.shelve(a.id, 'zhang', { minutes: 30, note: '传感器漂移' })
    expect(shelved.shelvedUntil).toBe(T0 + 31 * MIN)
    expect(shelved.history.at(-1)).toMatchObject({ action: 'shelve', actor: 'zhang', note: '30 min | 传感器漂移' })
    expect(book.list({ state: 'active' })).toHaveLength(0)
    expect(book.list({ state: 'shelved' })).toHaveLength(1)

    expect(book.tick(T0 + 31 * MIN - 1)).toEqual([])
    const changed = book.tick(T0 + 31 * MIN)
    expect(changed.map((x) => x.id)).toEqual([a.id])
    expect(changed[0]).toMatchObject({ shelvedUntil: undefined })
    expect(changed[0]!.history.at(-1)).toMatchObject({ action: 'unshelve', actor: 'system', ts: T0 + 31 * MIN })
    clock.set(T0 + 31 * MIN)
    expect(book.list({ state: 'active' })).toHaveLength(1)
    expect(book.tick(T0 + 2 * HOUR)).toEqual([])
  })

  it('honours a configured maximum', () => {
    const { book } = bookWith(fakeClock(), { maxShelveMinutes: 60 })
    const a = book.apply(transition({ ts: T0 }))!
    expect(codeOf(() => book.shelve(a.id, 'zhang', { minutes: 61 }))).toBe('invalid_field')
    expect(book.shelve(a.id, 'zhang', { minutes: 60 }).shelvedUntil).toBe(T0 + HOUR)
  })
})
