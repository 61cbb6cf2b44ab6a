/**
 * Packets the hub (forwarding upstream) and the simulated data loggers send: a data command's
 * CP from pollutant groups, split into several packets (PNUM/PNO, Flag D bit) when one would
 * exceed the data-segment size the receiver takes (HJ 212-2017 §6.3.2: 1024 bytes), and
 * request numbers (QN) that never repeat from one sender.
 */
import { buildDataSegment, formatDataTime } from './packet.js'

/** Flag's edition bits V5..V0 = 000001: HJ 212-2017 (table 3), shifted past D and A. */
export const FLAG_2017 = 1 << 2
export const FLAG_ANSWER = 1
export const FLAG_SPLIT = 2

/** A pollutant group: code and its suffixed values, e.g. ['a21026', [['Rtd', '12.3'], ['Flag', 'N']]]. */
export type PollutantGroup = readonly [code: string, items: readonly (readonly [suffix: string, value: string])[]]

export interface DataPacketSpec {
  qn: string
  st: string
  cn: string
  mn: string
  /** Empty when the PW is put in at send time. */
  pw: string
  /** 14 (or 17) digits. */
  dataTime: string
  groups: readonly PollutantGroup[]
  /** Ask the receiver for a 9014 data answer. */
  answer: boolean
}

const groupText = ([code, items]: PollutantGroup): string => items.map(([s, v]) => `${code}-${s}=${v}`).join(',')

/**
 * The data segments of one data command: one, or when it would be longer than
 * `maxDataBytes`, as many as it takes, each with DataTime and whole pollutant groups.
 */
export function dataSegments(p: DataPacketSpec, maxDataBytes = 1024): string[] {
  const head = `DataTime=${p.dataTime}`
  const texts = p.groups.map(groupText)
  const one = [head, ...texts].join(';')
  const flag = FLAG_2017 | (p.answer ? FLAG_ANSWER : 0)
  const whole = buildDataSegment({ qn: p.qn, st: p.st, cn: p.cn, pw: p.pw, mn: p.mn, flag, cp: one })
  if (Buffer.byteLength(whole) <= maxDataBytes || texts.length <= 1) return [whole]
  // Room for the CP in each piece: the header with the widest PNUM/PNO it can need.
  const overhead = Buffer.byteLength(buildDataSegment({ qn: p.qn, st: p.st, cn: p.cn, pw: p.pw, mn: p.mn, flag: flag | FLAG_SPLIT, pnum: 9999, pno: 9999, cp: head })) + 1
  const room = Math.max(64, maxDataBytes - overhead)
  const pieces: string[][] = []
  let cur: string[] = []
  let size = 0
  for (const t of texts) {
    const add = Buffer.byteLength(t) + 1
    if (cur.length > 0 && size + add > room) {
      pieces.push(cur)
      cur = []
      size = 0
    }
    cur.push(t)
    size += add
  }
  if (cur.length > 0) pieces.push(cur)
  return pieces.map((items, i) =>
    buildDataSegment({ qn: p.qn, st: p.st, cn: p.cn, pw: p.pw, mn: p.mn, flag: flag | FLAG_SPLIT, pnum: pieces.length, pno: i + 1, cp: [head, ...items].join(';') }),
  )
}

/** Request numbers (QN, 17 digits of the zone's wall-clock time with ms) that only go up. */
export class QnSource {
  private last = 0
  constructor(private readonly timeZone: string, private readonly clock: () => number = Date.now) {}

  next(): string {
    const t = Math.max(this.clock(), this.last + 1)
    this.last = t
    return formatDataTime(t, this.timeZone, true)
  }
}

/** Between the pieces of one split packet kept as one line (ASCII RS: never in a data segment). */
export const PIECE_SEPARATOR = '\x1e'

/** Puts the PW into a data segment stored without it (`PW=;`). */
export function withPw(segment: string, pw: string): string {
  return segment.replace(/(^|;)PW=[^;]*;/, `$1PW=${pw};`)
}
