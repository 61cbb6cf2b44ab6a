/**
 * Linkage is proposed, a person confirms it (GB/T 50493 §3.0.8): proposals, confirmation,
 * dismissal, escalation and expiry at and around their deadlines, automatic warning devices,
 * plant steps automatic only with an approval, and commands to offline devices — under a fake clock.
 */
import { describe, expect, it } from 'vitest'
import type { Incident } from '../../../hub/src/model/incident.js'
import { RESPONSE_TIMING, type ResponsePlan } from '../../../hub/src/model/response-plan.js'
import { DEFAULT_PLANS } from '../../../hub/src/response/default-plans.js'
import { IncidentError } from '../../../hub/src/response/errors.js'
import { checkPlans } from '../../../hub/src/response/plans.js'
import { alarm, harness, MIN, SEC, T0 } from './fixtures.js'

const ESCALATE = RESPONSE_TIMING.escalateAfterSec * SEC
const PROPOSAL = RESPONSE_TIMING.proposalExpirySec * SEC
const ACK = RESPONSE_TIMING.commandExpirySec * SEC

function refusal(fn: () => unknown): { code: string; message: string } | undefined {
  try {
    fn()
  } catch (err) {
    if (err instanceof IncidentError) return { code: err.code, message: err.message }
    throw err
  }
  return undefined
}

/** A red gas alarm in the chlorination unit: two close_valve proposals, i-1.c1 and i-1.c2. */
function proposed(extra: Parameters<typeof harness>[0] = {}): ReturnType<typeof harness> & { inc: Incident } {
  const h = harness(extra)
  const inc = h.manager.onAlarm(alarm('a-1'))!
  return { ...h, inc }
}

describe('a plant-moving plan command is a proposal', () => {
  it('is recorded with its expiry and published to nobody', () => {
    const { inc, port } = proposed()
    expect(inc.commands.map((c) => [c.id, c.state, c.movesPlant, c.automatic, c.expiresAt])).toEqual([
      ['i-1.c1', 'proposed', true, false, T0 + PROPOSAL],
      ['i-1.c2', 'proposed', true, false, T0 + PROPOSAL],
    ])
    expect(port.sent).toEqual([])
  })

  // Confirmation at and around the proposal's expiry: accepted up to the last millisecond before it.
  it.each([
    ['at once', 0, 'confirmed'],
    ['a second before the escalation', ESCALATE - SEC, 'confirmed'],
    ['after the escalation', ESCALATE + SEC, 'confirmed'],
    ['1 ms before the expiry', PROPOSAL - 1, 'confirmed'],
    ['at the expiry', PROPOSAL, 'refused'],
    ['after the expiry', PROPOSAL + MIN, 'refused'],
  ] as const)('confirmed %s (+%i ms): %s', (_what, after, outcome) => {
    const { manager, port, clock } = proposed()
    clock.advance(after)
    if (outcome === 'confirmed') {
      const inc = manager.confirmCommand('i-1', 'i-1.c1', 'li', { note: '现场确认泄漏' })
      const c = inc.commands[0]!
      expect(c).toMatchObject({ state: 'confirmed', confirmedBy: 'li', confirmedAt: T0 + after, sentBy: 'li', sentAt: T0 + after, expiresAt: T0 + after + ACK })
      expect(port.sent).toEqual([{ device: 'chl-gas-1', topic: 'parks/vtc/ti01/chl-gas-1/cmd', payload: { id: 'i-1.c1', command: 'close_valve', params: {}, expiresAt: T0 + after + ACK } }])
      expect(inc.timeline.find((e) => e.action === 'command_confirmed')).toEqual({
        ts: T0 + after, actor: 'li', action: 'command_confirmed', note: 'close_valve → chl-gas-1 (i-1.c1): 现场确认泄漏',
        messages: [{ code: 'incidentNote.commandConfirmedNote', params: { command: 'close_valve', device: 'chl-gas-1', id: 'i-1.c1', note: '现场确认泄漏' } }],
      })
      expect(inc.commands[1]!.state).toBe('proposed') // one click confirms one command
    } else {
      const r = refusal(() => manager.confirmCommand('i-1', 'i-1.c1', 'li'))
      expect(r?.code).toBe('invalid_state')
      expect(r?.message).toMatch(/expired at/)
      expect(port.sent).toEqual([])
      expect(manager.get('i-1')!.commands[0]).toMatchObject({ state: 'expired', result: 'expired: not confirmed in time', confirmedBy: undefined })
    }
  })

  it('is published once only: a second confirmation, a confirmation after dismissal, or of an unknown command is refused', async () => {
    const { manager, port } = proposed()
    manager.confirmCommand('i-1', 'i-1.c1', 'li')
    expect(refusal(() => manager.confirmCommand('i-1', 'i-1.c1', 'wang'))?.code).toBe('invalid_state')
    manager.dismissCommand('i-1', 'i-1.c2', 'wang', { note: '阀门下游有检修作业，不能关' })
    expect(refusal(() => manager.confirmCommand('i-1', 'i-1.c2', 'li'))?.code).toBe('invalid_state')
    expect(refusal(() => manager.confirmCommand('i-1', 'i-1.c9', 'li'))?.code).toBe('not_found')
    expect(refusal(() => manager.confirmCommand('i-1', 'i-1.c1', ''))?.code).toBe('missing_field')
    await manager.idle()
    expect(port.sent.map((s) => s.payload.id)).toEqual(['i-1.c1'])
    expect(manager.get('i-1')!.commands.map((c) => c.state)).toEqual(['sent', 'dismissed'])
  })

  it('is dismissed with a note (required), who and when; nothing is published', () => {
    const { manager, port, clock } = proposed()
    expect(refusal(() => manager.dismissCommand('i-1', 'i-1.c1', 'wang', {}))?.code).toBe('missing_field')
    expect(refusal(() => manager.dismissCommand('i-1', 'i-1.c1', 'wang', { note: '  ' }))?.code).toBe('missing_field')
    clock.advance(30 * SEC)
    const inc = manager.dismissCommand('i-1', 'i-1.c1', 'wang', { note: '误报：探测器受蒸汽干扰' })
    expect(inc.commands[0]).toMatchObject({ state: 'dismissed', dismissedBy: 'wang', dismissedAt: T0 + 30 * SEC, dismissNote: '误报：探测器受蒸汽干扰', expiresAt: undefined })
    expect(inc.timeline.at(-1)).toMatchObject({ actor: 'wang', action: 'command_dismissed' })
    expect(port.sent).toEqual([])
  })

  // Escalation at and around its time; it never publishes anything.
  it.each([
    [ESCALATE - 1, 'normal', undefined],
    [ESCALATE, 'escalated', T0 + ESCALATE],
    [ESCALATE + 10 * SEC, 'escalated', T0 + ESCALATE + 10 * SEC],
  ] as const)('unconfirmed after %i ms: attention %s', (after, attention, escalatedAt) => {
    const { manager, port, clock, changes } = proposed()
    clock.advance(after)
    manager.tick()
    const inc = manager.get('i-1')!
    expect(inc.attention).toBe(attention)
    expect(inc.commands.map((c) => c.escalatedAt)).toEqual([escalatedAt, escalatedAt])
    expect(inc.commands.every((c) => c.state === 'proposed')).toBe(true)
    expect(port.sent).toEqual([])
    const escalations = inc.timeline.filter((e) => e.action === 'proposal_escalated')
    expect(escalations).toHaveLength(escalatedAt === undefined ? 0 : 2)
    if (escalatedAt !== undefined) {
      expect(escalations[0]!.note).toBe('close_valve → chl-gas-1 (i-1.c1) unconfirmed for 2 min: to the people on duty (responder, safety, admin)')
      expect(changes.at(-1)!.incident.attention).toBe('escalated') // the live event carries it
    }
  })

  it('escalates once; the attention falls back when the escalated proposals are decided; expiry never runs it', () => {
    const { manager, port, clock } = proposed()
    clock.advance(ESCALATE)
    manager.tick()
    clock.advance(SEC)
    manager.tick()
    expect(manager.get('i-1')!.timeline.filter((e) => e.action === 'proposal_escalated')).toHaveLength(2)
    manager.dismissCommand('i-1', 'i-1.c1', 'wang', { note: '已由SIS联锁关闭' })
    expect(manager.get('i-1')!.attention).toBe('escalated') // c2 still waits
    clock.advance(PROPOSAL)
    expect(manager.tick().map((i) => i.id)).toEqual(['i-1'])
    const inc = manager.get('i-1')!
    expect(inc.commands.map((c) => c.state)).toEqual(['dismissed', 'expired'])
    expect(inc.attention).toBe('normal')
    expect(inc.timeline.at(-1)).toMatchObject({ action: 'command_expired', actor: 'system' })
    expect(port.sent).toEqual([])
    expect(manager.tick()).toEqual([]) // nothing due any more
  })

  it('closing the incident dismisses its open proposals', () => {
    const { manager } = proposed()
    const inc = manager.close('i-1', 'zhang', '误报，已复位')
    expect(inc.commands.map((c) => [c.state, c.dismissedBy, c.dismissNote])).toEqual([['dismissed', 'zhang', 'incident closed'], ['dismissed', 'zhang', 'incident closed']])
  })
})

describe('a published command must be acknowledged before its expiry', () => {
  it.each([
    ['acknowledged 1 ms before the expiry', ACK - 1, 'acknowledged', 'ok'],
    ['not acknowledged at the expiry', ACK, 'expired', 'expired: no acknowledgement from the device'],
  ] as const)('%s → %s', async (_what, after, state, result) => {
    const { manager, clock } = proposed()
    manager.confirmCommand('i-1', 'i-1.c1', 'li')
    await manager.idle()
    clock.advance(after)
    if (state === 'acknowledged') manager.onCommandAck('chl-gas-1', 'i-1.c1', clock.now())
    manager.tick()
    expect(manager.get('i-1')!.commands[0]).toMatchObject({ state, result })
  })

  it('a late acknowledgement is recorded as late: the device did act', async () => {
    const { manager, clock } = proposed()
    manager.confirmCommand('i-1', 'i-1.c1', 'li')
    await manager.idle()
    clock.advance(ACK + 5 * SEC)
    manager.tick()
    const inc = manager.onCommandAck('chl-gas-1', 'i-1.c1', clock.now())!
    expect(inc.commands[0]!.state).toBe('acknowledged')
    expect(inc.timeline.at(-1)!.note).toBe('close_valve i-1.c1: ok (late: after its expiry)')
  })

  it('a command in flight when the incident closes is still followed: its acknowledgement, or its expiry', async () => {
    const { manager, clock } = proposed()
    manager.confirmCommand('i-1', 'i-1.c1', 'li')
    manager.confirmCommand('i-1', 'i-1.c2', 'li')
    await manager.idle()
    manager.close('i-1', 'zhang', '泄漏已控制')
    clock.advance(10 * SEC)
    expect(manager.onCommandAck('chl-gas-1', 'i-1.c1', clock.now())!.commands[0]!.state).toBe('acknowledged')
    clock.advance(ACK)
    expect(manager.tick().map((i) => i.id)).toEqual(['i-1'])
    expect(manager.get('i-1')!.commands.map((c) => c.state)).toEqual(['acknowledged', 'expired'])
    expect(manager.onCommandAck('chl-gas-1', 'nonsense', clock.now())).toBeUndefined()
  })

  it('an acknowledgement of a proposal never published is ignored', () => {
    const { manager } = proposed()
    expect(manager.onCommandAck('chl-gas-1', 'i-1.c1', T0)).toBeUndefined()
    expect(manager.get('i-1')!.commands[0]!.state).toBe('proposed')
  })
})

describe('a command to an offline device fails visibly and is not published', () => {
  it.each([
    ['a confirmed proposal', (h: ReturnType<typeof proposed>) => h.manager.confirmCommand('i-1', 'i-1.c1', 'li'), 'i-1.c1'],
    ['a command by hand', (h: ReturnType<typeof proposed>) => h.manager.sendCommand('i-1', 'li', { device: 'chl-gas-1', command: 'close_valve' }), 'i-1.c3'],
  ] as const)('%s', (_what, act, id) => {
    const h = proposed({ online: (d) => d !== 'chl-gas-1' })
    const inc = act(h)
    const c = inc.commands.find((x) => x.id === id)!
    expect(c).toMatchObject({ state: 'failed', result: 'failed: device offline', confirmedBy: 'li', sentAt: undefined })
    expect(inc.timeline.at(-1)).toMatchObject({ action: 'command_failed', note: `close_valve → chl-gas-1 (${id}): device offline` })
    expect(h.port.sent).toEqual([])
  })

  it('an automatic siren to an offline panel fails the same way', () => {
    const h = harness({ online: (d) => d !== 'chl-panel' })
    const inc = h.manager.onAlarm(alarm('a-9', { rule: 'correlation', type: 'gas_fire', device: 'chl-smoke-1', metric: undefined }))!
    expect(inc.commands.find((c) => c.command === 'sound_siren')).toMatchObject({ state: 'failed', automatic: true, result: 'failed: device offline' })
    expect(h.port.sent).toEqual([])
  })
})

/** The default gas-fire plan with the valve step made automatic the given way (a zone's plan). */
function zonePlan(valve: Record<string, unknown>): ResponsePlan {
  const base = DEFAULT_PLANS.find((p) => p.id === 'gas-fire')!
  return { ...structuredClone(base), id: 'blr-gas-fire', commands: [{ actuator: 'siren', command: 'sound_siren', scope: 'enterprise' }, { actuator: 'valve', command: 'close_valve', scope: 'area', ...valve } as ResponsePlan['commands'][number]] }
}

describe('automatic commands', () => {
  it('a warning device sounds by itself where the plan says so (default mode for a siren)', () => {
    const { manager, port } = harness({ plans: [zonePlan({})] })
    const inc = manager.onAlarm(alarm('a-9', { rule: 'correlation', type: 'gas_fire', device: 'chl-smoke-1', metric: undefined }))!
    expect(inc.commands.map((c) => `${c.command}:${c.state}:${c.automatic}`)).toEqual(['sound_siren:confirmed:true', 'close_valve:proposed:false', 'close_valve:proposed:false'])
    expect(port.sent.map((s) => s.payload.command)).toEqual(['sound_siren'])
    expect(inc.timeline.find((e) => e.action === 'command')!.note).toBe('sound_siren → chl-panel (i-1.c1; automatic: a warning device)')
  })

  it.each([
    ['mode: auto without an approval', { mode: 'auto' }, /moves plant and is marked automatic without an approval.*approval: \{ by: <name>, date: <YYYY-MM-DD> \}/],
    ['auto: true without an approval', { auto: true }, /moves plant and is marked automatic without an approval/],
    ['an approval on a proposal', { mode: 'propose', approval: { by: '王工', date: '2025-03-01' } }, /an approval applies only to an automatic command that moves plant/],
    ['an approval dated 2025-02-30', { mode: 'auto', approval: { by: '王工', date: '2025-02-30' } }, /not a calendar date/],
    ['auto and mode at odds', { mode: 'propose', auto: true }, /contradicts mode/],
  ] as const)('a plant step is refused at load: %s', (_what, valve, message) => {
    expect(() => checkPlans([zonePlan(valve)])).toThrow(message)
    expect(() => harness({ plans: [zonePlan(valve)] })).toThrow(/plan blr-gas-fire: command close_valve/)
  })

  it('a plant step approved in the zone file runs by itself, and the incident shows the approval', () => {
    const approval = { by: '安全总监 王工', date: '2025-03-01', reference: 'HAZOP-2025-007' }
    const { manager, port } = harness({ plans: [zonePlan({ mode: 'auto', approval })] })
    const inc = manager.onAlarm(alarm('a-9', { rule: 'correlation', type: 'gas_fire', device: 'chl-smoke-1', metric: undefined }))!
    const valves = inc.commands.filter((c) => c.command === 'close_valve')
    expect(valves.map((c) => [c.state, c.automatic, c.approval, c.confirmedBy])).toEqual([
      ['confirmed', true, approval, undefined], ['confirmed', true, approval, undefined],
    ])
    expect(port.sent.map((s) => `${s.payload.command}:${s.device}`)).toEqual(['sound_siren:chl-panel', 'close_valve:chl-gas-1', 'close_valve:chl-gas-2'])
    expect(inc.timeline.filter((e) => e.action === 'command').map((e) => e.note)).toContain('close_valve → chl-gas-1 (i-1.c2; automatic, approved by 安全总监 王工 on 2025-03-01)')
  })

  it('a plan whose escalation would come after the proposal expired is refused', () => {
    expect(() => checkPlans([{ ...zonePlan({}), timing: { escalateAfterSec: 600, proposalExpirySec: 300 } }])).toThrow(/escalateAfterSec \(600\) must be less than timing.proposalExpirySec \(300\)/)
  })

  it("a plan's own timing sets the deadlines of its proposals", () => {
    const { manager, clock } = harness({ plans: [{ ...zonePlan({}), timing: { escalateAfterSec: 30, proposalExpirySec: 120, commandExpirySec: 20 } }] })
    const inc = manager.onAlarm(alarm('a-9', { rule: 'correlation', type: 'gas_fire', device: 'chl-smoke-1', metric: undefined }))!
    expect(inc.commands.map((c) => c.expiresAt)).toEqual([T0 + 20 * SEC, T0 + 120 * SEC, T0 + 120 * SEC])
    clock.advance(30 * SEC)
    manager.tick()
    expect(manager.get('i-1')!.attention).toBe('escalated')
  })
})
