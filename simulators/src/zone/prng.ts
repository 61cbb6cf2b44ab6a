/**
 * A small seeded pseudo-random generator (mulberry32, public domain, Tommy Ettinger) so
 * that generated zones are reproducible: the same seed gives the same zone. Not for
 * anything secret in production — the hub's own secrets come from node:crypto.
 */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform 32-bit unsigned integer. */
  uint32(): number
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number
  /** Real number in [min, max). */
  range(min: number, max: number): number
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T
  /** n pseudo-random bytes. */
  bytes(n: number): Buffer
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
}

export function createPrng(seed: number): Prng {
  const step = mulberry32(seed)
  const next = (): number => step() / 4294967296
  return {
    next,
    uint32: step,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    range: (min, max) => min + next() * (max - min),
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty array')
      return items[Math.floor(next() * items.length)] as T
    },
    bytes(n) {
      const out = Buffer.alloc(n)
      for (let i = 0; i < n; i += 4) {
        const v = step()
        for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (v >>> (8 * j)) & 0xff
      }
      return out
    },
  }
}
