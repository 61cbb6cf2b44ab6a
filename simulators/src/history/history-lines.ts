/**
 * History as the hub would have stored it: each simulated reading becomes the InfluxDB lines
 * the hub writes for it (CONTRACT.md schema, the hub's own line builders), so the energy and
 * emission pages read history and live data alike.
 *
 * - A meter, or a stack / outlet on MQTT: one line in its kind's measurement (`energy`,
 *   `emission`, `wastewater`), tags park/enterprise/device/area — store/points.ts `readingLine`.
 * - A stack or outlet that is an HJ 212-2017 data logger in the live demo (`--hj212`, the zone's
 *   `hj212.mn`): its samples go through the simulator's data logger (2011 real-time, 2051
 *   minute, 2061 hourly segments) and the hub's parser and converters (hj212/packet.ts,
 *   to-readings.ts), then `readingLine` for 2011 and `loggerAggregateLine` (`emission_logger`)
 *   for 2051/2061 — without a socket, as the listener would store them. Without the logger's
 *   hours, the emissions page would mark every history hour "hub only" beside the live ones.
 */
import type { Device } from '../../../hub/src/model/device.js'
import type { Reading } from '../../../hub/src/model/reading.js'
import { DATA_FLAGS, type DataFlag } from '../../../hub/src/model/vocabulary.js'
import { parseDataSegment, parseDataTime } from '../../../hub/src/hj212/packet.js'
import { aggregates, realtimeItems } from '../../../hub/src/hj212/to-readings.js'
import type { LoggerPoint } from '../../../hub/src/hj212/logger-directory.js'
import { readingLine } from '../../../hub/src/store/points.js'
import { loggerAggregateLine } from '../../../hub/src/store/logger-points.js'
import { DataLoggerModel } from '../hj212/data-logger.js'
import type { TelemetryOut } from '../payloads.js'

const FLAGS: ReadonlySet<string> = new Set(DATA_FLAGS)
/** HJ 212-2017 command numbers of the data the logger sends (table 7). */
const CN_REALTIME = '2011'
/** No split packets (PNUM/PNO): nothing travels, so one segment per command is kept whole. */
const ONE_SEGMENT = 1 << 20
const INTERVAL_OF: Readonly<Record<string, 'minute' | 'hour'>> = { '2051': 'minute', '2061': 'hour' }

interface Logger {
  model: DataLoggerModel
  point: LoggerPoint
}

export interface HistoryLinesOptions {
  /** The zone's time zone (HJ 212 DataTime is local time). */
  timeZone: string
  /** Whether stacks and outlets with an `hj212.mn` are data loggers (the demo's `--hj212`). */
  loggers: boolean
  /** Seconds between a logger's 2011 packets (default 30, the simulated loggers' live `--hj212-rtd`). */
  rtdIntervalSec?: number
}

export class HistoryLines {
  private readonly byId = new Map<string, Device>()
  private readonly loggers = new Map<string, Logger>()
  /** Segments the hub's parser refused (none expected: counted so a test can say so). */
  refused = 0

  constructor(devices: readonly Device[], private readonly o: HistoryLinesOptions) {
    for (const d of devices) {
      this.byId.set(d.id, d)
      const mn = d.hj212?.mn
      if (!o.loggers || mn === undefined || (d.kind !== 'emission' && d.kind !== 'wastewater')) continue
      // The PW is not checked here (no listener): only the data segments' content matters.
      const model = new DataLoggerModel(d, { mn, pw: 'history' }, { timeZone: o.timeZone, rtdIntervalSec: o.rtdIntervalSec ?? 30, answer: false, maxDataBytes: ONE_SEGMENT })
      this.loggers.set(d.id, { model, point: { mn, devices: [d], deviceFor: () => d } })
    }
  }

  /** The lines of one simulated reading (none for an unknown device). */
  lines(out: TelemetryOut): string[] {
    const d = this.byId.get(out.device)
    if (!d) return []
    const logger = this.loggers.get(d.id)
    if (!logger) return [readingLine(reading(d, out.ts, out.values, out.flags))]
    const lines: string[] = []
    for (const segment of logger.model.sample(out.ts, out.values, out.flags)) this.segmentLines(segment, logger.point, lines)
    return lines
  }

  private segmentLines(segment: string, point: LoggerPoint, into: string[]): void {
    const parsed = parseDataSegment(segment)
    if (!parsed.ok) {
      this.refused++
      return
    }
    const p = parsed.packet
    const ts = p.cp.dataTime !== undefined ? parseDataTime(p.cp.dataTime, this.o.timeZone) : undefined
    if (ts === undefined) {
      this.refused++
      return
    }
    if (p.cn === CN_REALTIME) {
      for (const [device, item] of realtimeItems(p, point, ts).byDevice) {
        const values: Record<string, number> = {}
        for (const [k, v] of Object.entries(item.values)) if (typeof v === 'number') values[k] = v
        const flags: Record<string, DataFlag> = {}
        for (const [k, f] of Object.entries(item.flags ?? {})) if (FLAGS.has(f)) flags[k] = f as DataFlag
        into.push(readingLine(reading(device, ts, values, Object.keys(flags).length > 0 ? flags : undefined)))
      }
      return
    }
    const interval = INTERVAL_OF[p.cn]
    if (interval === undefined) return
    for (const agg of aggregates(p, point, ts, interval).byDevice.values()) {
      const l = loggerAggregateLine(agg)
      if (l) into.push(l)
    }
  }
}

function reading(d: Device, ts: number, values: Record<string, number>, flags: Record<string, DataFlag> | undefined): Reading {
  return { park: d.park, enterprise: d.enterprise, area: d.area, device: d.id, kind: d.kind, ts, values, flags }
}
