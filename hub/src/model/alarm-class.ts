/**
 * Hazard classes of alarms (DOMAIN.md, "Warning colours and risk levels"):
 *
 * | class           | what                                                          | safety colour |
 * |-----------------|---------------------------------------------------------------|---------------|
 * | `life-safety`   | combustible, toxic, oxygen, fire, and their correlations      | yes           |
 * | `device-health` | a device offline, faulted, out of service, or implausible data| safety devices only |
 * | `environmental` | emissions (HJ 75 hourly exceedance)                           | no            |
 * | `energy`        | budgets, maximum demand, advisories                           | no            |
 *
 * The four-colour *safety* risk of an enterprise and park comes from life-safety alarms and
 * from device-health alarms of safety devices only; environmental and energy alarms have
 * their own indicators on their pages.
 */
import type { DeviceKind } from './vocabulary.js'

export const ALARM_CLASSES = ['life-safety', 'device-health', 'environmental', 'energy'] as const
export type AlarmClass = (typeof ALARM_CLASSES)[number]

/**
 * Alarm types that speak of the device rather than of the hazard it measures. A rule that
 * adds a type of this kind lists it here.
 */
export const DEVICE_HEALTH_TYPES: ReadonlySet<string> = new Set([
  'device_offline',
  'deadman',
  'device_fault',
  'out_of_service',
  'data_quality',
  'meter_implausible',
])

/** Rules whose alarms are of one class whatever the device (emissions, energy monitors). */
const CLASS_BY_RULE: Readonly<Record<string, AlarmClass>> = {
  emission: 'environmental',
  energy_budget: 'energy',
  max_demand: 'energy',
}

const CLASS_BY_KIND: Readonly<Record<DeviceKind, AlarmClass>> = {
  gas: 'life-safety',
  fire: 'life-safety',
  emission: 'environmental',
  energy: 'energy',
}

/**
 * The class of an alarm from its rule, type and the kind of device that raised it. An
 * explicit class on a transition wins; this is the default.
 */
export function alarmClassOf(rule: string, type: string, kind: DeviceKind | undefined): AlarmClass {
  if (DEVICE_HEALTH_TYPES.has(type)) return 'device-health'
  const byRule = CLASS_BY_RULE[rule]
  if (byRule) return byRule
  return kind ? CLASS_BY_KIND[kind] : 'life-safety'
}
