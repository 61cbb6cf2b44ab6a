import { describe, expect, it } from 'vitest'
import { assertHostAllowed, hostAllowed, HostNotAllowedError } from '../../../../hub/src/notify/allowlist.js'

const ALLOW = ['qyapi.weixin.qq.com', 'OAPI.dingtalk.com', '127.0.0.1:8091', '*.feishu.cn', '[::1]']

describe('outbound host allowlist', () => {
  it.each([
    ['https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', true],
    ['https://oapi.dingtalk.com/robot/send', true],
    ['http://127.0.0.1:8091/wecom/cgi-bin/webhook/send', true],
    ['http://127.0.0.1:8092/wecom', false],
    ['https://open.feishu.cn/open-apis/bot/v2/hook/t', true],
    ['https://feishu.cn/x', false],
    ['https://evilfeishu.cn/x', false],
    ['http://[::1]:9000/x', true],
    ['https://qyapi.weixin.qq.com.evil.example/x', false],
    ['https://user@evil.example/?qyapi.weixin.qq.com', false],
    ['ftp://qyapi.weixin.qq.com/x', false],
    ['not a url', false],
  ])('%s → %s', (url, ok) => {
    expect(hostAllowed(url, ALLOW)).toBe(ok)
  })

  it('refuses with an error naming the host (and not the URL, which may carry a key)', () => {
    expect(() => assertHostAllowed('https://evil.example/hook?key=SECRET', ALLOW)).toThrow(HostNotAllowedError)
    expect(() => assertHostAllowed('https://evil.example/hook?key=SECRET', ALLOW)).toThrow(/evil\.example.*allowlist/)
    expect(() => assertHostAllowed('https://evil.example/hook?key=SECRET', ALLOW)).not.toThrow(/SECRET/)
  })

  it('allows nothing when the list is empty', () => {
    expect(hostAllowed('https://qyapi.weixin.qq.com/', [])).toBe(false)
  })
})
