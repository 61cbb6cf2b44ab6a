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

/** Offset of the zone from UTC at an instant, ms (Asia/Shanghai: +8 h). */
function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000
  const w = wallAt(whole, timeZone)
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - whole
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
  const w = wallAt(ms, timeZone)
  const base = `${pad(w.y, 4)}${pad(w.mo)}${pad(w.d)}${pad(w.h)}${pad(w.mi)}${pad(w.s)}`
  return withMillis ? base + pad(((ms % 1000) + 1000) % 1000, 3) : base
}
