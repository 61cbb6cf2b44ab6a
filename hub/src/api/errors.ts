import type { FastifyError, FastifyInstance } from 'fastify'
import { codeForStatus, ERROR_CODES, type ErrorCode } from './error-codes.js'

export { ERROR_CODES, type ErrorCode, type ErrorReply } from './error-codes.js'

/**
 * One error catalogue (CONTRACT.md, error-codes.ts): errors are JSON `{statusCode, error,
 * message, code}`, 4xx for bad input, 401/403 for auth, never a stack trace; 5xx text is
 * hidden from clients. `code` is stable; `message` is English for people reading logs.
 */
export class HttpError extends Error {
  readonly code: ErrorCode
  constructor(readonly statusCode: number, message: string, code?: ErrorCode) {
    super(message)
    this.name = 'HttpError'
    this.code = code ?? codeForStatus(statusCode)
  }
}

/** An error of the catalogue named by its code (its status is the catalogue's). */
export class CodedError extends HttpError {}

/** A series reply past HUB_MAX_POINTS_PER_RESPONSE (series-bounds.ts). */
export const TOO_MANY_POINTS: ErrorCode = 'TOO_MANY_POINTS'

/** fastify's createError style: one factory per code of the catalogue, its status fixed there. */
export const createError = (code: ErrorCode) => (message: string): HttpError => new HttpError(ERROR_CODES[code], message, code)

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
}

export const badRequest = createError('BAD_REQUEST')
export const unauthorized = (m = 'sign in first'): HttpError => createError('UNAUTHORIZED')(m)
export const forbidden = (m = 'your role may not do this'): HttpError => createError('FORBIDDEN')(m)
export const notFound = createError('NOT_FOUND')
export const conflict = createError('CONFLICT')
export const unavailable = createError('UNAVAILABLE')
export const tooManyRequests = createError('TOO_MANY_REQUESTS')

/** For a store's rejection: InfluxDB not answering is a 503 (UNAVAILABLE), not a 500; other errors pass on. */
export function storeUnavailable(err: unknown): never {
  if (err instanceof HttpError) throw err
  const m = (err as Error).message ?? ''
  if (/ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up|No host available/i.test(m)) throw unavailable('InfluxDB is not answering; try again shortly')
  throw err
}

export const ErrorSchema = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, message: { type: 'string' }, code: { type: 'string', enum: Object.keys(ERROR_CODES) } },
  required: ['statusCode', 'error', 'message', 'code'],
} as const

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    let status = err.statusCode ?? 500
    if ((err as FastifyError).validation) status = 400
    if (status < 400 || status > 599) status = 500
    const message = status >= 500 ? 'internal error; see the hub log' : err.message
    if (status >= 500) req.log.error({ err }, 'request failed')
    const code: ErrorCode = err instanceof HttpError ? err.code : (err as FastifyError).validation ? 'VALIDATION_FAILED' : codeForStatus(status)
    void reply.status(status).send({ statusCode: status, error: STATUS_TEXT[status] ?? 'Error', message, code: status >= 500 && status !== 503 ? 'INTERNAL' : code })
  })
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${req.url.split('?')[0]}`, code: 'ROUTE_NOT_FOUND' })
  })
}
