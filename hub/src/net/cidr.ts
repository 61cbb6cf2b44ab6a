import { isIP } from 'node:net'

/**
 * Address ranges in CIDR notation (RFC 4632 for IPv4, RFC 4291 §2.3 for IPv6), matched
 * against a peer's address as Node reports it. An IPv4 peer seen on a dual-stack socket as
 * `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2) matches the IPv4 range.
 */
export class CidrList {
  private constructor(private readonly ranges: { v6: boolean; bits: bigint; mask: bigint }[], readonly text: string[]) {}

  static readonly EMPTY = new CidrList([], [])

  /** Parses `10.0.0.0/8, 192.0.2.7, ::1/128`; throws on a malformed entry, naming it. */
  static parse(list: string): CidrList {
    const text = list.split(',').map((s) => s.trim()).filter((s) => s !== '')
    return new CidrList(text.map(parseRange), text)
  }

  get size(): number {
    return this.ranges.length
  }

  has(address: string | undefined): boolean {
    if (!address || this.ranges.length === 0) return false
    const a = toBits(address)
    if (!a) return false
    for (const r of this.ranges) if (r.v6 === a.v6 && (a.bits & r.mask) === r.bits) return true
    return false
  }
}

function parseRange(entry: string): { v6: boolean; bits: bigint; mask: bigint } {
  const [addr, len, extra] = entry.split('/')
  const a = addr !== undefined && extra === undefined ? toBits(addr) : undefined
  if (!a) throw new Error(`not an address range: ${JSON.stringify(entry)}`)
  const width = a.v6 ? 128 : 32
  const prefix = len === undefined ? width : Number(len)
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > width || (len !== undefined && !/^\d+$/.test(len))) throw new Error(`bad prefix length in ${JSON.stringify(entry)}`)
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix)
  return { v6: a.v6, bits: a.bits & mask, mask }
}

/** The address as a number; a v4-mapped IPv6 address as its IPv4 one. */
function toBits(address: string): { v6: boolean; bits: bigint } | undefined {
  let a = address.trim()
  const zone = a.indexOf('%')
  if (zone >= 0) a = a.slice(0, zone)
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a)
  if (mapped) a = mapped[1]!
  const kind = isIP(a)
  if (kind === 4) return { v6: false, bits: a.split('.').reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n) }
  if (kind !== 6) return undefined
  let groups: string[]
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(a)
  if (dotted) {
    const v4 = dotted[1]!.split('.').map(Number)
    a = `${a.slice(0, -dotted[1]!.length)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`
  }
  const [head, tail] = a.split('::')
  if (tail !== undefined) {
    const h = head ? head.split(':') : []
    const t = tail ? tail.split(':') : []
    groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
  } else groups = a.split(':')
  return { v6: true, bits: groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n) }
}

/** The canonical text of an address for counting per address (`::ffff:a.b.c.d` → `a.b.c.d`). */
export function addressKey(address: string | undefined): string {
  if (!address) return ''
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return mapped ? mapped[1]! : address
}
