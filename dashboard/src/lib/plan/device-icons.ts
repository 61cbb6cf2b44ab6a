/**
 * A device's kind as one glyph inside its calm mark on the site plan, so combustible and toxic
 * gas, fire, stack, meter, outlet and weather station are told apart at a glance (the legend and
 * the tooltip say them in words). Only on a fresh mark (filled): alarming devices show their
 * level's shape, stale and offline ones their own sign.
 */
import { TOXIC_METRICS } from '../../../../hub/src/model/vocabulary.js'

export type IconKind = 'combustible' | 'toxic' | 'oxygen' | 'fire' | 'stack' | 'meter' | 'outlet' | 'weather'

export function iconKind(d: { kind: string; metrics: readonly string[] }): IconKind | undefined {
  switch (d.kind) {
    case 'gas':
      if (d.metrics.some((m) => TOXIC_METRICS.has(m))) return 'toxic'
      if (d.metrics.includes('lel') || d.metrics.includes('lel_m')) return 'combustible'
      return d.metrics.includes('o2') ? 'oxygen' : 'combustible'
    case 'fire':
      return 'fire'
    case 'emission':
      return 'stack'
    case 'energy':
      return 'meter'
    case 'wastewater':
      return 'outlet'
    case 'weather':
      return 'weather'
    default:
      return undefined
  }
}
