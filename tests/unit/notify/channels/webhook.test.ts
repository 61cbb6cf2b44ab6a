import { describe, expect, it } from 'vitest'
import { webhook, webhookSignature } from '../../../../hub/src/notify/channels/webhook.js'
import { config, message, NOW } from './message-fixture.js'

const cfg = config({ type: 'webhook', url: 'https://ops.example/hook' })

describe('generic signed JSON webhook', () => {
  it('signs "sha256=" + hex HMAC-SHA256 of the raw body', () => {
    // Computed apart from the hub (Python: hmac.new(b"test-webhook-secret", b'{"a":1}', sha256).hexdigest()).
    expect(webhookSignature('test-webhook-secret', '{"a":1}')).toBe('sha256=f5b802314c0f87209fcb28ec4f11a5a064d755de891a3135f16974de3385b3c0')
  })

  it('posts the message as JSON, without phone numbers, signed in the configured header with a timestamp', () => {
    const req = webhook.build(message(), { ...cfg, signatureHeader: 'X-Signature' }, { secret: 'test-webhook-secret' }, NOW)
    expect(req.url).toBe('https://ops.example/hook')
    const body = JSON.parse(req.init.body) as Record<string, unknown>
    expect(body).toMatchObject({ id: 'n-1', kind: 'alarm', park: 'vtc', alarm: 'a-1', sentAt: NOW, resent: false, to: [{ person: 'wang', name: '王工', lang: 'zh-CN' }] })
    expect(JSON.parse(webhook.build(message({ resent: true }), cfg, undefined, NOW).init.body)).toMatchObject({ resent: true })
    expect(req.init.body).not.toContain('13800000001')
    expect(req.init.headers['X-Signature']).toBe(webhookSignature('test-webhook-secret', req.init.body))
    expect(req.init.headers['X-Notify-Timestamp']).toBe(String(NOW))
  })

  it('uses X-Hub-Signature-256 by default', () => {
    expect(webhook.build(message(), cfg, { secret: 's3cr3t' }, NOW).init.headers['X-Hub-Signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/)
  })

  it('reads the answers: 2xx ok, 429 and 5xx again, any other 4xx never', () => {
    expect(webhook.interpret(204, '')).toEqual({ ok: true })
    expect(webhook.interpret(429, '', new Headers({ 'retry-after': '7' }))).toMatchObject({ retry: true, rateLimited: true, retryAfterMs: 7000 })
    expect(webhook.interpret(500, 'oops')).toMatchObject({ retry: true, fault: 'channel' })
    expect(webhook.interpret(401, 'bad signature')).toMatchObject({ retry: false })
    expect(webhook.interpret(422, '')).toMatchObject({ retry: false })
  })
})
