/** Plan texts quote the effective set points of the incident's devices, never a copy. */
import { describe, expect, it } from 'vitest'
import { renderPlanText, type SetpointView } from '../../../hub/src/response/plan-text.js'
import { GAS_RECHECK, PREPARE_ISOLATION, TOXIC_MONITOR } from '../../../hub/src/response/plan-steps.js'
import { alarm, harness, SEC } from './fixtures.js'

const high = (metric: string, first: number, second: number): SetpointView => ({
  metric,
  high: [{ value: first, level: 2, stage: 'first' }, { value: second, level: 1, stage: 'second' }],
})
const table: Record<string, SetpointView[]> = {
  'lel-std': [high('lel', 25, 50)],
  'lel-park': [high('lel', 20, 40)],
  cl2: [high('cl2', 1, 2)],
  hcl: [high('hcl', 7.5, 15)],
  smoke: [high('smoke', 10, 20)],
  both: [high('lel', 25, 50), high('h2s', 10, 20)],
}
const lookup = (id: string): ReadonlyMap<string, SetpointView> | undefined => (table[id] ? new Map(table[id].map((v) => [v.metric, v])) : undefined)

describe('set points in plan texts', () => {
  it.each([
    [GAS_RECHECK.text, 'zh', ['lel-std'], '浓度稳定低于一级报警值（25 %LEL）后方可解除警戒'],
    [GAS_RECHECK.textEn, 'en', ['lel-std'], 'below the first-level set point (25 %LEL) (GB/T 50493-2019)'],
    // A park's override is the number read, and the strictest of several devices.
    [GAS_RECHECK.text, 'zh', ['lel-std', 'lel-park'], '一级报警值（20 %LEL）后'],
    [TOXIC_MONITOR.text, 'zh', ['cl2', 'hcl', 'lel-std'], '一级报警值（cl2 1 mg/m³、hcl 7.5 mg/m³）后'],
    [TOXIC_MONITOR.textEn, 'en', ['hcl'], 'first-level set point (hcl 7.5 mg/m³) (GB/T'],
    [PREPARE_ISOLATION.text, 'zh', ['both'], '二级报警值（h2s 20 mg/m³、50 %LEL）时'], // toxic first (GB/T 50493 §3.0.2)
    // No device of the class (a fire detector, an incident opened by hand): the stage in words only.
    [GAS_RECHECK.text, 'zh', ['smoke'], '浓度稳定低于一级报警值后方可解除警戒'],
    [GAS_RECHECK.textEn, 'en', [], 'below the first-level set point (GB/T 50493-2019)'],
  ] as const)('%#: %s', (text, lang, devices, expected) => {
    const out = renderPlanText(text, lang, devices, lookup)
    expect(out).toContain(expected)
    expect(out).not.toContain('{setpoint:')
  })

  it("an incident's checklist reads its devices' set points, and again when another device joins", () => {
    const { manager, clock } = harness({ setpoints: (id) => lookup(id === 'chl-gas-3' ? 'lel-std' : id === 'chl-gas-1' ? 'lel-park' : 'none') })
    const inc = manager.onAlarm(alarm('a-1'))!
    const recheck = () => manager.get(inc.id)!.steps.find((s) => s.id === 'recheck')!
    expect(recheck().text).toContain('一级报警值（25 %LEL）')
    expect(recheck().textEn).toContain('first-level set point (25 %LEL)')
    clock.advance(10 * SEC)
    manager.onAlarm(alarm('a-2', { device: 'chl-gas-1' }))
    expect(recheck().text).toContain('一级报警值（20 %LEL）')
  })
})
