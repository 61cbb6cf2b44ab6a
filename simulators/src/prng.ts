/**
 * Seeded pseudo-random numbers, so that a run is reproducible from its seed.
 *
 * mulberry32 (Tommy Ettinger, public domain): a 32-bit state, full period 2^32, good enough
 * for simulation noise and far faster than a cryptographic generator. Gaussian deviates by
 * the Box–Muller transform. Sub-streams are derived by hashing a label with the parent seed
 * (cyrb53-style mixing), so adding a device does not shift every other device's numbers.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  uniform(min: number, max: number): number
  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number
  /** Normal deviate with mean and standard deviation. */
  gaussian(mean?: number, sd?: number): number
  /** Normal deviate clipped at ±limit standard deviations (keeps "quiet" runs provably quiet). */
  truncGaussian(mean: number, sd: number, limit?: number): number
  chance(p: number): boolean
  pick<T>(items: readonly T[]): T
  /** Exponential waiting time with the given mean (a Poisson process's gaps). */
  exponential(mean: number): number
  /** A child stream, independent of the order in which other children are made. */
  fork(label: string | number): Rng
  readonly seed: number
}

/** 53-bit string hash (cyrb53 by bryc, public domain), reduced to 32 bits. */
export function hashSeed(label: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed
  let h2 = 0x41c6ce57 ^ seed
  for (let i = 0; i < label.length; i++) {
    const ch = label.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (h1 ^ h2) >>> 0
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function createRng(seed: number): Rng {
  const base = seed >>> 0
  const next = mulberry32(base)
  let spare: number | undefined
  const standardNormal = (): number => {
    if (spare !== undefined) {
      const s = spare
      spare = undefined
      return s
    }
    // Box–Muller: two uniforms → two independent standard normals.
    let u = next()
    while (u <= Number.EPSILON) u = next()
    const v = next()
    const r = Math.sqrt(-2 * Math.log(u))
    spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }
  const rng: Rng = {
    seed: base,
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    gaussian: (mean = 0, sd = 1) => mean + sd * standardNormal(),
    truncGaussian: (mean, sd, limit = 4) => {
      const z = Math.max(-limit, Math.min(limit, standardNormal()))
      return mean + sd * z
    },
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list')
      return items[Math.floor(next() * items.length)] as T
    },
    exponential: (mean) => {
      let u = next()
      while (u <= Number.EPSILON) u = next()
      return -Math.log(u) * mean
    },
    fork: (label) => createRng(hashSeed(String(label), base)),
  }
  return rng
}

/**
 * Ornstein–Uhlenbeck step, exact for any time step: a value that wanders around `mean` with
 * stationary standard deviation `sd` and correlation time `tauSec`. Used for slow drift.
 */
export function ouStep(rng: Rng, x: number, mean: number, sd: number, tauSec: number, dtSec: number): number {
  if (dtSec <= 0) return x
  const decay = Math.exp(-dtSec / tauSec)
  return mean + (x - mean) * decay + sd * Math.sqrt(1 - decay * decay) * rng.truncGaussian(0, 1)
}
