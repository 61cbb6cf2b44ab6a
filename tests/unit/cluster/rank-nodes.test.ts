import { describe, expect, it } from 'vitest'
import { preferLastOwner, rankNodes } from '../../../hub/src/cluster/park-ranking.js'

/** Rendezvous ranking (park-ownership.ts): what spreads parks over nodes and picks who takes over. */
describe('rankNodes', () => {
  const parks = Array.from({ length: 3000 }, (_, i) => `park-${i}`)
  const nodes = ['hub-a', 'hub-b', 'hub-c']

  it('is the same on every node whatever order it lists the nodes in', () => {
    for (const p of parks.slice(0, 50)) expect(rankNodes(p, ['hub-c', 'hub-a', 'hub-b'])).toEqual(rankNodes(p, nodes))
  })

  it('spreads parks about evenly: each of 3 nodes first for 30 – 37 % of 3,000 parks', () => {
    const first = new Map<string, number>()
    for (const p of parks) {
      const n = rankNodes(p, nodes)[0]!
      first.set(n, (first.get(n) ?? 0) + 1)
    }
    for (const n of nodes) {
      const share = (first.get(n) ?? 0) / parks.length
      expect(share, n).toBeGreaterThan(0.3)
      expect(share, n).toBeLessThan(0.37)
    }
  })

  it("a node leaving moves only that node's parks, each to the node it ranked second", () => {
    for (const p of parks) {
      const all = rankNodes(p, nodes)
      const without = rankNodes(p, ['hub-a', 'hub-b'])
      if (all[0] !== 'hub-c') expect(without[0], p).toBe(all[0])
      else expect(without[0], p).toBe(all[1])
    }
  })

  it('a free park goes to its last owner first when that one is ranked, else by rank', () => {
    const ranked = rankNodes('park-7', nodes)
    const last = ranked[2]!
    expect(preferLastOwner(ranked, last)).toEqual([last, ranked[0], ranked[1]])
    expect(preferLastOwner(ranked, ranked[0])).toEqual(ranked)
    // The last owner is gone from the roster (killed): the ranking as it is.
    expect(preferLastOwner(ranked, 'hub-z')).toEqual(ranked)
    expect(preferLastOwner(ranked, undefined)).toEqual(ranked)
  })
})
