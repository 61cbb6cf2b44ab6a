/**
 * The typed REST client of the hub's notifications (docs/notifications.md, /api/v1/notify,
 * /alarms/:id/escalation, /ack/:token), beside api.ts and through its one `request`.
 */
import type { AlarmLevel } from '../../../hub/src/model/alarm.js'
import type { ChannelType, MessageKind } from '../../../hub/src/notify/types.js'
import { request } from './api.js'

const enc = encodeURIComponent

export interface DutyPerson {
  id: string
  name: string
  role: string
  /** Masked (PIPL) unless the reader is an administrator. */
  phone?: string | undefined
  lang?: string | undefined
}
export interface DutyShift {
  id: string
  name: string
  start: string
  end: string
}
export interface DutyEntry {
  /** A park id, or `zone` for the zone-wide roster. */
  scope: string
  shift: DutyShift | null
  people: DutyPerson[]
}
export interface DutyReply {
  at: number
  entries: DutyEntry[]
}

export interface ChannelView {
  id: string
  type: ChannelType
  park?: string | null | undefined
  /** Host only: the path of a robot's URL carries its key. */
  url: string
  healthy: boolean
  sent: number
  failed: number
  retried: number
  rateLimited: number
  backlog: number
  lastError?: string | null | undefined
  lastSentAt?: number | null | undefined
  hasSecret: boolean
}
export interface ChannelsReply {
  channels: ChannelView[]
}

export type LogState = 'decided' | 'pending' | 'attempted' | 'retrying' | 'sent' | 'failed'
export interface LogEntry {
  id: string
  ts: number
  kind: MessageKind
  channel: string
  park?: string | null | undefined
  alarm?: string | null | undefined
  incident?: string | null | undefined
  tier: number
  to: { person: string; name: string; phone?: string | null | undefined }[]
  state: LogState
  attempts: number
  resent: boolean
  latencyMs?: number | null | undefined
  error?: string | null | undefined
}
export interface LogReply {
  entries: LogEntry[]
}

export type EscalationStateName = 'none' | 'escalating' | 'held' | 'stopped' | 'done'
export interface EscalationReply {
  alarm: string
  state: EscalationStateName
  tier: number | null
  next: { tier: number; at: number; roles: string[]; channels: string[] } | null
  stoppedBy: { by: string; channel: string; at: number } | null
}

export interface AckAlarm {
  id: string
  park: string
  device: string
  type: string
  level: AlarmLevel
  value?: number | null | undefined
  threshold?: number | null | undefined
  raisedAt: number
  ack: 'acked' | 'unacked'
}
export interface AckReply {
  alarm: AckAlarm
  person: { id: string; name: string }
  expiresAt: number
}

export const notifyApi = {
  duty: (park?: string) => request<DutyReply>('GET', '/notify/duty', { query: { park } }),
  channels: () => request<ChannelsReply>('GET', '/notify/channels'),
  testChannel: (id: string) => request<{ message: string }>('POST', `/notify/channels/${enc(id)}/test`, { body: {} }),
  log: (q: { alarm?: string | undefined; park?: string | undefined; limit?: number | undefined } = {}) =>
    request<LogReply>('GET', '/notify/log', { query: q }),
  escalation: (alarm: string) => request<EscalationReply>('GET', `/alarms/${enc(alarm)}/escalation`),
  /** Opening an acknowledgement link: shows the alarm, acknowledges nothing (no sign-in: the token is the credential). */
  ackLink: (token: string) => request<AckReply>('GET', `/ack/${enc(token)}`, { auth: false }),
  /** The explicit confirmation by the person the link was made for. */
  confirmAck: (token: string) => request<{ alarm: AckAlarm }>('POST', `/ack/${enc(token)}`, { body: { confirm: true }, auth: false }),
}

/**
 * Asks now and then every `everyMs` (the notification screens poll; no socket event is needed).
 * `load` gets `alive()`, false once the caller stopped (an answer arriving after is dropped).
 * Returns the stop function, for an `$effect`'s clean-up.
 */
export function polling(load: (alive: () => boolean) => void, everyMs: number): () => void {
  let stopped = false
  const alive = (): boolean => !stopped
  load(alive)
  const timer = setInterval(() => load(alive), everyMs)
  return () => {
    stopped = true
    clearInterval(timer)
  }
}
