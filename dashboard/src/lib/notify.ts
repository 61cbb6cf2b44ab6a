/**
 * The typed REST client of the hub's notifications (docs/notifications.md, /api/v1/notify,
 * /alarms/:id/escalation, /ack/:token), beside api.ts and through its one `request`.
 */
import type { AckAlarm, AckReply, ChannelsReply, ChannelView, DutyReply, EscalationReply, LogEntry, LogReply } from '../../../hub/src/api/schemas/notify.js'
import { request } from './api.js'

const enc = encodeURIComponent

/** The hub's notification replies (hub/src/api/schemas/notify.ts, from the routes' schemas), and their parts. */
export type { AckAlarm, AckReply, ChannelsReply, ChannelView, DutyReply, EscalationReply, LogEntry, LogReply }
export type DutyEntry = DutyReply['entries'][number]
export type DutyPerson = DutyEntry['people'][number]
export type LogState = LogEntry['state']
export type EscalationStateName = EscalationReply['state']

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
