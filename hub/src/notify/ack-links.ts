/**
 * Personal acknowledgement links for direct messages: a token naming a person, an alarm and an
 * expiry, signed with HMAC-SHA256 (RFC 2104) under a key derived from the hub's secret, so it
 * cannot be forged or altered and is checked without any stored state. Opening the link only
 * shows the alarm; only an explicit confirmation (POST `{confirm: true}`) acknowledges it as
 * that person, so a chat's link preview acknowledges nothing. A link works only where the hub
 * is reachable (`publicUrl`). Pure: the clock is passed in.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

/** How long a link acknowledges: a shift and a handover. */
export const ACK_LINK_TTL_MS = 24 * 3_600_000
const VERSION = 'a1'
/** Tokens are short enough for an SMS and refused beyond this length unread. */
export const MAX_TOKEN_LENGTH = 400

export interface AckClaim {
  person: string
  alarm: string
  expiresAt: number
}

export type AckCheck = { ok: true; claim: AckClaim } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' }

export class AckLinks {
  private readonly key: Buffer

  /** `hubSecret`: the hub's own secret (the sign-in tokens' key); a key for links only is derived from it. */
  constructor(hubSecret: string, private readonly ttlMs = ACK_LINK_TTL_MS) {
    this.key = createHmac('sha256', hubSecret).update('smartpark notify ack link v1').digest()
  }

  token(person: string, alarm: string, now: number): string {
    const payload = Buffer.from(JSON.stringify({ p: person, a: alarm, e: Math.floor((now + this.ttlMs) / 1000) })).toString('base64url')
    return `${VERSION}.${payload}.${this.sign(payload)}`
  }

  check(token: string, now: number): AckCheck {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' }
    const parts = token.split('.')
    if (parts.length !== 3 || parts[0] !== VERSION) return { ok: false, reason: 'malformed' }
    const [, payload, sig] = parts as [string, string, string]
    const want = Buffer.from(this.sign(payload))
    const got = Buffer.from(sig)
    if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, reason: 'bad_signature' }
    let claim: { p?: unknown; a?: unknown; e?: unknown }
    try {
      claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claim
    } catch {
      return { ok: false, reason: 'malformed' }
    }
    if (typeof claim.p !== 'string' || typeof claim.a !== 'string' || typeof claim.e !== 'number') return { ok: false, reason: 'malformed' }
    const expiresAt = claim.e * 1000
    if (expiresAt <= now) return { ok: false, reason: 'expired' }
    return { ok: true, claim: { person: claim.p, alarm: claim.a, expiresAt } }
  }

  /** The link a person opens: the dashboard's acknowledgement page on the hub's public address. */
  static link(publicUrl: string, token: string): string {
    return `${publicUrl.replace(/\/+$/, '')}/#/ack/${token}`
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url')
  }
}
