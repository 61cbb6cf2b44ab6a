/**
 * One operation on one incident, recorded as it happens: the timeline entries it adds and the
 * device commands it issues. The manager commits a change in one go — state, then the sends,
 * then the sink — so a failing sink never holds back a valve or a siren.
 */
import type { Device } from '../model/device.js'
import type { Incident, IncidentCommand, IncidentEntry, IncidentStep } from '../model/incident.js'
import type { DeviceCommand, ResponsePlan } from '../model/response-plan.js'
import { commandTopic } from './scope.js'
import type { IncidentAction } from './types.js'

export const SYSTEM_ACTOR = 'system'

export interface PendingSend {
  device: Device
  command: IncidentCommand
}

export class Change {
  readonly entries: IncidentEntry[] = []
  readonly sends: PendingSend[] = []

  constructor(
    readonly incident: Incident,
    readonly now: number,
  ) {}

  note(actor: string, action: IncidentAction, note?: string): void {
    const entry: IncidentEntry = { ts: this.now, actor, action, note }
    this.incident.timeline.push(entry)
    this.entries.push(entry)
  }

  /** Records a command to a device (id `${incident}.c${n}`, n counting from 1) and queues its send. */
  issue(device: Device, command: DeviceCommand, params: Record<string, unknown>, actor: string): IncidentCommand {
    const inc = this.incident
    const record: IncidentCommand = {
      id: `${inc.id}.c${inc.commands.length + 1}`,
      device: device.id,
      command,
      params,
      topic: commandTopic(device),
      sentAt: this.now,
      sentBy: actor,
      ackedAt: undefined,
      result: undefined,
    }
    inc.commands.push(record)
    this.sends.push({ device, command: record })
    this.note(actor, 'command', `${command} → ${device.id}`)
    return record
  }

  /** Whether this incident already sent `command` to `device`. */
  sent(device: string, command: string): boolean {
    return this.incident.commands.some((c) => c.device === device && c.command === command)
  }

  /** Adds a plan's steps that the incident does not hold yet (same id = same step); returns how many. */
  mergeSteps(plan: ResponsePlan): number {
    const have = new Set(this.incident.steps.map((s) => s.id))
    let added = 0
    for (const s of plan.steps) {
      if (have.has(s.id)) continue
      const step: IncidentStep = { id: s.id, text: s.text, textEn: s.textEn, role: s.role, done: false, doneAt: undefined, doneBy: undefined }
      this.incident.steps.push(step)
      have.add(s.id)
      added++
    }
    return added
  }
}
