import { describe, expect, it } from 'vitest'
import { AIR_O2, gasById, mgm3ToPpm, mgm3ToVolPct, oxygenAfterDisplacement, ppmToMgm3, volPctToLel } from '../../../simulators/src/models/gases.js'
import { LeakSource, Wind, briggsSigma, downwindVector } from '../../../simulators/src/models/plume.js'
import { createRng } from '../../../simulators/src/prng.js'

/** Steps a leak under a wind and records the concentration at some points, mg/m³. */
function simulate(points: Array<{ x: number; y: number }>, seconds: number, leak: LeakSource, wind: Wind): number[][] {
  const out: number[][] = points.map(() => [])
  for (let t = 0; t < seconds * 2; t++) {
    wind.step(0.5)
    leak.step(0.5, wind)
    points.forEach((p, i) => out[i]?.push(leak.concentrationAt(p)))
  }
  return out
}

describe('gas plume (Gaussian puffs)', () => {
  it('points the wind vector downwind: wind from the north blows south (+y on the plan)', () => {
    const d = downwindVector(0)
    expect(d.dx).toBeCloseTo(0)
    expect(d.dy).toBeCloseTo(1)
    const w = downwindVector(90) // from the east, towards the west
    expect(w.dx).toBeCloseTo(-1)
  })

  it('reaches a downwind detector earlier and higher than an upwind one at the same distance', () => {
    // Wind from the west (270°) blows east (+x): the downwind detector is at +10 m, the upwind one at −10 m.
    const wind = new Wind(createRng(1), 2, 270)
    const leak = new LeakSource({ id: 'L', gas: 'ch4', position: { x: 100, y: 100 }, rate: 0.1 })
    const [down, up] = simulate([{ x: 110, y: 100 }, { x: 90, y: 100 }], 120, leak, wind)
    const first = (xs: number[] | undefined): number => (xs ?? []).findIndex((c) => c > 1)
    expect(first(down)).toBeGreaterThanOrEqual(0)
    const upFirst = first(up)
    expect(upFirst === -1 || upFirst > first(down)).toBe(true)
    expect(Math.max(...(down ?? []))).toBeGreaterThan(100 * Math.max(1e-9, ...(up ?? [])))
  })

  it('falls with distance downwind', () => {
    const wind = new Wind(createRng(2), 2.5, 270)
    const leak = new LeakSource({ id: 'L', gas: 'ch4', position: { x: 0, y: 0 }, rate: 0.2 })
    const dists = [5, 10, 20, 40, 80]
    const series = simulate(dists.map((x) => ({ x, y: 0 })), 180, leak, wind)
    // Average over the last minute (steady plume), compared point to point.
    const means = series.map((s) => s.slice(-120).reduce((a, b) => a + b, 0) / 120)
    for (let i = 1; i < means.length; i++) expect(means[i]).toBeLessThan(means[i - 1] as number)
  })

  it('matches the steady Gaussian plume C = Q / (π σy σz u) on the centre line', () => {
    const wind = new Wind(createRng(3), 3, 270)
    wind.step = () => {} // no meander: the textbook case
    const leak = new LeakSource({ id: 'L', gas: 'ch4', position: { x: 0, y: 0 }, rate: 0.5, sigma0: 0.01 })
    const x = 100
    const [series] = simulate([{ x, y: 0 }], 200, leak, wind)
    const c = (series ?? []).slice(-60).reduce((a, b) => a + b, 0) / 60
    const b = briggsSigma('D', x)
    // Eddy diffusion adds √(2Kt) to σ; at 100 m and 3 m/s it is a modest correction, so allow 40 %.
    const plume = (0.5 / (Math.PI * b.sy * b.sz * 3)) * 1e6
    expect(c / plume).toBeGreaterThan(0.6)
    expect(c / plume).toBeLessThan(1.4)
  })

  it('converts to %LEL with hydrogen at 4 %VOL and methane at 5 %VOL', () => {
    expect(gasById('h2').lel).toBe(4)
    expect(gasById('ch4').lel).toBe(5)
    expect(volPctToLel(1, 4)).toBeCloseTo(25)
    expect(volPctToLel(2.5, 5)).toBeCloseTo(50)
    // 1 %VOL methane = 10 000 ppm = 10 000 × 16.04 / 24.45 mg/m³.
    expect(mgm3ToVolPct(ppmToMgm3(10_000, 16.04), 16.04)).toBeCloseTo(1)
    // DOMAIN.md: ppm = mg/m³ × 24.45 / M; chlorine 1 mg/m³ ≈ 0.345 ppm.
    expect(mgm3ToPpm(1, 70.9)).toBeCloseTo(0.345, 3)
  })

  it('reads oxygen at 20.9 %VOL in clean air and lower where a big inert leak displaces it', () => {
    expect(oxygenAfterDisplacement(0)).toBe(AIR_O2)
    expect(oxygenAfterDisplacement(10)).toBeCloseTo(18.81)
    const wind = new Wind(createRng(4), 1.5, 270)
    const leak = new LeakSource({ id: 'N2', gas: 'n2', position: { x: 0, y: 0 }, rate: 1.5 })
    const [series] = simulate([{ x: 5, y: 0 }], 60, leak, wind)
    const vol = mgm3ToVolPct(Math.max(...(series ?? [])), gasById('n2').molarMass)
    expect(oxygenAfterDisplacement(vol)).toBeLessThan(19.5)
  })

  it('stops growing once the valve closes and then decays', () => {
    const wind = new Wind(createRng(5), 2, 0)
    const open = new LeakSource({ id: 'A', gas: 'ch4', position: { x: 0, y: 0 }, rate: 0.01, growthPerSec: 0.02, maxRate: 1 })
    const closed = new LeakSource({ id: 'B', gas: 'ch4', position: { x: 0, y: 0 }, rate: 0.01, growthPerSec: 0.02, maxRate: 1 })
    for (let i = 0; i < 60; i++) {
      open.step(0.5, wind)
      closed.step(0.5, wind)
    }
    expect(open.rate).toBeCloseTo(closed.rate)
    closed.closeValve()
    const atClose = closed.rate
    let previous = atClose
    for (let i = 0; i < 120; i++) {
      open.step(0.5, wind)
      closed.step(0.5, wind)
      expect(closed.rate).toBeLessThanOrEqual(previous)
      previous = closed.rate
    }
    expect(open.rate).toBeGreaterThan(atClose * 2)
    expect(closed.rate).toBeLessThan(atClose * 0.1)
  })
})
