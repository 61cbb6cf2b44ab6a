import { describe, expect, it } from 'vitest'
import { AlarmBook } from '../../../hub/src/alarms/alarm-book.js'
import { renderMessages, type Message } from '../../../hub/src/model/messages/index.js'
import { bookWith, counterIds, fakeClock, MIN, T0, transition } from './fixtures.js'

const codes = (ms: Message[] | undefined): string[] => (ms ?? []).map((m) => m.code)

describe('alarm history notes as codes and parameters (model/messages)', () => {
  it('carry the hub-built parts as codes, a person\'s note as free text, and note stays the English text', () => {
    const clock = fakeClock()
    const { book } = bookWith(clock)
    const a = book.apply(transition({ ts: T0, level: 2, value: 30 }))!
    book.apply(transition({ ts: T0 + MIN, level: 1, value: 55 }))
    clock.set(T0 + 2 * MIN)
    book.dispatch(a.id, 'zhang', { assignee: '应急一班', note: '携带便携式检测仪' })
    book.apply(transition({ ts: T0 + 3 * MIN, kind: 'clear', value: 3 }))
    book.resolve(a.id, 'li', { cause: 'c', action: 'x' })
    const closed = book.close(a.id, 'wang', { note: '复核关闭' })

    const byAction = (action: string) => closed.history.find((s) => s.action === action)!
    expect(byAction('escalate').messages).toEqual([{ code: 'alarmNote.level', params: { from: 2, to: 1 } }])
    expect(codes(byAction('dispatch').messages)).toEqual(['alarmNote.assignee', 'alarmNote.text'])
    expect(codes(byAction('resolve').messages)).toEqual(['alarmNote.cause', 'alarmNote.action'])
    expect(closed.history.filter((s) => s.action === 'ack').map((s) => codes(s.messages))).toEqual([['alarmNote.ackAtClose']])
    expect(byAction('close').messages).toEqual([{ code: 'alarmNote.text', params: { text: '复核关闭' } }])
    // The same note in Chinese on a Chinese screen, in English on an English one.
    expect(renderMessages(byAction('escalate').messages!, 'zh-CN')).toBe('级别 2 → 1')
    expect(renderMessages(byAction('resolve').messages!, 'en', ' | ')).toBe(byAction('resolve').note)
    expect(renderMessages(byAction('resolve').messages!, 'zh-CN', ' | ')).toBe('原因：c | 措施：x')
  })

  it('restores a snapshot taken before steps carried messages, and one taken after', () => {
    const clock = fakeClock(T0 + 5 * MIN)
    const book = new AlarmBook({ clock: clock.now, newId: counterIds() })
    const a = book.apply(transition({ key: 'k1', ts: T0 }))!
    book.dispatch(a.id, 'zhang', { assignee: 'team 1' })
    const now = JSON.parse(JSON.stringify(book.snapshot())) as { alarms: Array<{ alarm: { history: Array<Record<string, unknown>> } }> }
    const before = JSON.parse(JSON.stringify(now)) as typeof now
    for (const { alarm } of before.alarms) for (const step of alarm.history) delete step.messages
    const old = AlarmBook.restore(before as never, { clock: clock.now, newId: counterIds('a', 5) })
    expect(old.get(a.id)!.history.map((s) => [s.action, s.note, s.messages])).toEqual([['raise', undefined, undefined], ['dispatch', 'assignee: team 1', undefined]])
    const restored = AlarmBook.restore(now as never, { clock: clock.now, newId: counterIds('a', 5) })
    expect(restored.get(a.id)!.history.at(-1)!.messages).toEqual([{ code: 'alarmNote.assignee', params: { assignee: 'team 1' } }])
  })
})
