/**
 * What an alarm means to emergency response: its hazard, whether it opens an incident by
 * itself, and how two hazards in one incident combine.
 *
 * | alarm                                                                      | hazard     |
 * |----------------------------------------------------------------------------|------------|
 * | type `gas_fire` (the rules' correlation of gas and fire in one area)       | `gas_fire` |
 * | type `emission_exceedance`, or any alarm of a CEMS (`emission`) device    | `emission` |
 * | fire types: `fire`, `fire_confirmed`, smoke/heat/flame/manual call point   | `fire`     |
 * |   events, `temp`/`smoke` rate of rise                                      |            |
 * | `gas_*` or `*_rate_of_rise` with metric `lel`, `lel_m` (or a %LEL gas)     | `gas`      |
 * | … with a toxic metric (`h2s`, `co`, `cl2`, `hcl`, … and the catalogue's)   | `toxic`    |
 * | `gas_confirmed` (no metric): the raising device's metric decides          | gas/toxic  |
 * | anything else (oxygen, device faults, energy)                              | `other`    |
 *
 * Toxic takes priority over combustible (GB/T 50493 §3.0.2): a gas both toxic and combustible
 * (H2S, CO, NH3) is `toxic`; a `gas_confirmed` detector measuring both is `toxic`; and in one
 * incident, gas and toxic alarms at the same level make it `toxic` (combineHazards).
 */
import { ALARM_LEVEL, type Alarm, type AlarmLevel } from '../model/alarm.js'
import type { Device } from '../model/device.js'
import type { Hazard } from '../model/response-plan.js'
import { EVENT_TYPES, TOXIC_METRICS, UNITS } from '../model/vocabulary.js'

const FIRE_TYPES: ReadonlySet<string> = new Set([
  'fire',
  'fire_confirmed',
  'temp_rate_of_rise',
  'smoke_rate_of_rise',
  'rate_of_rise',
  ...EVENT_TYPES.filter((t) => t !== 'panel_fault'),
])
/**
 * Whether a gas metric is a toxic gas: today's and the gas catalogue's (which fills
 * TOXIC_METRICS when it loads). Toxic before combustible: a gas that is both counts as toxic.
 */
export function isToxicMetric(metric: string): boolean {
  return TOXIC_METRICS.has(metric)
}

/** Combustible gas: `lel` (%LEL), `lel_m` (LEL·m, open path), or a catalogue gas kept in either unit. */
export function isCombustibleMetric(metric: string): boolean {
  return metric === 'lel' || metric === 'lel_m' || UNITS[metric] === '%LEL' || UNITS[metric] === 'LEL·m'
}

function gasHazardOfMetric(metric: string | undefined): Hazard | undefined {
  if (metric !== undefined && isToxicMetric(metric)) return 'toxic'
  if (metric !== undefined && isCombustibleMetric(metric)) return 'gas'
  return undefined
}

/** The hazard of an alarm; `device` is the alarm's device when known (for `gas_confirmed` and CEMS). */
export function hazardOfAlarm(alarm: Pick<Alarm, 'type' | 'metric'>, device?: Pick<Device, 'kind' | 'metrics'>): Hazard {
  const type = alarm.type
  if (type === 'gas_fire') return 'gas_fire'
  if (type === 'emission_exceedance' || device?.kind === 'emission' || device?.kind === 'wastewater') return 'emission'
  if (FIRE_TYPES.has(type)) return 'fire'
  if (type === 'gas_confirmed') {
    const hazards = (device?.metrics ?? []).map(gasHazardOfMetric)
    return hazards.includes('toxic') ? 'toxic' : 'gas'
  }
  if (type.startsWith('gas_') || type.endsWith('_rate_of_rise')) return gasHazardOfMetric(alarm.metric) ?? 'other'
  return 'other'
}

/**
 * An alarm opens (or joins) an incident by itself when it is live, active and annunciated
 * (ISA-18.2: not shelved, suppressed by design or out of service) and either red (level 1,
 * DOMAIN.md: a second-level gas alarm, a confirmed fire, gas and fire together) or of type
 * `gas_fire`, which the correlation rule raises with "an incident is required".
 */
export function opensIncident(alarm: Alarm, now: number): boolean {
  if (alarm.condition !== 'active' || alarm.workflow === 'closed') return false
  if (alarm.suppressed || alarm.outOfService) return false
  if (alarm.shelvedUntil !== undefined && alarm.shelvedUntil > now) return false
  return alarm.level === ALARM_LEVEL.red || alarm.type === 'gas_fire'
}

/** Rank used when two hazards meet in one incident: the higher one names the incident. */
const RANK: Readonly<Record<Hazard, number>> = { other: 0, emission: 1, toxic: 2, gas: 2, fire: 3, gas_fire: 4 }

/**
 * The hazard of an incident that has both, each with its level (1 is the most severe). Gas and
 * fire in one incident is `gas_fire` (the rules' correlation says the same of one area).
 * Combustible and toxic: the more severe level names the incident, and at equal level toxic
 * wins (GB/T 50493 §3.0.2). Otherwise the higher rank wins and a tie keeps the incident's own.
 * Steps of the earlier plan stay in the incident.
 */
export function combineHazards(current: { hazard: Hazard; level: AlarmLevel }, added: { hazard: Hazard; level: AlarmLevel }): Hazard {
  const [a, b] = [current.hazard, added.hazard]
  if (a === b) return a
  const pair = new Set([a, b])
  if (pair.has('gas_fire') || (pair.has('gas') && pair.has('fire'))) return 'gas_fire'
  if (pair.has('gas') && pair.has('toxic')) {
    if (added.level !== current.level) return added.level < current.level ? b : a
    return 'toxic'
  }
  return RANK[b] > RANK[a] ? b : a
}

/** The more severe of two levels (1 red is the most severe). */
export function moreSevere(a: AlarmLevel, b: AlarmLevel): AlarmLevel {
  return a <= b ? a : b
}

/** Incident names of the hazards, zh-CN and en. */
export const HAZARD_TEXT: Readonly<Record<Hazard, readonly [string, string]>> = {
  gas: ['可燃气体泄漏', 'Combustible gas leak'],
  toxic: ['有毒气体泄漏', 'Toxic gas release'],
  fire: ['火灾', 'Fire'],
  gas_fire: ['可燃气体泄漏并发火灾', 'Gas leak with fire'],
  emission: ['污染物排放超标', 'Emission limit exceeded'],
  other: ['突发事件', 'Emergency'],
}
