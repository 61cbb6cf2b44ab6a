import { describe, expect, it } from 'vitest'
import { AckLinks, ACK_LINK_TTL_MS } from '../../../hub/src/notify/ack-links.js'

const NOW = Date.parse('2026-12-02T03:00:00Z')
const links = new AckLinks('the-hub-secret-of-at-least-32-characters')

describe('personal acknowledgement links', () => {
  const token = links.token('wang', 'alarm-1', NOW)

  it('names the person and the alarm, and expires', () => {
    expect(links.check(token, NOW + 1000)).toEqual({ ok: true, claim: { person: 'wang', alarm: 'alarm-1', expiresAt: Math.floor((NOW + ACK_LINK_TTL_MS) / 1000) * 1000 } })
    expect(links.check(token, NOW + ACK_LINK_TTL_MS + 1000)).toEqual({ ok: false, reason: 'expired' })
  })

  const [v, payload, sig] = token.split('.') as [string, string, string]
  const forged = Buffer.from(JSON.stringify({ p: 'li', a: 'alarm-1', e: 9_999_999_999 })).toString('base64url')
  it.each([
    ['another person put in the payload', `${v}.${forged}.${sig}`, 'bad_signature'],
    ['a signature changed', `${v}.${payload}.${sig.slice(0, -2)}AA`, 'bad_signature'],
    ['signed with another hub\'s secret', new AckLinks('another-hub-secret-of-at-least-32-chars').token('wang', 'alarm-1', NOW), 'bad_signature'],
    ['a short signature', `${v}.${payload}.x`, 'bad_signature'],
    ['two parts', `${v}.${payload}`, 'malformed'],
    ['another version', `z9.${payload}.${sig}`, 'malformed'],
    ['far too long', 'a'.repeat(1000), 'malformed'],
    ['empty', '', 'malformed'],
  ])('refuses %s', (_what, t, reason) => {
    expect(links.check(t, NOW)).toEqual({ ok: false, reason })
  })

  it('is a link on the hub\'s public address, to the dashboard\'s acknowledgement page', () => {
    expect(AckLinks.link('http://192.168.1.10:8080/', token)).toBe(`http://192.168.1.10:8080/#/ack/${token}`)
    expect(token.length).toBeLessThan(200)
  })
})
