/** Queries over the manager's incidents, and the checks of a saved state. */
import type { Alarm, AlarmStep } from '../model/alarm.js'
import type { Incident } from '../model/incident.js'
import { IncidentError } from './errors.js'
import { copyIncident } from './incident-copy.js'
import type { IncidentManagerState, IncidentQuery } from './types.js'

/** Alarm steps that are a new activation of the condition (alarms/condition.ts). */
const ACTIVATIONS: ReadonlySet<AlarmStep['action']> = new Set(['raise', 'reactivate', 'escalate'])

/** Whether the alarm was activated anew after `ts` (an alarm of a closed incident opens a new one only then). */
export function activatedSince(alarm: Alarm, ts: number): boolean {
  return alarm.history.some((s) => ACTIVATIONS.has(s.action) && s.ts > ts)
}

/** The open incident an alarm joins: same park and area, or same park and enterprise when it has no area; the oldest first. */
export function groupTarget(incidents: Iterable<Incident>, alarm: Alarm): Incident | undefined {
  for (const inc of incidents) {
    if (inc.state !== 'open' || inc.park !== alarm.park) continue
    if (alarm.area !== undefined ? inc.area === alarm.area : inc.enterprise === alarm.enterprise) return inc
  }
  return undefined
}

/** Copies of the incidents matching the query (default: all), newest first. */
export function listIncidents(incidents: Iterable<Incident>, query: IncidentQuery): Incident[] {
  const state = query.state ?? 'all'
  const out: Incident[] = []
  for (const inc of incidents) {
    if (state !== 'all' && inc.state !== state) continue
    if (query.park !== undefined && inc.park !== query.park) continue
    out.push(copyIncident(inc))
  }
  return out.reverse().sort((a, b) => b.openedAt - a.openedAt)
}

/** The incidents of a saved state, checked for shape and unique ids; throws on a bad state. */
export function incidentsOf(state: IncidentManagerState): Incident[] {
  if (state === null || typeof state !== 'object' || state.version !== 1 || !Array.isArray(state.incidents)) {
    throw new Error('incident state: unknown version or shape')
  }
  const ids = new Set<string>()
  return state.incidents.map((raw) => {
    const ok = typeof raw?.id === 'string' && [raw.alarms, raw.devices, raw.steps, raw.commands, raw.timeline].every(Array.isArray)
    if (!ok) throw new Error('incident state: malformed incident')
    if (ids.has(raw.id)) throw new Error(`incident state: duplicate id ${raw.id}`)
    ids.add(raw.id)
    return copyIncident(raw)
  })
}

/**
 * An alarm attached by hand: not in another open incident (`held`, the latest incident holding
 * it); when alarms can be looked up, it exists and is in the park. Throws IncidentError.
 */
export function checkAttachable(alarmId: string, park: string, incident: string | undefined, held: Incident | undefined, lookup: ((id: string) => Alarm | undefined) | undefined): Alarm | undefined {
  if (held?.state === 'open' && held.id !== incident) {
    throw new IncidentError('invalid_state', `alarm ${alarmId} is already in open incident ${held.id}`, { field: 'alarms', incident })
  }
  if (!lookup) return undefined
  const alarm = lookup(alarmId)
  if (!alarm) throw new IncidentError('not_found', `alarm ${alarmId} not found`, { field: 'alarms', incident })
  if (alarm.park !== park) throw new IncidentError('invalid_field', `alarm ${alarmId} is not in park ${park}`, { field: 'alarms', incident })
  return alarm
}
