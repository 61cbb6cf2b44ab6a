import { Value } from 'typebox/value'
import { describe, expect, it } from 'vitest'
import type { Alarm, AlarmLevel } from '../../../hub/src/model/alarm.js'
import { HAZARDS, ResponsePlan } from '../../../hub/src/model/response-plan.js'
import { Zone } from '../../../hub/src/model/zone.js'
import { DEFAULT_PLANS } from '../../../hub/src/response/default-plans.js'
import { combineHazards, hazardOfAlarm } from '../../../hub/src/response/hazard.js'
import { checkPlans, resolvePlans, selectPlan } from '../../../hub/src/response/plans.js'
import { gasCatalogue } from '../../../hub/src/catalogue/gas-catalogue.js'
import { alarm, DEVICES, harness, ZONE } from './fixtures.js'

const LEVELS: AlarmLevel[] = [1, 2, 3, 4]

describe('default plans', () => {
  it('are valid plans, in Chinese and English, and pass as the zone file\'s responsePlans', () => {
    expect(checkPlans(DEFAULT_PLANS)).toHaveLength(DEFAULT_PLANS.length)
    for (const p of DEFAULT_PLANS) {
      expect(Value.Check(ResponsePlan, p)).toBe(true)
      expect(p.name).toMatch(/[\u4e00-\u9fff]/)
      for (const s of p.steps) expect(s.text).toMatch(/[\u4e00-\u9fff]/)
    }
    expect(Value.Check(Zone, { ...ZONE, responsePlans: DEFAULT_PLANS })).toBe(true)
    expect(Value.Check(Zone, { ...ZONE, responsePlans: [{ id: 'x' }] })).toBe(false)
  })

  it('cover every hazard at every level', () => {
    for (const h of HAZARDS) for (const l of LEVELS) expect(selectPlan(DEFAULT_PLANS, h, l), `${h} ${l}`).toBeDefined()
  })

  it.each([
    ['gas', 1, 'gas-leak'], ['gas', 2, 'gas-leak-early'], ['toxic', 1, 'toxic-release'], ['toxic', 3, 'toxic-release-early'],
    ['fire', 1, 'fire'], ['fire', 2, 'fire-verify'], ['gas_fire', 2, 'gas-fire'], ['emission', 3, 'emission-exceedance'], ['other', 1, 'general'],
  ] as const)('%s at level %i → %s', (hazard, level, id) => {
    expect(selectPlan(DEFAULT_PLANS, hazard, level)!.id).toBe(id)
  })
})

describe('plan choice', () => {
  const own: ResponsePlan = {
    id: 'ti01-hydrogen', name: '氢气泄漏专项处置方案', nameEn: 'Hydrogen leak plan', hazard: 'gas', minLevel: 2,
    steps: [{ id: 'h2-confirm', text: '确认氢气泄漏', textEn: 'Confirm the hydrogen leak', role: 'safety' }],
    commands: [{ actuator: 'siren', command: 'sound_siren', scope: 'park' }],
  }

  it("tries the zone's plans before the defaults, keeping the defaults for other hazards", () => {
    const plans = resolvePlans({ responsePlans: [own] })
    expect(selectPlan(plans, 'gas', 1)!.id).toBe('ti01-hydrogen')
    expect(selectPlan(plans, 'gas', 3)!.id).toBe('gas-leak-early')
    expect(selectPlan(plans, 'fire', 1)!.id).toBe('fire')
    expect(resolvePlans({})).toEqual([...DEFAULT_PLANS])
  })

  it("follows a zone plan: its steps, its park-wide siren (auto by default)", () => {
    const { manager, port } = harness({ zone: { ...ZONE, responsePlans: [own] } })
    const inc = manager.onAlarm(alarm('a-1'))!
    expect(inc.plan).toBe('ti01-hydrogen')
    expect(inc.steps.map((s) => s.id)).toEqual(['h2-confirm'])
    expect(port.sent.map((s) => s.device)).toEqual(['chl-panel', 'h2-panel'])
  })

  it('refuses a plan whose command drives the wrong actuator, or with a step id twice', () => {
    expect(() => checkPlans([{ ...own, commands: [{ actuator: 'valve', command: 'sound_siren', scope: 'area' }] }])).toThrow(/drives a siren/)
    expect(() => checkPlans([{ ...own, steps: [own.steps[0]!, own.steps[0]!] }])).toThrow(/used twice/)
    expect(() => checkPlans([{ ...own, minLevel: 0 }])).toThrow(/response plan 0/)
    expect(() => harness({ plans: [{ ...own, hazard: 'flood' as never }] })).toThrow(/response plan 0/)
  })
})

describe('hazard of an alarm', () => {
  const dev = (id: string) => DEVICES.find((d) => d.id === id)
  it.each<[Partial<Alarm>, string | undefined, string]>([
    [{ type: 'gas_high', metric: 'lel' }, undefined, 'gas'],
    [{ type: 'gas_high', metric: 'cl2' }, undefined, 'toxic'],
    [{ type: 'gas_high', metric: 'hcl' }, undefined, 'toxic'],
    [{ type: 'lel_rate_of_rise', metric: 'lel' }, undefined, 'gas'],
    [{ type: 'o2_low', metric: 'o2' }, undefined, 'other'],
    [{ type: 'gas_confirmed', metric: undefined }, 'tank-cl2-1', 'toxic'],
    [{ type: 'gas_confirmed', metric: undefined }, 'chl-gas-1', 'gas'],
    [{ type: 'fire', metric: 'temp' }, undefined, 'fire'],
    [{ type: 'fire_confirmed', metric: undefined }, undefined, 'fire'],
    [{ type: 'manual_call_point', metric: undefined }, undefined, 'fire'],
    [{ type: 'smoke_rate_of_rise', metric: 'smoke' }, undefined, 'fire'],
    [{ type: 'gas_fire', metric: undefined }, undefined, 'gas_fire'],
    [{ type: 'emission_exceedance', metric: 'so2' }, undefined, 'emission'],
    [{ type: 'device_offline', metric: undefined }, 'chl-gas-1', 'other'],
    [{ type: 'device_fault', metric: undefined }, undefined, 'other'],
  ])('%o on %s → %s', (over, device, hazard) => {
    expect(hazardOfAlarm(alarm('a', over), device === undefined ? undefined : dev(device))).toBe(hazard)
  })

  // At equal level toxic takes priority over combustible (GB/T 50493 §3.0.2); a more severe level names the incident.
  it.each([
    ['gas', 1, 'fire', 1, 'gas_fire'], ['fire', 1, 'gas', 2, 'gas_fire'], ['gas', 1, 'gas_fire', 2, 'gas_fire'], ['toxic', 1, 'fire', 1, 'fire'],
    ['gas', 1, 'toxic', 1, 'toxic'], ['toxic', 1, 'gas', 1, 'toxic'], ['gas', 2, 'toxic', 2, 'toxic'], ['gas', 4, 'toxic', 4, 'toxic'],
    ['gas', 1, 'toxic', 2, 'gas'], ['toxic', 2, 'gas', 1, 'gas'], ['gas', 2, 'toxic', 1, 'toxic'], ['toxic', 1, 'gas', 2, 'toxic'],
    ['emission', 1, 'toxic', 2, 'toxic'], ['fire', 1, 'other', 1, 'fire'],
  ] as const)('%s L%i + %s L%i → %s', (a, la, b, lb, out) => {
    expect(combineHazards({ hazard: a, level: la }, { hazard: b, level: lb })).toBe(out)
  })

  // The gas catalogue's gases: toxic ones (phosgene, HCN, HF, and CO, H2S that also burn) are toxic; hydrogen and methane in %LEL, and open-path LEL·m, are combustible.
  it.each([['cocl2', 'toxic'], ['hcn', 'toxic'], ['hf', 'toxic'], ['co', 'toxic'], ['h2s', 'toxic'], ['h2', 'gas'], ['ch4', 'gas'], ['lel_m', 'gas'], ['o2', 'other']] as const)(
    'the catalogue gas %s → %s',
    (metric, hazard) => {
      gasCatalogue()
      expect(hazardOfAlarm(alarm('a', { type: 'gas_high', metric }))).toBe(hazard)
    },
  )

  it('a gas_confirmed detector measuring a combustible and a toxic gas is toxic (toxic first)', () => {
    expect(hazardOfAlarm(alarm('a', { type: 'gas_confirmed', metric: undefined }), { kind: 'gas', metrics: ['lel', 'h2s'] })).toBe('toxic')
    expect(hazardOfAlarm(alarm('a', { type: 'gas_confirmed', metric: undefined }), { kind: 'gas', metrics: ['lel'] })).toBe('gas')
  })
})
