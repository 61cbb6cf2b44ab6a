import type { Alarm } from './model/alarm.js'
import type { Incident } from './model/incident.js'
import type { AlarmBookState } from './alarms/index.js'
import type { IncidentManagerState } from './response/index.js'

/** One alarm version as the safety loop's alarm log keeps it. */
export type AlarmRecord = { key: string; alarm: Alarm }

/** The snapshot with every logged alarm version after it applied in order (latest wins). */
export function mergeAlarmRecords(snapshot: AlarmBookState | undefined, records: AlarmRecord[]): AlarmBookState {
  const state: AlarmBookState = snapshot ?? { version: 1, alarms: [], activations: {} }
  const index = new Map(state.alarms.map((e, i) => [e.alarm.id, i]))
  for (const r of records) {
    const i = index.get(r.alarm.id)
    if (i === undefined) {
      index.set(r.alarm.id, state.alarms.length)
      state.alarms.push(r)
    } else state.alarms[i] = r
  }
  return state
}

/** The snapshot with every logged incident version after it applied in order (latest wins). */
export function mergeIncidentRecords(snapshot: IncidentManagerState | undefined, records: Incident[]): IncidentManagerState {
  const state: IncidentManagerState = snapshot ?? { version: 1, incidents: [] }
  for (const inc of records) {
    const i = state.incidents.findIndex((x) => x.id === inc.id)
    if (i >= 0) state.incidents[i] = inc
    else state.incidents.push(inc)
  }
  return state
}
