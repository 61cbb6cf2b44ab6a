/** `ts` rules of CONTRACT.md: ms since the epoch or ISO-8601; absent → receive time; > 5 min ahead → `ts_future`. */
export const MAX_FUTURE_MS = 5 * 60 * 1000
/** Earliest accepted time: 2000-01-01. Anything older is a device clock that was never set. */
export const MIN_TS = Date.UTC(2000, 0, 1)
/**
 * How far back a reading may be: the raw retention policy the hub gives InfluxDB
 * (store/influx-client.ts, `raw`, 400 days; docs/storage.md). An older point would be
 * dropped by InfluxDB itself ("points beyond retention policy"), so it is refused here with
 * its own reason (`ts_past_retention`) instead of vanishing in the writer.
 */
export const RAW_RETENTION_MS = 400 * 24 * 3600 * 1000

export type TsResult = number | 'ts_invalid' | 'ts_future' | 'ts_past_retention'

export function normaliseTs(raw: unknown, now: number): TsResult {
  let ts: number
  if (raw === undefined || raw === null) return now
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return 'ts_invalid'
    ts = Math.round(raw)
  } else if (typeof raw === 'string') {
    // ISO-8601 with a date part; Date.parse also takes other shapes, so insist on the leading date.
    if (!/^\d{4}-\d{2}-\d{2}/.test(raw)) return 'ts_invalid'
    ts = Date.parse(raw)
    if (Number.isNaN(ts)) return 'ts_invalid'
  } else return 'ts_invalid'
  if (ts < MIN_TS) return 'ts_invalid'
  if (ts > now + MAX_FUTURE_MS) return 'ts_future'
  if (ts < now - RAW_RETENTION_MS) return 'ts_past_retention'
  return ts
}
