import { describe, expect, it } from 'vitest'
import { compareReasons, computeParkRisk, liveRisk, MORE_REASONS_REASON } from '../../../hub/src/risk/index.js'
import { alarm, devices, NOW, offline, ZONE } from './fixtures.js'

const VTC = ZONE.parks[0]!

/** Every detector of vtc offline (both enterprises blind spots), and alarms of levels 1–3 in both. */
function busyPark() {
  const devs = offline(devices(), ...devices().filter((d) => d.device.park === 'vtc').map((d) => d.device.id))
  const alarms = [
    alarm({ id: 'red', level: 1, enterprise: 'ti-white', area: undefined, device: 'tw-gas-1' }),
    alarm({ id: 'orange', level: 2 }),
    alarm({ id: 'yellow', level: 3, enterprise: 'ti-white', area: undefined, device: 'tw-gas-2' }),
  ]
  return { devs, alarms }
}

describe("a park's reasons listed (parkReasonsListed)", () => {
  it('lists the most severe and counts the rest per level, the level seeing every reason', () => {
    const { devs, alarms } = busyPark()
    const all = computeParkRisk(VTC, alarms, devs, NOW, { parkReasonsListed: Number.POSITIVE_INFINITY })
    const capped = computeParkRisk(VTC, alarms, devs, NOW, { parkReasonsListed: 4 })

    // 3 alarms, 2 blind spots, 15 offline safety devices (vt-chem 5, ti-white 10)
    expect(all.reasons.length).toBeGreaterThan(6)
    expect(capped.level).toBe(1)
    expect(capped.level).toBe(all.level)
    expect(capped.reasons.slice(0, 4)).toEqual(all.reasons.slice(0, 4))
    const more = capped.reasons.slice(4)
    expect(more.every((r) => r.code === MORE_REASONS_REASON && r.alarm === undefined && r.device === undefined)).toBe(true)
    const expected = ([1, 2, 3, 4] as const)
      .map((level) => [level, all.reasons.slice(4).filter((r) => r.level === level).length])
      .filter(([, n]) => n! > 0)
    expect(more.map((r) => [r.level, r.count])).toEqual(expected)
    expect([...capped.reasons].sort(compareReasons)).toEqual(capped.reasons)
    const yellow = more.find((r) => r.level === 3)!
    expect(yellow.text).toBe(`另有 ${yellow.count} 项同级原因`)
    expect(yellow.textEn).toBe(`${yellow.count} more reasons of this level`)
    // Enterprises keep their own reasons whole.
    expect(capped.enterprises).toEqual(all.enterprises)
  })

  it('lists 20 by default and adds nothing when a park has no more', () => {
    const { devs, alarms } = busyPark()
    const risk = computeParkRisk(VTC, alarms, devs, NOW)
    const all = computeParkRisk(VTC, alarms, devs, NOW, { parkReasonsListed: Number.POSITIVE_INFINITY })
    expect(risk.reasons.filter((r) => r.code !== MORE_REASONS_REASON)).toHaveLength(Math.min(20, all.reasons.length))
    const calm = computeParkRisk(VTC, [alarm({ level: 2 })], devices(), NOW)
    expect(calm.reasons.map((r) => r.code)).toEqual(['alarm'])
  })
})

describe('the live view of a park risk (the socket event)', () => {
  it("carries each enterprise's level and most severe reason, saying how many are left out", () => {
    const { devs, alarms } = busyPark()
    const risk = computeParkRisk(VTC, alarms, devs, NOW)
    const live = liveRisk(risk)
    expect(live.level).toBe(risk.level)
    expect(live.reasons).toEqual(risk.reasons)
    expect(live.enterprises.map((e) => [e.enterprise, e.level])).toEqual(risk.enterprises.map((e) => [e.enterprise, e.level]))
    for (const [i, e] of live.enterprises.entries()) {
      const whole = risk.enterprises[i]!
      expect(e.reasons).toEqual(whole.reasons.slice(0, 1))
      expect(e.more ?? 0).toBe(Math.max(0, whole.reasons.length - 1))
    }
    expect(live.enterprises.some((e) => (e.more ?? 0) > 5)).toBe(true)
    expect(liveRisk(risk)).toBe(live)
    expect(risk.enterprises[1]!.more).toBeUndefined()
  })
})
