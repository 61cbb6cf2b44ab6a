import { describe, expect, it } from 'vitest'
import { concentration, toPlumeFrame } from '../../../hub/src/hazard/dispersion.js'
import { fitSource, PLACEMENT_DISTANCE_M, type DetectorReading } from '../../../hub/src/hazard/fit.js'

const W = { u: 2.5, stability: 'D' as const, terrain: 'urban' as const }
const FROM = 300 // wind from the west-north-west

/** What detectors at these points read for a source of rate q at `src`. */
function synthetic(q: number, src: { x: number; y: number }, points: { x: number; y: number }[], noise: number[] = []): DetectorReading[] {
  return points.map((position, i) => {
    const p = toPlumeFrame(position, src, FROM)
    return { device: `d${i}`, position, value: concentration(q, p.x, p.y, W) * (1 + (noise[i] ?? 0)), alarming: true }
  })
}

describe('source fit', () => {
  it('recovers a known release rate from synthetic readings', () => {
    const src = { x: 200, y: 300 }
    // Detectors downwind (toward the east-south-east), at 10–60 m, and two off the plume reading ~0.
    const rad = (FROM * Math.PI) / 180
    const dw = { x: -Math.sin(rad), y: Math.cos(rad) }
    const at = (r: number, c: number): { x: number; y: number } => ({ x: src.x + dw.x * r - dw.y * c, y: src.y + dw.y * r + dw.x * c })
    const readings = synthetic(5000, src, [at(7, 0), at(15, 2), at(32, -4), at(60, 5), at(20, 40), at(-30, 0)])
    const fit = fitSource(readings, FROM, W, PLACEMENT_DISTANCE_M.toxic)!
    expect(fit.oneDetector).toBe(false)
    expect(fit.rate / 5000).toBeGreaterThan(0.8)
    expect(fit.rate / 5000).toBeLessThan(1.25)
    expect(Math.hypot(fit.source.x - src.x, fit.source.y - src.y)).toBeLessThan(5)
    expect(fit.rateLow).toBeLessThanOrEqual(fit.rate / 2)
    expect(fit.rateHigh).toBeGreaterThanOrEqual(fit.rate * 2)
    expect(fit.relativeResidual).toBeLessThan(0.01)
  })

  it('with noisy readings the true rate stays within the bounds', () => {
    const src = { x: 0, y: 0 }
    const rad = (FROM * Math.PI) / 180
    const dw = { x: -Math.sin(rad), y: Math.cos(rad) }
    const pts = [5, 12, 25, 45].map((r) => ({ x: dw.x * r, y: dw.y * r }))
    const fit = fitSource(synthetic(800, src, pts, [0.2, -0.15, 0.1, -0.2]), FROM, W, PLACEMENT_DISTANCE_M.toxic)!
    expect(fit.rateLow).toBeLessThan(800)
    expect(fit.rateHigh).toBeGreaterThan(800)
  })

  it('one detector: the source at the standard\'s placement distance upwind, bounds ×/÷ 3', () => {
    const fit = fitSource([{ device: 'a', position: { x: 50, y: 50 }, value: 3, alarming: true }, { device: 'b', position: { x: 400, y: 400 }, value: 0, alarming: false }], 0, W, PLACEMENT_DISTANCE_M.toxic)!
    expect(fit.oneDetector).toBe(true)
    // Wind from the north: the source 4 m north of the detector (−y on the plan).
    expect(fit.source.x).toBeCloseTo(50, 6)
    expect(fit.source.y).toBeCloseTo(46, 6)
    expect(fit.fitted[0]).toBeCloseTo(3, 6)
    expect(fit.rateHigh / fit.rate).toBeCloseTo(3, 9)
    expect(fit.rate / fit.rateLow).toBeCloseTo(3, 9)
  })

  it('nothing to fit when no detector reads the gas', () => {
    expect(fitSource([{ device: 'a', position: { x: 0, y: 0 }, value: 0, alarming: false }], 0, W, 4)).toBeUndefined()
    expect(fitSource([], 0, W, 4)).toBeUndefined()
  })
})
