/**
 * What the emissions room reads: the small interface the service takes (InfluxDB behind it
 * in store/emission-repository.ts; an in-memory one in the unit tests).
 */
import type { EmissionMetric, MinuteAgg, SumCount } from './minutes.js'

export interface RollupHour {
  start: number
  /** Valid samples of the hour per metric (all − flagged), from the hourly rollup. */
  metrics: Partial<Record<EmissionMetric, SumCount>>
}

export interface EmissionStore {
  minutes(device: string, from: number, to: number): Promise<MinuteAgg[]>
  rollupHours(device: string, from: number, to: number): Promise<RollupHour[]>
}
