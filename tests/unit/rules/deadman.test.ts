import { describe, expect, it } from 'vitest'
import { TIMEOUTS_PER_PASS } from '../../../hub/src/rules/deadman.js'
import { RulesEngine } from '../../../hub/src/rules/engine.js'
import { demoZone, device, engineWith, event, reading, s, status, T0 } from './fixtures.js'

const brief = (t: { key: string; kind: string; level: number; type: string; value: number | undefined; threshold: number | undefined; ts: number }) => [
  t.key,
  t.kind,
  t.type,
  t.level,
  t.value,
  t.threshold,
  t.ts,
]

describe('deadman', () => {
  it('offline after 3 × interval without data, yellow for a safety device; data clears it', () => {
    const d = device('h2s-1', 'gas', ['h2s'], { interval: 10 })
    const engine = engineWith([d])
    engine.onReading(reading(d, s(5), { h2s: 1 }), s(5))
    expect(engine.tick(s(34.999))).toEqual([])
    expect(engine.tick(s(35)).map(brief)).toEqual([['h2s-1:offline', 'activate', 'device_offline', 3, 30, 30, s(35)]])
    expect(engine.tick(s(60))).toEqual([]) // once
    expect(engine.isOffline('h2s-1')).toBe(true)
    const back = engine.onReading(reading(d, s(61), { h2s: 1 }), s(61))
    expect(back.map(brief)).toEqual([['h2s-1:offline', 'clear', 'device_offline', 3, 56, 30, s(61)]])
    expect(engine.tick(s(90.999))).toEqual([])
    expect(engine.tick(s(91)).map((t) => t.kind)).toEqual(['activate'])
  })

  it('counts from start-up for a device never heard from', () => {
    const d = device('co-1', 'gas', ['co'], { interval: 5 })
    const engine = engineWith([d])
    expect(engine.tick(s(14.9))).toEqual([])
    expect(engine.tick(s(15)).map((t) => t.key)).toEqual(['co-1:offline'])
  })

  it('N is configurable', () => {
    const d = device('co-1', 'gas', ['co'], { interval: 5 })
    const engine = engineWith([d], { deadmanIntervals: 5 })
    expect(engine.tick(s(24.9))).toEqual([])
    expect(engine.tick(s(25)).map((t) => t.key)).toEqual(['co-1:offline'])
  })

  it('a device without metrics (events only), once heard from, is not timed out: its status alone makes it offline', () => {
    const callPoint = device('mcp-1', 'fire', [], { interval: 10 })
    const smoke = device('smoke-1', 'fire', ['smoke'], { interval: 10 })
    const engine = engineWith([callPoint, smoke])
    engine.onStatus(status(callPoint, s(5), true), s(5))
    expect(engine.tick(s(3600)).map((t) => t.key)).toEqual(['smoke-1:offline'])
    expect(engine.isOffline('mcp-1')).toBe(false)
    expect(engine.onStatus(status(callPoint, s(3601), false), s(3601)).map((t) => [t.key, t.kind])).toEqual([['mcp-1:offline', 'activate']])
    expect(engine.onStatus(status(callPoint, s(3602), true), s(3602)).map((t) => [t.key, t.kind])).toEqual([['mcp-1:offline', 'clear']])
    expect(engine.tick(s(7200)).filter((t) => t.device === 'mcp-1')).toEqual([])
  })

  it('a device without metrics never heard from is timed out from start-up; an event then clears it', () => {
    const callPoint = device('mcp-1', 'fire', [], { interval: 10 })
    const engine = engineWith([callPoint])
    expect(engine.tick(s(29.9))).toEqual([])
    expect(engine.tick(s(30)).map((t) => [t.key, t.kind])).toEqual([['mcp-1:offline', 'activate']])
    expect(engine.onEvent(event(callPoint, s(40), 'manual_call_point', 'off'), s(40)).map((t) => [t.key, t.kind])).toEqual([['mcp-1:offline', 'clear']])
    expect(engine.tick(s(3600))).toEqual([])
  })

  it('remembers through a restart which devices were heard from', () => {
    const callPoint = device('mcp-1', 'fire', [], { interval: 10 })
    const before = engineWith([callPoint])
    before.onStatus(status(callPoint, s(5), true), s(5))
    const after = engineWith([callPoint])
    after.restore(before.snapshot(), s(100))
    expect(after.tick(s(3600))).toEqual([])
    const older = engineWith([callPoint])
    const { heard: _, ...withoutHeard } = before.snapshot().deadman
    older.restore({ ...before.snapshot(), deadman: withoutHeard }, s(100))
    expect(older.tick(s(130)).map((t) => t.key)).toEqual(['mcp-1:offline'])
  })

  it('a will message (status offline) is offline at once; status online clears', () => {
    const d = device('smoke-1', 'fire', ['smoke'])
    const engine = engineWith([d])
    expect(engine.onStatus(status(d, s(2), false), s(2)).map(brief)).toEqual([['smoke-1:offline', 'activate', 'device_offline', 3, undefined, undefined, s(2)]])
    expect(engine.onStatus(status(d, s(3), false), s(3))).toEqual([])
    expect(engine.tick(s(100))).toEqual([])
    expect(engine.onStatus(status(d, s(101), true), s(101)).map((t) => [t.key, t.kind])).toEqual([['smoke-1:offline', 'clear']])
  })

  it('a non-safety device (energy meter) goes offline as a blue advisory; device.safety makes it yellow', () => {
    const meter = device('meter-1', 'energy', ['kwh'], { interval: 60 })
    const stack = device('stack-1', 'emission', ['so2'], { interval: 60, safety: true })
    const engine = engineWith([meter, stack])
    expect(engine.tick(s(180)).map((t) => [t.device, t.level]).sort()).toEqual([
      ['meter-1', 4],
      ['stack-1', 3],
    ])
  })

  it('uses hub time, not sample time: a late gateway flush still proves the device alive', () => {
    const d = device('h2s-1', 'gas', ['h2s'], { interval: 10 })
    const engine = engineWith([d])
    engine.onReading(reading(d, s(-500), { h2s: 1 }), s(25))
    expect(engine.tick(s(54.9))).toEqual([])
    expect(engine.tick(s(55)).length).toBe(1)
  })

  it('10,000 devices with mixed intervals: exactly the silent ones go offline', () => {
    const devices = Array.from({ length: 10_000 }, (_, i) => device(`g-${i}`, 'gas', ['lel'], { interval: 10 + (i % 7) }))
    const engine = new RulesEngine({ zone: demoZone({}, devices), now: T0 })
    for (let sec = 1; sec <= 50; sec++) {
      for (let i = 0; i < devices.length; i++) {
        if (i % 1000 === 0) continue // ten silent devices
        if ((i + sec) % (10 + (i % 7)) === 0) engine.onReading(reading(devices[i]!, s(sec), { lel: 0 }), s(sec))
      }
      const out = engine.tick(s(sec))
      for (const t of out) expect(Number(t.device.slice(2)) % 1000).toBe(0)
    }
    const offline = devices.filter((d) => engine.isOffline(d.id)).map((d) => d.id)
    expect(offline).toHaveLength(10)
  })
  it('a mass timeout goes out at most TIMEOUTS_PER_PASS a pass, earliest deadline first, none lost, saying when it is behind', () => {
    const n = TIMEOUTS_PER_PASS * 2 + 123
    // Two intervals: the 10 s devices are due before the 11 s ones.
    const devices = Array.from({ length: n }, (_, i) => device(`m-${i}`, 'gas', ['lel'], { interval: i < TIMEOUTS_PER_PASS + 50 ? 10 : 11 }))
    const engine = new RulesEngine({ zone: demoZone({}, devices), now: T0 })
    const first = engine.tick(s(60))
    expect(first).toHaveLength(TIMEOUTS_PER_PASS)
    expect(first.every((t) => Number(t.device.slice(2)) < TIMEOUTS_PER_PASS + 50)).toBe(true)
    expect(engine.deadmanBehind(s(60))).toBe(true)
    const second = engine.tickDeadman(s(60))
    expect(second).toHaveLength(TIMEOUTS_PER_PASS)
    const third = engine.tick(s(62))
    expect(third).toHaveLength(123)
    expect(engine.deadmanBehind(s(62))).toBe(false)
    expect(engine.tick(s(63))).toEqual([])
    expect(new Set([...first, ...second, ...third].map((t) => t.device)).size).toBe(n)
    expect(devices.every((d) => engine.isOffline(d.id))).toBe(true)
  })
})
