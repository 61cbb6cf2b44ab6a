/**
 * The hub's error catalogue (docs/contract.md): every error reply carries one of these stable
 * codes beside its HTTP status, so a client maps the code to its reader's language instead of
 * parsing `message` (English, for people reading logs). Free of imports: the dashboard
 * imports it as it is.
 */
export const ERROR_CODES = {
  /** A parameter or body the route refuses (a range, an id in the wrong park…). */
  BAD_REQUEST: 400,
  /** The request does not match the route's schema. */
  VALIDATION_FAILED: 400,
  /** A series or report past HUB_MAX_POINTS_PER_RESPONSE (series-bounds.ts). */
  TOO_MANY_POINTS: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  /** The thing named is absent, or outside the user's parks. */
  NOT_FOUND: 404,
  /** No such route. */
  ROUTE_NOT_FOUND: 404,
  /** The action does not apply to the thing's state now. */
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  /** A fault of the hub; the log says more (the reply never does). */
  INTERNAL: 500,
  /** A store or service the request needs is not answering now. */
  UNAVAILABLE: 503,
} as const

export type ErrorCode = keyof typeof ERROR_CODES

/** The error body of every route (CONTRACT.md). */
export interface ErrorReply {
  statusCode: number
  error: string
  message: string
  code: ErrorCode
}

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT', 413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'TOO_MANY_REQUESTS', 503: 'UNAVAILABLE',
}

/** The catalogue's code for a status no code was chosen for. */
export function codeForStatus(status: number): ErrorCode {
  return BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST')
}
