/**
 * The standard's set points of a gas metric, and the check that an override stays under
 * them. GB/T 50493-2019 §5.5.2 gives ceilings ("不得超过" / "应小于或等于"), not targets:
 *
 * | metric                         | first level ≤      | second level ≤      | clause       |
 * |--------------------------------|--------------------|---------------------|--------------|
 * | `lel`, combustible-only gases  | 25 %LEL            | 50 %LEL             | §5.5.2(1)(2) |
 * | `lel_m` (open path)            | 1 LEL·m            | 2 LEL·m             | §5.5.2(5)    |
 * | toxic gas                      | 100 % OEL          | 200 % OEL           | §5.5.2(3)    |
 * | toxic, range can't reach OEL   | 5 % IDLH           | 10 % IDLH           | §5.5.2(3)    |
 *
 * OEL = MAC where the gas has one, else PC-TWA (GBZ 2.1-2019). An override above a ceiling is
 * refused unless it says `exceedsStandard: true` with a `reason`. Oxygen (§5.5.2(4), "宜":
 * recommended values, not ceilings) and fire detectors have no ceiling here.
 */
import type { MetricSetpoints } from '../model/device.js'
import type { GasCatalogue } from './gas-catalogue.js'

export const GB50493 = 'GB/T 50493-2019'

/** The standard's two levels of a metric, in the metric's unit. */
export interface StandardLevels {
  first: number
  second: number
  unit: string
  /** What the levels are taken from. */
  basis: 'lel' | 'lel_m' | 'oel' | 'idlh'
  /** Clause and rule, e.g. `GB/T 50493-2019 §5.5.2(3): ≤ 100 % / 200 % OEL`. */
  clause: string
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6
}

/**
 * Whether a detector's range cannot measure the OEL levels: its lower bound above the first
 * level, or its upper bound below the second (GB/T 50493-2019 §5.5.2(3), "当现有探测器的测量
 * 范围不能满足上述要求时").
 */
export function rangeMissesOel(oel: number, range: readonly [number, number] | undefined): boolean {
  return range !== undefined && (range[0] > oel || range[1] < 2 * oel)
}

/**
 * The standard's levels of a metric for a detector with `range` (its own, else the
 * catalogue's default); undefined when the standard sets none (oxygen, fire, energy, …).
 */
export function standardLevels(cat: GasCatalogue, metric: string, range?: readonly [number, number]): StandardLevels | undefined {
  if (metric === 'lel_m') return { first: 1, second: 2, unit: 'LEL·m', basis: 'lel_m', clause: `${GB50493} §5.5.2(5): ≤ 1 / 2 LEL·m (open path)` }
  const gas = cat.get(metric)
  if (metric === 'lel' || (gas && !gas.toxic && gas.combustible))
    return { first: 25, second: 50, unit: '%LEL', basis: 'lel', clause: `${GB50493} §5.5.2(1)(2): ≤ 25 / 50 %LEL` }
  const oel = cat.oel(metric)
  if (!gas || oel === undefined) return undefined
  if (gas.idlh !== undefined && rangeMissesOel(oel, range ?? cat.defaultRange(metric))) {
    return { first: round(0.05 * gas.idlh), second: round(0.1 * gas.idlh), unit: 'mg/m³', basis: 'idlh', clause: `${GB50493} §5.5.2(3): ≤ 5 % / 10 % IDLH (${gas.idlh} mg/m³), the range cannot reach the OEL` }
  }
  const from = gas.mac !== undefined ? 'MAC' : 'PC-TWA'
  return { first: oel, second: round(2 * oel), unit: 'mg/m³', basis: 'oel', clause: `${GB50493} §5.5.2(3): ≤ 100 % / 200 % OEL (${from} ${oel} mg/m³, GBZ 2.1-2019)` }
}

/** The ceiling of the i-th high stage, mildest first: the first level, then the second for every stage after. */
export function ceilingOf(levels: StandardLevels, index: number): number {
  return index === 0 ? levels.first : levels.second
}

/**
 * Why an override of a metric's set points may not stand; undefined when it may. Stages are
 * judged mildest first: the mildest against the first-level ceiling, the others against the
 * second. Above a ceiling stands only with `exceedsStandard: true` and a `reason`.
 */
export function ceilingProblem(metric: string, sp: MetricSetpoints, levels: StandardLevels | undefined): string | undefined {
  if (sp.exceedsStandard === true && !(sp.reason ?? '').trim()) return `${metric}: exceedsStandard needs a reason (kept, shown and audited)`
  if (!levels || !sp.high?.length) return undefined
  const stages = [...sp.high].sort((a, b) => a.value - b.value)
  for (let i = 0; i < stages.length; i++) {
    const ceiling = ceilingOf(levels, i)
    const v = (stages[i] as { value: number }).value
    if (v <= ceiling || sp.exceedsStandard === true) continue
    const which = i === 0 ? 'first-level' : 'second-level'
    return `${metric} set point ${v} ${levels.unit} is above the standard's ${which} ceiling of ${ceiling} ${levels.unit} (${levels.clause}); to keep it, say exceedsStandard: true with a reason`
  }
  return undefined
}

/** Stages of an override that stand above their ceiling (for the audit and the source). */
export function stagesAboveCeiling(sp: MetricSetpoints, levels: StandardLevels | undefined): { value: number; ceiling: number }[] {
  if (!levels || !sp.high) return []
  return [...sp.high]
    .sort((a, b) => a.value - b.value)
    .map((s, i) => ({ value: s.value, ceiling: ceilingOf(levels, i) }))
    .filter((s) => s.value > s.ceiling)
}
