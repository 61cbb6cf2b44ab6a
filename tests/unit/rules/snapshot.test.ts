import { describe, expect, it } from 'vitest'
import type { Transition } from '../../../hub/src/model/alarm.js'
import type { Device } from '../../../hub/src/model/device.js'
import type { RulesEngine } from '../../../hub/src/rules/engine.js'
import { device, engineWith, event, reading, s } from './fixtures.js'

type Step = ['r', Device, number, Record<string, number>] | ['e', Device, number, 'smoke_alarm', 'on' | 'off'] | ['t', number]

function run(engine: RulesEngine, steps: Step[]): Transition[] {
  const out: Transition[] = []
  for (const step of steps) {
    if (step[0] === 'r') out.push(...engine.onReading(reading(step[1], s(step[2]), step[3]), s(step[2])))
    else if (step[0] === 'e') out.push(...engine.onEvent(event(step[1], s(step[2]), step[3], step[4]), s(step[2])))
    else out.push(...engine.tick(s(step[1])))
  }
  return out
}

describe('snapshot / restore', () => {
  const co = device('co-1', 'gas', ['co'], { setpoints: { co: { onDelaySec: 10, offDelaySec: 10 } } })
  const h2s = device('h2s-1', 'gas', ['h2s'])
  const heat = device('heat-1', 'fire', ['temp'], { interval: 15 })
  const smoke = device('smoke-1', 'fire', ['smoke'])
  const all = [co, h2s, heat, smoke]

  it('the state is plain JSON', () => {
    const engine = engineWith(all)
    run(engine, [['r', co, 0, { co: 30 }], ['r', heat, 0, { temp: 20 }], ['r', heat, 15, { temp: 22 }]])
    const snap = engine.snapshot()
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap)
  })

  it('restored mid on-delay, the condition activates exactly when it would have', () => {
    const engine = engineWith(all)
    expect(run(engine, [['r', co, 0, { co: 30 }], ['r', co, 4, { co: 31 }]])).toEqual([])
    const restored = engineWith(all)
    restored.restore(JSON.parse(JSON.stringify(engine.snapshot())))
    expect(restored.tick(s(9.9))).toEqual([])
    const out = restored.tick(s(10))
    expect(out.map((t) => [t.key, t.kind, t.level, t.threshold, t.value, t.ts])).toEqual([['co-1:co:high', 'activate', 2, 20, 31, s(10)]])
  })

  it('continues exactly like an engine that never stopped', () => {
    const before: Step[] = [
      ['r', co, 0, { co: 30 }],
      ['r', h2s, 0, { h2s: 25 }],
      ['r', heat, 0, { temp: 20 }],
      ['r', heat, 15, { temp: 22 }],
      ['r', co, 12, { co: 45 }],
      ['t', 12],
      ['r', h2s, 16, { h2s: 14 }],
      ['e', smoke, 17, 'smoke_alarm', 'on'],
    ]
    const after: Step[] = [
      ['t', 20],
      ['r', heat, 30, { temp: 24 }],
      ['r', h2s, 21, { h2s: 9 }],
      ['t', 22],
      ['r', co, 25, { co: 5 }],
      ['t', 30],
      ['t', 36],
      ['r', co, 31, { co: 5 }],
      ['e', smoke, 40, 'smoke_alarm', 'off'],
      ['t', 60],
    ]
    const straight = engineWith(all)
    const expected = [...run(straight, before), ...run(straight, after)]

    const first = engineWith(all)
    const got = run(first, before)
    const second = engineWith(all)
    second.restore(JSON.parse(JSON.stringify(first.snapshot())))
    got.push(...run(second, after))

    expect(got).toEqual(expected)
    expect(got.length).toBeGreaterThan(8) // the script exercises escalation, delays, correlation and deadman
    expect(second.snapshot()).toEqual(straight.snapshot())
  })

  it('conditions of devices no longer provisioned are dropped on restore', () => {
    const engine = engineWith([h2s, co])
    run(engine, [['r', h2s, 0, { h2s: 25 }]])
    const restored = engineWith([co])
    restored.restore(engine.snapshot())
    expect(restored.snapshot().setpoints).toEqual({})
  })

  it('with a grace time the deadman does not flood after a hub outage', () => {
    const engine = engineWith([h2s])
    run(engine, [['r', h2s, 0, { h2s: 1 }]])
    const snap = engine.snapshot()
    const exact = engineWith([h2s])
    exact.restore(snap)
    expect(exact.tick(s(3600)).map((t) => t.type)).toEqual(['device_offline'])
    const graced = engineWith([h2s])
    graced.restore(snap, s(3600))
    expect(graced.tick(s(3600))).toEqual([])
    expect(graced.tick(s(3630)).map((t) => t.type)).toEqual(['device_offline'])
  })

  it('keeps faulted and out-of-service metrics and over-range marks across a restart; N after it clears them', () => {
    const lel = device('lel-1', 'gas', ['lel'])
    const engine = engineWith([...all, lel])
    engine.onReading({ ...reading(h2s, s(0), { h2s: 0 }), flags: { h2s: 'D' } }, s(0))
    engine.onReading({ ...reading(co, s(0), { co: 0 }), flags: { co: 'C' } }, s(0))
    expect(engine.onReading({ ...reading(lel, s(0), { lel: 125 }), flags: { lel: 'T' } }, s(0)).map((t) => t.overRange)).toEqual([true])
    const snap = JSON.parse(JSON.stringify(engine.snapshot())) as ReturnType<RulesEngine['snapshot']>
    expect(snap.quality).toEqual({ 'h2s-1': { h2s: 'D' }, 'co-1': { co: 'C' } })
    const restored = engineWith([...all, lel])
    restored.restore(snap)
    expect(restored.snapshot()).toEqual(engine.snapshot())
    // Still past the range: said once, not again after the restart.
    expect(restored.onReading({ ...reading(lel, s(1), { lel: 130 }), flags: { lel: 'T' } }, s(1))).toEqual([])
    // Repeated flags raise nothing new; N clears what was raised before the restart.
    expect(restored.onReading({ ...reading(h2s, s(1), { h2s: 0 }), flags: { h2s: 'D' } }, s(1))).toEqual([])
    expect(restored.onReading(reading(h2s, s(2), { h2s: 0 }), s(2)).map((t) => [t.key, t.kind])).toEqual([['h2s-1:fault', 'clear']])
    expect(restored.onReading(reading(co, s(2), { co: 0 }), s(2)).map((t) => [t.key, t.kind])).toEqual([['co-1:out_of_service', 'clear']])
  })

  it('restores a state written before data quality drove the rules (no quality, no over-range marks)', () => {
    const engine = engineWith(all)
    run(engine, [['r', h2s, 0, { h2s: 25 }]])
    const older = JSON.parse(JSON.stringify(engine.snapshot())) as Record<string, unknown>
    delete older.quality
    const restored = engineWith(all)
    restored.restore(older as unknown as ReturnType<RulesEngine['snapshot']>)
    expect(restored.snapshot().quality).toEqual({})
    expect(Object.keys(restored.snapshot().setpoints)).toEqual(['h2s-1:h2s:high'])
    // The restored alarm escalates no further and clears as before.
    expect(restored.onReading(reading(h2s, s(1), { h2s: 1 }), s(1))).toEqual([])
    expect(restored.tick(s(6)).map((t) => [t.key, t.kind])).toEqual([['h2s-1:h2s:high', 'clear']])
  })

  it('rejects an unknown state version', () => {
    const engine = engineWith([h2s])
    expect(() => engine.restore({ ...engine.snapshot(), version: 2 as 1 })).toThrow(/version/)
  })
})
