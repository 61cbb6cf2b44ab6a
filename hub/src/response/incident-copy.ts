/**
 * Copies of incidents in one canonical field order. The manager hands out copies only, and a
 * snapshot taken after a restore serialises byte for byte like the one before it, whatever
 * fields JSON dropped as `undefined` on the way.
 */
import type { Incident, IncidentCommand, IncidentEntry, IncidentStep } from '../model/incident.js'

export function copyStep(s: IncidentStep): IncidentStep {
  return { id: s.id, text: s.text, textEn: s.textEn, role: s.role, done: s.done, doneAt: s.doneAt, doneBy: s.doneBy }
}

export function copyCommand(c: IncidentCommand): IncidentCommand {
  return {
    id: c.id,
    device: c.device,
    command: c.command,
    params: structuredClone(c.params ?? {}),
    topic: c.topic,
    sentAt: c.sentAt,
    sentBy: c.sentBy,
    ackedAt: c.ackedAt,
    result: c.result,
  }
}

export function copyEntry(e: IncidentEntry): IncidentEntry {
  return { ts: e.ts, actor: e.actor, action: e.action, note: e.note }
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
    timeline: i.timeline.map(copyEntry),
  }
}
