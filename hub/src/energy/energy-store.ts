/**
 * What the energy room reads, and in which shape: the small interface the services take
 * (InfluxDB behind it in store/energy-repository.ts; an in-memory one in the unit tests).
 * Every answer is bucket summaries of each counter (first, last, min, max, count):
 * counter.ts turns them into usage.
 */
import type { Carrier } from './coefficients.js'
import type { Gap } from './consumption.js'
import type { CounterReading, CounterSummary } from './counter.js'
import type { Segment } from './sources.js'

export interface TagFilter {
  park?: string | undefined
  enterprise?: string | undefined
  device?: string | undefined
}

export interface MeterSummaryRow {
  device: string
  park: string
  enterprise: string
  start: number
  end: number
  counters: Partial<Record<Carrier, CounterSummary>>
}

/** Mean (and highest) active power of one meter over one 15-minute demand window. */
export interface DemandWindow {
  device: string
  enterprise: string
  park: string
  start: number
  kw: number
  kwMax?: number | undefined
}

export interface EnergyStore {
  summaries(f: TagFilter, from: number, to: number, source: Segment['source']): Promise<MeterSummaryRow[]>
  baselines(f: TagFilter, before: number, lookbackMs: number): Promise<Map<string, Partial<Record<Carrier, CounterReading>>>>
  gaps(f: TagFilter, from: number, to: number, minGapMs: number): Promise<Gap[]>
  /** Mean (and highest) active power per meter over fixed 15-minute windows. */
  demand(f: TagFilter, from: number, to: number): Promise<DemandWindow[]>
}
