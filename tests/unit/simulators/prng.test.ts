import { describe, expect, it } from 'vitest'
import { createRng, hashSeed, ouStep } from '../../../simulators/src/prng.js'

describe('seeded PRNG', () => {
  it('gives the same numbers for the same seed and different ones for another', () => {
    const a = createRng(42)
    const b = createRng(42)
    const c = createRng(43)
    const xs = Array.from({ length: 20 }, () => a.next())
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(xs)
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(xs)
    for (const x of xs) expect(x).toBeGreaterThanOrEqual(0)
    for (const x of xs) expect(x).toBeLessThan(1)
  })

  it('forks independent streams that do not depend on the order they are made in', () => {
    const r1 = createRng(7)
    const first = r1.fork('device:a').next()
    const r2 = createRng(7)
    r2.fork('device:b').next()
    expect(r2.fork('device:a').next()).toBe(first)
    expect(hashSeed('x', 1)).not.toBe(hashSeed('x', 2))
  })

  it('draws Gaussian deviates with the asked mean and spread', () => {
    const r = createRng(1)
    const n = 20_000
    const xs = Array.from({ length: n }, () => r.gaussian(10, 2))
    const mean = xs.reduce((s, x) => s + x, 0) / n
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n)
    expect(mean).toBeCloseTo(10, 1)
    expect(sd).toBeCloseTo(2, 1)
    const t = Array.from({ length: n }, () => r.truncGaussian(0, 1, 3))
    expect(Math.max(...t.map(Math.abs))).toBeLessThanOrEqual(3)
  })

  it('keeps an Ornstein–Uhlenbeck drift around its mean', () => {
    const r = createRng(3)
    let x = 5
    const xs: number[] = []
    for (let i = 0; i < 5000; i++) xs.push((x = ouStep(r, x, 1, 0.1, 600, 60)))
    const mean = xs.slice(500).reduce((s, v) => s + v, 0) / (xs.length - 500)
    expect(mean).toBeCloseTo(1, 1)
  })
})
