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

  it('prints a link the 160 characters cut off whole after them (an SMS\'s acknowledgement link)', () => {
    const link = 'http://localhost:8080/#/ack/a1.eyJwIjoiZ2xjLWR1dHktZCJ9.c66sHsqAch4VPJDHEBb5jBdaDMxdZqIhintoAJjJ7UM'
    const sms = `SMS_000000001 ${JSON.stringify({ park: '格里坪化工园区', place: '澄远绿色化工有限公司 溶剂罐区 溶剂罐区可燃气体探测器1号', type: '气体浓度超限', level: '红色（一级）', value: '100', threshold: '50', link })} → 13900000007`
    const line = sinkLine(rec({ platform: 'sms', text: sms }))
    expect(line.endsWith(`  ${link}`)).toBe(true)
    expect(line.split(link)).toHaveLength(2)
    const short = sinkLine(rec({ text: '一级报警\n详情：http://localhost:8080/#/alarms/a1' }))
    expect(short.split('http://localhost:8080/#/alarms/a1')).toHaveLength(2)
  })

  it('takes its accounts from the environment, the demo\'s where unset', () => {
    const a = accountsFromEnv({ NOTIFY_SINK_WECOM_KEY: 'k1', NOTIFY_SINK_SMS_TEMPLATE: 'SMS_9', NOTIFY_SINK_WEBHOOK_HEADER: 'X-Sig' })
    expect(a.wecom).toEqual({ key: 'k1' })
    expect(a.dingtalk).toEqual(DEMO_SINK_ACCOUNTS.dingtalk)
    expect(a.sms).toEqual({ ...DEMO_SINK_ACCOUNTS.sms, template: 'SMS_9' })
    expect(a.webhook).toEqual({ secret: DEMO_SINK_ACCOUNTS.webhook.secret, header: 'X-Sig' })
  })
})
