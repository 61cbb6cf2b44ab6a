import { describe, expect, it } from 'vitest'
import { dingtalk, dingtalkSign } from '../../../../hub/src/notify/channels/dingtalk.js'
import { config, message, NOW } from './message-fixture.js'

const cfg = config({ type: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send' })
const secret = { key: 'TOKEN-1', secret: 'SECtest-dingtalk-secret' }
// Computed apart from the hub (Python: base64(hmac.new(secret, f"{ts}\n{secret}", sha256)), quote_plus).
const SIGN = '5QbVfsQi3f4//aRrVOJgmwbVhhSjItcixLdAyJybzHc='
const SIGN_URL = '5QbVfsQi3f4%2F%2FaRrVOJgmwbVhhSjItcixLdAyJybzHc%3D'

describe('DingTalk custom robot with signing', () => {
  it('signs HMAC-SHA256(secret, timestamp + "\\n" + secret), timestamp in milliseconds', () => {
    expect(dingtalkSign(NOW, secret.secret)).toBe(SIGN)
  })

  it('posts to {url}?access_token&timestamp&sign with the sign URL-encoded, and @ mobiles', () => {
    const req = dingtalk.build(message(), cfg, secret, NOW)
    expect(req.url).toBe(`https://oapi.dingtalk.com/robot/send?access_token=TOKEN-1&timestamp=${NOW}&sign=${SIGN_URL}`)
    expect(JSON.parse(req.init.body)).toEqual({
      msgtype: 'text',
      text: { content: '一级报警：VTC 园区 罐区 可燃气体 25 %LEL（设定 20）\nhttp://hub.local/#/alarms/a-1' },
      at: { atMobiles: ['13800000001'], isAtAll: false },
    })
  })

  it('sends markdown with its title when it @s nobody, text when it @s someone', () => {
    const b = JSON.parse(dingtalk.build(message({ markdown: '### 一级报警', to: [] }), cfg, secret, NOW).init.body) as Record<string, unknown>
    expect(b).toEqual({ msgtype: 'markdown', markdown: { title: '一级报警 可燃气体', text: '### 一级报警\nhttp://hub.local/#/alarms/a-1' }, at: { atMobiles: [], isAtAll: false } })
    const mention = JSON.parse(dingtalk.build(message({ markdown: '### 一级报警' }), cfg, secret, NOW).init.body) as Record<string, unknown>
    expect(mention.msgtype).toBe('text')
    expect(mention.at).toEqual({ atMobiles: ['13800000001'], isAtAll: false })
  })

  it('goes unsigned for a robot secured otherwise (no signing secret)', () => {
    expect(dingtalk.build(message(), cfg, { key: 'TOKEN-1' }, NOW).url).toBe('https://oapi.dingtalk.com/robot/send?access_token=TOKEN-1')
  })

  it('reads the answers: 0, 130101 too fast, 310000 sign, 460101 too long', () => {
    expect(dingtalk.interpret(200, '{"errcode":0,"errmsg":"ok"}')).toEqual({ ok: true })
    expect(dingtalk.interpret(200, '{"errcode":130101,"errmsg":"send too fast"}')).toMatchObject({ retry: true, rateLimited: true, fault: 'channel' })
    expect(dingtalk.interpret(200, '{"errcode":310000,"errmsg":"sign not match"}')).toMatchObject({ retry: true, fault: 'channel', error: 'errcode 310000: sign not match' })
    expect(dingtalk.interpret(200, '{"errcode":460101,"errmsg":"message too long"}')).toMatchObject({ retry: false, fault: 'message' })
  })
})
