/**
 * Typed errors of operator actions on incidents, in the same catalogue style as the alarms
 * room (hub/src/alarms/errors.ts). The API maps `code` to an HTTP status through
 * `INCIDENT_ERROR_STATUS`; the message is safe to show to the client (no internals).
 */
export type IncidentErrorCode = 'not_found' | 'invalid_state' | 'missing_field' | 'invalid_field'

/** not_found → 404, invalid_state → 409 (e.g. the incident is closed), bad input → 400. */
export const INCIDENT_ERROR_STATUS: Readonly<Record<IncidentErrorCode, number>> = {
  not_found: 404,
  invalid_state: 409,
  missing_field: 400,
  invalid_field: 400,
}

export class IncidentError extends Error {
  override readonly name = 'IncidentError'
  readonly code: IncidentErrorCode
  /** The input field at fault, for `missing_field` / `invalid_field` (and what was not found). */
  readonly field: string | undefined
  /** The incident concerned, when known. */
  readonly incident: string | undefined

  constructor(code: IncidentErrorCode, message: string, details: { field?: string; incident?: string } = {}) {
    super(message)
    this.code = code
    this.field = details.field
    this.incident = details.incident
  }

  get statusCode(): number {
    return INCIDENT_ERROR_STATUS[this.code]
  }
}

export function isIncidentError(err: unknown): err is IncidentError {
  return err instanceof IncidentError
}
