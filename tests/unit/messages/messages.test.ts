import { describe, expect, it } from 'vitest'
import { frozenMessage, LANGS, MESSAGES, render, renderMessages, msg } from '../../../hub/src/model/messages/index.js'

const placeholders = (template: string): string[] => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort()
const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/u

describe('the one dictionary (model/messages)', () => {
  const zh = MESSAGES['zh-CN']
  const en = MESSAGES.en

  it('has every code in zh-CN and in English, with the same placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort())
    for (const code of Object.keys(zh)) expect(placeholders(en[code]!), code).toEqual(placeholders(zh[code]!))
    expect(Object.keys(zh).length).toBeGreaterThan(50)
  })

  it('has no Chinese in its English texts and no empty text', () => {
    for (const [code, text] of Object.entries(en)) {
      expect(CJK.test(text), code).toBe(false)
      expect(text.trim(), code).not.toBe('')
    }
    for (const [code, text] of Object.entries(zh)) expect(text.trim(), code).not.toBe('')
  })

  it('renders nested messages, names in both languages and numbers in the reader\'s language', () => {
    const reason = msg('risk.at_place', {
      what: msg('risk.gas_second_set_point', { substance: msg('substance.cl2') }),
      where: { name: '氯化车间', nameEn: 'chlorination unit' },
    })
    expect(render(reason.code, reason.params, 'zh-CN')).toBe('氯气达到二级报警值 · 氯化车间')
    expect(render(reason.code, reason.params, 'en')).toBe('Chlorine at the second alarm set point · chlorination unit')
    // A name without English falls back to its own; a plain string is a name or id as is.
    expect(render('risk.more_offline', { count: 3, where: { name: '园区' } }, 'en')).toBe('3 more safety devices offline · 园区')
    expect(render('alarmNote.assignee', { assignee: '应急一班' }, 'en')).toBe('assignee: 应急一班')
  })

  it('renders an unknown code as itself and leaves a missing placeholder visible', () => {
    expect(render('no.such_code', { a: 1 }, 'en')).toBe('no.such_code')
    expect(render('alarmNote.level', { from: 2 }, 'en')).toBe('level 2 → {to}')
  })

  it('joins several messages as the hub joins its notes', () => {
    const ms = [msg('alarmNote.level', { from: 2, to: 1 }), msg('alarmNote.reopened')]
    expect(renderMessages(ms, 'en')).toBe('level 2 → 1; workflow reopened (resolved → open)')
    expect(renderMessages(ms, 'zh-CN')).toBe('级别 2 → 1; 处置流程重新打开（已处理 → 待处理）')
    expect(LANGS).toEqual(['zh-CN', 'en'])
  })
})

describe('frozenMessage: messages are immutable values that copies share', () => {
  it('copies an unfrozen message once, deeply frozen and equal, and returns a frozen one as it is', () => {
    const inner = { code: 'alarmNote.text', params: { text: 'x' } }
    const raw = { code: 'alarmNote.level', params: { from: 2, to: 1, place: { name: '氯化车间', nameEn: 'Chlorination' }, why: inner } }
    const f = frozenMessage(raw)
    expect(f).toEqual(raw)
    expect(f).not.toBe(raw)
    expect(Object.isFrozen(f) && Object.isFrozen(f.params) && Object.isFrozen(f.params!.place) && Object.isFrozen(f.params!.why)).toBe(true)
    expect(Object.isFrozen(raw)).toBe(false) // the caller's object is left alone
    expect(frozenMessage(f)).toBe(f)
  })
})
