import { describe, expect, it } from 'vitest'
import { computeRisk } from '../../../hub/src/risk/risk-model.js'
import { bilingual } from '../../../hub/src/model/messages/index.js'
import { describeAlarmKind } from '../../../hub/src/risk/risk-text.js'
import type { ParkRisk } from '../../../hub/src/model/risk.js'
import { alarm, devices, NOW, offline, ZONE } from './fixtures.js'

function risk(input: { alarms?: ReturnType<typeof alarm>[]; devs?: ReturnType<typeof devices> }): ParkRisk[] {
  return computeRisk({ zone: ZONE, alarms: input.alarms ?? [], devices: input.devs ?? devices(), now: NOW })
}

function park(list: ParkRisk[], id: string): ParkRisk {
  const p = list.find((x) => x.park === id)
  if (!p) throw new Error(`no park ${id}`)
  return p
}

function enterpriseLevel(p: ParkRisk, id: string) {
  return p.enterprises.find((e) => e.enterprise === id)?.level
}

describe('computeRisk: four-colour level', () => {
  it('is null (normal) with no alarms and every device online, with counts and the static grade', () => {
    const [vtc, glp] = risk({})
    expect(vtc).toMatchObject({
      park: 'vtc', level: null, grade: 'C', reasons: [],
      activeAlarms: { 1: 0, 2: 0, 3: 0, 4: 0 }, devicesOnline: 16, devicesTotal: 16, updatedAt: NOW,
    })
    expect(vtc!.enterprises.map((e) => [e.enterprise, e.level])).toEqual([['vt-chem', null], ['ti-white', null]])
    expect(glp).toMatchObject({ park: 'glp', level: null, devicesTotal: 2 })
  })

  it('turns the park red for a red gas alarm, with the reason in zh and en', () => {
    const list = risk({ alarms: [alarm()] })
    const vtc = park(list, 'vtc')
    expect(vtc.level).toBe(1)
    expect(vtc.activeAlarms).toEqual({ 1: 1, 2: 0, 3: 0, 4: 0 })
    expect(vtc.reasons).toEqual([{
      level: 1, code: 'alarm',
      text: '可燃气体达到二级报警值 · 氯化车间', textEn: 'Combustible gas at the second alarm set point · chlorination unit',
      // The reason as a code and parameters (model/messages), from which text and textEn are rendered.
      message: {
        code: 'risk.at_place',
        params: {
          what: { code: 'risk.gas_second_set_point', params: { substance: { code: 'substance.lel' } } },
          where: { name: '氯化车间', nameEn: 'chlorination unit' },
        },
      },
      alarm: 'al-1', device: 'vc-gas-1',
    }])
    expect(enterpriseLevel(vtc, 'vt-chem')).toBe(1)
    expect(enterpriseLevel(vtc, 'ti-white')).toBeNull()
    expect(park(list, 'glp').level).toBeNull()
  })

  it('is at least yellow for one offline safety device', () => {
    const vtc = park(risk({ devs: offline(devices(), 'tw-gas-3') }), 'vtc')
    expect(vtc.level).toBe(3)
    expect(enterpriseLevel(vtc, 'ti-white')).toBe(3)
    expect(vtc.reasons).toEqual([{
      level: 3, code: 'safety_device_offline',
      text: '安全监测设备离线 · 探测器 tw-gas-3', textEn: 'Safety device offline · Detector tw-gas-3',
      message: { code: 'risk.device_offline', params: { device: { name: '探测器 tw-gas-3', nameEn: 'Detector tw-gas-3' } } },
      alarm: undefined, device: 'tw-gas-3',
    }])
    expect(vtc.devicesOnline).toBe(15)
  })

  it('lists the first offline devices of an enterprise one by one and counts the rest in one reason', () => {
    const ids = Array.from({ length: 7 }, (_, i) => `tw-gas-${i + 1}`)
    const [vtc] = computeRisk({ zone: ZONE, alarms: [], devices: offline(devices(), ...ids), now: NOW }, { offlineListed: 3 })
    const offlineReasons = vtc!.reasons.filter((r) => r.code === 'safety_device_offline')
    expect(offlineReasons.filter((r) => r.device !== undefined).map((r) => r.device)).toEqual(['tw-gas-1', 'tw-gas-2', 'tw-gas-3'])
    const rest = offlineReasons.find((r) => r.device === undefined)!
    expect(rest.level).toBe(3)
    expect(rest.text).toMatch(/^另有 4 台安全监测设备离线 · /)
    expect(rest.textEn).toMatch(/^4 more safety devices offline · /)
    // The level and the blind spot still see all seven.
    expect(vtc!.level).toBe(2)
    expect(vtc!.reasons.find((r) => r.code === 'monitoring_blind_spot')?.textEn).toMatch(/^Monitoring blind spot: 7 of 10 safety devices offline/)
  })

  it('is orange when ≥ 20 % of an enterprise\'s safety devices are offline (blind spot)', () => {
    const vtc = park(risk({ devs: offline(devices(), 'vc-gas-2') }), 'vtc')
    expect(vtc.level).toBe(2)
    expect(enterpriseLevel(vtc, 'vt-chem')).toBe(2)
    expect(vtc.reasons.map((r) => [r.level, r.code])).toEqual([[2, 'monitoring_blind_spot'], [3, 'safety_device_offline']])
    expect(vtc.reasons[0]).toMatchObject({
      text: '监测盲区：1/5 台安全设备离线（20%） · 钒钛新材料示范公司',
      textEn: 'Monitoring blind spot: 1 of 5 safety devices offline (20 %) · VT New Materials Demo Co.',
    })
    // 1 of 10 is below the share: yellow only.
    expect(enterpriseLevel(park(risk({ devs: offline(devices(), 'tw-gas-1') }), 'vtc'), 'ti-white')).toBe(3)
  })

  it('ignores non-safety devices going offline', () => {
    const vtc = park(risk({ devs: offline(devices(), 'vc-meter-1') }), 'vtc')
    expect(vtc.level).toBeNull()
    expect(vtc.devicesOnline).toBe(15)
  })

  it('does not count a shelved, suppressed or out-of-service alarm', () => {
    for (const hidden of [{ shelvedUntil: NOW + 60_000 }, { suppressed: true }, { outOfService: true }]) {
      expect(park(risk({ alarms: [alarm(hidden)] }), 'vtc').level).toBeNull()
    }
    // An expired shelve counts again even before the book's tick.
    expect(park(risk({ alarms: [alarm({ shelvedUntil: NOW })] }), 'vtc').level).toBe(1)
  })

  it('does not count a cleared alarm, even an unacknowledged red one, nor a closed one', () => {
    expect(park(risk({ alarms: [alarm({ condition: 'cleared', ack: 'unacked' })] }), 'vtc').level).toBeNull()
    expect(park(risk({ alarms: [alarm({ condition: 'active', workflow: 'closed' })] }), 'vtc').level).toBeNull()
  })

  it('makes a confirmed fire red whatever its configured level', () => {
    const vtc = park(risk({ alarms: [alarm({ id: 'f1', type: 'fire_confirmed', level: 2, metric: undefined })] }), 'vtc')
    expect(vtc.level).toBe(1)
    expect(vtc.reasons[0]).toMatchObject({ code: 'confirmed_fire', text: '火灾确认 · 氯化车间' })
    expect(vtc.activeAlarms[1]).toBe(1)
  })

  it('is blue for advisories only, and lists reasons most severe first', () => {
    const advisory = alarm({ id: 'e1', type: 'energy_budget', level: 4, metric: 'kwh', area: undefined, device: 'vc-meter-1', enterprise: 'ti-white' })
    expect(park(risk({ alarms: [advisory] }), 'vtc').level).toBe(4)
    const orange = alarm({ id: 'g2', level: 2, device: 'vc-gas-2' })
    const vtc = park(risk({ alarms: [advisory, orange], devs: offline(devices(), 'tw-gas-1') }), 'vtc')
    expect(vtc.level).toBe(2)
    expect(vtc.reasons.map((r) => [r.level, r.code])).toEqual([[2, 'alarm'], [3, 'safety_device_offline'], [4, 'alarm']])
    expect(vtc.reasons[0]!.text).toBe('可燃气体达到一级报警值 · 氯化车间')
    expect(vtc.reasons[2]).toMatchObject({ text: '能耗超预算 · 探测器 vc-meter-1', textEn: 'Energy budget exceeded · Detector vc-meter-1' })
    expect(vtc.enterprises.map((e) => e.level)).toEqual([2, 3])
  })

  it('does not repeat an offline device already reported by a device_offline alarm', () => {
    const a = alarm({ id: 'o1', type: 'device_offline', level: 3, device: 'tw-gas-3', enterprise: 'ti-white', area: undefined, metric: undefined })
    const vtc = park(risk({ alarms: [a], devs: offline(devices(), 'tw-gas-3') }), 'vtc')
    expect(vtc.reasons.map((r) => r.code)).toEqual(['alarm'])
    expect(vtc.reasons[0]!.text).toBe('设备离线 · 探测器 tw-gas-3')
  })
})

describe('reason texts follow the rules\' alarm types', () => {
  it.each([
    [{ type: 'gas_high', metric: 'cl2', level: 2 }, '氯气达到一级报警值', 'Chlorine at the first alarm set point'],
    // One table with the dashboard's alarm types (model/messages): o2_low said as the dashboard says it.
    [{ type: 'o2_low', metric: 'o2', level: 2 }, '缺氧', 'Oxygen deficiency'],
    [{ type: 'temp_high', metric: 'temp', level: 3 }, '温度过高', 'Temperature high'],
    [{ type: 'kw_high', metric: 'kw', level: 4 }, '有功功率过高', 'Active power high'],
    [{ type: 'temp_rate_of_rise', metric: 'temp', level: 2 }, '温度上升速率报警', 'Temperature rate-of-rise alarm'],
    [{ type: 'gas_fire', metric: undefined, level: 1 }, '气体与火灾同时报警', 'Gas and fire together'],
    [{ type: 'something_new', metric: undefined, level: 3 }, 'something_new报警', 'something_new alarm'],
  ] as const)('%o', (what, zh, en) => {
    expect(bilingual(describeAlarmKind(what))).toEqual({ text: zh, textEn: en })
  })
})
