/**
 * Split packets (HJ 212-2017 §6.3.3, table 3: Flag's D bit, PNUM = number of parts, PNO = this
 * part, 1-based): the parts share MN, CN and QN; their CP items are joined in PNO order.
 * Unfinished groups expire; memory is bounded by maxGroups and maxParts.
 */
import { flagBits, type Hj212Packet } from './packet.js'

interface Group {
  first: number
  pnum: number
  parts: (Hj212Packet | undefined)[]
  have: number
}

export class SplitAssembler {
  private readonly groups = new Map<string, Group>()
  private readonly timeoutMs: number
  private readonly maxGroups: number
  private readonly maxParts: number
  /** Parts refused (PNO outside 1..PNUM, PNUM over maxParts, table full). */
  refused = 0

  constructor(o?: { timeoutMs?: number; maxGroups?: number; maxParts?: number }) {
    this.timeoutMs = o?.timeoutMs ?? 120_000
    this.maxGroups = o?.maxGroups ?? 1000
    this.maxParts = o?.maxParts ?? 1000
  }

  get pendingGroups(): number {
    return this.groups.size
  }

  /** A whole packet as is; a part → undefined until the last part completes the packet. */
  add(p: Hj212Packet, now: number): Hj212Packet | undefined {
    if (!flagBits(p.flag).split && p.pnum === undefined) return p
    const pnum = p.pnum ?? 1
    const pno = p.pno ?? 1
    if (pnum <= 1 && pno <= 1) return p
    if (pnum > this.maxParts || pno < 1 || pno > pnum) {
      this.refused++
      return undefined
    }
    const key = `${p.mn ?? ''}|${p.cn}|${p.qn ?? ''}|${pnum}`
    let g = this.groups.get(key)
    if (!g) {
      if (this.groups.size >= this.maxGroups) {
        this.refused++
        return undefined
      }
      g = { first: now, pnum, parts: new Array<Hj212Packet | undefined>(pnum).fill(undefined), have: 0 }
      this.groups.set(key, g)
    }
    if (!g.parts[pno - 1]) g.have++
    g.parts[pno - 1] = p
    if (g.have < g.pnum) return undefined
    this.groups.delete(key)
    return merge(g.parts as Hj212Packet[])
  }

  /** Drops groups older than the timeout; returns how many. */
  expire(now: number): number {
    let n = 0
    for (const [key, g] of this.groups) {
      if (now - g.first >= this.timeoutMs) {
        this.groups.delete(key)
        n++
      }
    }
    return n
  }
}

function merge(parts: Hj212Packet[]): Hj212Packet {
  const head = parts[0]!
  const fields = new Map<string, string>()
  const pollutants = new Map<string, Map<string, string>>()
  let dataTime: string | undefined
  for (const part of parts) {
    for (const [k, v] of part.cp.fields) fields.set(k, v)
    dataTime ??= part.cp.dataTime
    for (const [code, group] of part.cp.pollutants) {
      const into = pollutants.get(code) ?? new Map<string, string>()
      for (const [s, v] of group) into.set(s, v)
      pollutants.set(code, into)
    }
  }
  const merged: Hj212Packet = {
    ...head,
    cp: { fields, pollutants, ...(dataTime !== undefined ? { dataTime } : {}) },
    raw: parts.map((x) => x.raw).join('\n'),
  }
  delete merged.pnum
  delete merged.pno
  return merged
}
