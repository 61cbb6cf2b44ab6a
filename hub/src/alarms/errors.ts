/**
 * Typed errors of operator actions on alarms. The API maps `code` to an HTTP status through
 * `ALARM_ERROR_STATUS`; the message is safe to show to the client (no internals).
 */
export type AlarmActionErrorCode = 'not_found' | 'invalid_state' | 'condition_active' | 'latched' | 'missing_field' | 'invalid_field'

/**
 * not_found → 404; invalid_state → 409 (the alarm is not in a state that allows it);
 * condition_active → 409 (reset refused: the condition has not returned to normal);
 * latched → 409 (close refused: the alarm is latched, awaiting reset); bad input → 400.
 * The message starts with the code, so a client can tell them apart.
 */
export const ALARM_ERROR_STATUS: Readonly<Record<AlarmActionErrorCode, number>> = {
  not_found: 404,
  invalid_state: 409,
  condition_active: 409,
  latched: 409,
  missing_field: 400,
  invalid_field: 400,
}

export class AlarmActionError extends Error {
  override readonly name = 'AlarmActionError'
  readonly code: AlarmActionErrorCode
  /** The input field at fault, for `missing_field` / `invalid_field`. */
  readonly field: string | undefined
  /** The alarm concerned, when known. */
  readonly alarm: string | undefined

  constructor(code: AlarmActionErrorCode, message: string, details: { field?: string; alarm?: string } = {}) {
    super(message)
    this.code = code
    this.field = details.field
    this.alarm = details.alarm
  }

  get statusCode(): number {
    return ALARM_ERROR_STATUS[this.code]
  }
}

export function isAlarmActionError(err: unknown): err is AlarmActionError {
  return err instanceof AlarmActionError
}
