import { describe, expect, it } from 'vitest'
import type { Policy } from '../../../hub/src/model/notify.js'
import { isRedLifeSafety, policyFor, quietApplies, quietUntil } from '../../../hub/src/notify/policy.js'

const TZ = 'Asia/Shanghai'
const at = (local: string): number => Date.parse(`${local}+08:00`)
const tier = { afterMin: 0, roles: ['duty_officer'], channels: ['wecom'] }
const policies: Policy[] = [
  { park: 'glc', classes: ['life-safety'], levels: [1], tiers: [tier] },
  { park: '*', classes: ['life-safety'], levels: [1, 2], tiers: [tier], repeatMin: 5 },
  { park: '*', levels: [3, 4], tiers: [tier], quietHours: { from: '22:00', to: '07:00' } },
  { park: 'vtc', tiers: [tier] },
]

describe('policy: the first that matches decides', () => {
  it.each([
    [{ park: 'glc', class: 'life-safety', level: 1 }, 0],
    [{ park: 'vtc', class: 'life-safety', level: 1 }, 1],
    [{ park: 'glc', class: 'life-safety', level: 2 }, 1],
    [{ park: 'vtc', class: 'environmental', level: 3 }, 2],
    [{ park: 'vtc', class: 'device-health', level: 2 }, 3],
    [{ park: 'glc', class: 'energy', level: 2 }, undefined],
  ] as const)('%o → policy %s', (alarm, index) => {
    expect(policyFor(policies, alarm)?.index).toBe(index)
  })

  it.each([
    // quiet 22:00–07:00, local time   held until
    ['2026-12-01T21:59:00', undefined],
    ['2026-12-01T22:00:00', '2026-12-02T07:00:00'],
    ['2026-12-02T03:17:00', '2026-12-02T07:00:00'],
    ['2026-12-02T06:59:00', '2026-12-02T07:00:00'],
    ['2026-12-02T07:00:00', undefined],
    ['2026-12-02T12:00:00', undefined],
  ])('quiet hours at %s → held until %s', (local, until) => {
    expect(quietUntil({ from: '22:00', to: '07:00' }, at(local), TZ)).toBe(until === undefined ? undefined : at(until))
  })

  it('daytime quiet hours (12:00–13:30) and none when from = to', () => {
    expect(quietUntil({ from: '12:00', to: '13:30' }, at('2026-12-01T12:10:00'), TZ)).toBe(at('2026-12-01T13:30:00'))
    expect(quietUntil({ from: '12:00', to: '13:30' }, at('2026-12-01T13:30:00'), TZ)).toBeUndefined()
    expect(quietUntil({ from: '12:00', to: '12:00' }, at('2026-12-01T12:00:00'), TZ)).toBeUndefined()
  })

  it.each([
    [{ class: 'life-safety', level: 1 }, false, true],
    [{ class: 'life-safety', level: 2 }, false, false],
    [{ class: 'life-safety', level: 3 }, true, false],
    [{ class: 'environmental', level: 4 }, true, false],
    [{ class: 'device-health', level: 1 }, false, false],
  ] as const)('quiet hours hold %o: %s; red life-safety: %s', (a, held, red) => {
    expect(quietApplies({ from: '22:00', to: '07:00' }, a)).toBe(held)
    expect(isRedLifeSafety(a)).toBe(red)
  })
})
