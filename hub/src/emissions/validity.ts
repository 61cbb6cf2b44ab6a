/**
 * Data validity for CEMS (HJ 75-2017, HJ 212-2017):
 *
 *   sample   valid when its HJ 212 flag is N (normal); a reading without a flag counts as N.
 *            F stopped, M maintenance, S manual value, D fault, C calibration, T over range,
 *            B logger communication fault: not valid data.
 *   minute   the mean of its valid samples; valid when it has at least one (HJ 75: minute
 *            data from the real-time samples, at least one every 5 s).
 *   hour     valid with ≥ 45 valid minutes.
 *   day      valid with ≥ 20 valid hours.
 *   month    valid with ≥ 25 valid days (February ≥ 23).
 */
import type { DataFlag } from '../model/vocabulary.js'

export const HOURLY_MIN_VALID_MINUTES = 45
export const DAILY_MIN_VALID_HOURS = 20
export const MONTHLY_MIN_VALID_DAYS = 25
export const FEBRUARY_MIN_VALID_DAYS = 23

export const isValidFlag = (flag: DataFlag | undefined): boolean => flag === undefined || flag === 'N'

/** Valid days a month needs (1–12). */
export const monthlyMinValidDays = (month: number): number => (month === 2 ? FEBRUARY_MIN_VALID_DAYS : MONTHLY_MIN_VALID_DAYS)
