import type { AlarmBook } from '../alarms/index.js'
import type { IncidentManager } from '../response/index.js'
import type { RulesEngine } from '../rules/index.js'
import type { RiskTracker } from '../risk/index.js'
import type { DeviceRegistry } from '../registry/device-registry.js'
import { parkRulesOf, withParkRules, type ParkSnapshot } from './park-state.js'

/** The parts of the safety loop a park's hand-over touches. */
interface ParkBooks {
  readonly rules: RulesEngine
  readonly alarms: AlarmBook
  readonly incidents: IncidentManager
  readonly risk: RiskTracker
}

function devicesOf(registry: Pick<DeviceRegistry, 'all'>, park: string): Set<string> {
  const out = new Set<string>()
  for (const r of registry.all()) if (r.device.park === park) out.add(r.device.id)
  return out
}

/**
 * A park taken over in cluster mode: its alarms (same ids: an active alarm restored stays that
 * alarm), incidents and rules conditions as the last owner's log holds them (park-state.ts)
 * replace what this node held of it; `undefined` gives the park up (its alarms and incidents
 * leave the books, its rules state is cleared). Park risk follows the alarms now held.
 */
export function adoptPark(b: ParkBooks, registry: Pick<DeviceRegistry, 'all'>, park: string, s: ParkSnapshot | undefined, now: number): void {
  for (const a of b.alarms.list({ state: 'open' })) if (a.park === park) b.risk.removeAlarm(a.id)
  b.alarms.adoptPark(park, s ?? { alarms: [], activations: {} })
  b.incidents.adoptPark(park, s?.incidents ?? [])
  b.rules.restore(withParkRules(b.rules.snapshot(), park, devicesOf(registry, park), s?.rules, now))
  for (const a of b.alarms.list({ state: 'open' })) if (a.park === park) b.risk.markAlarm(a)
}

/** The park's whole part of the safety loop, for a snapshot on its fenced log. */
export function parkSnapshotOf(b: ParkBooks, registry: Pick<DeviceRegistry, 'all'>, park: string): ParkSnapshot {
  const book = b.alarms.snapshot()
  const alarms = book.alarms.filter((e) => e.alarm.park === park)
  const keys = new Set(alarms.map((e) => e.key))
  const activations: Record<string, number[]> = {}
  for (const [k, t] of Object.entries(book.activations)) if (keys.has(k)) activations[k] = t
  return {
    v: 1, alarms, activations,
    incidents: b.incidents.snapshot().incidents.filter((i) => i.park === park),
    rules: parkRulesOf(b.rules.state(), park, devicesOf(registry, park)),
  }
}
