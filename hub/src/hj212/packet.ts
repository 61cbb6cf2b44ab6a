/**
 * The HJ 212-2017 data segment (HJ 212-2017 §6.3.3, tables 3–5):
 * `QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;PNUM=…;PNO=…;CP=&&…&&`. Inside CP, items `key=value`
 * are separated by `;` (between groups) and `,` (within a group); a key `code-Suffix`
 * (a21026-Rtd, 011-Flag; the suffix after the last dash) belongs to a pollutant, any other key
 * (DataTime, RtdInterval) is a field.
 */
export { formatDataTime, parseDataTime } from './data-time.js'

export interface Hj212Packet {
  qn?: string
  st?: string
  cn: string
  pw?: string
  mn?: string
  flag?: number
  pnum?: number
  pno?: number
  cp: Hj212Cp
  raw: string
}

export interface Hj212Cp {
  /** DataTime as sent (14 or 17 digits). */
  dataTime?: string
  /** Items outside pollutant groups (DataTime, RtdInterval, …). */
  fields: Map<string, string>
  /** code → suffix (Rtd, Avg, Min, Max, Cou, ZsRtd, ZsAvg, Flag, …) → raw text. */
  pollutants: Map<string, Map<string, string>>
}

export type ParseResult = { ok: true; packet: Hj212Packet } | { ok: false; reason: string }

/** Why a data segment was refused (counted by reason). */
export const PARSE_REJECTS = ['no_cp', 'cp_unterminated', 'cp_item', 'header_item', 'no_cn', 'bad_cn', 'bad_flag', 'bad_pnum'] as const

const CP_OPEN = 'CP=&&'
const CP_CLOSE = '&&'

export function parseDataSegment(data: string): ParseResult {
  const cpAt = data.indexOf(CP_OPEN)
  if (cpAt < 0) return { ok: false, reason: 'no_cp' }
  const cpEnd = data.lastIndexOf(CP_CLOSE)
  if (cpEnd < cpAt + CP_OPEN.length) return { ok: false, reason: 'cp_unterminated' }
  const header = new Map<string, string>()
  for (const item of data.slice(0, cpAt).split(';')) {
    if (item === '') continue
    const eq = item.indexOf('=')
    if (eq <= 0) return { ok: false, reason: 'header_item' }
    header.set(item.slice(0, eq), item.slice(eq + 1))
  }
  const cn = header.get('CN')
  if (cn === undefined) return { ok: false, reason: 'no_cn' }
  if (!/^\d{1,7}$/.test(cn)) return { ok: false, reason: 'bad_cn' }
  const flag = optionalInt(header.get('Flag'))
  if (flag === null || (flag !== undefined && flag > 255)) return { ok: false, reason: 'bad_flag' }
  const pnum = optionalInt(header.get('PNUM'))
  const pno = optionalInt(header.get('PNO'))
  if (pnum === null || pno === null) return { ok: false, reason: 'bad_pnum' }
  const cp: Hj212Cp = { fields: new Map(), pollutants: new Map() }
  const body = data.slice(cpAt + CP_OPEN.length, cpEnd)
  for (const item of body.split(/[;,]/)) {
    if (item === '') continue
    const eq = item.indexOf('=')
    if (eq <= 0) return { ok: false, reason: 'cp_item' }
    const key = item.slice(0, eq)
    const value = item.slice(eq + 1)
    // The suffix is after the last dash: vendor codes may hold one (`Nh3-scr-Rtd`, a Fujian CEMS).
    const dash = key.lastIndexOf('-')
    if (dash > 0 && dash < key.length - 1) {
      const code = key.slice(0, dash)
      let group = cp.pollutants.get(code)
      if (!group) cp.pollutants.set(code, (group = new Map()))
      const suffix = key.slice(dash + 1)
      // A suffix sent twice keeps its first value: a logger seen sending w00000-Avg as the
      // flow, then again as its totaliser's reading (tests/unit/hj212/third-party-packets).
      if (!group.has(suffix)) group.set(suffix, value)
    } else {
      cp.fields.set(key, value)
      if (key === 'DataTime') cp.dataTime = value
    }
  }
  const packet: Hj212Packet = { cn, cp, raw: data }
  const put = <K extends 'qn' | 'st' | 'pw' | 'mn'>(k: K, v: string | undefined): void => {
    if (v !== undefined) packet[k] = v
  }
  put('qn', header.get('QN'))
  put('st', header.get('ST'))
  put('pw', header.get('PW'))
  put('mn', header.get('MN'))
  if (flag !== undefined) packet.flag = flag
  if (pnum !== undefined) packet.pnum = pnum
  if (pno !== undefined) packet.pno = pno
  return { ok: true, packet }
}

/** undefined when absent, null when not a non-negative integer. */
function optionalInt(s: string | undefined): number | undefined | null {
  if (s === undefined || s === '') return undefined
  return /^\d{1,9}$/.test(s) ? Number(s) : null
}

/** The data segment in the standard's order (HJ 212-2017 table 3); `cp` is what goes between the `&&`. */
export function buildDataSegment(p: {
  qn?: string; st?: string; cn: string; pw?: string; mn?: string; flag?: number; pnum?: number; pno?: number; cp: string
}): string {
  const parts: string[] = []
  if (p.qn !== undefined) parts.push(`QN=${p.qn}`)
  if (p.st !== undefined) parts.push(`ST=${p.st}`)
  parts.push(`CN=${p.cn}`)
  if (p.pw !== undefined) parts.push(`PW=${p.pw}`)
  if (p.mn !== undefined) parts.push(`MN=${p.mn}`)
  if (p.flag !== undefined) parts.push(`Flag=${p.flag}`)
  if (p.pnum !== undefined) parts.push(`PNUM=${p.pnum}`)
  if (p.pno !== undefined) parts.push(`PNO=${p.pno}`)
  parts.push(`CP=&&${p.cp}&&`)
  return parts.join(';')
}

/**
 * The Flag's bits `V5 V4 V3 V2 V1 V0 D A` (HJ 212-2017 table 3): A (bit 0) = an answer is
 * required, D (bit 1) = split packet with PNUM/PNO, V = the edition (000001 = 2017).
 */
export function flagBits(flag: number | undefined): { answer: boolean; split: boolean; version: number } {
  const f = flag ?? 0
  return { answer: (f & 1) === 1, split: (f & 2) === 2, version: f >> 2 }
}
