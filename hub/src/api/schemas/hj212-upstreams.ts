import { Type, type Static } from 'typebox'

/**
 * The replies of `/api/v1/hj212/upstreams` (docs/hj212.md, "Forwarding"): per upstream
 * platform, connected, last answer, backlog and counters. Never its PW: `pwSet` says only
 * whether one is set.
 */
export const UpstreamStatusView = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  host: Type.String(),
  port: Type.Integer(),
  enabled: Type.Boolean(),
  connected: Type.Boolean(),
  since: Type.Union([Type.Number(), Type.Null()]),
  lastAnswer: Type.Union([Type.Object({ at: Type.Number(), cn: Type.String(), qn: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
  backlog: Type.Integer(),
  queueBytes: Type.Integer(),
  waiting: Type.Integer(),
  sent: Type.Integer(),
  answered: Type.Integer(),
  resent: Type.Integer(),
  timeouts: Type.Integer(),
  connects: Type.Integer(),
  unmatched: Type.Integer(),
  badFrames: Type.Integer(),
  refused: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  missingPw: Type.Union([Type.String(), Type.Null()]),
  pwSet: Type.Boolean(),
})
export type UpstreamStatusView = Static<typeof UpstreamStatusView>

export const UpstreamsReply = Type.Object({ upstreams: Type.Array(UpstreamStatusView), skipped: Type.Record(Type.String(), Type.Integer()) })
export type UpstreamsReply = Static<typeof UpstreamsReply>

/** An upstream PW as a packet can carry it: no `;`, `,`, `=`, `&` or spaces (HJ 212-2017 table 3). */
export const UpstreamPwBody = Type.Object({ pw: Type.String({ minLength: 1, maxLength: 32, pattern: '^[^;,=&\\s]+$' }) }, { additionalProperties: false })
