/**
 * The command side of the incident manager: a plan's commands when it is adopted (automatic
 * ones published, plant-moving ones proposed), commands by hand, confirmations and dismissals,
 * acknowledgements, and the deadlines of the tick. Each method works inside one Change; the
 * manager commits it (state, then the sends, then the sink).
 */
import type { Device } from '../model/device.js'
import type { Incident, IncidentCommand } from '../model/incident.js'
import { msg } from '../model/messages/index.js'
import { COMMAND_ACTUATOR, commandMode, type ResponsePlan } from '../model/response-plan.js'
import { SYSTEM_ACTOR, type Change } from './change.js'
import * as life from './command-lifecycle.js'
import { IncidentError } from './errors.js'
import { devicesInScope, drives } from './scope.js'
import type { CommandInput } from './types.js'
import { checkCommandInput } from './validate.js'

export class CommandDesk {
  constructor(
    private readonly devices: () => Iterable<Device>,
    private readonly online: (deviceId: string) => boolean,
    private readonly plans: readonly ResponsePlan[],
    private readonly lookup?: (id: string) => Device | undefined,
  ) {}

  device(id: string): Device | undefined {
    if (this.lookup) return this.lookup(id)
    for (const d of this.devices()) if (d.id === id) return d
    return undefined
  }

  /** The deadlines of a command: its plan's, else the incident's plan's, else the defaults. */
  timing(inc: Incident, cmd?: IncidentCommand): life.CommandTiming {
    const id = cmd?.plan ?? inc.plan
    return life.timingOf(this.plans.find((p) => p.id === id))
  }

  /**
   * A newly adopted plan's commands: `auto` ones published (a warning device, or a plant
   * command with its approval), `propose` ones recorded as proposals, `offer` ones left to the
   * command menu. A device that holds the same command already (not failed or expired) gets
   * no second one.
   */
  adopt(ch: Change, plan: ResponsePlan): void {
    const inc = ch.incident
    const timing = life.timingOf(plan)
    for (const c of plan.commands) {
      const mode = commandMode(c)
      if (mode === 'offer') continue
      // Walked once per command of the plan (a plan is adopted once per incident and level), not copied.
      const targets = devicesInScope(this.devices(), inc, c.actuator, c.scope)
      if (targets.length === 0) {
        ch.say(SYSTEM_ACTOR, 'command_skipped', msg('incidentNote.commandSkipped', { command: c.command, actuator: c.actuator, scope: c.scope }))
        continue
      }
      for (const d of targets) {
        if (life.holds(ch, d.id, c.command)) continue
        if (mode === 'auto') life.automatic(ch, d, c, plan, timing, this.online)
        else life.propose(ch, d, c, plan, timing)
      }
    }
  }

  /** An operator sends a command to one device of the incident's park; sending it is the confirmation. */
  byHand(ch: Change, who: string, input: CommandInput): void {
    const inc = ch.incident
    const c = checkCommandInput(input, inc.id)
    const device = this.device(c.device)
    if (!device) throw new IncidentError('not_found', `device ${c.device} not found`, { field: 'device', incident: inc.id })
    if (device.park !== inc.park) {
      throw new IncidentError('invalid_field', `device ${c.device} is not in park ${inc.park}`, { field: 'device', incident: inc.id })
    }
    const actuator = COMMAND_ACTUATOR[c.command]
    if (!drives(device, actuator)) {
      throw new IncidentError('invalid_field', `device ${c.device} drives no ${actuator}`, { field: 'device', incident: inc.id })
    }
    life.byHand(ch, device, c.command, c.params, who, this.timing(inc), this.online)
  }

  /** The command of the incident, or not_found. */
  find(inc: Incident, commandId: string): IncidentCommand {
    const cmd = inc.commands.find((c) => c.id === commandId)
    if (!cmd) throw new IncidentError('not_found', `command ${String(commandId)} not found in incident ${inc.id}`, { field: 'command', incident: inc.id })
    return cmd
  }

  confirm(ch: Change, cmd: IncidentCommand, who: string, note: string | undefined): void {
    life.confirm(ch, cmd, this.device(cmd.device), who, note, this.timing(ch.incident, cmd), this.online)
  }

  /** Deadlines due now on every command of the incident. */
  due(ch: Change): void {
    for (const cmd of ch.incident.commands) life.due(ch, cmd, this.timing(ch.incident, cmd))
  }

  /** The earliest deadline of the incident's commands still under way. */
  nextDeadline(inc: Incident): number | undefined {
    let next: number | undefined
    for (const cmd of inc.commands) {
      const t = life.nextDeadline(cmd, this.timing(inc, cmd))
      if (t !== undefined && (next === undefined || t < next)) next = t
    }
    return next
  }
}
