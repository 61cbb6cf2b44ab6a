import { createHmac } from 'node:crypto'
import type { OutboundMessage } from '../types.js'
import { httpFailure, jsonRequest, type Answer, type Channel } from './channel.js'

/**
 * A generic signed JSON webhook, for anything the named platforms do not cover. The body is
 * the message as JSON (recipients without their phone numbers: PIPL); the signature header
 * (the channel's `signatureHeader`, X-Hub-Signature-256 by default, as GitHub's webhooks
 * name it) carries "sha256=" + hex(HMAC-SHA256(secret, raw body)), and X-Notify-Timestamp the
 * send time in milliseconds (also `sentAt` in the signed body, so a receiver can refuse a
 * replay). `resent: true` marks a message sent again after a restart (a possible duplicate:
 * a receiver may drop a second `id`). A 2xx answer is delivered; 429 and 5xx are tried again later; any other 4xx is
 * the receiver refusing this message, for good. Without a secret the request goes unsigned.
 */
export const DEFAULT_SIGNATURE_HEADER = 'X-Hub-Signature-256'
export const TIMESTAMP_HEADER = 'X-Notify-Timestamp'

export function webhookSignature(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`
}

export function webhookBody(msg: OutboundMessage, now: number): Record<string, unknown> {
  return {
    id: msg.id,
    kind: msg.kind,
    channel: msg.channel,
    park: msg.park ?? null,
    alarm: msg.alarm ?? null,
    incident: msg.incident ?? null,
    tier: msg.tier,
    to: msg.to.map((r) => ({ person: r.person, name: r.name, lang: r.lang })),
    title: msg.title,
    text: msg.text,
    markdown: msg.markdown ?? null,
    params: msg.params,
    link: msg.link ?? null,
    decidedAt: msg.decidedAt,
    sentAt: now,
    resent: msg.resent === true,
  }
}

export const webhook: Channel = {
  type: 'webhook',
  build(msg, cfg, secret, now) {
    const req = jsonRequest(cfg.url, webhookBody(msg, now), msg.id, { [TIMESTAMP_HEADER]: String(now) })
    if (secret?.secret) req.init.headers[cfg.signatureHeader ?? DEFAULT_SIGNATURE_HEADER] = webhookSignature(secret.secret, req.init.body)
    return req
  },
  interpret(status, body, headers): Answer {
    if (status >= 200 && status < 300) return { ok: true }
    return httpFailure(status, body, headers)
  },
}
