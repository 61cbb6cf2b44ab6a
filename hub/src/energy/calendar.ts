/**
 * Local calendar of the zone (`Zone.timezone`, Asia/Shanghai by default): hours, days and
 * months as the park's energy managers count them, computed with the platform's IANA time
 * zone data (Intl), so a day runs from local midnight to local midnight. Pure: no clock.
 */
export type Period = 'hour' | 'day' | 'month'

export interface LocalParts {
  year: number
  /** 1–12 */
  month: number
  day: number
  hour: number
  minute: number
  /** 0 = Sunday … 6 = Saturday */
  weekday: number
}

const HOUR = 3_600_000
const MINUTE = 60_000
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 }
const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

export class LocalCalendar {
  private readonly fmt: Intl.DateTimeFormat
  /** Local parts by minute since the epoch (Intl formatting is slow; buckets repeat). */
  private readonly cache = new Map<number, LocalParts>()

  constructor(readonly timezone: string) {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone, hourCycle: 'h23', weekday: 'short',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    })
  }

  /** Local date and time of an instant (to the minute). */
  parts(ts: number): LocalParts {
    const key = Math.floor(ts / MINUTE)
    const hit = this.cache.get(key)
    if (hit) return hit
    const p: Record<string, string> = {}
    for (const x of this.fmt.formatToParts(new Date(key * MINUTE))) p[x.type] = x.value
    const parts: LocalParts = {
      year: Number(p.year), month: Number(p.month), day: Number(p.day),
      hour: Number(p.hour) % 24, minute: Number(p.minute), weekday: WEEKDAYS[p.weekday ?? 'Sun'] ?? 0,
    }
    if (this.cache.size >= 8192) this.cache.clear()
    this.cache.set(key, parts)
    return parts
  }

  /** Offset of local time from UTC at an instant, ms (Asia/Shanghai: +8 h). */
  offsetMs(ts: number): number {
    const p = this.parts(ts)
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute)
    return asUtc - Math.floor(ts / MINUTE) * MINUTE
  }

  /** The instant of a local wall-clock time (month and day may overflow, as with Date.UTC). */
  instant(year: number, month: number, day: number, hour = 0): number {
    const wall = Date.UTC(year, month - 1, day, hour)
    const guess = wall - this.offsetMs(wall)
    return wall - this.offsetMs(guess)
  }

  startOf(period: Period, ts: number): number {
    if (period === 'hour') {
      const off = this.offsetMs(ts)
      return Math.floor((ts + off) / HOUR) * HOUR - off
    }
    const p = this.parts(ts)
    return period === 'day' ? this.instant(p.year, p.month, p.day) : this.instant(p.year, p.month, 1)
  }

  /** Start of the period after the one starting at `start`. */
  next(period: Period, start: number): number {
    if (period === 'hour') return start + HOUR
    const p = this.parts(start)
    return period === 'day' ? this.instant(p.year, p.month, p.day + 1) : this.instant(p.year, p.month + 1, 1)
  }

  /** `YYYY-MM-DD` of the local day containing ts. */
  dayKey(ts: number): string {
    const p = this.parts(ts)
    return `${p.year}-${pad(p.month)}-${pad(p.day)}`
  }

  /** `YYYY-MM` of the local month containing ts. */
  monthKey(ts: number): string {
    const p = this.parts(ts)
    return `${p.year}-${pad(p.month)}`
  }

  /** Local label of a period start: `YYYY-MM-DD HH:00`, `YYYY-MM-DD` or `YYYY-MM`. */
  label(period: Period, start: number): string {
    if (period === 'month') return this.monthKey(start)
    if (period === 'day') return this.dayKey(start)
    return `${this.dayKey(start)} ${pad(this.parts(start).hour)}:00`
  }

  /** Local `YYYY-MM-DD HH:MM` of an instant. */
  minuteLabel(ts: number): string {
    const p = this.parts(ts)
    return `${this.dayKey(ts)} ${pad(p.hour)}:${pad(p.minute)}`
  }

  /** Bounds of a local day given as `YYYY-MM-DD`; undefined when it is not a date. */
  dayBounds(day: string): { start: number; end: number } | undefined {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
    if (!m) return undefined
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
    if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined
    const start = this.instant(y, mo, d)
    if (this.dayKey(start) !== day) return undefined
    return { start, end: this.next('day', start) }
  }

  /** Days in the local month containing ts. */
  daysInMonth(ts: number): number {
    const p = this.parts(ts)
    return new Date(Date.UTC(p.year, p.month, 0)).getUTCDate()
  }

  /**
   * The zone's UTC offset in minutes when it is the same all year (no daylight saving), else
   * undefined. InfluxDB buckets (`GROUP BY time(1d, offset)`) can follow local days only then.
   */
  fixedOffsetMinutes(year = 2025): number | undefined {
    const jan = this.offsetMs(Date.UTC(year, 0, 15)) / MINUTE
    const jul = this.offsetMs(Date.UTC(year, 6, 15)) / MINUTE
    return jan === jul ? jan : undefined
  }
}
