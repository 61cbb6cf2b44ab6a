import { describe, expect, it } from 'vitest'
import { alarmText, incidentText, maskPhone, maskPhonesIn, summaryText, type AlarmFacts, type PlaceNames } from '../../../hub/src/notify/message-text.js'

const places: PlaceNames = {
  park: (id) => (id === 'vtc' ? { name: '滨江化工园', nameEn: 'Binjiang Chemical Park' } : undefined),
  enterprise: (id) => (id === 'vtc-ti01' ? { name: '天一化工', nameEn: 'Tianyi Chemicals' } : undefined),
  area: (id) => (id === 'boiler' ? { name: '锅炉房', nameEn: 'Boiler house' } : undefined),
  device: (id) => (id === 'gas-009' ? { name: '可燃气体探测器9', nameEn: 'Combustible gas detector 9' } : undefined),
}
const alarm: AlarmFacts = { id: 'a1', type: 'gas_high', level: 1, park: 'vtc', enterprise: 'vtc-ti01', area: 'boiler', device: 'gas-009', metric: 'lel', value: 55, threshold: 50, condition: 'active' }

describe('message texts', () => {
  it.each([
    ['13800000001', '138****0001'],
    ['+8613800000001', '+86*******0001'],
    ['02188886666', '021****6666'],
    ['123456', '12**56'],
    ['1234', '****'],
  ])('masks %s as %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked)
  })

  it('masks numbers inside free text', () => {
    expect(maskPhonesIn('请联系 13800000001 或 13900000002')).toBe('请联系 138****0001 或 139****0002')
  })

  it('says park, place, type, value, set point and level in Chinese by default, with the link', () => {
    const m = alarmText({ alarm, lang: 'zh-CN', places, kind: 'alarm', tier: 0, link: 'http://hub:8080/#/alarms/a1', onDuty: [{ name: '王工', phone: '13800000001' }] })
    expect(m.title).toBe('【红色（一级）报警】滨江化工园')
    expect(m.text).toBe([
      '红色（一级）报警 · 滨江化工园 · 天一化工 锅炉房 可燃气体探测器9：气体浓度超限，当前值 55 %LEL，设定值 50 %LEL',
      '值班：王工 138****0001',
      '详情：http://hub:8080/#/alarms/a1',
    ].join('\n'))
    expect(m.text).not.toContain('13800000001')
    expect(m.markdown).toContain('### 【红色（一级）报警】滨江化工园')
    expect(m.params).toMatchObject({ park: '滨江化工园', value: '55', threshold: '50', link: 'http://hub:8080/#/alarms/a1' })
    expect(Buffer.byteLength(m.text)).toBeLessThan(2048) // WeCom text limit
  })

  it('names an alarm without a metric (a device silent for 180 s) by its type alone, no bare 当前值 180.3', () => {
    const offline: AlarmFacts = { ...alarm, type: 'device_offline', level: 3, metric: undefined, value: 180.349, threshold: 180 }
    expect(alarmText({ alarm: offline, lang: 'zh-CN', places, kind: 'alarm', tier: 0 }).text).toBe('黄色（三级）报警 · 滨江化工园 · 天一化工 锅炉房 可燃气体探测器9：设备离线')
  })

  it('in English for a recipient who reads English; reminders and escalations say so; a personal link replaces the alarm link', () => {
    const r = alarmText({ alarm: { ...alarm, value: 55.126 }, lang: 'en', places, kind: 'repeat', reminder: 2, tier: 0, link: 'http://hub/#/alarms/a1', ackLink: 'http://hub/#/ack/a1.xyz' })
    expect(r.text).toBe('red (level 1) alarm · Binjiang Chemical Park · Tianyi Chemicals Boiler house Combustible gas detector 9: Gas concentration high, value 55.13 %LEL, set point 50 %LEL\nreminder 2, still unacknowledged\nAcknowledge: http://hub/#/ack/a1.xyz')
    const e = alarmText({ alarm, lang: 'zh-CN', places, kind: 'escalation', minutes: 5, tier: 1, fallbackRoles: ['shift_leader'] })
    expect(e.text).toContain('5 分钟未确认，升级通知第 2 级')
    expect(e.text).toContain('本园区无shift_leader在岗，已转区级值班')
  })

  it('names an unknown place by its id and an unknown type as it is', () => {
    const m = alarmText({ alarm: { ...alarm, park: 'p9', enterprise: 'e9', area: undefined, device: 'd9', type: 'strange', value: undefined }, lang: 'zh-CN', places, kind: 'alarm', tier: 0 })
    expect(m.text).toBe('红色（一级）报警 · p9 · e9 d9：strange')
  })

  it('sums a flood up: counts by level and the top alarms', () => {
    const s = summaryText({ park: 'vtc', counts: { 1: 0, 2: 1, 3: 10, 4: 2 }, total: 13, top: [{ ...alarm, level: 2 }, { ...alarm, id: 'a2', level: 3 }], lang: 'zh-CN', places, link: 'http://hub/#/alarms' })
    expect(s.title).toBe('【报警汇总】滨江化工园')
    expect(s.text.split('\n')).toEqual([
      '滨江化工园 报警风暴：1 分钟内另有 13 条报警未逐条发送：红 0 · 橙 1 · 黄 10 · 蓝 2',
      '· 橙色（二级） 气体浓度超限 · 天一化工 锅炉房 可燃气体探测器9',
      '· 黄色（三级） 气体浓度超限 · 天一化工 锅炉房 可燃气体探测器9',
      '详情：http://hub/#/alarms',
    ])
  })

  it('an incident message says its state', () => {
    const i = incidentText({ park: 'vtc', level: 1, title: '锅炉房可燃气体泄漏', titleEn: 'Gas leak', alarms: 3, state: 'open', kind: 'incident', tier: 0, lang: 'zh-CN', places })
    expect(i.text).toBe('红色（一级）应急事件 · 滨江化工园 · 锅炉房可燃气体泄漏：3 条报警，尚未派人处置')
  })

  it("names an incident's most severe alarm — place, value and set point — in its text and in the SMS / voice template's parameters", () => {
    const base = { park: 'vtc', level: 1 as const, title: '锅炉房可燃气体泄漏', titleEn: 'Gas leak', alarms: 3, state: 'open' as const, kind: 'incident' as const, tier: 0, places, lead: alarm }
    const zh = incidentText({ ...base, lang: 'zh-CN', ackLink: 'http://hub:8080/#/ack/t' })
    expect(zh.text.split('\n')[1]).toBe('最高级报警：天一化工 锅炉房 可燃气体探测器9：气体浓度超限，当前值 55 %LEL，设定值 50 %LEL')
    expect(zh.params).toEqual({ park: '滨江化工园', place: '天一化工 锅炉房 可燃气体探测器9', type: '气体浓度超限', level: '红色（一级）', value: '55', threshold: '50', link: 'http://hub:8080/#/ack/t' })
    expect(incidentText({ ...base, lang: 'en' }).text.split('\n')[1]).toBe('most severe alarm: Tianyi Chemicals Boiler house Combustible gas detector 9: Gas concentration high, value 55 %LEL, set point 50 %LEL')
    // Without a known alarm: no count passed off as a value.
    expect(incidentText({ ...base, lead: undefined, lang: 'zh-CN' }).params.value).toBe('')
  })
})
