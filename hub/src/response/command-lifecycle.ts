/**
 * A device command's life on an incident (model/incident.ts, docs/response.md): proposed by a
 * plan, confirmed or dismissed by a person, published with an expiry, acknowledged by the
 * device — or failed (device offline, publish failed) or expired (not confirmed in time, not
 * acknowledged in time). The hub is not a safety instrumented system (GB/T 50770, GB/T 21109)
 * and does not stand in for the gas alarm controller's outputs (GB/T 50493 §3.0.8): a command
 * that moves plant waits for a person unless the zone file records who approved it as automatic.
 *
 * Each function changes one command inside a Change (its timeline entries, its sends); the
 * manager finds the incident, checks the actor and commits.
 */
import type { Device } from '../model/device.js'
import type { IncidentCommand } from '../model/incident.js'
import { msg } from '../model/messages/index.js'
import { RESPONSE_TIMING, type DeviceCommand, type PlanCommand, type ResponsePlan } from '../model/response-plan.js'
import { SYSTEM_ACTOR, type Change } from './change.js'
import { IncidentError } from './errors.js'

/** The deadlines of a command, in milliseconds (RESPONSE_TIMING, per plan in `timing`). */
export interface CommandTiming {
  escalateAfterMs: number
  proposalExpiryMs: number
  commandExpiryMs: number
}

export function timingOf(plan: Pick<ResponsePlan, 'timing'> | undefined): CommandTiming {
  const t = { ...RESPONSE_TIMING, ...plan?.timing }
  return { escalateAfterMs: t.escalateAfterSec * 1000, proposalExpiryMs: t.proposalExpirySec * 1000, commandExpiryMs: t.commandExpirySec * 1000 }
}

/** Who may confirm or dismiss a proposal (the routes enforce it; the escalation names them). */
export const CONFIRMING_ROLES = ['responder', 'safety', 'admin'] as const

/** States in which a command is still under way (a proposal, or published and not yet answered). */
const UNDER_WAY: ReadonlySet<IncidentCommand['state']> = new Set(['proposed', 'confirmed', 'sent'])

/** Whether the incident holds this command for this device already, other than failed or expired (those may be proposed again). */
export function holds(ch: Change, device: string, command: string): boolean {
  return ch.incident.commands.some((c) => c.device === device && c.command === command && c.state !== 'failed' && c.state !== 'expired')
}

/** A plan's proposal: recorded, never published until someone confirms it. */
export function propose(ch: Change, device: Device, c: PlanCommand, plan: ResponsePlan, timing: CommandTiming): IncidentCommand {
  const cmd = ch.record(device, c.command, {}, { state: 'proposed', automatic: false, approval: undefined, plan: plan.id, actor: SYSTEM_ACTOR })
  cmd.expiresAt = ch.now + timing.proposalExpiryMs
  ch.say(SYSTEM_ACTOR, 'command_proposed', msg('incidentNote.commandProposed', { command: cmd.command, device: cmd.device, id: cmd.id, until: new Date(cmd.expiresAt).toISOString() }))
  return cmd
}

/** A plan's automatic command: a warning device, or a plant command with its approval. Published at once. */
export function automatic(ch: Change, device: Device, c: PlanCommand, plan: ResponsePlan, timing: CommandTiming, online: (id: string) => boolean): IncidentCommand {
  const approval = c.approval ? { by: c.approval.by, date: c.approval.date, reference: c.approval.reference } : undefined
  const cmd = ch.record(device, c.command, {}, { state: 'confirmed', automatic: true, approval, plan: plan.id, actor: SYSTEM_ACTOR })
  ch.say(SYSTEM_ACTOR, 'command', approval
    ? msg('incidentNote.commandAutomaticApproved', { command: cmd.command, device: cmd.device, id: cmd.id, by: approval.by, date: approval.date })
    : msg('incidentNote.commandAutomaticWarning', { command: cmd.command, device: cmd.device, id: cmd.id }))
  publish(ch, device, cmd, SYSTEM_ACTOR, timing, online)
  return cmd
}

/** An operator's command by hand: their sending it is the confirmation. */
export function byHand(ch: Change, device: Device, command: DeviceCommand, params: Record<string, unknown>, who: string, timing: CommandTiming, online: (id: string) => boolean): IncidentCommand {
  const cmd = ch.record(device, command, params, { state: 'confirmed', automatic: false, approval: undefined, plan: undefined, actor: who })
  cmd.confirmedAt = ch.now
  cmd.confirmedBy = who
  ch.say(who, 'command', msg('incidentNote.commandByHand', { command: cmd.command, device: cmd.device, id: cmd.id }))
  publish(ch, device, cmd, who, timing, online)
  return cmd
}

/**
 * Hand a confirmed command to the broker, with its expiry — unless its device is unknown or
 * offline: then it fails at once, visibly, and nothing is published.
 */
function publish(ch: Change, device: Device | undefined, cmd: IncidentCommand, who: string, timing: CommandTiming, online: (id: string) => boolean): void {
  cmd.sentBy = who
  if (!device || !online(device.id)) {
    fail(ch, cmd, device ? 'device offline' : 'device no longer registered')
    return
  }
  cmd.sentAt = ch.now
  cmd.expiresAt = ch.now + timing.commandExpiryMs
  ch.sends.push({ device, command: cmd })
}

/** A person confirms a proposal: recorded with who and when, then published. */
export function confirm(ch: Change, cmd: IncidentCommand, device: Device | undefined, who: string, note: string | undefined, timing: CommandTiming, online: (id: string) => boolean): void {
  mustBeProposed(ch, cmd)
  cmd.state = 'confirmed'
  cmd.confirmedAt = ch.now
  cmd.confirmedBy = who
  ch.say(who, 'command_confirmed', note ? msg('incidentNote.commandConfirmedNote', { command: cmd.command, device: cmd.device, id: cmd.id, note }) : msg('incidentNote.commandConfirmed', { command: cmd.command, device: cmd.device, id: cmd.id }))
  publish(ch, device, cmd, who, timing, online)
}

/** A person dismisses a proposal, saying why; nothing is published. */
export function dismiss(ch: Change, cmd: IncidentCommand, who: string, note: string): void {
  mustBeProposed(ch, cmd)
  cmd.state = 'dismissed'
  cmd.dismissedAt = ch.now
  cmd.dismissedBy = who
  cmd.dismissNote = note
  cmd.expiresAt = undefined
  ch.say(who, 'command_dismissed', msg('incidentNote.commandDismissed', { command: cmd.command, device: cmd.device, id: cmd.id, note }))
}

function mustBeProposed(ch: Change, cmd: IncidentCommand): void {
  const id = ch.incident.id
  const lapsed = (cmd.state === 'proposed' || (cmd.state === 'expired' && cmd.sentAt === undefined)) && cmd.expiresAt !== undefined && ch.now >= cmd.expiresAt
  if (lapsed) {
    throw new IncidentError('invalid_state', `proposal ${cmd.id} expired at ${new Date(cmd.expiresAt as number).toISOString()}; send the command by hand if it is still needed`, { incident: id })
  }
  if (cmd.state !== 'proposed') throw new IncidentError('invalid_state', `command ${cmd.id} is ${cmd.state}, not proposed`, { incident: id })
}

export function fail(ch: Change, cmd: IncidentCommand, reason: string): void {
  cmd.state = 'failed'
  cmd.result = `failed: ${reason}`
  ch.say(SYSTEM_ACTOR, 'command_failed', msg('incidentNote.commandFailed', { command: cmd.command, device: cmd.device, id: cmd.id, reason }))
}

/** The broker took the publish. */
export function sent(ch: Change, cmd: IncidentCommand): void {
  if (cmd.state !== 'confirmed') return
  cmd.state = 'sent'
  ch.say(SYSTEM_ACTOR, 'command_sent', msg('incidentNote.commandSent', { command: cmd.command, device: cmd.device, id: cmd.id, topic: cmd.topic, expires: new Date(cmd.expiresAt ?? ch.now).toISOString() }))
}

/** The device's acknowledgement; a late one (after the expiry) is recorded as late: the device did act. */
export function acknowledge(ch: Change, cmd: IncidentCommand, ts: number, result: string | undefined): boolean {
  const late = cmd.state === 'expired' && cmd.sentAt !== undefined
  if (!(cmd.state === 'confirmed' || cmd.state === 'sent' || late) || cmd.ackedAt !== undefined) return false
  cmd.state = 'acknowledged'
  cmd.ackedAt = Number.isFinite(ts) ? ts : ch.now
  cmd.result = result === undefined || result === '' ? 'ok' : String(result).slice(0, 200)
  ch.say(cmd.device, 'command_ack', msg(late ? 'incidentNote.commandAckLate' : 'incidentNote.commandAck', { command: cmd.command, id: cmd.id, result: String(cmd.result) }))
  return true
}

/**
 * Deadlines due at `ch.now` for one command: a proposal unconfirmed past its escalation time is
 * escalated to the people on duty; past its expiry it expires (never runs by itself); a
 * published command not acknowledged by its expiry is marked expired.
 */
export function due(ch: Change, cmd: IncidentCommand, timing: CommandTiming): void {
  if (!UNDER_WAY.has(cmd.state) || cmd.expiresAt === undefined) return
  const now = ch.now
  if (cmd.state === 'proposed') {
    if (now >= cmd.expiresAt) {
      cmd.state = 'expired'
      cmd.result = 'expired: not confirmed in time'
      ch.say(SYSTEM_ACTOR, 'command_expired', msg('incidentNote.proposalExpired', { command: cmd.command, device: cmd.device, id: cmd.id, until: new Date(cmd.expiresAt).toISOString() }))
    } else if (cmd.escalatedAt === undefined && now >= cmd.proposedAt + timing.escalateAfterMs) {
      cmd.escalatedAt = now
      const minutes = Math.round(timing.escalateAfterMs / 6000) / 10
      ch.say(SYSTEM_ACTOR, 'proposal_escalated', msg('incidentNote.proposalEscalated', { command: cmd.command, device: cmd.device, id: cmd.id, minutes, roles: CONFIRMING_ROLES.join(', ') }))
    }
    return
  }
  if (now >= cmd.expiresAt && cmd.ackedAt === undefined) {
    cmd.state = 'expired'
    cmd.result = 'expired: no acknowledgement from the device'
    ch.say(SYSTEM_ACTOR, 'command_expired', msg('incidentNote.commandUnacknowledged', { command: cmd.command, device: cmd.device, id: cmd.id, until: new Date(cmd.expiresAt).toISOString() }))
  }
}

/** Closing the incident dismisses the proposals still open: they can no longer be confirmed. */
export function dismissOnClose(ch: Change, who: string): void {
  for (const cmd of ch.incident.commands) {
    if (cmd.state !== 'proposed') continue
    cmd.state = 'dismissed'
    cmd.dismissedAt = ch.now
    cmd.dismissedBy = who
    cmd.dismissNote = 'incident closed'
    cmd.expiresAt = undefined
  }
}

/** `escalated` while an escalated proposal still awaits a decision. */
export function attentionOf(commands: readonly IncidentCommand[]): 'normal' | 'escalated' {
  return commands.some((c) => c.state === 'proposed' && c.escalatedAt !== undefined) ? 'escalated' : 'normal'
}

/** The earliest deadline of a command still under way, for the manager's tick. */
export function nextDeadline(cmd: IncidentCommand, timing: CommandTiming): number | undefined {
  if (!UNDER_WAY.has(cmd.state) || cmd.expiresAt === undefined) return undefined
  if (cmd.state === 'proposed' && cmd.escalatedAt === undefined) return Math.min(cmd.expiresAt, cmd.proposedAt + timing.escalateAfterMs)
  return cmd.expiresAt
}
