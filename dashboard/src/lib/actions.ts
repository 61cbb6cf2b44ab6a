/**
 * Operator actions: call the hub, apply its answer to the live stores at once (the socket
 * echo follows), and turn failures into a message for the screen.
 */
import { api, ApiError, type AlarmActionBody, type NewIncident } from './api.js'
import { i18n, t } from './i18n/index.svelte.js'
import { errorText } from './error-text.js'
import { live } from './live.svelte.js'
import type { AlarmActionName } from './roles.js'

export { commandsFor, commandStatus, hazardOf, HAZARDS, type Hazard } from './actions-logic.js'

export type ActionResult = { ok: true } | { ok: false; message: string }

/** A failed call as text for the screen: the hub's error code in the screen's language (error-text.ts). */
function failure(err: unknown): ActionResult {
  if (err instanceof ApiError) return { ok: false, message: errorText(err.code, i18n.locale) }
  return { ok: false, message: t('error.unknown') }
}

export async function alarmAction(id: string, action: AlarmActionName, body: AlarmActionBody = {}): Promise<ActionResult> {
  try {
    const alarm = await api.alarmAction(id, action, body)
    if (alarm && typeof alarm.id === 'string') live.upsertAlarm(alarm)
    return { ok: true }
  } catch (err) {
    return failure(err)
  }
}

export async function openIncident(body: NewIncident): Promise<ActionResult & { id?: string }> {
  try {
    const incident = await api.openIncident(body)
    live.upsertIncident(incident)
    return { ok: true, id: incident.id }
  } catch (err) {
    return failure(err)
  }
}

export async function completeStep(incident: string, step: string, note?: string): Promise<ActionResult> {
  try {
    live.upsertIncident(await api.completeStep(incident, step, note))
    return { ok: true }
  } catch (err) {
    return failure(err)
  }
}

export async function sendCommand(incident: string, device: string, command: string): Promise<ActionResult> {
  try {
    live.upsertIncident(await api.sendCommand(incident, device, command))
    return { ok: true }
  } catch (err) {
    return failure(err)
  }
}

/** Confirm a proposed command (it is published) or dismiss it with a note (never published). */
export async function decideCommand(incident: string, command: string, decision: 'confirm' | 'dismiss', note?: string): Promise<ActionResult> {
  try {
    const i = decision === 'confirm' ? await api.confirmCommand(incident, command, note) : await api.dismissCommand(incident, command, note ?? '')
    live.upsertIncident(i)
    return { ok: true }
  } catch (err) {
    return failure(err)
  }
}

export async function closeIncident(incident: string, summary: string): Promise<ActionResult> {
  try {
    live.upsertIncident(await api.closeIncident(incident, summary))
    return { ok: true }
  } catch (err) {
    return failure(err)
  }
}
