import { describe, expect, it } from 'vitest'
import type { Alarm } from '../../../hub/src/model/alarm.js'
import { compareReasons, computeParkRisk, MORE_ALARMS_REASON } from '../../../hub/src/risk/index.js'
import { selectTop } from '../../../hub/src/risk/select-top.js'
import { alarm, devices, NOW, ZONE } from './fixtures.js'

const VTC = ZONE.parks[0]!

/** 5,000 alarms of ti-white: levels 2–4 by turn, one red among them near the end, some latched. */
function manyAlarms(): Alarm[] {
  return Array.from({ length: 5_000 }, (_, i) => {
    const level = (i === 4_321 ? 1 : 2 + (i % 3)) as Alarm['level']
    const latched = i % 11 === 0
    return alarm({
      id: `al-${String(i).padStart(5, '0')}`, level, enterprise: 'ti-white', area: undefined, device: `tw-gas-${(i % 10) + 1}`,
      ...(latched ? { condition: 'cleared' as const, latched: true, latching: true } : {}),
    })
  })
}

describe('alarm reasons listed per enterprise (alarmsListed)', () => {
  it('keeps the level of 5,000 alarms and lists the ten most severe, counting the rest per level', () => {
    const alarms = manyAlarms()
    const all = computeParkRisk(VTC, alarms, devices(), NOW, { alarmsListed: Number.POSITIVE_INFINITY, parkReasonsListed: Number.POSITIVE_INFINITY })
    const capped = computeParkRisk(VTC, alarms, devices(), NOW)

    expect(all.reasons).toHaveLength(5_000)
    expect(capped.level).toBe(all.level)
    expect(capped.level).toBe(1)
    expect(capped.enterprises.map((e) => e.level)).toEqual(all.enterprises.map((e) => e.level))
    expect(capped.activeAlarms).toEqual(all.activeAlarms)

    const listed = capped.reasons.filter((r) => r.alarm !== undefined)
    expect(listed).toEqual(all.reasons.slice(0, 10))
    expect(capped.reasons[0]!.alarm).toBe('al-04321')

    const more = capped.reasons.filter((r) => r.code === MORE_ALARMS_REASON)
    const expected = ([1, 2, 3, 4] as const)
      .map((level) => [level, all.reasons.filter((r) => r.level === level).length - listed.filter((r) => r.level === level).length])
      .filter(([, n]) => n! > 0)
    expect(more.map((r) => [r.level, r.count])).toEqual(expected)
    expect(more.reduce((n, r) => n + r.count!, 0) + listed.length).toBe(5_000)
    expect(more[0]!.textEn).toBe(`${more[0]!.count} more alarms · Titanium White Demo Chemicals`)
    expect(more[0]!.text).toBe(`另有 ${more[0]!.count} 条报警 · 钛白示范化工公司`)
    expect([...capped.reasons].sort(compareReasons)).toEqual(capped.reasons)
    expect(capped.enterprises[1]!.reasons).toEqual(capped.reasons)
  })

  it('lists every alarm when an enterprise has no more than alarmsListed', () => {
    const alarms = manyAlarms().slice(0, 4)
    const risk = computeParkRisk(VTC, alarms, devices(), NOW, { alarmsListed: 4 })
    expect(risk.reasons.map((r) => r.alarm)).toHaveLength(4)
    expect(risk.reasons.some((r) => r.code === MORE_ALARMS_REASON)).toBe(false)
  })

  it('says an alarm changed in place afresh (its reason is made once while it stays the same)', () => {
    const a = alarm({ level: 2 })
    const devs = devices()
    const first = computeParkRisk(VTC, [a], devs, NOW).reasons[0]!
    expect(computeParkRisk(VTC, [a], devs, NOW).reasons[0]).toBe(first)
    a.level = 1
    const second = computeParkRisk(VTC, [a], devs, NOW).reasons[0]!
    expect(second.level).toBe(1)
    expect(second.textEn).toMatch(/second alarm set point/)
    expect(first.textEn).toMatch(/first alarm set point/)
    a.condition = 'cleared'
    a.latched = true
    expect(computeParkRisk(VTC, [a], devs, NOW).reasons[0]!.code).toBe('latched_alarm')
  })
})

describe('selectTop', () => {
  it('gives the first k of the order, like a sort', () => {
    let seed = 7
    const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31)
    const items = Array.from({ length: 2_000 }, () => next() % 500)
    const byValue = (a: number, b: number): number => a - b
    for (const k of [0, 1, 10, 1_999, 2_000, 3_000]) expect(selectTop(items, k, byValue)).toEqual([...items].sort(byValue).slice(0, k))
  })
})
