import { describe, expect, it } from 'vitest'
import { brief, device, engineWith, feed, reading, s } from './fixtures.js'

describe('run-time provisioning', () => {
  it('an added device is evaluated and watched by the deadman from the time it is added', () => {
    const engine = engineWith([])
    const d = device('nh3-9', 'gas', ['nh3'], { interval: 10 })
    expect(engine.onReading(reading(d, s(0), { nh3: 50 }), s(0))).toEqual([]) // unknown yet
    expect(engine.addDevice(d, s(100))).toEqual([])
    expect(feed(engine, d, [[101, 40]], 'nh3').map(brief)).toEqual([{ key: 'nh3-9:nh3:high', kind: 'activate', level: 1, threshold: 40, value: 40 }])
    expect(engine.tick(s(130.9)).filter((t) => t.type === 'device_offline')).toEqual([])
    expect(engine.tick(s(131)).map((t) => t.key)).toContain('nh3-9:offline')
  })

  it('removal clears every condition of the device, including offline', () => {
    const d = device('lel-9', 'gas', ['lel'], { interval: 10 })
    const engine = engineWith([d])
    feed(engine, d, [[0, 30]], 'lel')
    engine.tick(s(30))
    const out = engine.removeDevice('lel-9', s(31))
    expect(out.map((t) => [t.key, t.kind, t.level])).toEqual([
      ['lel-9:lel:high', 'clear', 2],
      ['lel-9:offline', 'clear', 3],
    ])
    expect(engine.tick(s(100))).toEqual([])
    expect(engine.snapshot().setpoints).toEqual({})
    expect(engine.snapshot().deadman.seen).toEqual({})
  })

  it('an update in place keeps an active alarm and judges the next reading with the new set points', () => {
    const d = device('h2s-9', 'gas', ['h2s'])
    const engine = engineWith([d])
    feed(engine, d, [[0, 12]], 'h2s')
    expect(engine.addDevice({ ...d, name: 'renamed', setpoints: { h2s: { high: [{ value: 11, level: 2 }, { value: 12, level: 1 }] } } }, s(1))).toEqual([])
    expect(feed(engine, d, [[2, 12]], 'h2s').map(brief)).toEqual([{ key: 'h2s-9:h2s:high', kind: 'activate', level: 1, threshold: 12, value: 12 }])
  })

  it('an update that drops a metric’s set points clears that condition', () => {
    const stack = device('stack-9', 'emission', ['so2'], { setpoints: { so2: { high: [{ value: 100, level: 3 }] } } })
    const engine = engineWith([stack])
    feed(engine, stack, [[0, 150]], 'so2')
    const out = engine.addDevice({ ...stack, setpoints: undefined }, s(1))
    expect(out.map((t) => [t.key, t.kind])).toEqual([['stack-9:so2:high', 'clear']])
  })

  it('a move to another area clears the device’s conditions there', () => {
    const d = device('h2s-9', 'gas', ['h2s'])
    const engine = engineWith([d])
    feed(engine, d, [[0, 12]], 'h2s')
    const out = engine.addDevice({ ...d, area: 'roasting' }, s(1))
    expect(out.map((t) => [t.key, t.kind, t.area])).toEqual([['h2s-9:h2s:high', 'clear', 'chlorination']])
  })
})
