/**
 * What a CEMS or wastewater data logger (数采仪) makes of its analysers' samples, in HJ 212-2017
 * data commands (table 7): 2011 real-time data every `rtdIntervalSec` (30 s by default, the
 * interval 1061/1062 read and set), 2051 minute data as each minute closes and 2061 hourly
 * data as each hour closes, with -Avg/-Min/-Max/-Cou/-Flag (and -ZsRtd/-ZsAvg, the values at
 * reference O2, HJ 75-2017: C_ref = C × (21 − O2_ref) / (21 − O2)). Values go out in the
 * standard's units (codes.ts: flue-gas flow in m³/s, wastewater flow in L/s). Pure: it turns
 * samples (with their simulated time) into data segments and knows nothing of sockets.
 */
import type { Device } from '../../../hub/src/model/device.js'
import type { DataFlag } from '../../../hub/src/model/vocabulary.js'
import { resolveStandard } from '../../../hub/src/emissions/standards.js'
import { codeOfMetric, lookupCode } from '../../../hub/src/hj212/codes.js'
import { dataSegments, QnSource, type PollutantGroup } from '../../../hub/src/hj212/outbound.js'
import { formatDataTime } from '../../../hub/src/hj212/packet.js'

export interface LoggerIdentity {
  mn: string
  pw: string
}

export interface DataLoggerOptions {
  timeZone: string
  /** Seconds between 2011 packets (HJ 212-2017 1061 RtdInterval; 30 s here). */
  rtdIntervalSec?: number
  /** Ask the hub for 9014 answers (Flag A bit). */
  answer?: boolean
  /** A longer data segment is split (PNUM/PNO). HJ 212-2017 §6.3.2: 1024. */
  maxDataBytes?: number
  /** Send minute (2051) and hourly (2061) data; default true. */
  aggregates?: boolean
}

/** Gas concentrations that have a value at reference O2. */
const CORRECTED = new Set(['so2', 'nox', 'pm', 'hcl', 'cl2'])
const FLOW_METRICS = new Set(['flow', 'flow_w'])

interface Acc {
  n: number
  sum: number
  min: number
  max: number
  zsSum: number
  zsN: number
  flags: Map<DataFlag, number>
  /** Mass (kg) or volume (m³) over the period. */
  cou: number
}

const newAcc = (): Acc => ({ n: 0, sum: 0, min: Infinity, max: -Infinity, zsSum: 0, zsN: 0, flags: new Map(), cou: 0 })

export class DataLoggerModel {
  private readonly st: string
  private readonly refO2: number | undefined
  private readonly rtdMs: number
  private readonly qn: QnSource
  private now = 0
  private lastRtd = -Infinity
  private minuteStart: number | undefined
  private hourStart: number | undefined
  private minute = new Map<string, Acc>()
  private hour = new Map<string, Acc>()
  private lastSampleAt: number | undefined
  /** Metrics without an HJ 212 code (not sent). */
  readonly uncoded = new Set<string>()

  constructor(
    readonly device: Device,
    readonly identity: LoggerIdentity,
    private readonly o: DataLoggerOptions,
  ) {
    this.st = device.kind === 'wastewater' ? '32' : '31'
    const ref = device.kind === 'emission' ? resolveStandard(device.emissionStandard, device.limits, device.referenceO2).referenceO2 : undefined
    this.refO2 = ref ?? undefined
    this.rtdMs = (o.rtdIntervalSec ?? 30) * 1000
    this.qn = new QnSource(o.timeZone, () => this.now)
  }

  /** A sample at simulated time ts: the data segments due now, oldest first. */
  sample(ts: number, values: Record<string, number>, flags: Record<string, DataFlag> | undefined): string[] {
    this.now = Math.max(this.now, ts)
    const out: string[] = []
    if (this.o.aggregates !== false) out.push(...this.closePeriods(ts))
    const dtH = this.lastSampleAt === undefined ? 0 : Math.min(ts - this.lastSampleAt, 300_000) / 3_600_000
    this.lastSampleAt = ts
    const o2 = values.o2
    const flowM3h = values.flow ?? values.flow_w
    for (const [m, v] of Object.entries(values)) {
      for (const acc of [this.accOf(this.minute, m), this.accOf(this.hour, m)]) {
        acc.n++
        acc.sum += v
        acc.min = Math.min(acc.min, v)
        acc.max = Math.max(acc.max, v)
        const zs = this.corrected(m, v, o2)
        if (zs !== undefined) {
          acc.zsSum += zs
          acc.zsN++
        }
        const f = flags?.[m] ?? 'N'
        acc.flags.set(f, (acc.flags.get(f) ?? 0) + 1)
        acc.cou += couOf(m, v, flowM3h, dtH, this.device.kind)
      }
    }
    // Samples come at the analysers' interval ±10 % (the engine's jitter): a sample within 10 %
    // of the real-time interval is the one to send, or 30 s samples would go out every 60 s.
    if (ts - this.lastRtd >= this.rtdMs * 0.9) {
      this.lastRtd = ts
      const groups: PollutantGroup[] = []
      for (const [m, v] of Object.entries(values)) {
        const code = this.codeOf(m)
        if (!code) continue
        const items: [string, string][] = [['Rtd', num(this.toStandard(m, v))]]
        const zs = this.corrected(m, v, o2)
        if (zs !== undefined) items.push(['ZsRtd', num(zs)])
        items.push(['Flag', flags?.[m] ?? 'N'])
        groups.push([code, items])
      }
      if (groups.length > 0) out.push(...this.segments('2011', formatDataTime(ts, this.o.timeZone), groups))
    }
    return out
  }

  /** The periods that closed before ts: 2051 for the minute, 2061 for the hour. */
  private closePeriods(ts: number): string[] {
    const out: string[] = []
    const minute = Math.floor(ts / 60_000) * 60_000
    const hour = Math.floor(ts / 3_600_000) * 3_600_000
    if (this.minuteStart !== undefined && minute > this.minuteStart) {
      out.push(...this.aggregate('2051', this.minuteStart, this.minute))
      this.minute = new Map()
    }
    if (this.hourStart !== undefined && hour > this.hourStart) {
      out.push(...this.aggregate('2061', this.hourStart, this.hour))
      this.hour = new Map()
    }
    this.minuteStart = minute
    this.hourStart = hour
    return out
  }

  private aggregate(cn: string, start: number, accs: Map<string, Acc>): string[] {
    const groups: PollutantGroup[] = []
    for (const [m, a] of accs) {
      const code = this.codeOf(m)
      if (!code || a.n === 0) continue
      const items: [string, string][] = [
        ['Avg', num(this.toStandard(m, a.sum / a.n))],
        ['Min', num(this.toStandard(m, a.min))],
        ['Max', num(this.toStandard(m, a.max))],
      ]
      if (a.zsN > 0) items.push(['ZsAvg', num(a.zsSum / a.zsN)])
      if (lookupCode(code)?.couUnit !== undefined) items.push(['Cou', num(a.cou)])
      items.push(['Flag', periodFlag(a.flags)])
      groups.push([code, items])
    }
    return groups.length > 0 ? this.segments(cn, formatDataTime(start, this.o.timeZone), groups) : []
  }

  private segments(cn: string, dataTime: string, groups: PollutantGroup[]): string[] {
    return dataSegments({ qn: this.qn.next(), st: this.st, cn, mn: this.identity.mn, pw: this.identity.pw, dataTime, groups, answer: this.o.answer ?? true }, this.o.maxDataBytes ?? 1024)
  }

  private accOf(map: Map<string, Acc>, m: string): Acc {
    let a = map.get(m)
    if (!a) map.set(m, (a = newAcc()))
    return a
  }

  private codeOf(metric: string): string | undefined {
    const code = codeOfMetric(metric)
    const info = code === undefined ? undefined : lookupCode(code)
    if (code === undefined || info?.kind !== this.device.kind) {
      this.uncoded.add(metric)
      return undefined
    }
    return code
  }

  /** The hub's unit back to the standard's (flue-gas flow m³/h → m³/s). */
  private toStandard(metric: string, v: number): number {
    const code = codeOfMetric(metric)
    const factor = code === undefined ? 1 : (lookupCode(code)?.factor ?? 1)
    return v / factor
  }

  private corrected(metric: string, v: number, o2: number | undefined): number | undefined {
    if (this.refO2 === undefined || !CORRECTED.has(metric) || o2 === undefined || o2 >= 20.5) return undefined
    return (v * (21 - this.refO2)) / (21 - o2)
  }
}

/** Emitted mass (kg) or volume (m³) in dtH hours at a flow in m³/h. */
function couOf(metric: string, v: number, flowM3h: number | undefined, dtH: number, kind: string): number {
  if (dtH <= 0) return 0
  if (FLOW_METRICS.has(metric)) return v * dtH
  if (flowM3h === undefined) return 0
  const volume = flowM3h * dtH
  // mg/m³ × m³ → kg (÷ 1e6); mg/L × m³ = mg/L × 1000 L → kg (÷ 1e3).
  return kind === 'wastewater' ? (v * volume) / 1e3 : (v * volume) / 1e6
}

/** The period's flag: N unless another flag covers most of its samples (HJ 212-2017 table 6). */
function periodFlag(flags: Map<DataFlag, number>): DataFlag {
  let best: DataFlag = 'N'
  let bestN = 0
  let total = 0
  for (const [f, n] of flags) {
    total += n
    if (n > bestN) {
      best = f
      bestN = n
    }
  }
  return bestN * 2 > total ? best : 'N'
}

function num(v: number): string {
  return String(Math.round(v * 1000) / 1000)
}
