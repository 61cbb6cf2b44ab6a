/**
 * Copies of incidents in one canonical field order. The manager hands out copies only, and a
 * snapshot taken after a restore serialises byte for byte like the one before it, whatever
 * fields JSON dropped as `undefined` on the way.
 */
import type { CommandState, Incident, IncidentCommand, IncidentEntry, IncidentStep } from '../model/incident.js'
import { frozenMessage } from '../model/messages/index.js'
import { movesPlant, type Hazard } from '../model/response-plan.js'

export function copyStep(s: IncidentStep): IncidentStep {
  return { id: s.id, text: s.text, textEn: s.textEn, role: s.role, done: s.done, doneAt: s.doneAt, doneBy: s.doneBy }
}

/**
 * A command saved before commands had states was sent at once: acknowledged, failed or sent,
 * automatic when the plan (`system`) sent it.
 */
function stateOfOlder(c: Partial<IncidentCommand>): CommandState {
  if (c.ackedAt !== undefined && c.ackedAt !== null) return 'acknowledged'
  return c.result?.startsWith('failed') ? 'failed' : 'sent'
}

export function copyCommand(c: IncidentCommand): IncidentCommand {
  const older = c.state === undefined
  return {
    id: c.id,
    device: c.device,
    command: c.command,
    params: structuredClone(c.params ?? {}),
    topic: c.topic,
    state: older ? stateOfOlder(c) : c.state,
    movesPlant: c.movesPlant ?? movesPlant(c.command),
    automatic: c.automatic ?? c.sentBy === 'system',
    approval: c.approval ? { by: c.approval.by, date: c.approval.date, reference: c.approval.reference } : undefined,
    plan: c.plan,
    proposedAt: c.proposedAt ?? (c.sentAt as number),
    proposedBy: c.proposedBy ?? (c.sentBy as string),
    confirmedAt: c.confirmedAt,
    confirmedBy: c.confirmedBy,
    dismissedAt: c.dismissedAt,
    dismissedBy: c.dismissedBy,
    dismissNote: c.dismissNote,
    escalatedAt: c.escalatedAt,
    expiresAt: c.expiresAt,
    sentAt: c.sentAt,
    sentBy: c.sentBy,
    ackedAt: c.ackedAt,
    result: c.result,
  }
}

export function copyEntry(e: IncidentEntry): IncidentEntry {
  const copy: IncidentEntry = { ts: e.ts, actor: e.actor, action: e.action, note: e.note }
  // Entries recorded before notes carried messages restore without them.
  if (e.messages !== undefined) copy.messages = e.messages.map(frozenMessage) // immutable: copies share them
  return copy
}

export function copyIncident(i: Incident): Incident {
  return {
    id: i.id,
    title: i.title,
    titleEn: i.titleEn,
    hazard: i.hazard,
    level: i.level,
    park: i.park,
    enterprise: i.enterprise,
    area: i.area,
    state: i.state,
    openedAt: i.openedAt,
    openedBy: i.openedBy,
    closedAt: i.closedAt,
    summary: i.summary,
    plan: i.plan,
    alarms: [...i.alarms],
    devices: [...i.devices],
    steps: i.steps.map(copyStep),
    commands: i.commands.map(copyCommand),
    attention: i.attention ?? 'normal',
    timeline: i.timeline.map(copyEntry),
  }
}

/** A new open incident, with nothing in it yet. */
export function newIncident(
  id: string,
  o: Pick<Incident, 'title' | 'titleEn' | 'level' | 'park' | 'enterprise' | 'area'> & { hazard: Hazard },
  actor: string,
  now: number,
): Incident {
  return {
    id, title: o.title, titleEn: o.titleEn, hazard: o.hazard, level: o.level, park: o.park, enterprise: o.enterprise, area: o.area,
    state: 'open', openedAt: now, openedBy: actor, closedAt: undefined, summary: undefined, plan: undefined,
    alarms: [], devices: [], steps: [], commands: [], attention: 'normal', timeline: [],
  }
}
