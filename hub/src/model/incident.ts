/** Emergency-response incident (应急处置): groups related alarms and follows a response plan. */
import type { Message } from './messages/index.js'

export type IncidentState = 'open' | 'closed'

export interface IncidentStep {
  id: string
  text: string
  textEn: string
  role: string | undefined
  done: boolean
  doneAt: number | undefined
  doneBy: string | undefined
}

/**
 * A device command's life on an incident (docs/response.md):
 *
 *   proposed ──confirm──▶ confirmed ──published──▶ sent ──device ack──▶ acknowledged
 *      │                      │                      └──no ack by expiresAt──▶ expired
 *      ├──dismiss──▶ dismissed └──device offline / publish failed──▶ failed
 *      └──not confirmed by expiresAt──▶ expired
 *
 * A plan's automatic command (a warning device, or a plant command approved in the zone file)
 * and a command an operator sends by hand start at `confirmed`.
 */
export const COMMAND_STATES = ['proposed', 'confirmed', 'sent', 'acknowledged', 'failed', 'expired', 'dismissed'] as const
export type CommandState = (typeof COMMAND_STATES)[number]

/** Who approved a plant command as automatic in the zone file, and when (YYYY-MM-DD). */
export interface IncidentCommandApproval {
  by: string
  date: string
  reference: string | undefined
}

export interface IncidentCommand {
  id: string
  device: string
  command: string
  params: Record<string, unknown>
  topic: string
  state: CommandState
  /** true when the command moves plant (valve, fan, pump); false for a warning device. */
  movesPlant: boolean
  /** Sent by the plan without a person: a warning device, or a plant command with `approval`. */
  automatic: boolean
  approval: IncidentCommandApproval | undefined
  /** The plan that proposed or sent it; undefined for a command sent by hand. */
  plan: string | undefined
  proposedAt: number
  /** `system` for a plan's command, else the operator. */
  proposedBy: string
  confirmedAt: number | undefined
  confirmedBy: string | undefined
  dismissedAt: number | undefined
  dismissedBy: string | undefined
  /** Why it was dismissed (required). */
  dismissNote: string | undefined
  /** When an unconfirmed proposal was escalated to the people on duty. */
  escalatedAt: number | undefined
  /** While proposed: the last moment it may be confirmed. Once confirmed: the deadline carried in the payload, by which the device must act and acknowledge. */
  expiresAt: number | undefined
  /** When it was handed to the broker. */
  sentAt: number | undefined
  /** Who caused the publish: `system` for an automatic command, else who confirmed or sent it. */
  sentBy: string | undefined
  ackedAt: number | undefined
  /** `ok` or the device's text once acknowledged; `failed: …` or `expired: …` otherwise. */
  result: string | undefined
}

export interface IncidentEntry {
  ts: number
  actor: string
  action: string
  /** The note in English (free text typed by a person as typed); `messages` is a note the hub built, as codes and parameters. */
  note?: string | undefined
  /** The hub-built note as messages of the one dictionary (model/messages); absent on free text and on entries recorded before them. */
  messages?: Message[] | undefined
}

export interface Incident {
  id: string
  title: string
  titleEn: string
  hazard: string
  level: 1 | 2 | 3 | 4
  park: string
  enterprise: string | undefined
  area: string | undefined
  state: IncidentState
  openedAt: number
  openedBy: string
  closedAt: number | undefined
  summary: string | undefined
  plan: string | undefined
  alarms: string[]
  devices: string[]
  steps: IncidentStep[]
  commands: IncidentCommand[]
  /** `escalated` while a proposal that was escalated to the people on duty still awaits a decision. */
  attention: 'normal' | 'escalated'
  timeline: IncidentEntry[]
}
