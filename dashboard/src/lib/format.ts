/**
 * Formatting of ages, times and values. Times are shown in the zone's time zone
 * (Asia/Shanghai by default), whatever the browser's own zone.
 */

/** Translation function, as given by the i18n module. */
export type Translate = (key: string, params?: Record<string, string | number>) => string

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai'

/** "刚刚" / "12 秒前" / "3 分钟前" / "2 小时前" / "3 天前" (and English equivalents). */
export function formatAge(ageMs: number, tr: Translate): string {
  const s = Math.max(0, Math.floor(ageMs / 1000))
  if (s < 5) return tr('age.now')
  if (s < 60) return tr('age.seconds', { n: s })
  const m = Math.floor(s / 60)
  if (m < 60) return tr('age.minutes', { n: m })
  const h = Math.floor(m / 60)
  if (h < 48) return tr('age.hours', { n: h })
  return tr('age.days', { n: Math.floor(h / 24) })
}

/** A duration without "ago": "45 秒", "12 分钟", "3 小时 5 分钟". */
export function formatDuration(ms: number, tr: Translate): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return tr('duration.seconds', { n: s })
  const m = Math.floor(s / 60)
  if (m < 60) return tr('duration.minutes', { n: m })
  const h = Math.floor(m / 60)
  if (h < 48) return tr('duration.hoursMinutes', { h, m: m % 60 })
  return tr('duration.days', { n: Math.floor(h / 24) })
}

/**
 * A value is stale when it is older than three reporting intervals, and never sooner than
 * 30 s (telemetry is batched a few times a second; a slow network adds seconds).
 */
export const STALE_MIN_MS = 30_000

export function staleAfterMs(intervalSec: number | undefined): number {
  const i = intervalSec !== undefined && Number.isFinite(intervalSec) && intervalSec > 0 ? intervalSec : 60
  return Math.max(STALE_MIN_MS, 3 * i * 1000)
}

export function isStale(ts: number | null | undefined, now: number, intervalSec: number | undefined): boolean {
  if (ts === null || ts === undefined) return true
  return now - ts > staleAfterMs(intervalSec)
}

export type DateStyle = 'time' | 'datetime' | 'date' | 'short'

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(locale: string, timeZone: string, style: DateStyle): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${style}`
  let f = formatters.get(key)
  if (f === undefined) {
    const base: Intl.DateTimeFormatOptions = { timeZone, hourCycle: 'h23' }
    const opts: Intl.DateTimeFormatOptions =
      style === 'time'
        ? { ...base, hour: '2-digit', minute: '2-digit', second: '2-digit' }
        : style === 'short'
          ? { ...base, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }
          : style === 'date'
            ? { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }
            : { ...base, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }
    f = new Intl.DateTimeFormat(locale, opts)
    formatters.set(key, f)
  }
  return f
}

/** Time of day, date or both, in the zone's time zone. */
export function formatTime(ts: number, locale: string, timeZone: string = DEFAULT_TIME_ZONE, style: DateStyle = 'time'): string {
  if (!Number.isFinite(ts)) return '—'
  return formatter(locale, timeZone, style).format(new Date(ts))
}

const numberFormats = new Map<string, Intl.NumberFormat>()

/** Precision follows magnitude: 0.125, 12.5, 125, 12,500. */
export function formatNumber(value: number | null | undefined, locale: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  const abs = Math.abs(value)
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 1 : abs >= 1 ? 2 : abs === 0 ? 0 : 3
  const key = `${locale}|${digits}`
  let f = numberFormats.get(key)
  if (f === undefined) {
    f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 })
    numberFormats.set(key, f)
  }
  return f.format(value)
}

/** A value with its unit, always: "12.5 %LEL". */
export function formatWithUnit(value: number | null | undefined, unit: string | undefined, locale: string): string {
  const n = formatNumber(value, locale)
  return unit ? `${n} ${unit}` : n
}

/** Percent from a 0–1 share. */
export function formatPercent(share: number | null | undefined, locale: string): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—'
  return `${formatNumber(share * 100, locale)} %`
}
