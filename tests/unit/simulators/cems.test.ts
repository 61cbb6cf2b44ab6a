import { describe, expect, it } from 'vitest'
import { hourValue, minutesFromSamples } from '../../../hub/src/emissions/hourly.js'
import { stackInfoOf } from '../../../hub/src/emissions/stack-info.js'
import type { Device } from '../../../hub/src/model/device.js'
import { CemsModel } from '../../../simulators/src/models/cems.js'
import { createRng } from '../../../simulators/src/prng.js'
import { World } from '../../../simulators/src/world.js'
import { T0 } from './scenario-run.js'

const base = { kind: 'emission', type: 'stack', park: 'p', enterprise: 'e', name: 's', position: { x: 0, y: 0 }, interval: 5 } as const

/** One hour of 5-second samples from the model, as the hub receives them, judged by the hub's own hourly code. */
function judgedHour(device: Device, seed: number) {
  const model = new CemsModel(device, createRng(seed))
  const world = new World(createRng(seed), { start: T0, quiet: true })
  const samples: { ts: number; values: Record<string, number>; flags?: Record<string, 'N'> }[] = []
  for (let t = T0; t < T0 + 3_600_000; t += 5000) {
    const s = model.sample(t, world)
    if (s) samples.push({ ts: t, values: s.values as Record<string, number> })
  }
  return { samples, hour: hourValue(stackInfoOf(device), T0, minutesFromSamples(samples)) }
}

describe('CEMS stacks on their standard and basis', () => {
  // The hub's dry, O2-corrected hour lands where the model aims (30–85 % of the limit); read as
  // if dry, the same wet samples would be lower by the moisture's share.
  it.each([1, 2, 3])('a wet stack (seed %d) reports humidity and wet values the hub brings back to dry under its standard', (seed) => {
    const wet: Device = { ...base, id: 'w', metrics: ['so2', 'nox', 'pm', 'o2', 'flow', 'temp', 'humidity'], emissionStandard: 'GB13271-2014/gas', basis: 'wet' }
    const { samples, hour } = judgedHour(wet, seed)
    const h = samples[0]!.values.humidity!
    expect(h).toBeGreaterThan(5)
    expect(h).toBeLessThan(20)
    for (const [m, limit] of [['so2', 50], ['nox', 200], ['pm', 20]] as const) {
      const v = hour.metrics[m]
      expect(v.valid).toBe(true)
      expect(v.corrected! / limit).toBeGreaterThan(0.2)
      expect(v.corrected! / limit).toBeLessThan(0.9)
      const asIfDry = hourValue(stackInfoOf({ ...wet, basis: 'dry' }), T0, minutesFromSamples(samples)).metrics[m].corrected!
      expect(asIfDry).toBeLessThan(v.corrected! * 0.94) // ≥ 6 % moisture left in
    }
  })

  it('a chlorination tail-gas stack reports HCl and Cl2, compared as measured (GB 31573-2015, no reference O2)', () => {
    const tail: Device = { ...base, id: 't', metrics: ['hcl', 'cl2', 'so2', 'pm', 'o2', 'flow', 'temp', 'humidity'], emissionStandard: 'GB31573-2015/tail-gas', basis: 'wet' }
    const { samples, hour } = judgedHour(tail, 4)
    expect(Object.keys(samples[0]!.values).sort()).toEqual(['cl2', 'flow', 'hcl', 'humidity', 'o2', 'pm', 'so2', 'temp'])
    for (const [m, limit] of [['hcl', 20], ['cl2', 5]] as const) {
      expect(hour.metrics[m]).toMatchObject({ corrected: null, limit, valid: true, exceeded: false })
      expect(hour.metrics[m].measured! / limit).toBeGreaterThan(0.2)
    }
  })
})
