import { describe, expect, it } from 'vitest'
import { wecom, WECOM_TEXT_MAX_BYTES } from '../../../../hub/src/notify/channels/wecom.js'
import { ChannelError } from '../../../../hub/src/notify/channels/channel.js'
import { config, message, NOW } from './message-fixture.js'

const cfg = config({ type: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send' })
const body = (msg = message()): Record<string, unknown> => JSON.parse(wecom.build(msg, cfg, { key: 'KEY-1' }, NOW).init.body) as Record<string, unknown>

describe('WeCom group robot', () => {
  it('posts text with the mentioned mobiles to {url}?key=KEY', () => {
    const req = wecom.build(message(), cfg, { key: 'KEY-1' }, NOW)
    expect(req.url).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY-1')
    expect(req.init.method).toBe('POST')
    expect(req.init.headers['content-type']).toMatch(/^application\/json/)
    expect(req.init.headers['x-notify-message-id']).toBe('n-1')
    expect(JSON.parse(req.init.body)).toEqual({
      msgtype: 'text',
      text: { content: '一级报警：VTC 园区 罐区 可燃气体 25 %LEL（设定 20）\nhttp://hub.local/#/alarms/a-1', mentioned_mobile_list: ['13800000001'] },
    })
  })

  it('sends markdown when nobody is mentioned and there is a markdown body', () => {
    const b = body(message({ to: [], markdown: '# 一级报警\n> 罐区' }))
    expect(b).toEqual({ msgtype: 'markdown', markdown: { content: '# 一级报警\n> 罐区\nhttp://hub.local/#/alarms/a-1' } })
  })

  it('cuts text at 2,048 bytes of UTF-8, at a character boundary', () => {
    const b = body(message({ text: '气'.repeat(1000), link: undefined }))
    const content = (b.text as { content: string }).content
    expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(WECOM_TEXT_MAX_BYTES)
    expect(Buffer.byteLength(content, 'utf8')).toBeGreaterThan(WECOM_TEXT_MAX_BYTES - 6)
    expect(content.endsWith('…')).toBe(true)
    expect(content).not.toContain('\uFFFD')
  })

  it('keeps the link whole when the text is cut', () => {
    const content = (body(message({ text: '气'.repeat(1000) })).text as { content: string }).content
    expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(WECOM_TEXT_MAX_BYTES)
    expect(content.endsWith('…\nhttp://hub.local/#/alarms/a-1')).toBe(true)
  })

  it('refuses to build without a robot key (an operator can set one: worth retrying)', () => {
    expect(() => wecom.build(message(), cfg, undefined, NOW)).toThrow(ChannelError)
    const err = thrown(() => wecom.build(message(), cfg, {}, NOW))
    expect(err).toBeInstanceOf(ChannelError)
    expect(err).toMatchObject({ retry: true, fault: 'channel' })
  })

  it('reads the answers: 0 ok, 45009 throttled, 40058 this message, 93000 the channel, 5xx again', () => {
    expect(wecom.interpret(200, '{"errcode":0,"errmsg":"ok"}')).toEqual({ ok: true })
    expect(wecom.interpret(200, '{"errcode":45009,"errmsg":"api freq out of limit"}')).toMatchObject({ ok: false, retry: true, rateLimited: true, fault: 'channel', retryAfterMs: 60_000 })
    expect(wecom.interpret(200, '{"errcode":40058,"errmsg":"text.content exceed max length 2048"}')).toMatchObject({ ok: false, retry: false, fault: 'message' })
    expect(wecom.interpret(200, '{"errcode":93000,"errmsg":"invalid webhook url"}')).toMatchObject({ ok: false, retry: true, fault: 'channel', error: 'errcode 93000: invalid webhook url' })
    expect(wecom.interpret(502, 'bad gateway')).toMatchObject({ ok: false, retry: true, fault: 'channel' })
    expect(wecom.interpret(404, '')).toMatchObject({ ok: false, retry: false })
  })
})

function thrown(f: () => unknown): unknown {
  try {
    f()
  } catch (err) {
    return err
  }
  return undefined
}
