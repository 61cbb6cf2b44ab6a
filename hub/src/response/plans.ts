/**
 * Which plan an incident follows: the first plan, in order, whose hazard is the incident's and
 * whose `minLevel` is at or below the incident's severity (`minLevel` ≥ level; 1 is the most
 * severe). The order is the zone file's `responsePlans`, then DEFAULT_PLANS, so a zone that
 * files its own plan for one hazard keeps the defaults for the rest.
 */
import { Value } from 'typebox/value'
import type { AlarmLevel } from '../model/alarm.js'
import { ResponsePlan, responsePlanProblem, type Hazard } from '../model/response-plan.js'
import type { Zone } from '../model/zone.js'
import { DEFAULT_PLANS } from './default-plans.js'

/** The plans in the order tried: the zone's own, then the defaults. */
export function resolvePlans(zone: Partial<Pick<Zone, 'responsePlans'>>): ResponsePlan[] {
  return [...(zone.responsePlans ?? []), ...DEFAULT_PLANS]
}

export function selectPlan(plans: readonly ResponsePlan[], hazard: Hazard, level: AlarmLevel): ResponsePlan | undefined {
  return plans.find((p) => p.hazard === hazard && p.minLevel >= level)
}

/** Checks plans against the schema and responsePlanProblem; throws an Error naming the first fault. */
export function checkPlans(plans: readonly unknown[]): ResponsePlan[] {
  return plans.map((p, i) => {
    if (!Value.Check(ResponsePlan, p)) {
      const e = [...Value.Errors(ResponsePlan, p)][0]
      throw new Error(`response plan ${i}: ${e ? `${e.instancePath || '/'} ${e.message}` : 'invalid'}`)
    }
    const problem = responsePlanProblem(p)
    if (problem) throw new Error(`response plan ${i}: ${problem}`)
    return structuredClone(p)
  })
}
