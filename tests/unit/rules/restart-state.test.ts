import { describe, expect, it } from 'vitest'
import type { RulesEngine, RulesState } from '../../../hub/src/rules/engine.js'
import { device, engineWith, event, reading, s, status } from './fixtures.js'

/**
 * The hub saves the rules state for a restart with a grace time (safety-loop.ts): the
 * deadman's part without the last-seen times of devices not offline, written again only when
 * its version changes. A restart from it must behave as one from the whole state.
 */
describe('the rules state a restart needs', () => {
  const gas = [1, 2, 3, 4].map((i) => device(`gas-${i}`, 'gas', ['h2s']))
  const callPoint = device('mcp-1', 'fire', [])
  const all = [...gas, callPoint]

  /** gas-1 and gas-2 keep sending, gas-3 falls silent (timed out), gas-4 says it is offline, the call point is heard from. */
  function running(): RulesEngine {
    const engine = engineWith(all)
    for (let t = 0; t <= 60; t += 10) {
      for (const d of gas.slice(0, t <= 10 ? 3 : 2)) engine.onReading(reading(d, s(t), { h2s: 1 }), s(t))
      if (t === 10) engine.onReading(reading(gas[3]!, s(t), { h2s: 1 }), s(t))
      if (t === 20) engine.onStatus(status(gas[3]!, s(t), false), s(t))
      if (t === 20) engine.onEvent(event(callPoint, s(t), 'manual_call_point', 'off'), s(t))
      engine.tick(s(t))
    }
    return engine
  }

  const restartState = (e: RulesEngine): RulesState => JSON.parse(JSON.stringify({ ...e.state(), deadman: e.deadmanForRestart() })) as RulesState
  const full = (e: RulesEngine): RulesState => JSON.parse(JSON.stringify(e.snapshot())) as RulesState

  it('holds the offline devices with their last-seen times, the devices heard from, and no other last-seen time', () => {
    const engine = running()
    expect(engine.isOffline('gas-3')).toBe(true)
    expect(engine.isOffline('gas-4')).toBe(true)
    const d = engine.deadmanForRestart()
    expect(d.offline).toEqual({ 'gas-3': 'timeout', 'gas-4': 'status' })
    expect(d.seen).toEqual({ 'gas-3': s(10), 'gas-4': s(10) })
    expect(d.heard).toEqual({ 'mcp-1': true })
    expect(Object.keys(engine.snapshot().deadman.seen).sort()).toEqual(['gas-1', 'gas-2', 'gas-3', 'gas-4', 'mcp-1'])
  })

  it('changes version when a device goes offline or comes back or is first heard from, not with each reading', () => {
    const engine = running()
    const v = engine.deadmanVersion
    for (let t = 70; t <= 90; t += 10) for (const d of gas.slice(0, 2)) engine.onReading(reading(d, s(t), { h2s: 1 }), s(t))
    engine.tick(s(90))
    engine.onEvent(event(callPoint, s(90), 'manual_call_point', 'off'), s(90))
    expect(engine.deadmanVersion).toBe(v)
    // gas-3 back: cleared.
    engine.onReading(reading(gas[2]!, s(95), { h2s: 1 }), s(95))
    expect(engine.deadmanVersion).toBeGreaterThan(v)
    expect(engine.deadmanForRestart().seen).toEqual({ 'gas-4': s(10) })
    const w = engine.deadmanVersion
    // gas-1 silent past 3 × 10 s: timed out.
    engine.tick(s(125))
    expect(engine.isOffline('gas-1')).toBe(true)
    expect(engine.deadmanVersion).toBeGreaterThan(w)
    // The offline devices' last-seen times follow them: all four timed out or said so, each with its last reading's time.
    expect(engine.deadmanForRestart().seen).toEqual({ 'gas-1': s(90), 'gas-2': s(90), 'gas-3': s(95), 'gas-4': s(10) })
  })

  it('a restart from it with a grace time goes on as one from the whole state', () => {
    const engine = running()
    const restart = s(3600)
    const fromFull = engineWith(all)
    fromFull.restore(full(engine), restart)
    const fromRestart = engineWith(all)
    fromRestart.restore(restartState(engine), restart)
    // The same offline devices, heard-from devices and last-seen times after the restore.
    expect(fromRestart.snapshot().deadman).toEqual(fromFull.snapshot().deadman)
    const steps = (e: RulesEngine): unknown[] => [
      e.tick(s(3601)),
      e.onReading(reading(gas[2]!, s(3605), { h2s: 1 }), s(3605)),
      e.onReading(reading(gas[0]!, s(3610), { h2s: 1 }), s(3610)),
      e.tick(s(3640)),
      e.tick(s(3700)),
    ]
    const a = steps(fromFull)
    const b = steps(fromRestart)
    expect(b).toEqual(a)
    // gas-3 came back (its clear says how long it was silent, from its last reading before the restart); gas-2 timed out 30 s after the restart.
    expect(JSON.stringify(a)).toContain('gas-3')
    expect((a[3] as { device: string; type: string }[]).map((t) => `${t.device}:${t.type}`)).toContain('gas-2:device_offline')
  })
})
