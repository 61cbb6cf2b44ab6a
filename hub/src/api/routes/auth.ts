import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import type { ApiServices } from '../services.js'
import { ErrorSchema, unauthorized } from '../errors.js'

const LoginBody = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false })
const LoginReply = Type.Object({ token: Type.String(), user: Type.Object({ name: Type.String(), roles: Type.Array(Type.String()) }) })

export const authRoutes: FastifyPluginAsync<{ services: ApiServices }> = async (app, { services }) => {
  app.post<{ Body: { username: string; password: string } }>('/api/v1/auth/login', {
    schema: { tags: ['auth'], summary: 'Sign in: a bearer token for the API and socket.io', body: LoginBody, response: { 200: LoginReply, 401: ErrorSchema } },
  }, async (req) => {
    const user = await services.users.verify(req.body.username, req.body.password)
    if (!user) {
      req.log.warn({ username: req.body.username.slice(0, 64), ip: req.ip }, 'sign-in refused')
      throw unauthorized('wrong username or password')
    }
    const token = app.jwt.sign({ sub: user.name, roles: user.roles })
    req.log.info({ user: user.name, ip: req.ip }, 'signed in')
    return { token, user }
  })
}
