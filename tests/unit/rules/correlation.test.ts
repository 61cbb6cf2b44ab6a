import { describe, expect, it } from 'vitest'
import type { Transition } from '../../../hub/src/model/alarm.js'
import { device, engineWith, event, feed, reading, s } from './fixtures.js'

const AREA = 'vtchem:chlorination'
const noOffDelay = { hcl: { offDelaySec: 0 }, cl2: { offDelaySec: 0 } }
const corr = (out: Transition[]) => out.filter((t) => t.rule === 'correlation').map((t) => [t.key, t.kind, t.level, t.device])

describe('gas confirmation: two detectors at first level or above within 60 s', () => {
  // Cl2 and HCl are released together at chlorination (the gas catalogue's `releases`).
  const a = device('hcl-a', 'gas', ['hcl'], { setpoints: noOffDelay })
  const b = device('cl2-b', 'gas', ['cl2'], { setpoints: noOffDelay })

  it('second detector within 60 s → gas_confirmed, red, on the latest detector', () => {
    const engine = engineWith([a, b])
    expect(corr(feed(engine, a, [[0, 8]], 'hcl'))).toEqual([])
    const out = feed(engine, b, [[30, 1.2]], 'cl2')
    expect(corr(out)).toEqual([[`${AREA}:gas_confirmed`, 'activate', 1, 'cl2-b']])
    expect(out.find((t) => t.rule === 'correlation')?.type).toBe('gas_confirmed')
  })

  it('first detector back to normal 60 s before the second → confirmed; 61 s → not', () => {
    for (const [gap, want] of [[60, 1], [61, 0]] as const) {
      const engine = engineWith([a, b])
      feed(engine, a, [[0, 8], [1, 3]], 'hcl') // at level until t = 1 s
      const out = feed(engine, b, [[1 + gap, 1.2]], 'cl2')
      expect(corr(out).length).toBe(want)
    }
  })

  it('two detectors active at once are confirmed however far apart they came up', () => {
    const engine = engineWith([a, b])
    feed(engine, a, [[0, 8], [100, 8]], 'hcl')
    expect(corr(feed(engine, b, [[200, 1.5]], 'cl2'))).toEqual([[`${AREA}:gas_confirmed`, 'activate', 1, 'cl2-b']])
  })

  it('one detector alone, or two in different areas, never confirms', () => {
    const c = device('cl2-c', 'gas', ['cl2'], { area: 'roasting' })
    const engine = engineWith([a, c])
    const out = [...feed(engine, a, [[0, 8], [1, 16], [2, 8]], 'hcl'), ...feed(engine, c, [[3, 2.5]], 'cl2')]
    expect(corr(out)).toEqual([])
  })

  it('devices without an area never correlate', () => {
    const x = device('h2s-x', 'gas', ['h2s'], { area: undefined })
    const y = device('h2s-y', 'gas', ['h2s'], { area: undefined })
    const engine = engineWith([x, y])
    expect(corr([...feed(engine, x, [[0, 12]], 'h2s'), ...feed(engine, y, [[1, 12]], 'h2s')])).toEqual([])
  })

  it('stands while any alarm of the confirmed hazard in the area stands; clears with the last', () => {
    const engine = engineWith([a, b])
    feed(engine, a, [[0, 8]], 'hcl')
    feed(engine, b, [[1, 1.2]], 'cl2')
    expect(corr(feed(engine, a, [[2, 1]], 'hcl'))).toEqual([])
    expect(corr(feed(engine, b, [[3, 0.1]], 'cl2'))).toEqual([[`${AREA}:gas_confirmed`, 'clear', 1, 'cl2-b']])
  })
})

describe('gas confirmation pairs: combustible with combustible, toxic with the same or a co-released gas; oxygen never', () => {
  const gas = (id: string, metric: string) => device(id, 'gas', [metric], { setpoints: { [metric]: { offDelaySec: 0 } } })
  // Values at first level or above: %LEL 30, LEL·m 1.5, mg/m³ over each gas's OEL; oxygen 18 %VOL is low.
  const AT_LEVEL: Record<string, number> = { lel: 30, lel_m: 1.5, ch4: 30, h2: 30, h2s: 12, co: 25, cl2: 1.2, hcl: 8, c2h3cl: 12, cocl2: 0.6, nh3: 25, o2: 18 }
  const rows: [first: string, second: string, confirmed: 'toxic' | 'combustible' | null][] = [
    ['o2', 'lel', null], // oxygen deficiency is its own hazard, not a combustible gas
    ['lel', 'o2', null],
    ['o2', 'o2', null],
    ['o2', 'cl2', null],
    ['lel', 'lel', 'combustible'],
    ['lel', 'lel_m', 'combustible'], // point and open-path combustible detectors
    ['ch4', 'lel', 'combustible'], // a combustible gas of the catalogue
    ['h2', 'ch4', 'combustible'],
    ['h2s', 'lel', 'combustible'], // H2S is combustible too: pairs with a combustible detector
    ['co', 'lel', 'combustible'],
    ['h2s', 'h2s', 'toxic'],
    ['cl2', 'hcl', 'toxic'], // chlorination
    ['hcl', 'c2h3cl', 'toxic'], // vinyl chloride cracking
    ['cocl2', 'cl2', 'toxic'], // phosgenation
    ['co', 'h2s', 'toxic'], // coke-oven gas
    ['cl2', 'h2s', null], // no process of the catalogue releases both
    ['cl2', 'lel', null], // chlorine is not combustible
    ['hcl', 'nh3', null],
  ]
  it.each(rows)('%s then %s → %s', (m1, m2, want) => {
    const d1 = gas('d1', m1)
    const d2 = gas('d2', m2)
    const engine = engineWith([d1, d2])
    feed(engine, d1, [[0, AT_LEVEL[m1]!]], m1)
    const out = feed(engine, d2, [[10, AT_LEVEL[m2]!]], m2).filter((t) => t.type === 'gas_confirmed')
    expect(out.length).toBe(want ? 1 : 0)
    if (want === 'toxic') expect(out[0]?.message).toMatch(/\(toxic\)$/)
    if (want === 'combustible') expect(out[0]?.message).not.toMatch(/toxic/)
    if (want) expect(out[0]?.metric).toBe(m2)
  })

  it('toxic takes priority over combustible (GB/T 50493 §3.0.2): CO completing a combustible pair and a toxic pair at once is confirmed as toxic', () => {
    const lel = gas('lel-a', 'lel')
    const cl2 = gas('cl2-b', 'cl2')
    const co = gas('co-c', 'co')
    const engine = engineWith([lel, cl2, co])
    expect(corr([...feed(engine, lel, [[0, 30]], 'lel'), ...feed(engine, cl2, [[1, 1.2]], 'cl2')])).toEqual([]) // no pair: Cl2 is not combustible
    // CO pairs with lel-a (both combustible) and with cl2-b (phosgenation releases both).
    const out = feed(engine, co, [[2, 25]], 'co').filter((t) => t.type === 'gas_confirmed')
    expect(out.map((t) => [t.device, t.metric, t.message?.endsWith('co (toxic)')])).toEqual([['co-c', 'co', true]])
  })

  it('a combustible confirmation clears when the combustible alarms clear, though a toxic one stands', () => {
    const lel1 = gas('lel-a', 'lel')
    const lel2 = gas('lel-b', 'lel')
    const cl2 = gas('cl2-c', 'cl2')
    const engine = engineWith([lel1, lel2, cl2])
    feed(engine, cl2, [[0, 1.2]], 'cl2')
    feed(engine, lel1, [[1, 30]], 'lel')
    expect(corr(feed(engine, lel2, [[2, 30]], 'lel'))).toEqual([[`${AREA}:gas_confirmed`, 'activate', 1, 'lel-b']])
    expect(corr(feed(engine, lel1, [[3, 1]], 'lel'))).toEqual([])
    expect(corr(feed(engine, lel2, [[4, 1]], 'lel'))).toEqual([[`${AREA}:gas_confirmed`, 'clear', 1, 'lel-b']])
  })
})

describe('fire confirmation: two detectors, or a detector and a call point', () => {
  const smoke = device('smoke-1', 'fire', ['smoke'])
  const heat = device('heat-1', 'fire', ['temp'])
  const mcp = device('mcp-1', 'fire', [], { type: 'call_point' })
  const mcp2 = device('mcp-2', 'fire', [], { type: 'call_point' })

  it('smoke on one detector and heat on another → fire_confirmed, red', () => {
    const engine = engineWith([smoke, heat])
    expect(corr(feed(engine, smoke, [[0, 12]], 'smoke'))).toEqual([])
    expect(corr(feed(engine, heat, [[5, 60]], 'temp'))).toEqual([[`${AREA}:fire_confirmed`, 'activate', 1, 'heat-1']])
  })

  it('a detector and a manual call point → confirmed', () => {
    const engine = engineWith([smoke, mcp])
    feed(engine, smoke, [[0, 12]], 'smoke')
    const out = engine.onEvent(event(mcp, s(3), 'manual_call_point', 'on'), s(3))
    expect(corr(out)).toEqual([[`${AREA}:fire_confirmed`, 'activate', 1, 'mcp-1']])
  })

  it('two detector events on one device do not confirm; a second device’s flame does', () => {
    const panel = device('det-7', 'fire', [])
    const flame = device('flame-1', 'fire', [])
    const engine = engineWith([panel, flame])
    expect(corr(engine.onEvent(event(panel, s(0), 'smoke_alarm', 'on'), s(0)))).toEqual([])
    expect(corr(engine.onEvent(event(panel, s(1), 'heat_alarm', 'on'), s(1)))).toEqual([])
    expect(corr(engine.onEvent(event(flame, s(2), 'flame', 'on'), s(2)))).toEqual([[`${AREA}:fire_confirmed`, 'activate', 1, 'flame-1']])
  })

  it('two call points alone do not confirm (DOMAIN.md: detector + call point, or two detectors)', () => {
    const engine = engineWith([mcp, mcp2])
    engine.onEvent(event(mcp, s(0), 'manual_call_point', 'on'), s(0))
    expect(corr(engine.onEvent(event(mcp2, s(1), 'manual_call_point', 'on'), s(1)))).toEqual([])
  })

  it('a rate-of-rise trip counts as a detector; clears when every fire input has cleared', () => {
    const engine = engineWith([smoke, heat, mcp])
    feed(engine, heat, [[0, 20], [15, 22], [30, 24]], 'temp') // 8 °C/min
    expect(corr(engine.onEvent(event(mcp, s(31), 'manual_call_point', 'on'), s(31)))).toEqual([[`${AREA}:fire_confirmed`, 'activate', 1, 'mcp-1']])
    expect(corr(engine.onEvent(event(mcp, s(40), 'manual_call_point', 'off'), s(40)))).toEqual([])
    const removed = engine.removeDevice('heat-1', s(41))
    expect(removed.map((t) => [t.key, t.kind])).toEqual([
      ['heat-1:temp:ror', 'clear'],
      [`${AREA}:fire_confirmed`, 'clear'],
    ])
  })
})

describe('gas and fire in one area', () => {
  it('→ gas_fire, red, with a message that an incident is required; clears when either side clears', () => {
    const gas = device('lel-1', 'gas', ['lel'], { setpoints: { lel: { offDelaySec: 0 } } })
    const smoke = device('smoke-1', 'fire', ['smoke'])
    const engine = engineWith([gas, smoke])
    feed(engine, gas, [[0, 30]], 'lel')
    const out = engine.onEvent(event(smoke, s(10), 'smoke_alarm', 'on'), s(10))
    expect(corr(out)).toEqual([[`${AREA}:gas_fire`, 'activate', 1, 'smoke-1']])
    const gf = out.find((t) => t.type === 'gas_fire')
    expect(gf?.message).toMatch(/incident is required/)
    expect(gf?.rule).toBe('correlation')
    expect(corr(engine.onReading(reading(gas, s(20), { lel: 2 }), s(20)))).toEqual([[`${AREA}:gas_fire`, 'clear', 1, 'smoke-1']])
  })

  it.each([
    ['lel', 30, true],
    ['lel_m', 1.5, true],
    ['h2s', 12, true], // combustible as well as toxic
    ['ch4', 30, true],
    ['cl2', 1.2, false], // a pure toxic gas does not burn
    ['hcl', 8, false],
    ['o2', 18, false], // oxygen deficiency is not combustible gas
    ['o2', 24, false], // nor is enrichment, though it feeds a fire: its own hazard
  ] as const)('%s at %s and smoke → gas_fire %s', (metric, value, want) => {
    const gas = device('g-1', 'gas', [metric])
    const smoke = device('smoke-1', 'fire', ['smoke'])
    const engine = engineWith([gas, smoke])
    feed(engine, gas, [[0, value]], metric)
    const out = engine.onEvent(event(smoke, s(10), 'smoke_alarm', 'on'), s(10)).filter((t) => t.type === 'gas_fire')
    expect(out.map((t) => t.metric)).toEqual(want ? [metric] : [])
  })

  it('gas in one area and fire in another is not gas_fire', () => {
    const gas = device('lel-1', 'gas', ['lel'])
    const smoke = device('smoke-9', 'fire', ['smoke'], { area: 'roasting' })
    const engine = engineWith([gas, smoke])
    feed(engine, gas, [[0, 30]], 'lel')
    expect(corr(engine.onEvent(event(smoke, s(1), 'smoke_alarm', 'on'), s(1)))).toEqual([])
  })

  it('a panel fault is not a fire input', () => {
    const gas = device('lel-1', 'gas', ['lel'])
    const panel = device('panel-1', 'fire', [])
    const engine = engineWith([gas, panel])
    feed(engine, gas, [[0, 30]], 'lel')
    expect(corr(engine.onEvent(event(panel, s(1), 'panel_fault', 'on'), s(1)))).toEqual([])
  })
})

describe('a correlation state saved before per-metric times and hazards restores', () => {
  const a = device('hcl-a', 'gas', ['hcl'], { setpoints: noOffDelay })
  const b = device('cl2-b', 'gas', ['cl2'], { setpoints: noOffDelay })
  /** The state as hubs before the gas catalogue wrote it: gas inputs `{keys, last}`, raised `{device, enterprise}`. */
  function older(engine: ReturnType<typeof engineWith>) {
    const state = engine.snapshot()
    for (const area of Object.values(state.correlation)) {
      for (const g of Object.values(area.gas)) {
        delete g.m
        delete g.e
      }
      for (const r of Object.values(area.raised)) {
        delete r.metric
        delete r.hazard
      }
    }
    return state
  }

  it('an active input of an older state pairs with a new one', () => {
    const before = engineWith([a, b])
    feed(before, a, [[0, 8]], 'hcl')
    const after = engineWith([a, b])
    after.restore(older(before))
    expect(corr(feed(after, b, [[10, 1.2]], 'cl2'))).toEqual([[`${AREA}:gas_confirmed`, 'activate', 1, 'cl2-b']])
  })

  it('an older confirmation clears when its gas alarms have cleared', () => {
    const before = engineWith([a, b])
    feed(before, a, [[0, 8]], 'hcl')
    feed(before, b, [[1, 1.2]], 'cl2')
    const after = engineWith([a, b])
    after.restore(older(before))
    expect(corr(feed(after, a, [[2, 1]], 'hcl'))).toEqual([])
    expect(corr(feed(after, b, [[3, 0.1]], 'cl2'))).toEqual([[`${AREA}:gas_confirmed`, 'clear', 1, 'cl2-b']])
  })
})

describe('an older state with an oxygen input', () => {
  it('drops the o2 key on restore: O2 low then one lel never confirms, and the area empties when the lel clears', () => {
    const o2 = device('o2-1', 'gas', ['o2'], { setpoints: { o2: { offDelaySec: 0 } } })
    const lel = device('lel-1', 'gas', ['lel'], { setpoints: { lel: { offDelaySec: 0 } } })
    const engine = engineWith([o2, lel])
    const state = engine.snapshot()
    // As an older hub saved it: the o2 alarm counted as a gas input.
    state.correlation[AREA] = { gas: { 'o2-1': { keys: ['o2-1:o2:low'], last: s(0) } }, fire: {}, raised: {} }
    engine.restore(state)
    expect(corr(feed(engine, lel, [[1, 30]], 'lel'))).toEqual([])
    feed(engine, lel, [[2, 1]], 'lel')
    expect(engine.snapshot().correlation[AREA]?.gas['o2-1']).toBeUndefined()
  })
})
