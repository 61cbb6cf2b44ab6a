import { describe, expect, it } from 'vitest'
import { ExceedanceMonitor, LOGGER_HOUR_WAIT_MS } from '../../../hub/src/emissions/exceedance-monitor.js'
import type { StackInfo } from '../../../hub/src/emissions/hourly.js'
import { H0, HOUR, hourOfSamples, stack } from './fixtures.js'

/** SO2 at 9 % O2: 20 → 25 corrected at 6 % (limit 35), 40 → 50 (above). */
const hourAt = (mon: ExceedanceMonitor, s: StackInfo, start: number, so2: number) => {
  const out = []
  for (const r of hourOfSamples(start, () => ({ values: { so2, o2: 9 } }))) out.push(...mon.onReading(r, s))
  return out
}
const close = (mon: ExceedanceMonitor, s: StackInfo, next: number) => mon.onReading({ ...hourOfSamples(next, () => ({ values: { so2: 20, o2: 9 } }))[0]! }, s)
const kinds = (ts: { kind: string; metric: string | undefined; value: number | undefined }[]) => ts.map((t) => [t.kind, t.metric, t.value])

describe('a stack judged by its HJ 212 logger (hourly authority logger)', () => {
  const byLogger = stack({ logger: true })

  it('holds the hub’s hour for the logger’s 2061 and judges on the logger’s value', () => {
    const mon = new ExceedanceMonitor()
    hourAt(mon, byLogger, H0, 40) // the hub: 50 > 35
    expect(close(mon, byLogger, H0 + HOUR)).toEqual([]) // held, not judged
    const t = mon.onLoggerHour(byLogger, H0, { so2: { avg: 20, zsAvg: 25, flag: 'N' }, o2: { avg: 9 } })
    expect(kinds(t)).toEqual([['clear', 'so2', 25]]) // the logger's 25 counts: no alarm
  })
  it('raises on the logger’s value where the hub’s hour is within, saying so', () => {
    const mon = new ExceedanceMonitor()
    hourAt(mon, byLogger, H0, 20)
    close(mon, byLogger, H0 + HOUR)
    const t = mon.onLoggerHour(byLogger, H0, { so2: { avg: 40, zsAvg: 50 }, o2: { avg: 9 } })
    expect(kinds(t)).toEqual([['activate', 'so2', 50]])
    expect(t[0]!.message).toContain('数采仪小时数据')
    expect(t[0]!.message).toContain('(the logger’s hourly data)')
    expect(t[0]!.ts).toBe(H0 + HOUR)
  })
  it('falls back to the hub’s hour when no 2061 comes within the wait, and a late or older 2061 changes nothing older', () => {
    const mon = new ExceedanceMonitor()
    hourAt(mon, byLogger, H0, 40)
    close(mon, byLogger, H0 + HOUR)
    expect(mon.tick(H0 + HOUR + LOGGER_HOUR_WAIT_MS - 1)).toEqual([])
    expect(kinds(mon.tick(H0 + HOUR + LOGGER_HOUR_WAIT_MS))).toEqual([['activate', 'so2', 50]])
    // The next hour's 2061 is judged; then a resent older one is not.
    expect(kinds(mon.onLoggerHour(byLogger, H0 + HOUR, { so2: { avg: 20, zsAvg: 25 }, o2: { avg: 9 } }))).toEqual([['clear', 'so2', 25]])
    expect(mon.onLoggerHour(byLogger, H0, { so2: { avg: 40, zsAvg: 50 }, o2: { avg: 9 } })).toEqual([])
  })
  it('takes the hub’s value for a pollutant the logger did not send', () => {
    const mon = new ExceedanceMonitor()
    hourAt(mon, byLogger, H0, 40)
    close(mon, byLogger, H0 + HOUR)
    expect(kinds(mon.onLoggerHour(byLogger, H0, { nox: { avg: 20, zsAvg: 25 }, o2: { avg: 9 } }))).toEqual([['activate', 'so2', 50], ['clear', 'nox', 25]])
  })
  it('drops the hub’s hour when the 2061 came first', () => {
    const mon = new ExceedanceMonitor()
    hourAt(mon, byLogger, H0, 40)
    expect(kinds(mon.onLoggerHour(byLogger, H0, { so2: { avg: 20, zsAvg: 25 }, o2: { avg: 9 } }))).toEqual([['clear', 'so2', 25]])
    expect(close(mon, byLogger, H0 + HOUR)).toEqual([])
    expect(mon.tick(H0 + 3 * HOUR)).toEqual([])
  })
})

describe('stacks judged by the hub', () => {
  it('an MQTT stack, or a logger’s stack with the hub as authority, is judged as its hour closes; a 2061 changes nothing', () => {
    for (const s of [stack(), stack({ logger: true, hourlyAuthority: 'hub' })]) {
      const mon = new ExceedanceMonitor()
      hourAt(mon, s, H0, 40)
      expect(kinds(close(mon, s, H0 + HOUR))).toEqual([['activate', 'so2', 50]])
      expect(mon.onLoggerHour(s, H0, { so2: { avg: 20, zsAvg: 25 }, o2: { avg: 9 } })).toEqual([])
    }
  })
})
