import { describe, expect, it } from 'vitest'
import { RulesEngine } from '../../../hub/src/rules/engine.js'
import { mergeSetpoints, resolveDevice, SetpointLayerIndex } from '../../../hub/src/rules/setpoint-resolver.js'
import { brief, demoZone, device, engineWith, feed, T0 } from './fixtures.js'

describe('set-point layers: defaults ← zone ← park ← area ← device, per field', () => {
  const layers = {
    zone: { h2s: { high: [{ value: 9, level: 2 }, { value: 18, level: 1 }], offDelaySec: 7 } },
    park: { h2s: { high: [{ value: 8, level: 2 }, { value: 16, level: 1 }] } },
    area: { h2s: { high: [{ value: 6, level: 2 }, { value: 12, level: 1 }], deadband: 1 } },
  }

  it('area beats park beats zone; fields not overridden come from earlier layers', () => {
    const d = device('h2s-1', 'gas', ['h2s'])
    const engine = engineWith([d], undefined, layers)
    const clause = 'GB/T 50493-2019 §5.5.2(3): ≤ 100 % / 200 % OEL (MAC 10 mg/m³, GBZ 2.1-2019)'
    expect(engine.effectiveSetpoints('h2s-1')?.get('h2s')).toEqual({
      metric: 'h2s',
      unit: 'mg/m³',
      high: [
        { value: 6, level: 2, source: { layer: 'area', clause, ceiling: 10 } },
        { value: 12, level: 1, source: { layer: 'area', clause, ceiling: 20 } },
      ],
      low: [],
      deadband: 1, // area
      onDelaySec: 0, // default
      offDelaySec: 7, // zone
      rateOfRisePerMin: undefined,
    })
    expect(feed(engine, d, [[0, 5.9]], 'h2s')).toEqual([])
    expect(feed(engine, d, [[1, 6]], 'h2s').map(brief)).toEqual([{ key: 'h2s-1:h2s:high', kind: 'activate', level: 2, threshold: 6, value: 6 }])
  })

  it('the device beats the area, field by field', () => {
    const d = device('h2s-2', 'gas', ['h2s'], { setpoints: { h2s: { high: [{ value: 15, level: 1, stage: 'second' }] } } })
    const engine = engineWith([d], undefined, layers)
    const sp = engine.effectiveSetpoints('h2s-2')?.get('h2s')
    expect(sp?.high).toEqual([{ value: 15, level: 1, stage: 'second', source: expect.objectContaining({ layer: 'device', ceiling: 10 }) }])
    expect(sp?.deadband).toBe(1)
    expect(sp?.offDelaySec).toBe(7)
    expect(feed(engine, d, [[0, 14.9]], 'h2s')).toEqual([])
    expect(feed(engine, d, [[1, 15]], 'h2s').map(brief)).toEqual([{ key: 'h2s-2:h2s:high', kind: 'activate', level: 1, threshold: 15, value: 15 }])
  })

  it('a device outside the overridden area takes the park layer', () => {
    const d = device('h2s-3', 'gas', ['h2s'], { area: 'roasting' })
    const engine = engineWith([d], undefined, layers)
    expect(engine.effectiveSetpoints('h2s-3')?.get('h2s')?.high.map((x) => x.value)).toEqual([8, 16])
    expect(engine.effectiveSetpoints('h2s-3')?.get('h2s')?.deadband).toBe(0.5) // default 5 % of 10
  })

  it('stages given out of order are sorted mildest first', () => {
    const d = device('nh3-1', 'gas', ['nh3'], { setpoints: { nh3: { high: [{ value: 60, level: 1 }, { value: 30, level: 2 }] } } })
    const engine = engineWith([d])
    expect(engine.effectiveSetpoints('nh3-1')?.get('nh3')?.high.map((x) => x.value)).toEqual([30, 60])
  })

  it('mergeSetpoints replaces a stage list whole and keeps other fields', () => {
    expect(mergeSetpoints({ high: [{ value: 1, level: 2 }], deadband: 0.1 }, undefined, { high: [{ value: 2, level: 1 }] })).toEqual({
      high: [{ value: 2, level: 1 }],
      deadband: 0.1,
    })
  })
})

describe('devices compiled once per kind, metric and layers (device-entry.ts DeviceCompiler)', () => {
  const layers = {
    zone: { h2s: { offDelaySec: 7 } },
    park: { lel: { high: [{ value: 20, level: 2 }, { value: 40, level: 1 }] } },
    area: { h2s: { high: [{ value: 6, level: 2 }, { value: 12, level: 1 }], deadband: 1 } },
  }
  // Alike and not: two areas (one with a layer of its own), kinds sharing metric names, own set points, own ranges, no area.
  const devices = [
    device('h2s-a', 'gas', ['h2s']),
    device('h2s-b', 'gas', ['h2s']),
    device('h2s-roast', 'gas', ['h2s'], { area: 'roasting' }),
    device('h2s-own', 'gas', ['h2s'], { setpoints: { h2s: { high: [{ value: 5, level: 2 }] } } }),
    // A range that cannot reach the OEL: set points from the IDLH instead.
    device('h2s-range', 'gas', ['h2s'], { area: 'roasting', ranges: { h2s: [0, 5] } }),
    device('multi', 'gas', ['lel', 'h2s', 'o2', 'co']),
    device('multi-roast', 'gas', ['lel', 'h2s', 'o2', 'co'], { area: 'roasting' }),
    device('lel-noarea', 'gas', ['lel'], { area: undefined }),
    device('lel-extra', 'gas', ['lel'], { setpoints: { h2s: { high: [{ value: 8, level: 2 }] } } }),
    device('heat', 'fire', ['temp']),
    device('heat-roast', 'fire', ['temp'], { area: 'roasting' }),
    device('stack', 'emission', ['so2'], { setpoints: { so2: { high: [{ value: 100, level: 3 }] } } }),
    device('stack-plain', 'emission', ['so2']),
  ]

  it('every device’s effective set points are what resolving it alone gives', () => {
    const zone = demoZone(layers, devices)
    const engine = new RulesEngine({ zone, now: T0 })
    const index = new SetpointLayerIndex(zone)
    for (const d of devices) {
      expect([...(engine.effectiveSetpoints(d.id) ?? new Map())], d.id).toEqual([...resolveDevice(d, index.layersFor(d))])
    }
    // Not all alike: the area's own layer, the device's own set points and range each tell.
    const high = (id: string) => engine.effectiveSetpoints(id)?.get('h2s')?.high.map((s) => s.value)
    expect([high('h2s-a'), high('h2s-roast'), high('h2s-own'), high('h2s-range')]).toEqual([[6, 12], [10, 20], [5], [21.5, 43]])
  })

  it('new layers (setZone) are resolved anew', () => {
    const engine = new RulesEngine({ zone: demoZone(layers, devices), now: T0 })
    engine.setZone(demoZone({ ...layers, area: { h2s: { high: [{ value: 4, level: 2 }, { value: 8, level: 1 }] } } }, devices), T0)
    expect(engine.effectiveSetpoints('h2s-b')?.get('h2s')?.high.map((s) => s.value)).toEqual([4, 8])
    expect(engine.effectiveSetpoints('h2s-roast')?.get('h2s')?.high.map((s) => s.value)).toEqual([10, 20])
  })
})
