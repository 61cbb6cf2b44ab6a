import { newAlarm } from '../../../hub/src/alarms/alarm-copy.js'
import type { Alarm } from '../../../hub/src/model/alarm.js'

/** An alarm with sensible defaults; override what a test cares about. */
export function alarm(over: Partial<Alarm> & { id: string }): Alarm {
  const raised = newAlarm(over.id, { key: over.id, kind: 'activate', rule: 'setpoint', type: 'gas_high', level: 2, park: 'p1', enterprise: 'e1', area: undefined, device: 'd1', metric: 'lel', value: 30, threshold: 25, ts: 1_000 })
  return { ...raised, ...over }
}
