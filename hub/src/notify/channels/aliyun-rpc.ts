import { createHmac, randomUUID } from 'node:crypto'
import type { ChannelConfig, ChannelSecret, ChannelType, OutboundMessage } from '../types.js'
import { ChannelError, MESSAGE_ID_HEADER, parseJsonObject, httpFailure, requireKey, type Answer, type Channel, type ChannelRequest } from './channel.js'

/**
 * Alibaba Cloud's RPC-style API signature, version 1.0 (help.aliyun.com "签名机制",
 * document 315526 / the SMS "signature method" page), used by SendSms (dysmsapi) and
 * SingleCallByTts (dyvmsapi):
 *
 * 1. Every parameter but Signature — the common ones (AccessKeyId, Action, Format, RegionId,
 *    SignatureMethod=HMAC-SHA1, SignatureNonce, SignatureVersion=1.0, Timestamp in ISO 8601
 *    UTC "yyyy-MM-ddTHH:mm:ssZ", Version) and the action's — sorted by name;
 * 2. names and values percent-encoded per RFC 3986 with Aliyun's rules (A–Z a–z 0–9 - _ . ~
 *    kept, everything else %XY in upper case from UTF-8, a space as %20, never "+"), joined
 *    name=value with "&": the canonicalised query;
 * 3. StringToSign = METHOD + "&" + percentEncode("/") + "&" + percentEncode(canonicalised query);
 * 4. Signature = base64(HMAC-SHA1(key = AccessKeySecret + "&", StringToSign)).
 *
 * The request is a POST with the parameters and the Signature as a form body. Answers are
 * JSON {"Code":"OK","Message":"OK","RequestId":…} or an error Code; the gateway refuses a
 * Timestamp more than 15 minutes off and a SignatureNonce it has seen.
 */
export const ALIYUN_SIGNATURE_METHOD = 'HMAC-SHA1'
export const ALIYUN_SIGNATURE_VERSION = '1.0'

/** RFC 3986 unreserved characters kept, all else %XY (encodeURIComponent keeps !'()* too). */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** ISO 8601 UTC to the second, as the gateway wants it: 2026-12-06T21:43:46Z. */
export function aliyunTimestamp(now: number): string {
  return new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function canonicalizedQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(params[k]!)}`)
    .join('&')
}

export function aliyunSignature(method: 'GET' | 'POST', params: Record<string, string>, accessKeySecret: string): string {
  const stringToSign = `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(canonicalizedQuery(params))}`
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64')
}

/** The common parameters of one call. */
export function commonParams(action: string, version: string, accessKeyId: string, now: number, nonce: string): Record<string, string> {
  return {
    AccessKeyId: accessKeyId,
    Action: action,
    Format: 'JSON',
    RegionId: 'cn-hangzhou',
    SignatureMethod: ALIYUN_SIGNATURE_METHOD,
    SignatureNonce: nonce,
    SignatureVersion: ALIYUN_SIGNATURE_VERSION,
    Timestamp: aliyunTimestamp(now),
    Version: version,
  }
}

/** The signed POST of `params` to `url`. */
export function aliyunRequest(url: string, params: Record<string, string>, accessKeySecret: string, msgId: string): ChannelRequest {
  const signature = aliyunSignature('POST', params, accessKeySecret)
  return {
    url,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json', [MESSAGE_ID_HEADER]: msgId },
      body: `${canonicalizedQuery(params)}&Signature=${aliyunPercentEncode(signature)}`,
    },
  }
}

/** The AccessKey pair: the channel's key (AccessKeyId) and secret (AccessKeySecret). */
export function aliyunKeys(secret: ChannelSecret | undefined): { id: string; secret: string } {
  const id = requireKey(secret, 'AccessKeyId')
  if (!secret?.secret) throw new ChannelError('no AccessKeySecret set for this channel', true, 'channel')
  return { id, secret: secret.secret }
}

export function newNonce(): string {
  return randomUUID()
}

/** Codes that concern one message (the number, the template's parameters): never worth sending again. */
const MESSAGE_CODES = new Set([
  'isv.MOBILE_NUMBER_ILLEGAL', 'isv.MOBILE_COUNT_OVER_LIMIT', 'isv.TEMPLATE_MISSING_PARAMETERS', 'isv.TEMPLATE_PARAMS_ILLEGAL',
  'isv.INVALID_JSON_PARAM', 'isv.PARAM_LENGTH_LIMIT', 'isv.INVALID_PARAMETERS', 'isv.BLACK_KEY_CONTROL_LIMIT', 'isv.SMS_CONTENT_ILLEGAL',
])
/** Flow control of the whole account or key: the channel rests. */
const CHANNEL_THROTTLE_CODES = new Set(['Throttling.User', 'Throttling', 'Throttling.Api', 'ServiceUnavailable'])
export const ALIYUN_THROTTLE_PAUSE_MS = 10_000
/** isv.BUSINESS_LIMIT_CONTROL: one number's flow control (SMS notices 50 a day, voice calls 1 a minute). */
export const ALIYUN_NUMBER_LIMIT_PAUSE_MS = 60_000

export function interpretAliyun(status: number, body: string, headers?: Headers): Answer {
  const answer = parseJsonObject(body)
  const code = typeof answer?.Code === 'string' ? answer.Code : undefined
  if (code === undefined) return status === 200 ? { ok: false, retry: true, error: `unreadable answer: ${body.slice(0, 200)}`, fault: 'channel' } : httpFailure(status, body, headers)
  if (code === 'OK') return { ok: true }
  // The gateway's SignatureDoesNotMatch message quotes its string to sign (with the AccessKeyId): the code says enough.
  const error = code === 'SignatureDoesNotMatch' ? code : `${code}: ${String(answer?.Message ?? '')}`.slice(0, 300)
  if (CHANNEL_THROTTLE_CODES.has(code)) return { ok: false, retry: true, error, fault: 'channel', rateLimited: true, retryAfterMs: ALIYUN_THROTTLE_PAUSE_MS }
  if (code === 'isv.BUSINESS_LIMIT_CONTROL') return { ok: false, retry: true, error, fault: 'message', rateLimited: true, retryAfterMs: ALIYUN_NUMBER_LIMIT_PAUSE_MS }
  if (MESSAGE_CODES.has(code)) return { ok: false, retry: false, error, fault: 'message' }
  // SignatureDoesNotMatch, InvalidAccessKeyId.NotFound, InvalidTimeStamp.Expired, isv.OUT_OF_SERVICE, isp.SYSTEM_ERROR…
  return { ok: false, retry: true, error, fault: 'channel' }
}

/**
 * A channel of one Aliyun action: `actionParams` gives the action's own parameters (throwing
 * a ChannelError when the message or the channel lacks something); the common ones, the
 * signature and the answer are the same for every action.
 */
export function aliyunChannel(o: {
  type: ChannelType
  action: string
  version: string
  actionParams: (msg: OutboundMessage, cfg: ChannelConfig) => Record<string, string>
}): Channel {
  return {
    type: o.type,
    build(msg, cfg, secret, now, nonce = newNonce()) {
      const keys = aliyunKeys(secret)
      const params = { ...commonParams(o.action, o.version, keys.id, now, nonce), ...o.actionParams(msg, cfg), OutId: msg.id }
      return aliyunRequest(cfg.url, params, keys.secret, msg.id)
    },
    interpret: interpretAliyun,
  }
}
