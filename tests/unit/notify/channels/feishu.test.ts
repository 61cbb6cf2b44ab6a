import { describe, expect, it } from 'vitest'
import { feishu, feishuSign } from '../../../../hub/src/notify/channels/feishu.js'
import { config, message, NOW } from './message-fixture.js'

const cfg = config({ type: 'feishu', url: 'https://open.feishu.cn/open-apis/bot/v2/hook/' })
const secret = { key: 'hook-token-1', secret: 'test-feishu-secret' }
// Computed apart from the hub (Python: base64(hmac.new(f"{ts}\n{secret}", b"", sha256))).
const SIGN = 'SrlPCneXtum3g/hD7rp8jxBVckiCutY2X8IgpRfT1LI='

describe('Feishu custom bot with signature verification', () => {
  it('signs with key = timestamp + "\\n" + secret over an empty message, timestamp in seconds', () => {
    expect(feishuSign('1765057426', secret.secret)).toBe(SIGN)
  })

  it('posts to {url}/{token} with timestamp (a string of seconds) and sign in the body', () => {
    const req = feishu.build(message(), cfg, secret, NOW + 999)
    expect(req.url).toBe('https://open.feishu.cn/open-apis/bot/v2/hook/hook-token-1')
    expect(JSON.parse(req.init.body)).toEqual({
      timestamp: '1765057426',
      sign: SIGN,
      msg_type: 'post',
      content: {
        post: {
          zh_cn: {
            title: '一级报警 可燃气体',
            content: [[{ tag: 'text', text: '一级报警：VTC 园区 罐区 可燃气体 25 %LEL（设定 20）' }], [{ tag: 'a', text: 'http://hub.local/#/alarms/a-1', href: 'http://hub.local/#/alarms/a-1' }]],
          },
        },
      },
    })
  })

  it('takes a whole hook address pasted as the URL as it is', () => {
    expect(feishu.build(message(), { ...cfg, url: 'https://open.feishu.cn/open-apis/bot/v2/hook/hook-token-1' }, secret, NOW).url).toBe('https://open.feishu.cn/open-apis/bot/v2/hook/hook-token-1')
  })

  it('writes an English recipient\'s post under en_us', () => {
    const msg = message({ to: [{ person: 'li', name: 'Li', phone: undefined, lang: 'en' }] })
    const b = JSON.parse(feishu.build(msg, cfg, secret, NOW).init.body) as { content: { post: Record<string, unknown> } }
    expect(Object.keys(b.content.post)).toEqual(['en_us'])
  })

  it('reads the answers: code 0 (and the old StatusCode 0), 19021, 11232, 9499', () => {
    expect(feishu.interpret(200, '{"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}')).toEqual({ ok: true })
    expect(feishu.interpret(200, '{"StatusCode":0,"StatusMessage":"success"}')).toEqual({ ok: true })
    expect(feishu.interpret(200, '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}')).toMatchObject({ retry: true, fault: 'channel' })
    expect(feishu.interpret(200, '{"code":11232,"msg":"frequency limited"}')).toMatchObject({ retry: true, rateLimited: true })
    expect(feishu.interpret(400, '{"code":9499,"msg":"Bad Request","data":{}}')).toMatchObject({ retry: false, fault: 'message' })
    expect(feishu.interpret(503, 'unavailable')).toMatchObject({ retry: true, fault: 'channel' })
  })
})
