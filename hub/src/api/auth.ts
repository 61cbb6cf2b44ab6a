import fp from 'fastify-plugin'
import jwt from '@fastify/jwt'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Role } from '../model/zone.js'
import type { User, UserDirectory } from '../config/users.js'
import { forbidden, unauthorized } from './errors.js'

/**
 * People's authentication: `POST /api/v1/auth/login` gives a JWT (HS256) that must carry an
 * expiry (`exp`, RFC 7519 §4.1.4; HUB_JWT_TTL): a token without one is refused. Routes declare
 * the roles they need. Viewers read; safety and responders act; admin all.
 *
 * The token only names its user: roles and scope are read from the user directory on every
 * request (the user as it is now), so a role taken away applies to tokens already given, and
 * a removed user's tokens are refused.
 */
declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; roles: Role[] }
    user: User
  }
}

/** A verified token: its user as the directory holds it now, and when the token expires. */
export interface TokenHolder extends User {
  /** Milliseconds since the epoch. */
  expiresAt: number
}

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: a valid token of any role. */
    signedIn: (req: FastifyRequest, reply: FastifyReply) => Promise<void>
    /** onRequest hook factory: a valid token with one of these roles (admin always passes). */
    requireRole: (...roles: Role[]) => (req: FastifyRequest, reply: FastifyReply) => Promise<void>
    /** Verify a bearer token outside a route (socket.io handshake). */
    verifyToken: (token: string) => TokenHolder | undefined
    /** The user as the directory holds it now (socket.io re-checks each event). */
    currentUser: (name: string) => User | undefined
  }
}

export interface AuthOptions {
  secret: string
  ttlSec: number
  users: UserDirectory
}

export const OPERATOR_ROLES: Role[] = ['safety', 'responder']

export default fp<AuthOptions>(
  async (app, o) => {
    await app.register(jwt, {
      secret: o.secret,
      sign: { algorithm: 'HS256', expiresIn: o.ttlSec },
      // RFC 7519 §4.1.4: a token without `exp` would never expire; it is refused.
      verify: { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] },
      formatUser: (p) => ({ name: p.sub, roles: [] }),
    })

    const signedIn = async (req: FastifyRequest): Promise<void> => {
      try {
        await req.jwtVerify()
      } catch (err) {
        const code = (err as { code?: string }).code ?? ''
        throw unauthorized(code.includes('EXPIRED') ? 'token expired; sign in again' : 'a valid bearer token is required')
      }
      // The user as it is now: a removed user loses access even with an unexpired token.
      const now = o.users.get(req.user.name)
      if (!now) throw unauthorized('unknown user')
      req.user = now
    }
    app.decorate('signedIn', signedIn)
    app.decorate('requireRole', (...roles: Role[]) => async (req: FastifyRequest) => {
      await signedIn(req)
      if (!req.user.roles.some((r) => r === 'admin' || roles.includes(r))) throw forbidden(`needs role ${roles.join(' or ') || 'admin'}`)
    })
    app.decorate('verifyToken', (token: string): TokenHolder | undefined => {
      try {
        const p = app.jwt.verify<{ sub: string; exp: number }>(token)
        const user = o.users.get(p.sub)
        return user ? { ...user, expiresAt: p.exp * 1000 } : undefined
      } catch {
        return undefined
      }
    })
    app.decorate('currentUser', (name: string) => o.users.get(name))
  },
  { name: 'auth' },
)
