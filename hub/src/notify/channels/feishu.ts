import { createHmac } from 'node:crypto'
import type { OutboundMessage } from '../types.js'
import { httpFailure, jsonRequest, langOf, parseJsonObject, requireKey, type Answer, type Channel } from './channel.js'

/**
 * Feishu (飞书) custom bot with signature verification ("签名校验"), as "自定义机器人使用指南"
 * (open.feishu.cn/document/client-docs/bot-v3/add-custom-bot) defines it:
 *
 *   POST {url}/{hookToken}
 *   {"timestamp":"SECONDS","sign":base64(HMAC-SHA256(key = SECONDS + "\n" + secret, message = "")),
 *    "msg_type":"text","content":{"text":…}}      or  "msg_type":"post","content":{"post":{"zh_cn":{title,content}}}
 *
 * Unlike DingTalk, the timestamp is in seconds, goes in the body, and the string
 * timestamp + "\n" + secret is the HMAC's key over an empty message. The timestamp must be
 * within an hour of Feishu's clock. A bot takes 100 messages a minute and 5 a second; a body
 * is at most 20 KB. Answers: {"code":0,"msg":"success"} (older bots also say
 * "StatusCode":0); 19021 sign match fail or timestamp not within one hour; 19024 keyword not
 * found; 19022 IP not allowed; 9499 bad request (a body the bot refuses, or too large);
 * 11232 frequency limited. Bots mention people by their Feishu ids, not by phone, so a
 * message for a person names them in its text only.
 */
export const FEISHU_PER_MINUTE = 100
export const FEISHU_PER_SECOND = 5
/** A body is at most 20 KB; the text gets what the JSON around it leaves. */
export const FEISHU_TEXT_MAX_BYTES = 18_000
export const FEISHU_RATE_LIMIT_PAUSE_MS = 10_000

/** base64(HMAC-SHA256(key = `${timestamp}\n${secret}`, message = "")). */
export function feishuSign(timestampSeconds: string, secret: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64')
}

/** A post (rich text) with the title, a paragraph a line, and the link as a link. */
export function feishuContent(msg: OutboundMessage): { msg_type: 'post'; content: unknown } {
  const lines = truncateLines(msg.text.split('\n'), FEISHU_TEXT_MAX_BYTES)
  const content: unknown[][] = lines.map((line) => [{ tag: 'text', text: line }])
  if (msg.link && !msg.text.includes(msg.link)) content.push([{ tag: 'a', text: msg.link, href: msg.link }])
  const locale = langOf(msg) === 'en' ? 'en_us' : 'zh_cn'
  return { msg_type: 'post', content: { post: { [locale]: { title: msg.title, content } } } }
}

function truncateLines(lines: string[], maxBytes: number): string[] {
  const out: string[] = []
  let used = 0
  for (const line of lines) {
    used += Buffer.byteLength(line, 'utf8') + 1
    if (used > maxBytes) {
      out.push('…')
      break
    }
    out.push(line)
  }
  return out
}

/** {url}/{token}; a URL that already ends in the token (the whole hook address pasted) is used as it is. */
function hookUrl(url: string, token: string): string {
  const base = url.replace(/\/+$/, '')
  const encoded = encodeURIComponent(token)
  return base.endsWith(`/${encoded}`) ? base : `${base}/${encoded}`
}

export const feishu: Channel = {
  type: 'feishu',
  build(msg, cfg, secret, now) {
    const token = requireKey(secret, 'hook token')
    const body: Record<string, unknown> = {}
    if (secret?.secret) {
      const timestamp = String(Math.floor(now / 1000))
      Object.assign(body, { timestamp, sign: feishuSign(timestamp, secret.secret) })
    }
    Object.assign(body, feishuContent(msg))
    return jsonRequest(hookUrl(cfg.url, token), body, msg.id)
  },
  interpret(status, body, headers): Answer {
    const answer = parseJsonObject(body)
    const code = answer?.code ?? answer?.StatusCode
    if (answer === undefined || code === undefined) return status === 200 ? { ok: false, retry: true, error: `unreadable answer: ${body.slice(0, 200)}`, fault: 'channel' } : httpFailure(status, body, headers)
    const error = `code ${String(code)}: ${String(answer.msg ?? answer.StatusMessage ?? '')}`.slice(0, 300)
    if (code === 0) return { ok: true }
    if (code === 11232 || status === 429) return { ok: false, retry: true, error, fault: 'channel', rateLimited: true, retryAfterMs: FEISHU_RATE_LIMIT_PAUSE_MS }
    if (code === 9499) return { ok: false, retry: false, error, fault: 'message' }
    // 19021 (sign or clock), 19022, 19024, an unknown hook and anything else: the channel.
    return { ok: false, retry: true, error, fault: 'channel' }
  },
}
