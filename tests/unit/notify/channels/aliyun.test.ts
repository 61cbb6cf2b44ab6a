import { describe, expect, it } from 'vitest'
import { aliyunSms } from '../../../../hub/src/notify/channels/aliyun-sms.js'
import { aliyunVoice } from '../../../../hub/src/notify/channels/aliyun-voice.js'
import { aliyunPercentEncode, aliyunSignature, aliyunTimestamp, interpretAliyun } from '../../../../hub/src/notify/channels/aliyun-rpc.js'
import { ChannelError } from '../../../../hub/src/notify/channels/channel.js'
import { config, message, NOW } from './message-fixture.js'

const NONCE = '45e25e9b-0a6f-4070-8c85-2956eda1b466'
const keys = { key: 'testid', secret: 'testsecret' }
const sms = config({ type: 'sms', url: 'https://dysmsapi.aliyuncs.com/', signName: '园区安全', template: 'SMS_123' })
const twoPeople = message({
  to: [
    { person: 'wang', name: '王工', phone: '13800000001', lang: 'zh-CN' },
    { person: 'li', name: '李工', phone: '13800000002', lang: 'zh-CN' },
  ],
  params: { park: 'VTC 园区', level: "一级*(test)~!'" },
})
// The canonicalised query and signature computed apart from the hub (Python: urllib.parse.quote(v, safe="~"),
// sorted, "POST&%2F&" + quote(query), base64(hmac.new(b"testsecret&", …, sha1))).
const CANONICAL =
  'AccessKeyId=testid&Action=SendSms&Format=JSON&OutId=n-1&PhoneNumbers=13800000001%2C13800000002&RegionId=cn-hangzhou' +
  '&SignName=%E5%9B%AD%E5%8C%BA%E5%AE%89%E5%85%A8&SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466' +
  '&SignatureVersion=1.0&TemplateCode=SMS_123&TemplateParam=%7B%22park%22%3A%22VTC%20%E5%9B%AD%E5%8C%BA%22%2C%22level%22%3A%22%E4%B8%80%E7%BA%A7%2A%28test%29~%21%27%22%7D' +
  '&Timestamp=2025-12-06T21%3A43%3A46Z&Version=2017-05-25'
const SIGNATURE = 'fFqlzoibo1YY/YoNeiwGZgCZVnI='

describe('Aliyun RPC signature v1', () => {
  it('percent-encodes as RFC 3986 with Aliyun\'s rules (space %20, * %2A, ~ kept, UTF-8)', () => {
    expect(aliyunPercentEncode("a b*c~d!'()中")).toBe('a%20b%2Ac~d%21%27%28%29%E4%B8%AD')
  })

  it('writes the timestamp as ISO 8601 UTC to the second', () => {
    expect(aliyunTimestamp(NOW + 123)).toBe('2025-12-06T21:43:46Z')
  })

  it('builds SendSms exactly: sorted, encoded parameters and the HMAC-SHA1 signature as a form body', () => {
    const req = aliyunSms.build(twoPeople, sms, keys, NOW, NONCE)
    expect(req.url).toBe('https://dysmsapi.aliyuncs.com/')
    expect(req.init.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/)
    expect(req.init.body).toBe(`${CANONICAL}&Signature=${encodeURIComponent(SIGNATURE)}`)
  })

  it('signs over the parameters whatever their order', () => {
    const params = Object.fromEntries(new URLSearchParams(CANONICAL))
    const reversed = Object.fromEntries(Object.entries(params).reverse())
    expect(aliyunSignature('POST', reversed, 'testsecret')).toBe(SIGNATURE)
  })

  it('calls one number with SingleCallByTts', () => {
    const voice = config({ type: 'voice', url: 'https://dyvmsapi.aliyuncs.com/', template: 'TTS_1' })
    const p = Object.fromEntries(new URLSearchParams(aliyunVoice.build(twoPeople, voice, keys, NOW, NONCE).init.body))
    expect(p).toMatchObject({ Action: 'SingleCallByTts', Version: '2017-05-25', CalledNumber: '13800000001', TtsCode: 'TTS_1', OutId: 'n-1', PlayTimes: '2' })
    expect(JSON.parse(p.TtsParam!)).toEqual(twoPeople.params)
    expect(p.Signature).toMatch(/^[A-Za-z0-9+/]{27}=$/)
  })

  it('cannot text nobody (for good) nor send without a key pair or template (until an operator sets them)', () => {
    expect(() => aliyunSms.build(message({ to: [] }), sms, keys, NOW, NONCE)).toThrow(expect.objectContaining({ retry: false, fault: 'message' }))
    expect(() => aliyunSms.build(twoPeople, sms, { key: 'testid' }, NOW, NONCE)).toThrow(ChannelError)
    expect(() => aliyunSms.build(twoPeople, { ...sms, template: undefined }, keys, NOW, NONCE)).toThrow(expect.objectContaining({ retry: true, fault: 'channel' }))
  })

  it('reads the answers: OK; throttling (retry); a bad number (never); the signature (channel, its echo dropped)', () => {
    expect(interpretAliyun(200, '{"Message":"OK","RequestId":"R","Code":"OK","BizId":"1^0"}')).toEqual({ ok: true })
    expect(interpretAliyun(400, '{"Code":"Throttling.User","Message":"Request was denied due to user flow control."}')).toMatchObject({ retry: true, rateLimited: true, fault: 'channel' })
    expect(interpretAliyun(200, '{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"触发号码天级流控"}')).toMatchObject({ retry: true, rateLimited: true, fault: 'message' })
    expect(interpretAliyun(200, '{"Code":"isv.MOBILE_NUMBER_ILLEGAL","Message":"非法手机号"}')).toMatchObject({ retry: false, fault: 'message' })
    const sig = interpretAliyun(400, '{"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3Dtestid"}')
    expect(sig).toEqual({ ok: false, retry: true, error: 'SignatureDoesNotMatch', fault: 'channel' })
    expect(interpretAliyun(503, 'gateway down')).toMatchObject({ retry: true, fault: 'channel' })
  })
})
