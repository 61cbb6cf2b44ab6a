import { badRequest } from './errors.js'

/** A time parameter: epoch milliseconds or ISO-8601. */
export function parseTime(s: string, name: string): number {
  if (/^-?\d{1,16}$/.test(s)) return Number(s)
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
    const t = Date.parse(s)
    if (!Number.isNaN(t)) return t
  }
  throw badRequest(`${name} must be epoch milliseconds or ISO-8601, got ${JSON.stringify(s.slice(0, 40))}`)
}
