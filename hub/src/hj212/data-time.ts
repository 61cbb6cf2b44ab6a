/**
 * HJ 212 times (QN, DataTime): `yyyyMMddHHmmss` or, as some loggers send, `yyyyMMddHHmmssSSS`
 * (HJ 212-2017 §6.3.3, table 4), wall-clock time of the zone's time zone (IANA, via Intl).
 */
const fmtCache = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = fmtCache.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    })
    fmtCache.set(timeZone, f)
  }
  return f
}

interface Wall { y: number; mo: number; d: number; h: number; mi: number; s: number }

function wallAt(ms: number, timeZone: string): Wall {
  const p: Record<string, number> = {}
  for (const x of formatter(timeZone).formatToParts(new Date(ms))) if (x.type !== 'literal') p[x.type] = Number(x.value)
  return { y: p.year!, mo: p.month!, d: p.day!, h: p.hour! % 24, mi: p.minute!, s: p.second! }
}

/**
 * Offsets by zone and quarter hour: Intl is slow (tens of µs a call) and every packet has a
 * time. A zone's offset changes only at its transitions, which fall on quarter hours in the
 * IANA data in use (whole and half hours; Nepal's +05:45 is a fixed offset).
 */
const QUARTER_HOUR = 900_000
const offsets = new Map<string, Map<number, number>>()

/** Offset of the zone from UTC at an instant, ms (Asia/Shanghai: +8 h). */
function offsetAt(ms: number, timeZone: string): number {
  let byQuarter = offsets.get(timeZone)
  if (!byQuarter) offsets.set(timeZone, (byQuarter = new Map()))
  const q = Math.floor(ms / QUARTER_HOUR)
  const hit = byQuarter.get(q)
  if (hit !== undefined) return hit
  const at = q * QUARTER_HOUR
  const w = wallAt(at, timeZone)
  const off = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - at
  if (byQuarter.size >= 20_000) byQuarter.clear()
  byQuarter.set(q, off)
  return off
}

/** 14 or 17 digits in the zone's time zone → epoch ms; undefined when not a real time. */
export function parseDataTime(s: string, timeZone: string): number | undefined {
  if (!/^\d{14}(\d{3})?$/.test(s)) return undefined
  const y = Number(s.slice(0, 4)), mo = Number(s.slice(4, 6)), d = Number(s.slice(6, 8))
  const h = Number(s.slice(8, 10)), mi = Number(s.slice(10, 12)), sec = Number(s.slice(12, 14))
  const milli = s.length === 17 ? Number(s.slice(14)) : 0
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return undefined
  const wall = Date.UTC(y, mo - 1, d, h, mi, sec, milli)
  const check = new Date(wall)
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return undefined // 31 April
  const guess = wall - offsetAt(wall, timeZone)
  return wall - offsetAt(guess, timeZone)
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

/** Epoch ms → 14 digits (17 with milliseconds) in the zone's time zone. */
export function formatDataTime(ms: number, timeZone: string, withMillis = false): string {
  const w = new Date(ms + offsetAt(ms, timeZone))
  const base = `${pad(w.getUTCFullYear(), 4)}${pad(w.getUTCMonth() + 1)}${pad(w.getUTCDate())}${pad(w.getUTCHours())}${pad(w.getUTCMinutes())}${pad(w.getUTCSeconds())}`
  return withMillis ? base + pad(w.getUTCMilliseconds(), 3) : base
}
