import { describe, expect, it } from 'vitest'
import { renderMessages } from '../../../hub/src/model/messages/index.js'
import { IncidentManager } from '../../../hub/src/response/incident-manager.js'
import { alarm, counterIds, harness, MIN } from './fixtures.js'

const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/u

describe('incident timeline notes as codes and parameters (model/messages)', () => {
  it('carry the hub-built notes as codes, render them in both languages, and leave people\'s notes as typed', async () => {
    const { manager, clock } = harness()
    manager.onAlarm(alarm('a-1'))
    clock.advance(MIN)
    manager.onAlarm(alarm('a-2', { device: 'chl-gas-1' }))
    manager.comment('i-1', 'zhang', '现场已疏散')
    await manager.idle()
    const inc = manager.get('i-1')!
    const coded = inc.timeline.filter((e) => e.messages !== undefined)
    expect(coded.map((e) => e.action)).toEqual(expect.arrayContaining(['open', 'plan', 'add_alarm']))
    expect(inc.timeline[0]!.messages).toEqual([{ code: 'incidentNote.alarmAtLevel', params: { alarm: 'a-1', type: 'gas_high', level: 1 } }])
    for (const e of coded) {
      expect(e.messages![0]!.code, e.action).toMatch(/^incidentNote\./)
      expect(CJK.test(renderMessages(e.messages!, 'en')), `${e.action}: ${renderMessages(e.messages!, 'en')}`).toBe(false)
    }
    // The plan's name in the reader's language (the English note kept the plan's own name).
    const plan = coded.find((e) => e.action === 'plan')!
    expect(renderMessages(plan.messages!, 'zh-CN')).toMatch(/新增 \d+ 个步骤/)
    expect(inc.timeline.find((e) => e.action === 'comment')).toEqual({ ts: inc.timeline.at(-1)!.ts, actor: 'zhang', action: 'comment', note: '现场已疏散' })
  })

  it('restores an incident state saved before entries carried messages', () => {
    const { manager, deps } = harness()
    manager.onAlarm(alarm('a-1'))
    const saved = JSON.parse(JSON.stringify(manager.snapshot())) as { incidents: Array<{ timeline: Array<Record<string, unknown>> }> }
    for (const i of saved.incidents) for (const e of i.timeline) delete e.messages
    const restored = IncidentManager.restore(saved as never, { ...deps, newId: counterIds('i', 2) })
    const timeline = restored.get('i-1')!.timeline
    expect(timeline.length).toBeGreaterThan(1)
    expect(timeline.every((e) => e.messages === undefined && typeof e.note === 'string')).toBe(true)
    expect(timeline.map((e) => e.note)).toEqual(manager.get('i-1')!.timeline.map((e) => e.note))
  })
})
