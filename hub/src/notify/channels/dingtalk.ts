import { createHmac } from 'node:crypto'
import type { OutboundMessage } from '../types.js'
import { fitWithLink, jsonRequest, phonesOf, requireKey, robotAnswer, withQuery, type Answer, type Channel } from './channel.js'

/**
 * DingTalk (钉钉) custom robot with signing ("加签"), as "自定义机器人发送群消息"
 * (open.dingtalk.com/document/orgapp/custom-robots-send-group-messages) and its security
 * settings define it:
 *
 *   POST {url}?access_token=TOKEN&timestamp=MS&sign=urlencode(base64(HMAC-SHA256(secret, MS + "\n" + secret)))
 *   {"msgtype":"text","text":{"content":…},"at":{"atMobiles":[…],"isAtAll":false}}
 *   {"msgtype":"markdown","markdown":{"title":…,"text":…},"at":{…}}
 *
 * The timestamp is in milliseconds and must be within an hour of DingTalk's clock. A robot
 * takes 20 messages a minute and, past that, is throttled for 10 minutes. Answers are
 * {"errcode":…,"errmsg":…}: 0 ok; 130101 send too fast; 310000 sign, keyword or IP refused
 * (or a stale timestamp); 300001 no such token; 460101 message too long. Without a signing
 * secret (a robot secured by keyword or IP instead) the request goes unsigned.
 */
export const DINGTALK_PER_MINUTE = 20
/** The whole message is at most 20,000 bytes; the text gets what the JSON around it leaves. */
export const DINGTALK_TEXT_MAX_BYTES = 19_000
/** The first pause after 130101; repeated answers lengthen it up to the platform's 10 minutes. */
export const DINGTALK_RATE_LIMIT_PAUSE_MS = 60_000

/** base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)), before URL encoding. */
export function dingtalkSign(timestampMs: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64')
}

export function dingtalkBody(msg: OutboundMessage): Record<string, unknown> {
  const at = { atMobiles: phonesOf(msg), isAtAll: false }
  // A markdown message @s someone only when its text holds "@mobile" (the number, in a group):
  // a message that @s people goes as text, where atMobiles alone rings them.
  if (msg.markdown !== undefined && at.atMobiles.length === 0) {
    return { msgtype: 'markdown', markdown: { title: msg.title, text: fitWithLink(msg.markdown, msg.link, DINGTALK_TEXT_MAX_BYTES) }, at }
  }
  return { msgtype: 'text', text: { content: fitWithLink(msg.text, msg.link, DINGTALK_TEXT_MAX_BYTES) }, at }
}

export const dingtalk: Channel = {
  type: 'dingtalk',
  build(msg, cfg, secret, now) {
    const token = requireKey(secret, 'access token')
    // URLSearchParams encodes the sign's "+", "/" and "=" as the platform expects (urlencode).
    const query: Record<string, string> = { access_token: token }
    if (secret?.secret) Object.assign(query, { timestamp: String(now), sign: dingtalkSign(now, secret.secret) })
    return jsonRequest(withQuery(cfg.url, query), dingtalkBody(msg), msg.id)
  },
  interpret(status, body, headers): Answer {
    // 310000 (sign, keyword, IP, clock), 300001 (token) and unknown codes: the channel's.
    return robotAnswer(status, body, headers, { rateLimited: 130101, pauseMs: DINGTALK_RATE_LIMIT_PAUSE_MS, messageCodes: [460101] })
  },
}
