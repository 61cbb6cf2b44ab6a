/**
 * Tunables of the rules room that are not per-metric set points. Defaults from DOMAIN.md;
 * every one can be overridden when the engine is built.
 */
import type { AlarmLevel } from '../model/alarm.js'

export interface RateOfRiseOptions {
  /** Sliding window of samples for the slope, seconds. */
  windowSec: number
  /** The slope is only trusted when the samples in the window span at least this long. */
  minSpanSec: number
  /** Hysteresis on clear: the trip clears below (rate − deadband), units/min. */
  deadbandPerMin: number
  /** Samples closer than this to the previous kept one are left out of the window. */
  minSampleGapSec: number
}

export interface AlarmLevels {
  /** A single fire detector, call point or rate-of-rise trip (DOMAIN.md: orange). */
  fire: AlarmLevel
  /** Fire panel fault (DOMAIN.md: a safety device faulty → yellow). */
  fault: AlarmLevel
  /** A safety device offline (DOMAIN.md: yellow). */
  offlineSafety: AlarmLevel
  /** A non-safety device (emission, energy) offline: an advisory (DOMAIN.md: blue). */
  offlineOther: AlarmLevel
  /** Confirmed gas, confirmed fire, gas and fire together (DOMAIN.md: red). */
  confirmed: AlarmLevel
  /** A device (metric) in maintenance or calibration (HJ 212 flags M, C): a visible monitoring gap, no page (blue). */
  outOfService: AlarmLevel
  /** A non-safety device's (meter, stack) flagged fault, stop or communication fault: data quality, an advisory (blue). */
  dataQuality: AlarmLevel
}

export interface RulesOptions {
  /** Deadman: a device is offline after this many expected intervals without data. */
  deadmanIntervals: number
  /** Gas confirmation: two detectors at first level or above within this many seconds. */
  gasConfirmWindowSec: number
  rateOfRise: RateOfRiseOptions
  levels: AlarmLevels
  /**
   * Live window, seconds: a reading whose own time is older than this (against hub time) is
   * history, stored but never the basis of a live alarm nor a sign of life (live-window.ts).
   */
  liveWindowSec: number
}

export interface RulesOptionsInput {
  deadmanIntervals?: number
  liveWindowSec?: number
  gasConfirmWindowSec?: number
  rateOfRise?: Partial<RateOfRiseOptions>
  levels?: Partial<AlarmLevels>
}

export const DEFAULT_RULES_OPTIONS: RulesOptions = {
  deadmanIntervals: 3,
  gasConfirmWindowSec: 60,
  rateOfRise: {
    // 60 s of samples: long enough to average out a heat detector's 0.1–0.5 °C quantisation,
    // short enough to trip within about a minute of a fast fire's onset.
    windowSec: 60,
    minSpanSec: 30,
    // Clear at 7 °C/min for an 8 °C/min trip.
    deadbandPerMin: 1,
    minSampleGapSec: 1,
  },
  levels: { fire: 2, fault: 3, offlineSafety: 3, offlineOther: 4, confirmed: 1, outOfService: 4, dataQuality: 4 },
  // 10 minutes: a gateway's short outage replayed still alarms; a backfill does not.
  liveWindowSec: 600,
}

export function resolveOptions(input: RulesOptionsInput | undefined): RulesOptions {
  const d = DEFAULT_RULES_OPTIONS
  const o: RulesOptions = {
    deadmanIntervals: input?.deadmanIntervals ?? d.deadmanIntervals,
    gasConfirmWindowSec: input?.gasConfirmWindowSec ?? d.gasConfirmWindowSec,
    rateOfRise: { ...d.rateOfRise, ...input?.rateOfRise },
    levels: { ...d.levels, ...input?.levels },
    liveWindowSec: input?.liveWindowSec ?? d.liveWindowSec,
  }
  if (!(o.deadmanIntervals > 0)) throw new RangeError('rules: deadmanIntervals must be > 0')
  if (!(o.liveWindowSec > 0)) throw new RangeError('rules: liveWindowSec must be > 0')
  if (!(o.gasConfirmWindowSec >= 0)) throw new RangeError('rules: gasConfirmWindowSec must be ≥ 0')
  if (!(o.rateOfRise.windowSec > 0) || !(o.rateOfRise.minSpanSec > 0) || o.rateOfRise.minSpanSec > o.rateOfRise.windowSec) {
    throw new RangeError('rules: rateOfRise needs 0 < minSpanSec ≤ windowSec')
  }
  return o
}
