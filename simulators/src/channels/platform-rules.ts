import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'

/**
 * How each platform checks a request and answers, written from the platforms' documents and
 * on purpose apart from the hub's signing code (hub/src/notify/channels/): a mistake in the
 * hub's signing must show here as the platform's refusal, not be repeated. Each rule takes a
 * parsed request and says what the platform would answer and whether it delivered a message.
 */
export type Platform = 'wecom' | 'dingtalk' | 'feishu' | 'sms' | 'voice' | 'webhook'
export const PLATFORMS: readonly Platform[] = ['wecom', 'dingtalk', 'feishu', 'sms', 'voice', 'webhook']

/** The secrets a fake platform account holds (the same the hub is given for the channel). */
export interface PlatformAccounts {
  wecom?: { key: string }
  dingtalk?: { token: string; secret?: string }
  feishu?: { token: string; secret?: string }
  sms?: { accessKeyId: string; accessKeySecret: string; signName?: string; template?: string }
  voice?: { accessKeyId: string; accessKeySecret: string; template?: string }
  webhook?: { secret?: string; header?: string }
}

export interface IncomingRequest {
  /** Path below the platform's prefix, e.g. "/cgi-bin/webhook/send". */
  path: string
  query: URLSearchParams
  headers: Record<string, string | string[] | undefined>
  raw: string
}

export interface Verdict {
  status: number
  answer: unknown
  /** The platform took the message (it would reach people). */
  delivered: boolean
  /** The parsed body (JSON, or the form's parameters). */
  body: unknown
  /** The words people would read, when the body has them. */
  text?: string | undefined
  /** A throttled answer (the platform's flow control). */
  rateLimited?: boolean
  /** Whose flow control: the robot, the account, or a phone number. */
  limitKey?: string | undefined
}

/** A platform's flow control: "may this go now?" — answered by the server's window counters. */
export type Throttle = (key: string) => boolean

const WECOM_TEXT_BYTES = 2048
const WECOM_MARKDOWN_BYTES = 4096
const DINGTALK_BODY_BYTES = 20_000
const FEISHU_BODY_BYTES = 20 * 1024
const HOUR_MS = 3_600_000
const ALIYUN_SKEW_MS = 15 * 60_000

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8')
const json = (raw: string): unknown => {
  try {
    return JSON.parse(raw)
  } catch {
    return undefined
  }
}
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {})
const sameBase64 = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'base64')
  const y = Buffer.from(b, 'base64')
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y) && a === x.toString('base64')
}
const header = (h: IncomingRequest['headers'], name: string): string | undefined => {
  const v = h[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}

/** WeCom group robot: key in the query; errcode 93000 / 40058 / 45009. */
export function wecomRule(req: IncomingRequest, acct: PlatformAccounts['wecom'], throttle: Throttle): Verdict {
  const body = json(req.raw)
  const refuse = (errcode: number, errmsg: string, more: Partial<Verdict> = {}): Verdict => ({ status: 200, answer: { errcode, errmsg }, delivered: false, body, ...more })
  if (!acct || req.query.get('key') !== acct.key) return refuse(93000, 'invalid webhook url, hint: [fake]')
  const b = obj(body)
  const kind = b.msgtype
  const content = kind === 'text' ? obj(b.text).content : kind === 'markdown' ? obj(b.markdown).content : undefined
  if (body === undefined || typeof content !== 'string') return refuse(40008, 'invalid message type, hint: [fake]')
  const max = kind === 'text' ? WECOM_TEXT_BYTES : WECOM_MARKDOWN_BYTES
  if (bytes(content) > max) return refuse(40058, `${String(kind)}.content exceed max length ${max}. invalid Request Parameter, hint: [fake]`)
  const mentions = obj(b.text).mentioned_mobile_list
  if (mentions !== undefined && !Array.isArray(mentions)) return refuse(40058, 'mentioned_mobile_list must be a list, hint: [fake]')
  if (!throttle(`wecom:${acct.key}`)) return refuse(45009, 'api freq out of limit, hint: [fake]', { rateLimited: true, limitKey: `wecom:${acct.key}` })
  return { status: 200, answer: { errcode: 0, errmsg: 'ok' }, delivered: true, body, text: content }
}

/** DingTalk custom robot: access_token, and with signing timestamp (ms) + sign in the query. */
export function dingtalkRule(req: IncomingRequest, acct: PlatformAccounts['dingtalk'], throttle: Throttle, now: number): Verdict {
  const body = json(req.raw)
  const refuse = (errcode: number, errmsg: string, more: Partial<Verdict> = {}): Verdict => ({ status: 200, answer: { errcode, errmsg }, delivered: false, body, ...more })
  if (!acct || req.query.get('access_token') !== acct.token) return refuse(300001, 'token is not exist')
  if (acct.secret !== undefined) {
    const ts = req.query.get('timestamp') ?? ''
    const sign = req.query.get('sign') ?? ''
    if (!/^\d{13}$/.test(ts) || Math.abs(now - Number(ts)) > HOUR_MS) return refuse(310000, 'invalid timestamp')
    const expected = createHmac('sha256', Buffer.from(acct.secret, 'utf8')).update(Buffer.from(`${ts}\n${acct.secret}`, 'utf8')).digest('base64')
    if (!sameBase64(sign, expected)) return refuse(310000, 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]')
  }
  if (bytes(req.raw) > DINGTALK_BODY_BYTES) return refuse(460101, 'message too long, exceed 20000 bytes')
  const b = obj(body)
  const text = b.msgtype === 'text' ? obj(b.text).content : b.msgtype === 'markdown' ? obj(b.markdown).text : undefined
  if (typeof text !== 'string' || (b.msgtype === 'markdown' && typeof obj(b.markdown).title !== 'string')) return refuse(40035, 'missing parameter')
  const at = b.at === undefined ? {} : obj(b.at)
  if (at.atMobiles !== undefined && !Array.isArray(at.atMobiles)) return refuse(40035, 'atMobiles must be a list')
  if (!throttle(`dingtalk:${acct.token}`)) return refuse(130101, 'send too fast, exceed 20 times per minute', { rateLimited: true, limitKey: `dingtalk:${acct.token}` })
  return { status: 200, answer: { errcode: 0, errmsg: 'ok' }, delivered: true, body, text }
}

/** Feishu custom bot: the token in the path; with signing, timestamp (s) and sign in the body. */
export function feishuRule(req: IncomingRequest, acct: PlatformAccounts['feishu'], throttle: Throttle, now: number): Verdict {
  const body = json(req.raw)
  const refuse = (code: number, msg: string, more: Partial<Verdict> = {}): Verdict => ({ status: code === 9499 ? 400 : 200, answer: { code, msg, data: {} }, delivered: false, body, ...more })
  const token = decodeURIComponent(req.path.replace(/^\/open-apis\/bot\/v2\/hook\//, ''))
  if (!acct || token !== acct.token) return refuse(19001, 'param invalid: incoming webhook access token invalid')
  if (bytes(req.raw) > FEISHU_BODY_BYTES || body === undefined) return refuse(9499, 'Bad Request')
  const b = obj(body)
  if (acct.secret !== undefined) {
    const ts = typeof b.timestamp === 'string' ? b.timestamp : ''
    const stringToSign = `${ts}\n${acct.secret}`
    const expected = createHmac('sha256', Buffer.from(stringToSign, 'utf8')).digest('base64')
    const fresh = /^\d{10}$/.test(ts) && Math.abs(now - Number(ts) * 1000) <= HOUR_MS
    if (!fresh || typeof b.sign !== 'string' || !sameBase64(b.sign, expected)) return refuse(19021, 'sign match fail or timestamp is not within one hour from current time')
  }
  const text = feishuText(b)
  if (text === undefined) return refuse(9499, 'Bad Request')
  if (!throttle(`feishu:${acct.token}`)) return refuse(11232, 'frequency limited psm[lark.oapi.app_platform_runtime]appID[fake]', { rateLimited: true, limitKey: `feishu:${acct.token}` })
  return { status: 200, answer: { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' }, delivered: true, body, text }
}

function feishuText(b: Record<string, unknown>): string | undefined {
  const content = obj(b.content)
  if (b.msg_type === 'text') return typeof content.text === 'string' ? content.text : undefined
  if (b.msg_type === 'interactive') return b.card !== undefined || content.card !== undefined ? JSON.stringify(b.card ?? content.card) : undefined
  if (b.msg_type !== 'post') return undefined
  const locales = Object.values(obj(content.post)).map(obj)
  const first = locales[0]
  if (!first || !Array.isArray(first.content)) return undefined
  const lines = (first.content as unknown[]).map((para) => (Array.isArray(para) ? para.map((el) => String(obj(el).text ?? '')).join('') : ''))
  return [typeof first.title === 'string' ? first.title : '', ...lines].filter(Boolean).join('\n')
}

/** Aliyun's RFC 3986 encoding: only A–Z a–z 0–9 - _ . ~ stay as they are. */
function rfc3986(s: string): string {
  let out = ''
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** Aliyun RPC v1 (SendSms, SingleCallByTts): the signature over the sorted, encoded parameters. */
export function aliyunRule(
  platform: 'sms' | 'voice',
  req: IncomingRequest & { method: string },
  acct: PlatformAccounts['sms'] | PlatformAccounts['voice'],
  throttle: Throttle,
  now: number,
  nonces: Map<string, number>,
): Verdict {
  const params = new URLSearchParams(req.query)
  if ((header(req.headers, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) for (const [k, v] of new URLSearchParams(req.raw)) params.append(k, v)
  const p = Object.fromEntries(params)
  const requestId = randomUUID().toUpperCase()
  const refuse = (status: number, Code: string, Message: string, more: Partial<Verdict> = {}): Verdict => ({ status, answer: { RequestId: requestId, Code, Message }, delivered: false, body: p, ...more })
  for (const name of ['AccessKeyId', 'Action', 'SignatureMethod', 'SignatureNonce', 'SignatureVersion', 'Timestamp', 'Version', 'Signature']) {
    if (!p[name]) return refuse(400, `MissingParameter`, `The input parameter "${name}" that is mandatory for processing this request is not supplied.`)
  }
  if (!acct || p.AccessKeyId !== acct.accessKeyId) return refuse(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.')
  if (p.SignatureMethod !== 'HMAC-SHA1' || p.SignatureVersion !== '1.0') return refuse(400, 'InvalidParameter', 'The specified parameter SignatureMethod or SignatureVersion is not valid.')
  const ts = Date.parse(p.Timestamp!)
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(p.Timestamp!) || Number.isNaN(ts) || Math.abs(now - ts) > ALIYUN_SKEW_MS) return refuse(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.')
  const canonical = [...params].filter(([k]) => k !== 'Signature').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&')
  const stringToSign = `${req.method.toUpperCase()}&${rfc3986('/')}&${rfc3986(canonical)}`
  const expected = createHmac('sha1', Buffer.from(`${acct.accessKeySecret}&`, 'utf8')).update(Buffer.from(stringToSign, 'utf8')).digest('base64')
  if (!sameBase64(p.Signature!, expected)) return refuse(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`)
  for (const [n, at] of nonces) if (now - at > ALIYUN_SKEW_MS) nonces.delete(n)
  if (nonces.has(p.SignatureNonce!)) return refuse(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.')
  nonces.set(p.SignatureNonce!, now)
  const expectAction = platform === 'sms' ? 'SendSms' : 'SingleCallByTts'
  if (p.Action !== expectAction) return refuse(400, 'InvalidAction.NotFound', `Specified api is not found, please check your url and method.`)
  if (p.Version !== '2017-05-25') return refuse(400, 'InvalidVersion', 'Specified parameter Version is not valid.')
  if (!throttle(`${platform}:${acct.accessKeyId}`)) return refuse(400, 'Throttling.User', 'Request was denied due to user flow control.', { rateLimited: true, limitKey: `${platform}:${acct.accessKeyId}` })
  const numbers = (platform === 'sms' ? (p.PhoneNumbers ?? '') : (p.CalledNumber ?? '')).split(',')
  if (numbers.some((n) => !/^1\d{10}$/.test(n)) || (platform === 'voice' && numbers.length !== 1)) return refuse(200, 'isv.MOBILE_NUMBER_ILLEGAL', '非法手机号')
  const template = platform === 'sms' ? p.TemplateCode : p.TtsCode
  if (!template || (acct.template !== undefined && template !== acct.template)) return refuse(200, platform === 'sms' ? 'isv.SMS_TEMPLATE_ILLEGAL' : 'isv.TTS_TEMPLATE_ILLEGAL', '模板不合法(不存在或被拉黑)')
  if (platform === 'sms') {
    const sms = acct as NonNullable<PlatformAccounts['sms']>
    if (!p.SignName || (sms.signName !== undefined && p.SignName !== sms.signName)) return refuse(200, 'isv.SMS_SIGNATURE_ILLEGAL', '签名不合法(不存在或被拉黑)')
  }
  const paramText = (platform === 'sms' ? p.TemplateParam : p.TtsParam) ?? '{}'
  if (json(paramText) === undefined) return refuse(200, 'isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值')
  for (const n of numbers) {
    if (!throttle(`${platform}-number:${n}`)) return refuse(200, 'isv.BUSINESS_LIMIT_CONTROL', platform === 'sms' ? '触发号码天级流控Permits:50' : '触发号码分钟级流控Permits:1', { rateLimited: true, limitKey: `${platform}-number:${n}` })
  }
  const ok = platform === 'sms' ? { RequestId: requestId, Code: 'OK', Message: 'OK', BizId: `${Date.now()}^0` } : { RequestId: requestId, Code: 'OK', Message: 'OK', CallId: `${Date.now()}^1` }
  return { status: 200, answer: ok, delivered: true, body: p, text: `${template} ${paramText} → ${numbers.join(',')}` }
}

/** A generic webhook receiver: "sha256=" + hex HMAC of the raw body in the header; 5 minutes of skew. */
export function webhookRule(req: IncomingRequest, acct: PlatformAccounts['webhook'], now: number): Verdict {
  const body = json(req.raw)
  const refuse = (status: number, error: string): Verdict => ({ status, answer: { error }, delivered: false, body })
  if (acct?.secret !== undefined) {
    const got = header(req.headers, acct.header ?? 'X-Hub-Signature-256') ?? ''
    const want = `sha256=${createHmac('sha256', acct.secret).update(Buffer.from(req.raw, 'utf8')).digest('hex')}`
    if (got.length !== want.length || !timingSafeEqual(Buffer.from(got), Buffer.from(want))) return refuse(401, 'bad signature')
    const ts = Number(header(req.headers, 'X-Notify-Timestamp'))
    if (!Number.isFinite(ts) || Math.abs(now - ts) > 5 * 60_000) return refuse(401, 'stale timestamp')
  }
  if (body === undefined) return refuse(400, 'not JSON')
  const b = obj(body)
  return { status: 200, answer: { ok: true }, delivered: true, body, text: typeof b.text === 'string' ? b.text : undefined }
}
