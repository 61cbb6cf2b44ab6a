import { describe, expect, it } from 'vitest'
import { AlarmBook, type AlarmBookState } from '../../../hub/src/alarms/index.js'
import type { Alarm, AlarmStep } from '../../../hub/src/model/alarm.js'
import { msg } from '../../../hub/src/model/messages/index.js'
import { counterIds, fakeClock, T0, transition } from '../alarms/fixtures.js'

describe('notification steps in the alarm history', () => {
  it('the ack step records where it was acknowledged; notify steps carry their channel and a note of the one dictionary; both survive a snapshot', () => {
    const clock = fakeClock()
    const seen: AlarmStep[] = []
    const book = new AlarmBook({ clock: clock.now, newId: counterIds(), sink: { onChange: (_a: Alarm, s: AlarmStep) => void seen.push(s) } })
    const a = book.apply(transition({ ts: T0 }))!
    book.notify(a.id, 'notify', [msg('notifyNote.sent', { channel: 'vtc-wecom' })], 'vtc-wecom')
    const acked = book.ack(a.id, 'wang', { channel: 'link' })
    expect(acked.history.map((s) => [s.action, s.channel])).toEqual([['raise', undefined], ['notify', 'vtc-wecom'], ['ack', 'link']])
    expect(acked.history[1]!.note).toBe('vtc-wecom delivered')
    expect(seen.map((s) => s.action)).toEqual(['raise', 'notify', 'ack'])
    const again = AlarmBook.restore(JSON.parse(JSON.stringify(book.snapshot())) as AlarmBookState, { clock: clock.now })
    expect(again.get(a.id)!.history.map((s) => s.channel)).toEqual([undefined, 'vtc-wecom', 'link'])
    // A notify step changes nothing of the alarm's state.
    expect(again.get(a.id)).toMatchObject({ ack: 'acked', condition: 'active', workflow: 'open', level: 2 })
  })

  it('an ack without a channel records none (as before)', () => {
    const book = new AlarmBook({ clock: fakeClock().now, newId: counterIds() })
    const a = book.apply(transition({ ts: T0 }))!
    expect(book.ack(a.id, 'op').history.at(-1)).not.toHaveProperty('channel')
  })
})
