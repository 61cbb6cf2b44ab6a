import { describe, expect, it } from 'vitest'
import type { Device } from '../../../hub/src/model/device.js'
import { Fire, GROWTH_ALPHA, ceilingJetRise, flameDetectionRange, obscurationPerMetre } from '../../../simulators/src/models/fire.js'
import { FireDetectorModel, HEAT_FIXED_C, SMOKE_ALARM_OBS } from '../../../simulators/src/models/fire-detector.js'
import type { EventOut } from '../../../simulators/src/models/types.js'
import { createRng } from '../../../simulators/src/prng.js'
import { World } from '../../../simulators/src/world.js'
import { T0 } from './scenario-run.js'

function detector(id: string, type: string, x: number, metrics: string[]): Device {
  return { id, kind: 'fire', type, park: 'p', enterprise: 'e', area: 'a', name: id, metrics, position: { x, y: 0 }, interval: 10 }
}

/** A medium t² fire at the origin; detectors along x; returns event times (s) and sampled temperatures. */
function burn(seconds: number, devices: Device[]): { events: Array<{ t: number; device: string; e: EventOut }>; temps: Map<string, Array<[number, number]>> } {
  const world = new World(createRng(1), { start: T0 })
  world.apply({ kind: 'fire', id: 'F', park: 'p', position: { x: 0, y: 0 }, growth: 'medium', maxKw: 5000, ceilingM: 6 }, T0)
  const models = devices.map((d) => ({ d, m: new FireDetectorModel(d, createRng(2).fork(d.id)) }))
  const events: Array<{ t: number; device: string; e: EventOut }> = []
  const temps = new Map<string, Array<[number, number]>>()
  for (let i = 1; i <= seconds * 2; i++) {
    world.step(0.5)
    const t = world.time
    for (const { d, m } of models) {
      for (const e of m.poll(t, world, 0.5)) events.push({ t: (t - T0) / 1000, device: d.id, e })
      if (i % 20 === 0) {
        const s = m.sample(t, world)
        if (s?.values.temp !== undefined) temps.set(d.id, [...(temps.get(d.id) ?? []), [(t - T0) / 1000, s.values.temp]])
      }
    }
  }
  return { events, temps }
}

describe('fire growth', () => {
  it('follows the t² curve: medium growth reaches ≈ 1055 kW at 300 s (NFPA 72 Annex B)', () => {
    const f = new Fire({ id: 'f', position: { x: 0, y: 0 }, ignitedAt: 0, alpha: GROWTH_ALPHA.medium, maxKw: 1e6 })
    expect(f.hrr(300_000)).toBeCloseTo(1055, -1)
    expect(f.hrr(150_000)).toBeCloseTo(1055 / 4, -1)
    f.suppress(300_000)
    expect(f.hrr(420_000)).toBeLessThan(f.hrr(300_000) / 2)
  })

  it('has a continuous ceiling-jet temperature at the r/H = 0.18 boundary (Alpert)', () => {
    const h = 6
    const r = 0.18 * h
    expect(ceilingJetRise(500, h, r * 0.999)).toBeCloseTo(ceilingJetRise(500, h, r * 1.001), 0)
    expect(ceilingJetRise(500, h, 10)).toBeLessThan(ceilingJetRise(500, h, 3))
  })

  it('trips a nearby smoke detector well before a heat detector', () => {
    const { events } = burn(600, [detector('smoke', 'smoke', 3, ['smoke']), detector('heat', 'heat', 3, ['temp'])])
    const smoke = events.find((x) => x.e.type === 'smoke_alarm' && x.e.state === 'on')
    const heat = events.find((x) => x.e.type === 'heat_alarm' && x.e.state === 'on')
    expect(smoke).toBeDefined()
    expect(heat).toBeDefined()
    expect(smoke!.t).toBeLessThan(heat!.t)
    expect(smoke!.t).toBeLessThan(90)
    expect(obscurationPerMetre(3.7)).toBeGreaterThan(SMOKE_ALARM_OBS)
  })

  it('raises a heat detector 3 m from the fire faster than 8 °C/min, and past its fixed 57 °C', () => {
    const { temps, events } = burn(480, [detector('heat', 'heat', 3, ['temp'])])
    const series = temps.get('heat') ?? []
    let maxRate = 0
    for (let i = 6; i < series.length; i++) {
      const [t1, v1] = series[i] as [number, number]
      const [t0, v0] = series[i - 6] as [number, number]
      maxRate = Math.max(maxRate, ((v1 - v0) / (t1 - t0)) * 60)
    }
    expect(maxRate).toBeGreaterThan(8)
    expect(Math.max(...series.map(([, v]) => v))).toBeGreaterThan(HEAT_FIXED_C)
    expect(events.some((x) => x.e.type === 'heat_alarm' && x.e.state === 'on')).toBe(true)
  })

  it('lets a flame detector see the fire once it is big enough for the distance (EN 54-10)', () => {
    expect(flameDetectionRange(200)).toBeCloseTo(25)
    const { events } = burn(200, [detector('flame', 'flame', 20, [])])
    const on = events.find((x) => x.e.type === 'flame' && x.e.state === 'on')
    expect(on).toBeDefined()
    // 20 m needs Q ≥ 200 × (20/25)² = 128 kW, i.e. t ≥ √(128/0.01172) ≈ 104 s.
    expect(on!.t).toBeGreaterThan(95)
    expect(on!.t).toBeLessThan(115)
  })

  it('latches a manual call point until it is reset', () => {
    const world = new World(createRng(1), { start: T0 })
    const cp = new FireDetectorModel(detector('cp', 'call_point', 0, []), createRng(3))
    expect(cp.poll(T0, world, 0)).toEqual([])
    world.apply({ kind: 'call_point', device: 'cp' }, T0)
    expect(cp.poll(T0 + 1000, world, 1)).toEqual([{ type: 'manual_call_point', state: 'on' }])
    expect(cp.poll(T0 + 2000, world, 1)).toEqual([])
    world.releaseCallPoint('cp')
    expect(cp.command('reset', T0 + 3000, world)).toEqual([{ type: 'manual_call_point', state: 'off' }])
    expect(cp.poll(T0 + 4000, world, 1)).toEqual([])
  })
})
