import { Type, type Static } from 'typebox'
import { CHANNEL_TYPES, MESSAGE_KINDS } from '../../notify/types.js'
import { Policy, Roster } from '../../model/notify.js'

/**
 * The notification API's replies and bodies (docs/notifications.md): who is on duty, rosters
 * and policies, channels with their delivery counters, the notification log, an alarm's
 * escalation, and the personal acknowledgement link. Phones are masked (138****0001) unless
 * the reader is an admin (rosters) and always in lists (duty, log); no reply ever carries a
 * channel's key or secret, nor a channel's full URL (a robot's URL may carry its key).
 */
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const DutyPerson = Type.Object({
  id: Type.String(), name: Type.String(), role: Type.String(),
  /** Masked (PIPL). */
  phone: Type.Optional(Type.String()),
  lang: Type.Optional(Type.String()),
})
export const DutyShift = Type.Object({ id: Type.String(), name: Type.String(), start: Type.String(), end: Type.String() })
export const DutyEntry = Type.Object({
  /** A park id, or `zone`. */
  scope: Type.String(),
  shift: Nullable(DutyShift),
  people: Type.Array(DutyPerson),
  /** Roles nobody of the park holds on duty now, answered by the zone roster (additive). */
  fallback: Type.Optional(Type.Array(Type.String())),
})
export const DutyReply = Type.Object({ at: Type.Number(), entries: Type.Array(DutyEntry) })
export const DutyQuery = Type.Object({ park: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false })

export const RostersReply = Type.Object({ rosters: Type.Array(Roster) })
export const RosterReply = Type.Object({ roster: Roster })
export const PoliciesReply = Type.Object({ policies: Type.Array(Policy) })
export const PoliciesBody = Type.Object({ policies: Type.Array(Policy, { maxItems: 200 }) }, { additionalProperties: false })

export const ChannelView = Type.Object({
  id: Type.String(),
  type: Type.Enum([...CHANNEL_TYPES]),
  park: Nullable(Type.String()),
  /** Host (and port) only: the path of a robot's URL carries its key. */
  url: Type.String(),
  healthy: Type.Boolean(),
  sent: Type.Number(),
  failed: Type.Number(),
  retried: Type.Number(),
  rateLimited: Type.Number(),
  backlog: Type.Number(),
  lastError: Nullable(Type.String()),
  lastSentAt: Nullable(Type.Number()),
  hasSecret: Type.Boolean(),
  /** Additive: it can deliver now (a key or secret set; a webhook may go unsigned); sent again after restarts; latency from decision to answer. */
  usable: Type.Boolean(),
  resent: Type.Number(),
  latencyP50: Nullable(Type.Number()),
  latencyP99: Nullable(Type.Number()),
})
export const ChannelsReply = Type.Object({ channels: Type.Array(ChannelView) })
export const SecretBody = Type.Object({
  key: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  secret: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
}, { additionalProperties: false })
export const TestReply = Type.Object({ message: Type.String() })

export const LogEntry = Type.Object({
  id: Type.String(),
  ts: Type.Number(),
  kind: Type.Enum([...MESSAGE_KINDS]),
  channel: Type.String(),
  park: Nullable(Type.String()),
  alarm: Nullable(Type.String()),
  incident: Nullable(Type.String()),
  tier: Type.Number(),
  title: Type.String(),
  to: Type.Array(Type.Object({ person: Type.String(), name: Type.String(), phone: Nullable(Type.String()) })),
  state: Type.Enum(['pending', 'attempted', 'retrying', 'sent', 'failed']),
  attempts: Type.Number(),
  resent: Type.Boolean(),
  latencyMs: Nullable(Type.Number()),
  error: Nullable(Type.String()),
})
export const LogReply = Type.Object({ entries: Type.Array(LogEntry) })
export const LogQuery = Type.Object({
  alarm: Type.Optional(Type.String({ maxLength: 64 })),
  park: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
}, { additionalProperties: false })

export const EscalationReply = Type.Object({
  alarm: Type.String(),
  state: Type.Enum(['none', 'escalating', 'held', 'stopped', 'done']),
  tier: Nullable(Type.Number()),
  next: Nullable(Type.Object({ tier: Type.Number(), at: Type.Number(), roles: Type.Array(Type.String()), channels: Type.Array(Type.String()) })),
  stoppedBy: Nullable(Type.Object({ by: Type.String(), channel: Type.String(), at: Type.Number() })),
  /** Additive: `incident:<id>` when a red incident's escalation carries the alarm. */
  via: Nullable(Type.String()),
  /**
   * Additive: what a live escalation still waits for before it stops — an acknowledgement, and
   * for a red life-safety incident also someone dispatched (acknowledged alone, it goes on).
   */
  waitingFor: Type.Optional(Type.Array(Type.Enum(['acknowledgement', 'dispatch']))),
})

export const AckAlarm = Type.Object({
  id: Type.String(), park: Type.String(), device: Type.String(), type: Type.String(),
  level: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(4)]),
  value: Nullable(Type.Number()), threshold: Nullable(Type.Number()), raisedAt: Type.Number(),
  ack: Type.Enum(['acked', 'unacked']),
})
export const AckReply = Type.Object({ alarm: AckAlarm, person: Type.Object({ id: Type.String(), name: Type.String() }), expiresAt: Type.Number() })
export const AckConfirmBody = Type.Object({ confirm: Type.Literal(true), note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false })
export const AckConfirmReply = Type.Object({ alarm: AckAlarm })
export const TokenParams = Type.Object({ '*': Type.String({ minLength: 1, maxLength: 400 }) })

export type DutyReply = Static<typeof DutyReply>
export type RostersReply = Static<typeof RostersReply>
export type PoliciesReply = Static<typeof PoliciesReply>
export type ChannelView = Static<typeof ChannelView>
export type ChannelsReply = Static<typeof ChannelsReply>
export type LogEntry = Static<typeof LogEntry>
export type LogReply = Static<typeof LogReply>
export type EscalationReply = Static<typeof EscalationReply>
export type AckAlarm = Static<typeof AckAlarm>
export type AckReply = Static<typeof AckReply>
