/**
 * Hazard classes of alarms (DOMAIN.md, "Warning colours and risk levels"):
 *
 * | class           | what                                                          | safety colour |
 * |-----------------|---------------------------------------------------------------|---------------|
 * | `life-safety`   | combustible, toxic, oxygen, fire, and their correlations      | yes           |
 * | `device-health` | a device offline, faulted, out of service, or implausible data| safety devices only |
 * | `environmental` | emissions (HJ 75 hourly exceedance), wastewater outlets       | no            |
 * | `energy`        | budgets, maximum demand, advisories                           | no            |
 *
 * The four-colour *safety* risk of an enterprise and park comes from life-safety alarms and
 * from device-health alarms of safety devices only; environmental and energy alarms have
 * their own indicators on their pages.
 */
import { Type, type Static } from 'typebox'
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
  // Many devices of one area or gateway silent together (rules/communications-alarm.ts): a monitoring gap.
  'communications_loss',
  'device_fault',
  'out_of_service',
  'data_quality',
  'meter_implausible',
  // A fire alarm control panel's own fault signal (GB 4717: signalled apart from fire alarms, restores once the fault is gone).
  'panel_fault',
  // The hub's own journal filling up: readings may be lost, a monitoring gap, not a hazard.
  'journal_filling',
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
  wastewater: 'environmental',
  // A weather station has no set points: only its health (offline, faulted readings) is alarmed.
  weather: 'device-health',
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

/**
 * Latching per class (ISA-18.2 / IEC 62682 "latching alarm": it stays annunciated at the most
 * severe level it reached until an operator resets it after the condition has returned to
 * normal). Gas alarm controllers latch their alarms until reset by hand (GB 16808), fire alarm
 * control panels likewise (GB 4717), so life-safety latches by default. Both standards let a
 * *fault* signal restore by itself once the fault is gone, so device-health does not latch;
 * environmental and energy alarms follow their condition.
 */
export const DEFAULT_LATCHING: Readonly<Record<AlarmClass, boolean>> = {
  'life-safety': true,
  'device-health': false,
  environmental: false,
  energy: false,
}

/** The zone file's `alarms` section: `alarms: { latching: { life-safety: true, device-health: false, … } }`. */
export const AlarmSettings = Type.Object(
  {
    latching: Type.Optional(Type.Object(
      {
        'life-safety': Type.Optional(Type.Boolean()),
        'device-health': Type.Optional(Type.Boolean()),
        environmental: Type.Optional(Type.Boolean()),
        energy: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    )),
  },
  { additionalProperties: false },
)
export type AlarmSettings = Static<typeof AlarmSettings>

/** Which classes latch: the defaults with the zone file's choices over them. */
export function latchingClasses(settings: AlarmSettings | undefined): Record<AlarmClass, boolean> {
  const out = { ...DEFAULT_LATCHING }
  for (const c of ALARM_CLASSES) {
    const chosen = settings?.latching?.[c]
    if (typeof chosen === 'boolean') out[c] = chosen
  }
  return out
}
