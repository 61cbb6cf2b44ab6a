import { describe, expect, it } from 'vitest'
import { fitSource } from '../../../hub/src/hazard/fit.js'
import { createRng } from '../../../simulators/src/prng.js'
import { World, WORLD_DT_SEC } from '../../../simulators/src/world.js'
import { T0 } from '../simulators/scenario-run.js'

/**
 * The fit against an independent model of the same physics: the simulators' leak (puffs carried
 * by a meandering wind, a 1.5 m source size, eddy spreading: simulators/src/models/plume.ts)
 * releases chlorine at a known point and rate; detectors scattered around it read 10-s means.
 */
describe('the source fit against the simulator\'s puff model (docs/hazard.md)', () => {
  const LEAK = { x: 100, y: 100 }
  const RATE_MG_S = 20_000 // 0.02 kg/s
  const world = new World(createRng(1), { start: T0, quiet: true })
  world.apply({ kind: 'wind', park: 'p', speed: 2, fromDeg: 270, stability: 'D' }, T0)
  world.apply({ kind: 'leak', id: 'L', park: 'p', gas: 'cl2', position: LEAK, rate: RATE_MG_S / 1e6 }, T0)
  for (let i = 0; i < 600 / WORLD_DT_SEC; i++) world.step(WORLD_DT_SEC) // 10 minutes: the plume is established
  const mean10s = (p: { x: number; y: number }): number => {
    let sum = 0
    for (let k = 0; k < 20; k++) {
      world.step(WORLD_DT_SEC)
      sum += world.gasAt('p', p, 'cl2')
    }
    return sum / 20
  }
  // Two near the leak downwind, a few farther, some upwind or aside reading nothing.
  const readings = [[104, 100], [112, 103], [130, 96], [160, 108], [95, 110], [100, 80], [140, 130], [200, 100]].map(([x, y], i) => {
    const position = { x: x!, y: y! }
    return { device: `d${i}`, position, value: mean10s(position), alarming: true }
  })

  it.each(['rural', 'urban'] as const)('%s curves: the source within 5 m of the leak, the true rate inside the bounds', (terrain) => {
    const fit = fitSource(readings, 270, { u: 2, stability: 'D', terrain }, 4)!
    expect(fit.oneDetector).toBe(false)
    expect(Math.hypot(fit.source.x - LEAK.x, fit.source.y - LEAK.y)).toBeLessThan(5)
    expect(fit.rate / RATE_MG_S).toBeGreaterThan(0.4)
    expect(fit.rate / RATE_MG_S).toBeLessThan(1.5)
    expect(fit.rateLow).toBeLessThan(RATE_MG_S)
    expect(fit.rateHigh).toBeGreaterThan(RATE_MG_S)
  })
})
