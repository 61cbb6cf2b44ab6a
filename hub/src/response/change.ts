/**
 * One operation on one incident, recorded as it happens: the timeline entries it adds and the
 * device commands it issues. The manager commits a change in one go — state, then the sends,
 * then the sink — so a failing sink never holds back a valve or a siren.
 */
import type { Device } from '../model/device.js'
import type { Incident, IncidentCommand, IncidentEntry, IncidentStep } from '../model/incident.js'
import { renderMessage, type Message } from '../model/messages/index.js'
import { movesPlant, type DeviceCommand, type ResponsePlan } from '../model/response-plan.js'
import { IncidentError } from './errors.js'
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
    this.#add({ ts: this.now, actor, action, note })
  }

  /**
   * An entry the hub words: its message of the one dictionary (model/messages), rendered in the
   * reader's language, and for readers of `note` its English text (or the `note` given).
   */
  say(actor: string, action: IncidentAction, message: Message, note: string = renderMessage(message, 'en')): void {
    this.#add({ ts: this.now, actor, action, note, messages: [message] })
  }

  #add(entry: IncidentEntry): void {
    this.incident.timeline.push(entry)
    this.entries.push(entry)
  }

  /**
   * Records a command to a device (id `${incident}.c${n}`, n counting from 1) in its first state;
   * command-lifecycle.ts takes it on from there (and queues its send in `sends`).
   */
  record(
    device: Device,
    command: DeviceCommand,
    params: Record<string, unknown>,
    o: Pick<IncidentCommand, 'state' | 'automatic' | 'approval' | 'plan'> & { actor: string },
  ): IncidentCommand {
    const inc = this.incident
    const record: IncidentCommand = {
      id: `${inc.id}.c${inc.commands.length + 1}`,
      device: device.id,
      command,
      params,
      topic: commandTopic(device),
      state: o.state,
      movesPlant: movesPlant(command),
      automatic: o.automatic,
      approval: o.approval,
      plan: o.plan,
      proposedAt: this.now,
      proposedBy: o.actor,
      confirmedAt: undefined,
      confirmedBy: undefined,
      dismissedAt: undefined,
      dismissedBy: undefined,
      dismissNote: undefined,
      escalatedAt: undefined,
      expiresAt: undefined,
      sentAt: undefined,
      sentBy: undefined,
      ackedAt: undefined,
      result: undefined,
    }
    inc.commands.push(record)
    return record
  }

  /** Marks a checklist step done (or not done), with who and when; throws IncidentError. */
  markStep(stepId: string, done: unknown, who: string, note: string | undefined): void {
    const id = this.incident.id
    if (typeof done !== 'boolean') throw new IncidentError('invalid_field', 'done must be true or false', { field: 'done', incident: id })
    const step = this.incident.steps.find((s) => s.id === stepId)
    if (!step) throw new IncidentError('not_found', `step ${String(stepId)} not found in incident ${id}`, { field: 'step', incident: id })
    if (step.done === done) throw new IncidentError('invalid_state', `step ${step.id} is ${done ? 'already done' : 'not done'}`, { incident: id })
    step.done = done
    step.doneAt = done ? this.now : undefined
    step.doneBy = done ? who : undefined
    this.note(who, done ? 'step_done' : 'step_undone', note === undefined ? step.id : `${step.id}: ${note}`)
  }

  /**
   * Adds a plan's steps that the incident does not hold yet (same id = same step), their texts
   * rendered by `render` (set points from the effective ones); returns how many.
   */
  mergeSteps(plan: ResponsePlan, render: (text: string, lang: 'zh' | 'en') => string): number {
    const have = new Set(this.incident.steps.map((s) => s.id))
    let added = 0
    for (const s of plan.steps) {
      if (have.has(s.id)) continue
      const text = render(s.text, 'zh')
      const textEn = render(s.textEn, 'en')
      const step: IncidentStep = { id: s.id, text, textEn, role: s.role, done: false, doneAt: undefined, doneBy: undefined }
      this.incident.steps.push(step)
      have.add(s.id)
      added++
    }
    return added
  }
}
