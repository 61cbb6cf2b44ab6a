import { Type, type Static } from 'typebox'

/**
 * The reply of `/api/v1/auth/login`: the schema the route answers with, and its types
 * (`Static<>`) for clients to import (dashboard/src/lib/api.ts). `scope` only for a user
 * limited to parks or enterprises (docs/contract.md).
 */
export const SignedInUser = Type.Object({ name: Type.String(), roles: Type.Array(Type.String()), scope: Type.Optional(Type.Object({ parks: Type.Array(Type.String()), enterprises: Type.Array(Type.String()) })) })
export const LoginReply = Type.Object({
  token: Type.String(),
  expiresAt: Type.Integer({ description: 'when the token expires, ms since the epoch' }),
  user: SignedInUser,
})
export type SignedInUser = Static<typeof SignedInUser>
export type LoginReply = Static<typeof LoginReply>
