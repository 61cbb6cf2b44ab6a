/**
 * The data logger's own hourly values (HJ 212-2017 command 2061, 小时数据): what the logger
 * computed and sent for an hour, per metric — `-Avg` (the measured mean), `-ZsAvg` (the mean
 * corrected to the reference O2, 折算), `-Min`, `-Max`, `-Cou` (the hour's total, e.g. kg of
 * SO2 or m³ of flue gas or wastewater) and `-Flag` (the hour's data flag). The listener stores
 * them as the InfluxDB measurement `emission_logger` (interval `hour`, the period's start as the
 * time); the hub keeps its own HJ 75 recomputation from the minutes beside them
 * (hourly-sources.ts compares the two).
 *
 * The small interface the emissions room reads them through (store/logger-hourly-store.ts over
 * InfluxDB; an in-memory one in the unit tests), with the logger's 2051 minutes.
 */
import type { DataFlag } from '../model/vocabulary.js'
import type { MinuteAgg } from './minutes.js'

export interface LoggerMetricHour {
  avg?: number
  zsAvg?: number
  min?: number
  max?: number
  cou?: number
  /** The hour's flag as the logger sent it; absent: none sent (taken as N). */
  flag?: DataFlag | string
}

export interface LoggerHour {
  /** The hour's start (the packet's DataTime), ms. */
  start: number
  /** Metric (or, for a code the hub has no metric for, the code) → the logger's figures. */
  metrics: Record<string, LoggerMetricHour>
}

export interface LoggerAggregateStore {
  /** The logger's hourly rows (2061) of one device over [from, to), by start. */
  loggerHours(device: string, from: number, to: number): Promise<LoggerHour[]>
  /** The logger's minute rows (2051) of one device over [from, to) as the hub's minute aggregates, by start. */
  loggerMinutes(device: string, from: number, to: number): Promise<MinuteAgg[]>
}

/**
 * The minutes the hub computes an hour from: the logger's 2051 minute where it sent one (per
 * metric), else the minute of the real-time readings — so a stack fed over HJ 212 is judged on
 * the logger's own minute means, and one fed over MQTT on its samples, as before.
 */
export function mergeMinutes(raw: readonly MinuteAgg[], logger: readonly MinuteAgg[]): MinuteAgg[] {
  if (logger.length === 0) return [...raw]
  const byStart = new Map<number, MinuteAgg>(raw.map((m) => [m.start, { start: m.start, metrics: { ...m.metrics } }]))
  for (const l of logger) {
    const m = byStart.get(l.start)
    if (m) Object.assign(m.metrics, l.metrics)
    else byStart.set(l.start, { start: l.start, metrics: { ...l.metrics } })
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start)
}

/** Which hourly value counts (is reported, judged against the limit): the logger's 2061 or the hub's HJ 75 recomputation. */
export const HOURLY_AUTHORITIES = ['logger', 'hub'] as const
export type HourlyAuthority = (typeof HOURLY_AUTHORITIES)[number]
/** The logger's by default (issue 25): it is the record the logger keeps and sends to the authority. */
export const DEFAULT_HOURLY_AUTHORITY: HourlyAuthority = 'logger'
