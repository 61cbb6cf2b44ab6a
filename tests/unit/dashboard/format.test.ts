import { describe, expect, it } from 'vitest'
import { formatAge, formatDuration, formatNumber, formatTime, formatWithUnit, isStale, staleAfterMs } from '../../../dashboard/src/lib/format.js'
import { en } from '../../../dashboard/src/lib/i18n/en.js'
import { translate } from '../../../dashboard/src/lib/i18n/translate.js'
import { zhCN } from '../../../dashboard/src/lib/i18n/zh-CN.js'

const zh = (k: string, p?: Record<string, string | number>) => translate(zhCN, k, p)
const english = (k: string, p?: Record<string, string | number>) => translate(en, k, p)

describe('age formatting', () => {
  it.each([
    [0, '刚刚', 'just now'],
    [4_999, '刚刚', 'just now'],
    [12_000, '12 秒前', '12 s ago'],
    [59_999, '59 秒前', '59 s ago'],
    [60_000, '1 分钟前', '1 min ago'],
    [3_599_000, '59 分钟前', '59 min ago'],
    [2 * 3_600_000, '2 小时前', '2 h ago'],
    [47 * 3_600_000, '47 小时前', '47 h ago'],
    [3 * 86_400_000, '3 天前', '3 d ago'],
  ])('%i ms → %s / %s', (ms, zhText, enText) => {
    expect(formatAge(ms, zh)).toBe(zhText)
    expect(formatAge(ms, english)).toBe(enText)
  })
  it('treats a timestamp from the future (clock skew) as now', () => {
    expect(formatAge(-5_000, zh)).toBe('刚刚')
  })
  it('formats durations without "ago"', () => {
    expect(formatDuration(45_000, zh)).toBe('45 秒')
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000, english)).toBe('3 h 5 min')
  })
})

describe('staleness', () => {
  it('is three reporting intervals, never under 30 s', () => {
    expect(staleAfterMs(5)).toBe(30_000)
    expect(staleAfterMs(60)).toBe(180_000)
    expect(staleAfterMs(undefined)).toBe(180_000)
  })
  it('flags old and missing values', () => {
    expect(isStale(1_000, 20_000, 5)).toBe(false)
    expect(isStale(1_000, 40_000, 5)).toBe(true)
    expect(isStale(null, 40_000, 5)).toBe(true)
  })
})

describe('times in the zone time zone', () => {
  // 2025-01-01T00:00:00Z is 08:00 in Asia/Shanghai, whatever the machine's own zone.
  const ts = Date.UTC(2025, 0, 1, 0, 0, 0)
  it('shows Asia/Shanghai wall time, 24-hour', () => {
    expect(formatTime(ts, 'zh-CN', 'Asia/Shanghai')).toBe('08:00:00')
    expect(formatTime(ts, 'en-GB', 'Asia/Shanghai')).toBe('08:00:00')
    expect(formatTime(ts + 14 * 3_600_000, 'en-GB', 'Asia/Shanghai')).toBe('22:00:00')
  })
  it('includes the local date', () => {
    expect(formatTime(ts - 3_600_000, 'en-GB', 'Asia/Shanghai', 'datetime')).toContain('2025')
    expect(formatTime(Date.UTC(2024, 11, 31, 20), 'zh-CN', 'Asia/Shanghai', 'date')).toBe('2025/01/01')
  })
})

describe('numbers with units', () => {
  it('chooses precision by magnitude', () => {
    expect(formatNumber(0.1234, 'en-GB')).toBe('0.123')
    expect(formatNumber(12.345, 'en-GB')).toBe('12.3')
    expect(formatNumber(12_345.6, 'en-GB')).toBe('12,346')
    expect(formatNumber(0, 'en-GB')).toBe('0')
    expect(formatNumber(null, 'en-GB')).toBe('—')
    expect(formatNumber(Number.NaN, 'en-GB')).toBe('—')
  })
  it('always carries the unit', () => {
    expect(formatWithUnit(12.5, '%LEL', 'zh-CN')).toBe('12.5 %LEL')
    expect(formatWithUnit(undefined, 'mg/m³', 'zh-CN')).toBe('— mg/m³')
  })
})
