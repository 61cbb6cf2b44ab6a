import type { Direction } from './stages.js'
import { flatJoin } from '../model/flat-join.js'

/** The condition key of a device's set point in one direction: `{device}:{metric}:{high|low}` (one alarm per condition, ISA-18.2). */
export function setpointKey(device: string, metric: string, dir: Direction): string {
  return flatJoin(':', device, metric, dir)
}
