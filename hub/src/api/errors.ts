import type { FastifyError, FastifyInstance } from 'fastify'

/**
 * One error catalogue (CONTRACT.md): errors are JSON `{statusCode, error, message}`, 4xx for
 * bad input, 401/403 for auth, never a stack trace; 5xx text is hidden from clients.
 */
export class HttpError extends Error {
  constructor(readonly statusCode: number, message: string, readonly code = 'HUB_ERROR') {
    super(message)
    this.name = 'HttpError'
  }
}

/** An error whose `code` is part of the contract and goes into the reply (docs/contract.md). */
export class CodedError extends HttpError {}

/** A series reply past HUB_MAX_POINTS_PER_RESPONSE (series-bounds.ts). */
export const TOO_MANY_POINTS = 'TOO_MANY_POINTS'

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
}

export const badRequest = (m: string): HttpError => new HttpError(400, m, 'BAD_REQUEST')
export const unauthorized = (m = 'sign in first'): HttpError => new HttpError(401, m, 'UNAUTHORIZED')
export const forbidden = (m = 'your role may not do this'): HttpError => new HttpError(403, m, 'FORBIDDEN')
export const notFound = (m: string): HttpError => new HttpError(404, m, 'NOT_FOUND')
export const conflict = (m: string): HttpError => new HttpError(409, m, 'CONFLICT')
export const unavailable = (m: string): HttpError => new HttpError(503, m, 'UNAVAILABLE')

export const ErrorSchema = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, message: { type: 'string' }, code: { type: 'string' } },
  required: ['statusCode', 'error', 'message'],
} as const

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    let status = err.statusCode ?? 500
    if ((err as FastifyError).validation) status = 400
    if (status < 400 || status > 599) status = 500
    const message = status >= 500 ? 'internal error; see the hub log' : err.message
    if (status >= 500) req.log.error({ err }, 'request failed')
    void reply.status(status).send({ statusCode: status, error: STATUS_TEXT[status] ?? 'Error', message, ...(err instanceof CodedError ? { code: err.code } : {}) })
  })
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${req.url.split('?')[0]}` })
  })
}
