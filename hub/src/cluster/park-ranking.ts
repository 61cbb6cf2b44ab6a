import { createHash } from 'node:crypto'

// Which node a free park goes to: park-ownership.ts claims in this order.

/** Live nodes in the order a park prefers them (rendezvous / highest-random-weight hashing). */
export function rankNodes(park: string, nodes: readonly string[]): string[] {
  const score = (n: string) => createHash('sha256').update(`${park}\n${n}`).digest().readUIntBE(0, 6)
  return nodes
    .map((n) => ({ n, s: score(n) }))
    .sort((a, b) => b.s - a.s || (a.n < b.n ? -1 : 1))
    .map((x) => x.n)
}

/**
 * A free park's order of claim: its last owner first when it is among the nodes ranked, then
 * the rendezvous ranking. When a NATS election lets every lease lapse at once, each park goes
 * back to the node that held it, not to the node it ranks first for (which it may not have been
 * on: a node that joined later, an operator's move, a failover) — no churn (docs/cluster.md).
 */
export function preferLastOwner(ranked: readonly string[], last: string | undefined): string[] {
  return last !== undefined && ranked.includes(last) ? [last, ...ranked.filter((n) => n !== last)] : [...ranked]
}
