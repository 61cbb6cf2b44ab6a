/**
 * Pure helpers for incident actions, mirroring the hub's response vocabulary
 * (hub/src/model/response-plan.ts): hazards, actuators and their commands.
 */
import type { Alarm } from '../../../hub/src/model/alarm.js'
import type { DeviceCommand, Hazard } from '../../../hub/src/model/response-plan.js'
import { EVENT_TYPES, TOXIC_GASES } from '../../../hub/src/model/vocabulary.js'

/** Hazards an operator may choose when opening an incident by hand. */
export const HAZARDS = ['gas', 'toxic', 'fire', 'gas_fire', 'emission', 'other'] as const satisfies readonly Hazard[]
export type { Hazard }

const FIRE_TYPES: ReadonlySet<string> = new Set([
  'fire',
  'fire_confirmed',
  'rate_of_rise',
  'temp_rate_of_rise',
  'smoke_rate_of_rise',
  ...EVENT_TYPES.filter((t) => t !== 'panel_fault'),
])
const TOXIC: ReadonlySet<string> = new Set(TOXIC_GASES)

function gasHazard(metric: string | undefined): Hazard | undefined {
  if (metric === 'lel') return 'gas'
  if (metric !== undefined && TOXIC.has(metric)) return 'toxic'
  return undefined
}

/** The hazard the hub would give this alarm (the form's default; the operator may change it). */
export function hazardOf(alarm: Pick<Alarm, 'type' | 'metric'>, deviceKind?: string): Hazard {
  const type = alarm.type
  if (type === 'gas_fire') return 'gas_fire'
  if (type === 'emission_exceedance' || deviceKind === 'emission' || deviceKind === 'wastewater') return 'emission'
  if (FIRE_TYPES.has(type)) return 'fire'
  if (type.startsWith('gas_') || type.endsWith('_rate_of_rise')) return gasHazard(alarm.metric) ?? (type === 'gas_confirmed' ? 'gas' : 'other')
  return 'other'
}

/** Commands for each actuator (the hub relays them on the device's `cmd` topic). */
const ACTUATOR_COMMANDS: Readonly<Record<string, readonly DeviceCommand[]>> = {
  valve: ['close_valve', 'open_valve'],
  siren: ['sound_siren', 'silence_siren'],
}

export function commandsFor(actuators: readonly string[] | undefined): DeviceCommand[] {
  const out: DeviceCommand[] = []
  for (const a of actuators ?? []) out.push(...(ACTUATOR_COMMANDS[a] ?? []))
  return [...new Set(out)]
}

/**
 * How a command shows on the incident: `proposed` (waiting for a person), `waiting` (confirmed
 * or sent, no acknowledgement yet), `acked`, `failed` (device offline, publish failed),
 * `expired` (not confirmed, or not acknowledged, in time), `dismissed`. A command saved before
 * commands had states is acknowledged, failed (`result` "failed: …") or waiting.
 */
export type CommandStatus = 'proposed' | 'waiting' | 'acked' | 'failed' | 'expired' | 'dismissed'

export function commandStatus(c: { state?: string | undefined; ackedAt?: number | null | undefined; result?: string | null | undefined }): CommandStatus {
  switch (c.state) {
    case 'proposed': return 'proposed'
    case 'confirmed': case 'sent': return 'waiting'
    case 'acknowledged': return 'acked'
    case 'failed': return 'failed'
    case 'expired': return 'expired'
    case 'dismissed': return 'dismissed'
  }
  if (c.ackedAt !== undefined && c.ackedAt !== null) return 'acked'
  if (c.result !== undefined && c.result !== null && c.result.startsWith('failed')) return 'failed'
  return 'waiting'
}
