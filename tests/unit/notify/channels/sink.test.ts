import { describe, expect, it } from 'vitest'
import { accountsFromEnv, DEMO_SINK_ACCOUNTS, sinkLine } from '../../../../simulators/src/channels/sink-cli.js'
import type { RecordedRequest } from '../../../../simulators/src/channels/fake-platforms.js'

const rec = (over: Partial<RecordedRequest>): RecordedRequest => ({
  seq: 1, platform: 'wecom', path: '/wecom/cgi-bin/webhook/send', at: Date.UTC(2026, 11, 6, 21, 43, 46, 123), messageId: 'n-1', body: {}, text: '一级报警\n罐区',
  status: 200, answer: { errcode: 0, errmsg: 'ok' }, delivered: true, rateLimited: false, duplicateOf: 0, injected: false, ...over,
})

describe('npm run sink', () => {
  it('prints one line a message: time, platform, outcome, id, duplicate mark, text on one line', () => {
    expect(sinkLine(rec({}))).toBe('21:43:46.123 wecom    ok         n-1  一级报警 ⏎ 罐区')
    expect(sinkLine(rec({ duplicateOf: 1 }))).toContain('n-1 [duplicate 2]')
    expect(sinkLine(rec({ delivered: false, status: 200, answer: { errcode: 310000, errmsg: 'sign not match' }, platform: 'dingtalk' }))).toContain('dingtalk refused 200 310000')
    expect(sinkLine(rec({ delivered: false, status: 400, answer: { Code: 'SignatureDoesNotMatch' }, platform: 'sms', messageId: undefined }))).toContain('refused 400 SignatureDoesNotMatch -')
  })

  it('takes its accounts from the environment, the demo\'s where unset', () => {
    const a = accountsFromEnv({ NOTIFY_SINK_WECOM_KEY: 'k1', NOTIFY_SINK_SMS_TEMPLATE: 'SMS_9', NOTIFY_SINK_WEBHOOK_HEADER: 'X-Sig' })
    expect(a.wecom).toEqual({ key: 'k1' })
    expect(a.dingtalk).toEqual(DEMO_SINK_ACCOUNTS.dingtalk)
    expect(a.sms).toEqual({ ...DEMO_SINK_ACCOUNTS.sms, template: 'SMS_9' })
    expect(a.webhook).toEqual({ secret: DEMO_SINK_ACCOUNTS.webhook.secret, header: 'X-Sig' })
  })
})
