import { describe, expect, it } from 'vitest'
import { DEFAULT_PLANS } from '../../../hub/src/response/default-plans.js'
import { IncidentError } from '../../../hub/src/response/errors.js'
import { alarm, harness, MIN, SEC, T0 } from './fixtures.js'

const plan = (id: string) => DEFAULT_PLANS.find((p) => p.id === id)!

function code(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    if (err instanceof IncidentError) return err.code
    throw err
  }
  return undefined
}

describe('IncidentManager: incidents from alarms', () => {
  it('a red combustible gas alarm opens an incident with the gas plan and proposes closing the valves of its area (nothing published)', () => {
    const { manager, port, changes } = harness()
    const inc = manager.onAlarm(alarm('a-1'))!
    expect(inc).toMatchObject({
      id: 'i-1', hazard: 'gas', level: 1, park: 'vtc', enterprise: 'ti01', area: 'chl', state: 'open',
      openedAt: T0, openedBy: 'system', plan: 'gas-leak', alarms: ['a-1'], devices: ['chl-gas-3'],
      title: '可燃气体泄漏 · 氯化车间', titleEn: 'Combustible gas leak · Chlorination unit',
    })
    expect(inc.steps.map((s) => s.id)).toEqual(plan('gas-leak').steps.map((s) => s.id))
    expect(inc.steps.every((s) => !s.done && s.doneAt === undefined)).toBe(true)
    expect(inc.steps[0]!.text).toMatch(/便携式可燃气体检测仪/)

    // Proposed to exactly the valve devices of the area (not the detector without a valve, not
    // the tank farm's), and published to none: a person confirms plant moves (GB/T 50493 §3.0.8).
    expect(port.sent).toEqual([])
    const proposal = (n: number, device: string) => ({
      id: `i-1.c${n}`, device, command: 'close_valve', params: {}, topic: `parks/vtc/ti01/${device}/cmd`, state: 'proposed', movesPlant: true,
      automatic: false, approval: undefined, plan: 'gas-leak', proposedAt: T0, proposedBy: 'system', confirmedAt: undefined, confirmedBy: undefined,
      dismissedAt: undefined, dismissedBy: undefined, dismissNote: undefined, escalatedAt: undefined, expiresAt: T0 + 15 * MIN,
      sentAt: undefined, sentBy: undefined, ackedAt: undefined, result: undefined,
    })
    expect(inc.commands).toEqual([proposal(1, 'chl-gas-1'), proposal(2, 'chl-gas-2')])
    expect(inc.attention).toBe('normal')
    expect(inc.timeline.map((e) => e.action)).toEqual(['open', 'plan', 'command_proposed', 'command_proposed'])
    expect(inc.timeline.every((e) => e.ts === T0 && e.actor === 'system')).toBe(true)
    expect(changes.map((c) => c.entry.action)).toEqual(['open', 'plan', 'command_proposed', 'command_proposed'])
    expect(changes.at(-1)!.incident).toEqual(inc)
  })

  it('groups a second red alarm of the same area into the same incident', () => {
    const { manager, port, clock } = harness()
    manager.onAlarm(alarm('a-1'))
    clock.advance(30 * SEC)
    const inc = manager.onAlarm(alarm('a-2', { device: 'chl-gas-1', raisedAt: T0 + 30 * SEC }))!
    expect(inc.id).toBe('i-1')
    expect(inc.alarms).toEqual(['a-1', 'a-2'])
    expect(inc.devices).toEqual(['chl-gas-3', 'chl-gas-1'])
    expect(inc.timeline.at(-1)).toEqual({
      ts: T0 + 30 * SEC, actor: 'system', action: 'add_alarm', note: 'alarm a-2 (gas_high, level 1)',
      messages: [{ code: 'incidentNote.alarmAtLevel', params: { alarm: 'a-2', type: 'gas_high', level: 1 } }],
    })
    expect(inc.commands).toHaveLength(2) // same plan: nothing proposed twice
    expect(port.sent).toEqual([])
    expect(manager.openIncidents()).toHaveLength(1)
  })

  it('a gas_fire alarm raises the incident to gas_fire, adds the fire steps and sounds the sirens by themselves', () => {
    const { manager, port, clock } = harness()
    manager.onAlarm(alarm('a-1'))
    clock.advance(MIN)
    const inc = manager.onAlarm(alarm('a-9', { rule: 'correlation', type: 'gas_fire', device: 'chl-smoke-1', metric: undefined, value: undefined, threshold: undefined }))!
    expect(inc).toMatchObject({ id: 'i-1', hazard: 'gas_fire', level: 1, plan: 'gas-fire', title: '可燃气体泄漏并发火灾 · 氯化车间' })
    const ids = inc.steps.map((s) => s.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.slice(0, plan('gas-leak').steps.length)).toEqual(plan('gas-leak').steps.map((s) => s.id))
    expect(ids).toEqual(expect.arrayContaining(['alarm_119', 'sirens', 'no_extinguish', 'cool_adjacent']))
    // The enterprise's siren (not the hydrogen plant's), automatic: a warning device moves nothing.
    // The valves are not proposed twice.
    expect(port.sent).toEqual([
      { device: 'chl-panel', topic: 'parks/vtc/ti01/chl-panel/cmd', payload: { id: 'i-1.c3', command: 'sound_siren', params: {}, expiresAt: T0 + MIN + MIN } },
    ])
    expect(inc.commands.map((c) => `${c.command}:${c.state}:${c.automatic}`)).toEqual(['close_valve:proposed:false', 'close_valve:proposed:false', 'sound_siren:confirmed:true'])
    expect(inc.timeline.slice(-4).map((e) => e.action)).toEqual(['add_alarm', 'escalate', 'plan', 'command'])
    expect(inc.timeline.find((e) => e.action === 'escalate')!.note).toBe('hazard gas → gas_fire (alarm a-9)')
  })

  it('a fire alarm turns a gas incident into gas_fire as well', () => {
    const { manager } = harness()
    manager.onAlarm(alarm('a-1'))
    const inc = manager.onAlarm(alarm('a-2', { rule: 'correlation', type: 'fire_confirmed', device: 'chl-smoke-1', metric: undefined }))!
    expect(inc.hazard).toBe('gas_fire')
  })

  it('opens nothing for an orange, cleared, shelved, suppressed or out-of-service alarm', () => {
    const { manager, port } = harness()
    expect(manager.onAlarm(alarm('a-1', { level: 2 }))).toBeUndefined()
    expect(manager.onAlarm(alarm('a-2', { condition: 'cleared' }))).toBeUndefined()
    expect(manager.onAlarm(alarm('a-3', { shelvedUntil: T0 + 10 * MIN }))).toBeUndefined()
    expect(manager.onAlarm(alarm('a-4', { suppressed: true }))).toBeUndefined()
    expect(manager.onAlarm(alarm('a-5', { outOfService: true }))).toBeUndefined()
    expect(manager.onAlarm(alarm('a-6', { workflow: 'closed' }))).toBeUndefined()
    expect(manager.list()).toEqual([])
    expect(port.sent).toEqual([])
  })

  it('a gas_fire alarm opens an incident whatever its level', () => {
    const { manager, port } = harness()
    const inc = manager.onAlarm(alarm('a-1', { type: 'gas_fire', rule: 'correlation', level: 2, metric: undefined }))!
    expect(inc).toMatchObject({ hazard: 'gas_fire', level: 2, plan: 'gas-fire' })
    expect(port.sent.map((s) => `${s.payload.command}:${s.device}`)).toEqual(['sound_siren:chl-panel'])
    expect(inc.commands.filter((c) => c.state === 'proposed').map((c) => `${c.command}:${c.device}`)).toEqual(['close_valve:chl-gas-1', 'close_valve:chl-gas-2'])
  })

  it('keeps areas apart: a red chlorine alarm in the tank farm opens its own toxic incident', () => {
    const { manager, port } = harness()
    manager.onAlarm(alarm('a-1'))
    const inc = manager.onAlarm(alarm('a-2', { area: 'tank', device: 'tank-cl2-1', metric: 'cl2', value: 2.4, threshold: 2 }))!
    expect(inc).toMatchObject({ id: 'i-2', hazard: 'toxic', plan: 'toxic-release', title: '有毒气体泄漏 · 液氯罐区' })
    expect(inc.steps.map((s) => s.id)).toContain('water_curtain')
    expect(port.sent).toEqual([])
    expect(inc.commands.map((c) => `${c.topic}:${c.state}`)).toEqual(['parks/vtc/ti01/tank-cl2-1/cmd:proposed', 'parks/vtc/ti01/tank-gas-1/cmd:proposed'])
    expect(manager.openIncidents().map((i) => i.id).sort()).toEqual(['i-1', 'i-2'])
  })

  it('groups alarms without an area by enterprise, and sends area-scoped commands nowhere', () => {
    const { manager, port } = harness()
    const first = manager.onAlarm(alarm('a-1', { enterprise: 'h2', area: undefined, device: 'h2-gas-1' }))!
    expect(first).toMatchObject({ area: undefined, enterprise: 'h2', title: '可燃气体泄漏 · 钒氢能源有限公司' })
    expect(port.sent).toEqual([])
    expect(first.timeline.at(-1)).toMatchObject({ action: 'command_skipped', note: "close_valve: no valve device in the incident's area" })
    const second = manager.onAlarm(alarm('a-2', { enterprise: 'h2', area: undefined, device: 'h2-gas-1', metric: 'lel' }))!
    expect(second.id).toBe(first.id)
  })

  it('an alarm of a closed incident opens a new one only after a new activation', () => {
    const { manager, clock } = harness()
    const a = alarm('a-1')
    manager.onAlarm(a)
    clock.advance(10 * MIN)
    manager.close('i-1', 'zhang', '泄漏点已堵，浓度回落')
    expect(manager.onAlarm({ ...a, ack: 'acked' })).toBeUndefined()
    clock.advance(MIN)
    const again = { ...a, history: [...a.history, { ts: clock.now(), actor: 'system', action: 'reactivate' as const, note: undefined, level: 1 as const, value: 60 }] }
    expect(manager.onAlarm(again)?.id).toBe('i-2')
  })
})

describe('IncidentManager: opening by hand', () => {
  it('rejects an unknown park, area or enterprise with not_found', () => {
    const { manager } = harness()
    expect(code(() => manager.open('zhang', { park: 'nowhere', hazard: 'gas', level: 1 }))).toBe('not_found')
    expect(code(() => manager.open('zhang', { park: 'vtc', area: 'nowhere', hazard: 'gas', level: 1 }))).toBe('not_found')
    expect(code(() => manager.open('zhang', { park: 'vtc', enterprise: 'nobody', hazard: 'gas', level: 1 }))).toBe('not_found')
    try {
      manager.open('zhang', { park: 'nowhere', hazard: 'gas', level: 1 })
    } catch (err) {
      expect(err).toMatchObject({ code: 'not_found', field: 'park', statusCode: 404 })
    }
  })

  it('rejects missing and invalid fields', () => {
    const { manager } = harness()
    expect(code(() => manager.open('', { park: 'vtc', hazard: 'gas', level: 1 }))).toBe('missing_field')
    expect(code(() => manager.open('zhang', { hazard: 'gas', level: 1 }))).toBe('missing_field')
    expect(code(() => manager.open('zhang', { park: 'vtc', level: 1 }))).toBe('missing_field')
    expect(code(() => manager.open('zhang', { park: 'vtc', hazard: 'flood', level: 1 }))).toBe('invalid_field')
    expect(code(() => manager.open('zhang', { park: 'vtc', hazard: 'gas' }))).toBe('missing_field')
    expect(code(() => manager.open('zhang', { park: 'vtc', hazard: 'gas', level: 5 }))).toBe('invalid_field')
    expect(code(() => manager.open('zhang', { park: 'vtc', area: 'chl', enterprise: 'h2', hazard: 'gas', level: 1 }))).toBe('invalid_field')
    expect(manager.size).toBe(0)
  })

  it('opens an orange gas incident on the check plan, offering the valves rather than closing them', () => {
    const { manager, port, clock } = harness()
    clock.advance(MIN)
    const inc = manager.open('zhang', { park: 'vtc', area: 'chl', hazard: 'gas', level: 2, title: '氯化车间巡检发现异味' })
    expect(inc).toMatchObject({
      id: 'i-1', enterprise: 'ti01', level: 2, plan: 'gas-leak-early', openedBy: 'zhang', openedAt: T0 + MIN,
      title: '氯化车间巡检发现异味', titleEn: '氯化车间巡检发现异味',
    })
    expect(port.sent).toEqual([])
    expect(inc.timeline.map((e) => e.action)).toEqual(['open', 'plan'])
    expect(inc.commands).toEqual([]) // offered in the menu, not even proposed
    expect(manager.planOf('i-1')!.commands.some((c) => c.command === 'close_valve' && c.mode === 'offer')).toBe(true)
  })

  it('attaches the alarms named, refusing one already in another open incident', () => {
    const { manager } = harness()
    manager.onAlarm(alarm('a-1'))
    expect(code(() => manager.open('zhang', { park: 'vtc', area: 'tank', hazard: 'toxic', level: 2, alarms: ['a-1'] }))).toBe('invalid_state')
    const inc = manager.open('zhang', { park: 'vtc', area: 'tank', hazard: 'toxic', level: 2, alarms: ['a-7'] })
    expect(inc.alarms).toEqual(['a-7'])
    expect(inc.timeline.map((e) => e.action)).toEqual(['open', 'add_alarm', 'plan'])
  })

  it('weighs alarms it can look up: a red alarm raises a hand-opened incident', () => {
    const red = alarm('a-3', { area: 'tank', device: 'tank-cl2-1', metric: 'cl2' })
    const { manager, port } = harness({ alarms: (id) => (id === 'a-3' ? red : undefined) })
    expect(code(() => manager.open('zhang', { park: 'vtc', hazard: 'toxic', level: 2, alarms: ['a-404'] }))).toBe('not_found')
    expect(code(() => manager.open('zhang', { park: 'grp', hazard: 'toxic', level: 2, alarms: ['a-3'] }))).toBe('invalid_field')
    const inc = manager.open('zhang', { park: 'vtc', area: 'tank', hazard: 'toxic', level: 2, alarms: ['a-3'] })
    expect(inc).toMatchObject({ level: 1, plan: 'toxic-release', devices: ['tank-cl2-1'] })
    expect(port.sent).toEqual([])
    expect(inc.commands.map((c) => `${c.device}:${c.state}`)).toEqual(['tank-cl2-1:proposed', 'tank-gas-1:proposed'])
  })
})
