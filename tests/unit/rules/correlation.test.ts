import { describe, expect, it } from 'vitest'
import type { Transition } from '../../../hub/src/model/alarm.js'
import { device, engineWith, event, feed, reading, s } from './fixtures.js'

const AREA = 'vtchem:chlorination'
const noOffDelay = { h2s: { offDelaySec: 0 }, cl2: { offDelaySec: 0 } }
const corr = (out: Transition[]) => out.filter((t) => t.rule === 'correlation').map((t) => [t.key, t.kind, t.level, t.device])

describe('gas confirmation: two detectors at first level or above within 60 s', () => {
  const a = device('h2s-a', 'gas', ['h2s'], { setpoints: noOffDelay })
  const b = device('cl2-b', 'gas', ['cl2'], { setpoints: noOffDelay })

  it('second detector within 60 s → gas_confirmed, red, on the latest detector', () => {
    const engine = engineWith([a, b])
    expect(corr(feed(engine, a, [[0, 12]], 'h2s'))).toEqual([])
    const out = feed(engine, b, [[30, 1.2]], 'cl2')
    expect(corr(out)).toEqual([[`${AREA}:gas_confirmed`, 'activate', 1, 'cl2-b']])
    expect(out.find((t) => t.rule === 'correlation')?.type).toBe('gas_confirmed')
  })

  it('first detector back to normal 60 s before the second → confirmed; 61 s → not', () => {
    for (const [gap, want] of [[60, 1], [61, 0]] as const) {
      const engine = engineWith([a, b])
      feed(engine, a, [[0, 12], [1, 5]], 'h2s') // at level until t = 1 s
      const out = feed(engine, b, [[1 + gap, 1.2]], 'cl2')
      expect(corr(out).length).toBe(want)
    }
  })

  it('two detectors active at once are confirmed however far apart they came up', () => {
    const engine = engineWith([a, b])
    feed(engine, a, [[0, 12], [100, 12]], 'h2s')
    expect(corr(feed(engine, b, [[200, 1.5]], 'cl2'))).toEqual([[`${AREA}:gas_confirmed`, 'activate', 1, 'cl2-b']])
  })

  it('one detector alone, or two in different areas, never confirms', () => {
    const c = device('cl2-c', 'gas', ['cl2'], { area: 'roasting' })
    const engine = engineWith([a, c])
    const out = [...feed(engine, a, [[0, 12], [1, 25], [2, 12]], 'h2s'), ...feed(engine, c, [[3, 2.5]], 'cl2')]
    expect(corr(out)).toEqual([])
  })

  it('devices without an area never correlate', () => {
    const x = device('h2s-x', 'gas', ['h2s'], { area: undefined })
    const y = device('h2s-y', 'gas', ['h2s'], { area: undefined })
    const engine = engineWith([x, y])
    expect(corr([...feed(engine, x, [[0, 12]], 'h2s'), ...feed(engine, y, [[1, 12]], 'h2s')])).toEqual([])
  })

  it('stands while any gas alarm in the area stands; clears with the last', () => {
    const engine = engineWith([a, b])
    feed(engine, a, [[0, 12]], 'h2s')
    feed(engine, b, [[1, 1.2]], 'cl2')
    expect(corr(feed(engine, a, [[2, 1]], 'h2s'))).toEqual([])
    expect(corr(feed(engine, b, [[3, 0.1]], 'cl2'))).toEqual([[`${AREA}:gas_confirmed`, 'clear', 1, 'cl2-b']])
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
