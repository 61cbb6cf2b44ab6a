import { describe, expect, it } from 'vitest'
import { acknowledge, decide, dispatched, finish, nextStep, startEscalation, type Escalation, type EscalationPlan, type EscalationStep } from '../../../hub/src/notify/escalation.js'

const MIN = 60_000
const T0 = Date.parse('2026-12-02T03:00:00+08:00')
const plan: EscalationPlan = {
  tiers: [
    { afterMin: 0, roles: ['duty_officer'], channels: ['vtc-wecom', 'sms'] },
    { afterMin: 5, roles: ['shift_leader'], channels: ['sms', 'voice'] },
    { afterMin: 10, roles: ['safety_manager'], channels: ['voice'] },
    { afterMin: 15, roles: ['zone_duty'], channels: ['zone-feishu'], scope: 'zone' },
  ],
  repeatMin: 5, red: false, needsDispatch: false,
}

/** Runs the fake clock from `from` to `to` in one-second ticks (as the notifier ticks), collecting steps. */
function run(e: Escalation, from: number, to: number): { e: Escalation; steps: EscalationStep[] } {
  const steps: EscalationStep[] = []
  for (let now = from; now <= to; now += 1000) {
    for (let d = decide(e, now); d; d = decide(e, now)) {
      e = d.escalation
      steps.push(d.step)
    }
  }
  return { e, steps }
}

describe('escalation under a fake clock', () => {
  it('goes through the tiers by minutes unacknowledged, reminding between them, then keeps reminding the last tier', () => {
    const { e, steps } = run(startEscalation({ subject: 'alarm', id: 'a1', park: 'vtc', plan, now: T0 }), T0, T0 + 26 * MIN)
    expect(steps.map((s) => [s.kind, s.tier, (s.at - T0) / MIN])).toEqual([
      ['alarm', 0, 0],
      ['escalation', 1, 5],
      ['escalation', 2, 10],
      ['escalation', 3, 15],
      ['repeat', 3, 20],
      ['repeat', 3, 25],
    ])
    expect(steps.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4, 5])
    expect(e.phase).toBe('escalating')
    expect(nextStep(e)).toMatchObject({ tier: 3, at: T0 + 30 * MIN, channels: ['zone-feishu'] })
  })

  it('reminds every repeatMin while the next tier is further away', () => {
    const slow: EscalationPlan = { ...plan, tiers: [plan.tiers[0]!, { ...plan.tiers[1]!, afterMin: 12 }], repeatMin: 5 }
    const { steps } = run(startEscalation({ subject: 'alarm', id: 'a1', park: 'vtc', plan: slow, now: T0 }), T0, T0 + 13 * MIN)
    expect(steps.map((s) => [s.kind, (s.at - T0) / MIN])).toEqual([['alarm', 0], ['repeat', 5], ['repeat', 10], ['escalation', 12]])
  })

  it('an acknowledgement stops it: no step after, and who stopped it through which channel is kept', () => {
    let e = run(startEscalation({ subject: 'alarm', id: 'a1', park: 'vtc', plan, now: T0 }), T0, T0 + 6 * MIN).e
    expect(e.tier).toBe(1)
    e = acknowledge(e, 'wang', 'link', T0 + 7 * MIN)
    expect(e).toMatchObject({ phase: 'stopped', nextAt: undefined, stoppedBy: { by: 'wang', channel: 'link', at: T0 + 7 * MIN } })
    expect(run(e, T0 + 7 * MIN, T0 + 60 * MIN).steps).toEqual([])
    expect(nextStep(e)).toBeNull()
  })

  it('without reminders and past the last tier it is done', () => {
    const once: EscalationPlan = { ...plan, tiers: [plan.tiers[0]!], repeatMin: undefined }
    const { e, steps } = run(startEscalation({ subject: 'alarm', id: 'a1', park: 'vtc', plan: once, now: T0 }), T0, T0 + 30 * MIN)
    expect(steps).toHaveLength(1)
    expect(e.phase).toBe('done')
  })

  it('a red life-safety alarm reminds every 5 min at most even if its policy says less often, and calls phones from its second step', () => {
    const red: EscalationPlan = { ...plan, tiers: [plan.tiers[0]!], repeatMin: 30, red: true }
    const { steps } = run(startEscalation({ subject: 'alarm', id: 'a1', park: 'vtc', plan: red, now: T0 }), T0, T0 + 11 * MIN)
    expect(steps.map((s) => [s.kind, (s.at - T0) / MIN, s.call])).toEqual([['alarm', 0, false], ['repeat', 5, true], ['repeat', 10, true]])
  })

  it('a red incident stops only when acknowledged and someone is dispatched, in either order', () => {
    const red: EscalationPlan = { ...plan, red: true, needsDispatch: true }
    const e0 = run(startEscalation({ subject: 'incident', id: 'i1', park: 'vtc', plan: red, now: T0 }), T0, T0).e
    const acked = acknowledge(e0, 'wang', 'api', T0 + MIN)
    expect(acked.phase).toBe('escalating')
    expect(run(acked, T0 + MIN, T0 + 5 * MIN).steps).toHaveLength(1) // still escalating after the ack
    const both = dispatched(acked, 'sun', T0 + 2 * MIN)
    expect(both).toMatchObject({ phase: 'stopped', stoppedBy: { by: 'sun', channel: 'dispatch' } })
    const first = dispatched(e0, 'sun', T0 + MIN)
    expect(first.phase).toBe('escalating')
    expect(acknowledge(first, 'wang', 'dashboard', T0 + 2 * MIN)).toMatchObject({ phase: 'stopped', stoppedBy: { by: 'wang', channel: 'dashboard' } })
  })

  it('held through quiet hours: nothing until they end, then tier 0 and the tiers counted from there', () => {
    const quietEnd = T0 + 4 * 60 * MIN // 07:00
    let e = startEscalation({ subject: 'alarm', id: 'a1', park: 'vtc', plan, now: T0, quietEnd })
    expect(e.phase).toBe('held')
    expect(nextStep(e)).toMatchObject({ tier: 0, at: quietEnd })
    const { e: after, steps } = run(e, T0, quietEnd + 5 * MIN)
    expect(steps.map((s) => [s.kind, s.tier, (s.at - quietEnd) / MIN])).toEqual([['alarm', 0, 0], ['escalation', 1, 5]])
    e = after
    expect(e.phase).toBe('escalating')
  })

  it('held and acknowledged (or finished) meanwhile: dropped, nothing is sent when the quiet hours end', () => {
    const quietEnd = T0 + 4 * 60 * MIN
    const held = startEscalation({ subject: 'alarm', id: 'a1', park: 'vtc', plan, now: T0, quietEnd })
    expect(run(acknowledge(held, 'li', 'dashboard', T0 + MIN), T0, quietEnd + 20 * MIN).steps).toEqual([])
    expect(run(finish(held), T0, quietEnd + 20 * MIN).steps).toEqual([])
  })

  it('after a restart long past due, the overdue tiers go one step per decision, each once', () => {
    const e = run(startEscalation({ subject: 'alarm', id: 'a1', park: 'vtc', plan, now: T0 }), T0, T0).e
    const later = T0 + 11 * MIN
    const d1 = decide(e, later)!
    const d2 = decide(d1.escalation, later)!
    expect([d1.step.kind, d1.step.tier, d2.step.tier]).toEqual(['escalation', 1, 2])
    expect(decide(d2.escalation, later)).toBeUndefined()
    // The same saved state decides the same step (same sequence number): written again, not decided twice.
    expect(decide(e, later)!.step).toEqual(d1.step)
  })
})
