import type { Place } from '../model/reading.js'
import type { LoggerAggregate, LoggerRows, RowOutcome } from '../hj212/types.js'
import type { Durable } from '../journal/journal.js'
import { line, type FieldValue } from './line-protocol.js'

/**
 * InfluxDB lines of what HJ 212 data loggers send besides real-time readings (docs/hj212.md):
 *
 * - `emission_logger`: the logger's own minute (2051), hourly (2061) and daily (2031) values;
 *   tags park, enterprise, device, area, `interval` (minute | hour | day); fields `<m>_avg`,
 *   `<m>_min`, `<m>_max`, `<m>_cou`, `<m>_zs` (ZsAvg), `<m>_zsmin`, `<m>_zsmax`, `<m>_flag` (string), `<m>` a hub metric
 *   or a pollutant code; time = the period's start (DataTime), ms.
 * - `logger_status`: device status (2021) and run times (2041), fields `<code>_<suffix>`.
 */
export const LOGGER_MEASUREMENT = 'emission_logger'
export const LOGGER_STATUS_MEASUREMENT = 'logger_status'

export function loggerAggregateLine(a: LoggerAggregate): string | undefined {
  const fields: Record<string, FieldValue> = {}
  let n = 0
  for (const [m, v] of Object.entries(a.values)) {
    if (v.avg !== undefined) fields[`${m}_avg`] = v.avg
    if (v.min !== undefined) fields[`${m}_min`] = v.min
    if (v.max !== undefined) fields[`${m}_max`] = v.max
    if (v.cou !== undefined) fields[`${m}_cou`] = v.cou
    if (v.zsAvg !== undefined) fields[`${m}_zs`] = v.zsAvg
    if (v.zsMin !== undefined) fields[`${m}_zsmin`] = v.zsMin
    if (v.zsMax !== undefined) fields[`${m}_zsmax`] = v.zsMax
    n++
  }
  if (a.flags) for (const [m, f] of Object.entries(a.flags)) fields[`${m}_flag`] = f
  if (n === 0 || Object.keys(fields).length === 0) return undefined
  return line(LOGGER_MEASUREMENT, { park: a.park, enterprise: a.enterprise, device: a.device, area: a.area, interval: a.interval }, fields, a.ts)
}

export function loggerStatusLine(place: Place, cn: string, ts: number, fields: Record<string, FieldValue>): string | undefined {
  if (Object.keys(fields).length === 0) return undefined
  return line(LOGGER_STATUS_MEASUREMENT, { park: place.park, enterprise: place.enterprise, device: place.device, area: place.area, cn }, fields, ts)
}

/** The hj212 room's LoggerRows as lines through the journal (`append`: the journal's durable append). */
export function loggerRows(append: (lines: string[]) => Durable | undefined | 'full'): LoggerRows {
  const keep = (lines: string[]): RowOutcome => (lines.length === 0 ? 'empty' : append(lines))
  return {
    aggregates(aggs) {
      const lines: string[] = []
      for (const a of aggs) {
        const l = loggerAggregateLine(a)
        if (l) lines.push(l)
      }
      return keep(lines)
    },
    status(place, cn, ts, fields) {
      const l = loggerStatusLine(place, cn, ts, fields)
      return keep(l ? [l] : [])
    },
  }
}
