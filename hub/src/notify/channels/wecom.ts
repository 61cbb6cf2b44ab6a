import type { OutboundMessage } from '../types.js'
import { fitWithLink, jsonRequest, phonesOf, requireKey, robotAnswer, withQuery, type Answer, type Channel } from './channel.js'

/**
 * WeCom (企业微信) group robot, as its document "群机器人配置说明"
 * (developer.work.weixin.qq.com/document/path/91770) defines it:
 *
 *   POST {url}?key=KEY   {"msgtype":"text","text":{"content":…,"mentioned_mobile_list":[…]}}
 *                        {"msgtype":"markdown","markdown":{"content":…}}
 *
 * text.content is at most 2,048 bytes of UTF-8 and markdown.content 4,096; a robot takes 20
 * messages a minute. Mentions by mobile number exist for text only, so a message that @s
 * someone goes as text, and one that @s nobody as markdown when it has a markdown body.
 * Answers are HTTP 200 with {"errcode":…,"errmsg":…}: 0 ok; 45009 api freq out of limit
 * (the robot is throttled for minutes); 93000 invalid webhook url (the key); 40058 a field
 * over its length; -1 system busy.
 */
export const WECOM_TEXT_MAX_BYTES = 2048
export const WECOM_MARKDOWN_MAX_BYTES = 4096
export const WECOM_PER_MINUTE = 20
/** How long a robot rests after 45009 before the next try (it is throttled "for minutes"). */
export const WECOM_RATE_LIMIT_PAUSE_MS = 60_000

export function wecomBody(msg: OutboundMessage): Record<string, unknown> {
  const mentions = phonesOf(msg)
  if (mentions.length === 0 && msg.markdown !== undefined) {
    return { msgtype: 'markdown', markdown: { content: fitWithLink(msg.markdown, msg.link, WECOM_MARKDOWN_MAX_BYTES) } }
  }
  const text: Record<string, unknown> = { content: fitWithLink(msg.text, msg.link, WECOM_TEXT_MAX_BYTES) }
  if (mentions.length > 0) text.mentioned_mobile_list = mentions
  return { msgtype: 'text', text }
}

export const wecom: Channel = {
  type: 'wecom',
  build(msg, cfg, secret) {
    const key = requireKey(secret, 'robot key')
    return jsonRequest(withQuery(cfg.url, { key }), wecomBody(msg), msg.id)
  },
  interpret(status, body, headers): Answer {
    // 93000 (the key), -1 (busy) and unknown codes: the channel's.
    return robotAnswer(status, body, headers, { rateLimited: 45009, pauseMs: WECOM_RATE_LIMIT_PAUSE_MS, messageCodes: [40058] })
  },
}
