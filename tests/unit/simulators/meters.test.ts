import { describe, expect, it } from 'vitest'
import type { Device } from '../../../hub/src/model/device.js'
import { CemsModel } from '../../../simulators/src/models/cems.js'
import { EnergyMeterModel, loadProfile } from '../../../simulators/src/models/energy.js'
import type { Sample } from '../../../simulators/src/models/types.js'
import { createRng } from '../../../simulators/src/prng.js'
import { World } from '../../../simulators/src/world.js'
import { T0 } from './scenario-run.js'

const stack: Device = {
  id: 's', kind: 'emission', type: 'stack', park: 'p', enterprise: 'e', name: 's',
  metrics: ['so2', 'nox', 'pm', 'o2', 'flow', 'temp'], position: { x: 0, y: 0 }, interval: 60,
  limits: { so2: 35, nox: 50, pm: 10 }, referenceO2: 6,
}
const meter = (metrics: string[]): Device => ({ id: 'm', kind: 'energy', type: 'electricity', park: 'p', enterprise: 'e', name: 'm', metrics, position: { x: 0, y: 0 }, interval: 60 })

function runModel(model: { sample: (t: number, w: World) => Sample | null }, world: World, seconds: number, step: number): Array<[number, Sample]> {
  const out: Array<[number, Sample]> = []
  for (let t = T0; t <= T0 + seconds * 1000; t += step * 1000) {
    const s = model.sample(t, world)
    if (s) out.push([t, s])
  }
  return out
}

describe('CEMS stack', () => {
  it('drifts around a fraction of its limits with plausible O2, flow and temperature', () => {
    const samples = runModel(new CemsModel(stack, createRng(1)), new World(createRng(1), { start: T0, quiet: true }), 86_400, 60)
    const normal = samples.filter(([, s]) => !s.flags)
    for (const [, s] of normal) {
      const o2 = s.values.o2 as number
      const toRef = (21 - 6) / (21 - o2)
      expect((s.values.so2 as number) * toRef).toBeLessThan(35)
      expect((s.values.nox as number) * toRef).toBeLessThan(50)
      expect(o2).toBeGreaterThan(5)
      expect(o2).toBeLessThan(12)
      expect(s.values.flow).toBeGreaterThan(50_000)
    }
  })

  it('marks calibration (C) and maintenance (M) samples with HJ 212 flags', () => {
    const samples = runModel(new CemsModel(stack, createRng(2)), new World(createRng(1), { start: T0, quiet: true }), 8 * 86_400, 60)
    const flags = samples.flatMap(([, s]) => Object.values(s.flags ?? {}))
    expect(flags).toContain('C')
    expect(flags).toContain('M')
    // Flagged samples are a small share: an hour still has ≥ 45 valid minutes (HJ 75).
    const flagged = samples.filter(([, s]) => s.flags).length
    expect(flagged / samples.length).toBeLessThan(0.03)
    const c = samples.find(([, s]) => s.flags?.so2 === 'C')?.[1]
    expect(c?.flags?.flow).toBeUndefined()
  })

  it('exceeds its limit on the hourly O2-corrected average during a scripted episode', () => {
    const world = new World(createRng(1), { start: T0, quiet: true })
    world.apply({ kind: 'cems_episode', device: 's', metric: 'so2', factor: 1.8, durationSec: 9000 }, T0 + 600_000)
    const samples = runModel(new CemsModel(stack, createRng(3)), world, 3 * 3600, 60)
    const hour = samples.filter(([t, s]) => t >= T0 + 3600_000 && t < T0 + 7200_000 && !s.flags)
    expect(hour.length).toBeGreaterThanOrEqual(45)
    const avgRef = hour.reduce((a, [, s]) => a + (s.values.so2 as number) * ((21 - 6) / (21 - (s.values.o2 as number))), 0) / hour.length
    expect(avgRef).toBeGreaterThan(35)
  })
})

describe('energy meters', () => {
  it('follows a day/night and weekday/weekend load curve', () => {
    expect(loadProfile(0.6, 10, 1)).toBeGreaterThan(loadProfile(0.6, 3, 1))
    expect(loadProfile(0.6, 10, 1)).toBeGreaterThan(loadProfile(0.6, 10, 0))
    expect(loadProfile(0.6, 3, 1)).toBeCloseTo(0.6)
  })

  it('keeps cumulative counters rising, except where the meter is replaced', () => {
    const world = new World(createRng(1), { start: T0 })
    const m = new EnergyMeterModel({ ...meter(['kwh', 'kw', 'gas_m3']) }, createRng(4))
    const samples: Array<[number, Sample]> = []
    for (let t = T0, i = 0; t <= T0 + 7 * 86_400_000; t += 60_000, i++) {
      if (i === 5000) world.apply({ kind: 'meter_replace', device: 'm' }, t)
      const s = m.sample(t, world)
      if (s) samples.push([t, s])
    }
    expect(m.replacements.length).toBeGreaterThanOrEqual(1)
    for (const metric of ['kwh', 'gas_m3']) {
      let drops = 0
      for (let i = 1; i < samples.length; i++) {
        const prev = samples[i - 1]?.[1].values[metric] as number
        const cur = samples[i]?.[1].values[metric] as number
        if (cur < prev) {
          drops++
          expect(m.replacements).toContain(samples[i]?.[0])
          expect(cur).toBeLessThan(10)
        }
      }
      expect(drops).toBe(m.replacements.length)
    }
    // kWh between readings agrees with the average power (trapezoid).
    const a = samples[100]?.[1].values
    const b = samples[101]?.[1].values
    expect(((b?.kwh as number) - (a?.kwh as number)) * 60).toBeCloseTo(((a?.kw as number) + (b?.kw as number)) / 2, 0)
  })

  it('draws more during a scripted spike', () => {
    const world = new World(createRng(1), { start: T0, quiet: true })
    world.apply({ kind: 'energy_spike', device: 'm', factor: 2.5, durationSec: 1800 }, T0 + 3600_000)
    const samples = runModel(new EnergyMeterModel(meter(['kwh', 'kw']), createRng(5)), world, 3 * 3600, 60)
    const before = samples.filter(([t]) => t < T0 + 3600_000).map(([, s]) => s.values.kw as number)
    const during = samples.filter(([t]) => t > T0 + 3700_000 && t < T0 + 5000_000).map(([, s]) => s.values.kw as number)
    const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
    expect(avg(during) / avg(before)).toBeGreaterThan(2)
  })
})
