import { describe, expect, it } from 'vitest'
import { renderMessages } from '../../../hub/src/model/messages/index.js'
import { bookWith, fakeClock } from '../alarms/fixtures.js'
import { device, engineWith, reading, s } from './fixtures.js'

const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/u

describe('the set point rule\'s messages as codes and parameters (model/messages)', () => {
  it('say a set point\'s over range and stage in English without Chinese (the note keeps its words)', () => {
    const lel = device('lel-1', 'gas', ['lel'])
    const engine = engineWith([lel])
    const [over] = engine.onReading(reading(lel, s(0), { lel: 125 }, { lel: 'T' }), s(0))
    expect(over!.said).toEqual({ code: 'alarmNote.overRange', params: { metric: 'lel', value: 125, unit: '%LEL', stage: { code: 'alarmStage.second' } } })
    const [first] = engineWith([lel]).onReading(reading(lel, s(0), { lel: 30 }), s(0))
    expect(first!.said).toMatchObject({ code: 'alarmNote.setpoint', params: { stage: { code: 'alarmStage.first' }, metric: 'lel', value: 25, now: 30 } })
    expect(renderMessages([first!.said!], 'zh-CN')).toBe('一级报警：lel ≥ 25 %LEL（当前 30）')
    expect(renderMessages([first!.said!], 'en')).toBe(first!.message)
    const { book } = bookWith(fakeClock())
    const a = book.apply(over!)!
    expect(a.history[0]!.note).toMatch(/^over range \(超量程\): lel 125/)
    expect(CJK.test(renderMessages(a.history[0]!.messages!, 'en'))).toBe(false)
    expect(renderMessages(a.history[0]!.messages!, 'zh-CN')).toContain('超量程')
  })
})

describe('every rule\'s message has its code, with no Chinese in English (model/messages)', () => {
  it('gives each activation of the rules a code that renders in both languages', () => {
    const lel = device('lel-1', 'gas', ['lel'])
    const engine = engineWith([lel])
    const out = [
      ...engine.onReading(reading(lel, s(0), { lel: 30 }), s(0)),
      ...engine.onReading(reading(lel, s(1), { lel: 30 }, { lel: 'D' }), s(1)),
    ]
    expect(out.length).toBeGreaterThan(1)
    for (const t of out) {
      if (t.message === undefined) continue
      expect(t.said, t.message).toBeDefined()
      expect(CJK.test(renderMessages([t.said!], 'en')), t.message).toBe(false)
      expect(CJK.test(renderMessages([t.said!], 'zh-CN')), t.message).toBe(true)
    }
  })
})
