import fp from 'fastify-plugin'
import jwt from '@fastify/jwt'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Role } from '../model/zone.js'
import type { User, UserDirectory } from '../config/users.js'
import { forbidden, unauthorized } from './errors.js'

/**
 * People's authentication: `POST /api/v1/auth/login` gives a JWT (HS256, with expiry);
 * routes declare the roles they need. Viewers read; safety and responders act; admin all.
 */
declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; roles: Role[] }
    user: User
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: a valid token of any role. */
    signedIn: (req: FastifyRequest, reply: FastifyReply) => Promise<void>
    /** onRequest hook factory: a valid token with one of these roles (admin always passes). */
    requireRole: (...roles: Role[]) => (req: FastifyRequest, reply: FastifyReply) => Promise<void>
    /** Verify a bearer token outside a route (socket.io handshake). */
    verifyToken: (token: string) => User | undefined
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
      verify: { algorithms: ['HS256'] },
      formatUser: (p) => ({ name: p.sub, roles: p.roles }),
    })

    const signedIn = async (req: FastifyRequest): Promise<void> => {
      try {
        await req.jwtVerify()
      } catch (err) {
        const code = (err as { code?: string }).code ?? ''
        throw unauthorized(code.includes('EXPIRED') ? 'token expired; sign in again' : 'a valid bearer token is required')
      }
      // A user removed from the zone file loses access even with an unexpired token.
      if (!o.users.get(req.user.name)) throw unauthorized('unknown user')
    }
    app.decorate('signedIn', signedIn)
    app.decorate('requireRole', (...roles: Role[]) => async (req: FastifyRequest) => {
      await signedIn(req)
      if (!req.user.roles.some((r) => r === 'admin' || roles.includes(r))) throw forbidden(`needs role ${roles.join(' or ') || 'admin'}`)
    })
    app.decorate('verifyToken', (token: string): User | undefined => {
      try {
        const p = app.jwt.verify<{ sub: string; roles: Role[] }>(token)
        return o.users.get(p.sub) ? { name: p.sub, roles: p.roles } : undefined
      } catch {
        return undefined
      }
    })
  },
  { name: 'auth' },
)
