import type { Alarm } from '../../../hub/src/model/alarm.js'

/** An alarm with sensible defaults; override what a test cares about. */
export function alarm(over: Partial<Alarm> & { id: string }): Alarm {
  return {
    rule: 'setpoint',
    type: 'gas_high',
    level: 2,
    park: 'p1',
    enterprise: 'e1',
    area: undefined,
    device: 'd1',
    metric: 'lel',
    value: 30,
    threshold: 25,
    raisedAt: 1_000,
    updatedAt: 1_000,
    condition: 'active',
    ack: 'unacked',
    workflow: 'open',
    shelvedUntil: undefined,
    suppressed: false,
    outOfService: false,
    chattering: false,
    assignee: undefined,
    incident: undefined,
    cause: undefined,
    action: undefined,
    history: [],
    ...over,
  }
}
