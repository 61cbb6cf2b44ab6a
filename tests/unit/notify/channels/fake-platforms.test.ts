import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakePlatforms } from '../../../../simulators/src/channels/fake-platforms.js'
import { CHANNELS } from '../../../../hub/src/notify/channels/registry.js'
import type { ChannelConfig, ChannelType, OutboundMessage } from '../../../../hub/src/notify/types.js'
import { ACCOUNTS, channelAt, PLATFORM_OF, SECRET_OF } from './platform-accounts.js'
import { message } from './message-fixture.js'

/**
 * The fake platforms (simulators/src/channels/fake-platforms.ts) over real HTTP on a random
 * port: each checks the hub's requests with its own code and answers as its platform does,
 * flow control included (on a clock of the test's).
 */
let t = Date.now()
let fake: FakePlatforms
let seq = 0
beforeEach(async () => {
  t = Date.now()
  fake = await FakePlatforms.start({ accounts: ACCOUNTS, clock: () => t })
})
afterEach(async () => {
  await fake.close()
})
const channel = (type: ChannelType): ChannelConfig => channelAt(type, fake.url(PLATFORM_OF[type]))
const msg = (ch: string, over: Partial<OutboundMessage> = {}): OutboundMessage => message({ id: `f-${++seq}`, channel: ch, ...over })

describe('the fake platforms check like the platforms', () => {
  const post = (url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(url, { method: 'POST', body, headers }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }))

  it('WeCom: unknown key 93000, text over 2,048 bytes 40058, then 45009 past 20 a minute', async () => {
    expect((await post(`${fake.url('wecom')}?key=nope`, '{"msgtype":"text","text":{"content":"x"}}')).body.errcode).toBe(93000)
    const long = JSON.stringify({ msgtype: 'text', text: { content: '气'.repeat(683) } })
    expect((await post(`${fake.url('wecom')}?key=${ACCOUNTS.wecom.key}`, long)).body).toMatchObject({ errcode: 40058 })
    const ok = JSON.stringify({ msgtype: 'text', text: { content: 'ok' } })
    for (let i = 0; i < 20; i++) expect((await post(`${fake.url('wecom')}?key=${ACCOUNTS.wecom.key}`, ok)).body.errcode).toBe(0)
    expect((await post(`${fake.url('wecom')}?key=${ACCOUNTS.wecom.key}`, ok)).body.errcode).toBe(45009)
  })

  it('DingTalk and Feishu: a sign made with the wrong rule is refused (each platform\'s rule, not the other\'s)', async () => {
    const now = t
    const good = CHANNELS.dingtalk.build(msg('dingtalk'), channel('dingtalk'), SECRET_OF.dingtalk, now)
    expect((await post(good.url, good.init.body)).body).toEqual({ errcode: 0, errmsg: 'ok' })
    // Feishu's rule (seconds, key = ts\n secret over "") on DingTalk's robot:
    const feishuStyle = CHANNELS.feishu.build(msg('feishu'), channel('feishu'), { key: 'x', secret: ACCOUNTS.dingtalk.secret }, now)
    const { sign } = JSON.parse(feishuStyle.init.body) as { sign: string }
    const wrong = new URL(good.url)
    wrong.searchParams.set('sign', sign)
    expect((await post(wrong.toString(), good.init.body)).body).toMatchObject({ errcode: 310000 })
    const f = CHANNELS.feishu.build(msg('feishu'), channel('feishu'), SECRET_OF.feishu, now)
    expect((await post(f.url, f.init.body)).body).toMatchObject({ code: 0 })
    const tampered = JSON.parse(f.init.body) as Record<string, unknown>
    tampered.timestamp = String(Math.floor(now / 1000) - 1)
    expect((await post(f.url, JSON.stringify(tampered))).body).toMatchObject({ code: 19021 })
  })

  it('Aliyun: a replayed nonce and a tampered parameter are refused', async () => {
    const req = CHANNELS.sms.build(msg('sms'), channel('sms'), SECRET_OF.sms, t)
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    expect((await post(req.url, req.init.body, form)).body).toMatchObject({ Code: 'OK' })
    expect((await post(req.url, req.init.body, form))).toMatchObject({ status: 400, body: { Code: 'SignatureNonceUsed' } })
    const again = CHANNELS.sms.build(msg('sms'), channel('sms'), SECRET_OF.sms, t)
    expect((await post(again.url, again.init.body.replace('13800000001', '13800000009'), form)).body).toMatchObject({ Code: 'SignatureDoesNotMatch' })
  })
})

describe('the fake platforms\' flow control, on a clock of the test\'s', () => {
  const send = async (type: ChannelType, m: OutboundMessage): Promise<Record<string, unknown>> => {
    const cfg = channel(type)
    const req = CHANNELS[type].build(m, cfg, SECRET_OF[type], t)
    const res = await fetch(req.url, req.init)
    return (await res.json()) as Record<string, unknown>
  }

  it('throttles a WeCom robot for minutes past 20 a minute, and a DingTalk robot for 10', async () => {
    for (let i = 0; i < 20; i++) expect(await send('wecom', msg('wecom'))).toMatchObject({ errcode: 0 })
    for (let i = 0; i < 20; i++) expect(await send('dingtalk', msg('dingtalk'))).toMatchObject({ errcode: 0 })
    expect(await send('wecom', msg('wecom'))).toMatchObject({ errcode: 45009 })
    expect(await send('dingtalk', msg('dingtalk'))).toMatchObject({ errcode: 130101 })
    t += 61_000 // the minute has passed, the penalty has not
    expect(await send('wecom', msg('wecom'))).toMatchObject({ errcode: 45009 })
    t += 60_000
    expect(await send('wecom', msg('wecom'))).toMatchObject({ errcode: 0 })
    expect(await send('dingtalk', msg('dingtalk'))).toMatchObject({ errcode: 130101 })
    t += 480_000
    expect(await send('dingtalk', msg('dingtalk'))).toMatchObject({ errcode: 0 })
  })

  it('takes 5 a second and 100 a minute from a Feishu bot', async () => {
    for (let i = 0; i < 5; i++) expect(await send('feishu', msg('feishu'))).toMatchObject({ code: 0 })
    expect(await send('feishu', msg('feishu'))).toMatchObject({ code: 11232 })
    for (let s = 1; s < 20; s++) {
      t += 1000
      for (let i = 0; i < 5; i++) expect(await send('feishu', msg('feishu'))).toMatchObject({ code: 0 })
    }
    t += 1000
    expect(await send('feishu', msg('feishu'))).toMatchObject({ code: 11232 }) // 100 within the minute
  })

  it('rings one number once a minute (voice), as Aliyun limits calls to a number', async () => {
    expect(await send('voice', msg('voice'))).toMatchObject({ Code: 'OK' })
    expect(await send('voice', msg('voice'))).toMatchObject({ Code: 'isv.BUSINESS_LIMIT_CONTROL' })
    expect(await send('voice', msg('voice', { to: [{ person: 'li', name: '李工', phone: '13900000002', lang: 'zh-CN' }] }))).toMatchObject({ Code: 'OK' })
    t += 60_001
    expect(await send('voice', msg('voice'))).toMatchObject({ Code: 'OK' })
    t += 16 * 60_000
    const stale = CHANNELS.sms.build(msg('sms'), channel('sms'), SECRET_OF.sms, t - 16 * 60_000)
    expect(await (await fetch(stale.url, stale.init)).json()).toMatchObject({ Code: 'InvalidTimeStamp.Expired' })
  })
})

describe('the fake platforms\' record', () => {
  it('keeps the newest maxRecorded requests, and every delivered id\'s count', async () => {
    const small = await FakePlatforms.start({ accounts: ACCOUNTS, maxRecorded: 3, limits: { webhook: [] } })
    try {
      const cfg = channelAt('webhook', small.url('webhook'))
      for (let i = 0; i < 5; i++) {
        const m = msg('webhook', { id: i === 4 ? 'f-again' : `f-keep-${i}` })
        const req = CHANNELS.webhook.build(m, cfg, SECRET_OF.webhook, Date.now())
        await fetch(req.url, req.init)
        if (i === 4) await fetch(req.url, req.init)
      }
      expect(small.requests.map((r) => r.messageId)).toEqual(['f-keep-3', 'f-again', 'f-again'])
      expect(small.requests.map((r) => r.duplicateOf)).toEqual([0, 0, 1])
      expect(small.deliveries().size).toBe(5)
      expect(small.duplicates()).toEqual(new Map([['f-again', 2]]))
    } finally {
      await small.close()
    }
  })
})
