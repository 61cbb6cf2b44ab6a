import { describe, expect, it } from 'vitest'
import { Engine, type Output } from '../../../simulators/src/engine.js'
import { indexZone } from '../../../simulators/src/scenarios/locate.js'
import { buildScenario } from '../../../simulators/src/scenarios/index.js'
import { T0 } from './scenario-run.js'
import { smallZone } from './small-zone.js'

function drive(seed: number, seconds: number, chunks = 1): Output[] {
  const ix = indexZone(smallZone())
  const scenario = buildScenario('leak-ignites', ix, { seed })
  const engine = new Engine(ix.devices, { seed, start: T0 })
  engine.schedule(scenario.timeline, T0)
  const out: Output[] = []
  for (let i = 1; i <= chunks; i++) engine.runUntil(T0 + (seconds * 1000 * i) / chunks, (o) => out.push(o))
  return out
}

describe('engine', () => {
  it('gives the same outputs for the same seed, however it is driven', () => {
    const a = drive(5, 600)
    const b = drive(5, 600, 37)
    expect(b).toEqual(a)
    expect(a.length).toBeGreaterThan(1000)
    const c = drive(6, 600)
    expect(c).not.toEqual(a)
  })

  it('samples each device at its interval with jitter, in time order', () => {
    const out = drive(1, 300)
    const ts = out.filter((o) => o.type === 'telemetry').map((o) => o.ts)
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThanOrEqual(ts[i - 1] as number)
    const g = out.filter((o) => o.type === 'telemetry' && o.device === 'g-h2-2').map((o) => o.ts)
    for (let i = 1; i < g.length; i++) {
      const gap = ((g[i] as number) - (g[i - 1] as number)) / 1000
      expect(gap).toBeGreaterThanOrEqual(4.5 - 1e-9)
      expect(gap).toBeLessThanOrEqual(5.5 + 1e-9)
    }
  })

  it('only reports metrics the device has', () => {
    const ix = indexZone(smallZone())
    const out = drive(1, 120)
    for (const o of out) {
      if (o.type !== 'telemetry') continue
      const d = ix.devices.find((x) => x.id === o.device)
      for (const m of Object.keys(o.values)) expect(d?.metrics).toContain(m)
    }
  })

  it('acknowledges commands; close_valve stops the leak the device is tied to from growing', () => {
    const ix = indexZone(smallZone())
    const engine = new Engine(ix.devices, { seed: 1, start: T0 })
    engine.schedule([{ at: 0, action: { kind: 'leak', id: 'L', park: 'chem', enterprise: 'e-h2', area: 'a-h2', gas: 'ch4', position: { x: 15, y: 20 }, rate: 0.02, growthPerSec: 0.02, maxRate: 2 } }], T0)
    engine.runUntil(T0 + 60_000, () => {})
    const before = engine.world.leak('L')?.rate ?? 0
    const replies = engine.command('g-h2-3', { id: 'c-1', command: 'close_valve' }, T0 + 60_000)
    expect(replies).toEqual([{ type: 'ack', device: 'g-h2-3', ts: T0 + 60_000, command: 'close_valve', id: 'c-1' }])
    engine.runUntil(T0 + 120_000, () => {})
    expect(engine.world.leak('L')?.rate ?? 0).toBeLessThan(before)
    expect(engine.command('g-h2-3', { id: 'x', command: 'self_destruct' }, T0)).toEqual([])
    expect(engine.command('nobody', { id: 'x', command: 'reset' }, T0)).toEqual([])
  })

  it('applies faults: stuck, spike, dropout and offline', () => {
    const ix = indexZone(smallZone())
    const engine = new Engine(ix.devices, { seed: 2, start: T0 })
    engine.schedule([
      { at: 60, action: { kind: 'fault', device: 'g-o2-1', fault: 'stuck', durationSec: 120 } },
      { at: 60, action: { kind: 'fault', device: 'g-h2-2', fault: 'spike', durationSec: 60 } },
      { at: 60, action: { kind: 'fault', device: 'g-h2-3', fault: 'dropout', durationSec: 120 } },
      { at: 60, action: { kind: 'fault', device: 'g-cl-1', fault: 'offline', durationSec: 120 } },
    ], T0)
    const out: Output[] = []
    engine.runUntil(T0 + 300_000, (o) => out.push(o))
    const tele = (id: string, from: number, to: number) =>
      out.filter((o): o is Extract<Output, { type: 'telemetry' }> => o.type === 'telemetry' && o.device === id && o.ts >= T0 + from * 1000 && o.ts < T0 + to * 1000)
    const stuck = new Set(tele('g-o2-1', 61, 179).map((o) => o.values.o2))
    expect(stuck.size).toBe(1)
    expect(new Set(tele('g-o2-1', 185, 300).map((o) => o.values.o2)).size).toBeGreaterThan(1)
    // One reading past the first level (25 %LEL), short of the second (50 %LEL) and of the range (100).
    const spikes = tele('g-h2-2', 0, 300).filter((o) => (o.values.lel as number) > 25)
    expect(spikes.length).toBe(1)
    expect(spikes[0]?.values.lel).toBeLessThan(50)
    expect(spikes[0]?.flags).toBeUndefined()
    expect(tele('g-h2-3', 61, 179)).toEqual([])
    expect(tele('g-h2-3', 185, 300).length).toBeGreaterThan(0)
    expect(tele('g-cl-1', 61, 179)).toEqual([])
    const links = out.filter((o) => o.type === 'link')
    expect(links).toEqual([
      { type: 'link', device: 'g-cl-1', ts: T0 + 60_000, up: false },
      { type: 'link', device: 'g-cl-1', ts: T0 + 180_000, up: true },
    ])
  })

  it('holds back devices until activated (backfill of some kinds only)', () => {
    const ix = indexZone(smallZone())
    const engine = new Engine(ix.devices, { seed: 1, start: T0, activeFrom: (d) => d.kind === 'energy' })
    const out: Output[] = []
    engine.minIntervalMs = 60_000
    engine.runUntil(T0 + 3600_000, (o) => out.push(o))
    expect(new Set(out.map((o) => (o.type === 'telemetry' ? o.device : '')))).toEqual(new Set(['m-e-1', 'm-g-1', 'm-s-1', 'i-m-1']))
    engine.minIntervalMs = 0
    engine.activate(engine.time)
    engine.runUntil(T0 + 3660_000, (o) => out.push(o))
    expect(out.some((o) => o.type === 'telemetry' && o.device === 'g-h2-1')).toBe(true)
  })
})
