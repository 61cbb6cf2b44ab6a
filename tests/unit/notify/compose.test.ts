import { describe, expect, it } from 'vitest'
import type { Alarm } from '../../../hub/src/model/alarm.js'
import type { NotifyChannel, Roster } from '../../../hub/src/model/notify.js'
import { AckLinks } from '../../../hub/src/notify/ack-links.js'
import { alarmStepMessages, type ComposeContext } from '../../../hub/src/notify/compose.js'
import { startEscalation } from '../../../hub/src/notify/escalation.js'

const T0 = Date.parse('2026-12-02T03:00:00+08:00')
const channels: NotifyChannel[] = [
  { id: 'wecom', type: 'wecom', url: 'http://x/w', park: 'vtc' },
  { id: 'sms', type: 'sms', url: 'http://x/s' },
  { id: 'ding', type: 'dingtalk', url: 'http://x/d', park: 'vtc' },
]
const rosters: Roster[] = [
  { scope: 'vtc', people: [{ id: 'wang', name: '王工', role: 'duty_officer', phone: '13800000001' }, { id: 'nophone', name: '无电话', role: 'duty_officer' }], shifts: [{ id: 'a', name: 'a', start: '00:00', end: '00:00', people: ['wang', 'nophone'] }] },
  { scope: 'zone', people: [{ id: 'hq', name: 'HQ', role: 'shift_leader', phone: '13900000000', lang: 'en' }], shifts: [], onCall: ['hq'] },
]
const alarm = { id: 'a1', type: 'gas_high', level: 2, class: 'life-safety', park: 'vtc', enterprise: 'e', area: undefined, device: 'd', metric: 'lel', value: 30, threshold: 25, condition: 'active', incident: undefined } as unknown as Alarm
const ctx = (usable: (id: string) => boolean = () => true): ComposeContext => ({
  channels: new Map(channels.map((c) => [c.id, c])), rosters, timezone: 'Asia/Shanghai', publicUrl: 'http://hub', ackLinks: new AckLinks('x'.repeat(40)),
  places: { park: () => undefined, enterprise: () => undefined, area: () => undefined, device: () => undefined }, usable,
})
const plan = { tiers: [{ afterMin: 0, roles: ['duty_officer', 'shift_leader'], channels: ['wecom', 'sms', 'ding'] }], repeatMin: undefined, red: false, needsDispatch: false }

describe('composing a step\'s messages', () => {
  const e = startEscalation({ subject: 'alarm', id: 'a1', park: 'vtc', plan, now: T0 })
  const step = { seq: 0, kind: 'alarm' as const, tier: 0, at: T0, call: false }

  it('one group message per robot naming everyone reached (numbers masked in the text, full in the mention list); one SMS per person with a phone, in their language, with a personal link', () => {
    const { messages, reached } = alarmStepMessages(ctx(), e, step, alarm, T0)
    expect(reached.fallback).toEqual(['shift_leader'])
    expect(messages.map((m) => m.id)).toEqual(['alarm:a1:0:wecom', 'alarm:a1:0:sms:wang', 'alarm:a1:0:sms:hq', 'alarm:a1:0:ding'])
    const group = messages[0]!
    expect(group.to.map((r) => r.phone)).toEqual(['13800000001', undefined, '13900000000'])
    expect(group.text).toContain('值班：王工 138****0001、无电话、HQ 139****0000')
    expect(group.text).toContain('本园区无shift_leader在岗，已转区级值班')
    expect(group.text).not.toMatch(/1[0-9]{10}/)
    expect(group.link).toBe('http://hub/#/alarms/a1')
    const hq = messages[2]!
    expect(hq.text).toMatch(/^orange \(level 2\) alarm/)
    expect(hq.link).toMatch(/^http:\/\/hub\/#\/ack\/a1\./)
  })

  it('leaves out channels that cannot deliver (no key or secret yet)', () => {
    const { messages } = alarmStepMessages(ctx((id) => id !== 'ding'), e, step, alarm, T0)
    expect(messages.map((m) => m.channel)).toEqual(['wecom', 'sms', 'sms'])
  })
})
