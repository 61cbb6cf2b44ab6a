/**
 * HJ 212-2017 data flags (table 6 / DOMAIN.md "Stack emissions"): N normal, F stopped,
 * M maintenance, S manual value, D fault, C calibration, T over range, B logger
 * communication fault. They become the readings' flags as sent.
 */
import { DATA_FLAGS, type DataFlag } from '../model/vocabulary.js'

const FLAGS = new Set<string>(DATA_FLAGS)

/** One HJ 212 flag letter → the reading flag; undefined for anything else. */
export function hjFlagToDataFlag(f: string): DataFlag | undefined {
  const s = f.trim()
  return FLAGS.has(s) ? (s as DataFlag) : undefined
}
