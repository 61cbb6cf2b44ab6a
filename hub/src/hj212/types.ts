import type { Durable } from '../journal/journal.js'
import type { Place } from '../model/reading.js'
import type { DataFlag } from '../model/vocabulary.js'

/**
 * What the listener hands on besides ordinary readings: a logger's own minute (2051), hourly
 * (2061) and daily (2031) values (HJ 212-2017 appendix C), written through the journal as the
 * InfluxDB measurement `emission_logger` (store/logger-points.ts). `values` and `flags` are
 * keyed by the hub metric, or by the pollutant code when no metric takes it; values are in the
 * hub metric's unit (codes.ts `factor`), `cou` (totals) as the logger sent them, in `units`
 * under `<key>_cou`. `ts` is the period's start (DataTime).
 */
export type LoggerInterval = 'minute' | 'hour' | 'day'

export interface LoggerAggregateValue {
  avg?: number
  min?: number
  max?: number
  cou?: number
  zsAvg?: number
  /** -ZsMin / -ZsMax: the corrected minimum and maximum some loggers send beside -ZsAvg. */
  zsMin?: number
  zsMax?: number
}

export interface LoggerAggregate extends Place {
  ts: number
  interval: LoggerInterval
  values: Record<string, LoggerAggregateValue>
  flags: Record<string, DataFlag> | undefined
  units: Record<string, string>
}

/** HJ 212-2017 command codes (DOMAIN.md "Stack emissions", HJ 212-2017 table 7). */
export const CN = {
  realtime: '2011',
  minute: '2051',
  hourly: '2061',
  daily: '2031',
  status: '2021',
  runTime: '2041',
  timeCalibration: '1013',
  setTime: '1012',
  requestAnswer: '9011',
  executionResult: '9012',
  noticeAnswer: '9013',
  dataAnswer: '9014',
} as const

export const AGGREGATE_INTERVAL: Readonly<Record<string, LoggerInterval>> = { '2051': 'minute', '2061': 'hour', '2031': 'day' }

/** Why the listener refused a packet or a connection (counted by reason in health and metrics). */
export const HJ212_REJECTS = [
  // framing (frame.ts)
  'bad_header', 'bad_length', 'bad_crc', 'bad_trailer', 'oversize', 'garbage',
  // data segment (packet.ts)
  'no_cp', 'cp_unterminated', 'cp_item', 'header_item', 'no_cn', 'bad_cn', 'bad_flag', 'bad_pnum',
  // identity
  'unknown_mn', 'wrong_pw', 'source_refused',
  // content
  'no_datatime', 'bad_datatime', 'ts_future', 'value_invalid', 'split_refused', 'split_expired', 'journal_full', 'no_values',
] as const
export type Hj212Reject = (typeof HJ212_REJECTS)[number]

/** A row's fate in the journal: its durable promise (QoS 1 style), journal full, or nothing to keep. */
export type RowOutcome = Durable | undefined | 'full' | 'empty'

/**
 * Where a logger's own values and status rows are kept (store/logger-points.ts: lines through
 * the journal): the hj212 room decides what is kept, the store writes it.
 */
export interface LoggerRows {
  aggregates(aggs: Iterable<LoggerAggregate>): RowOutcome
  status(place: Place, cn: string, ts: number, fields: Record<string, number | string>): RowOutcome
}
