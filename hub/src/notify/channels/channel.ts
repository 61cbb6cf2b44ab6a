import type { ChannelConfig, ChannelSecret, ChannelType, OutboundMessage } from '../types.js'

/**
 * What every channel file (wecom, dingtalk, feishu, aliyun-sms, aliyun-voice, webhook) gives
 * delivery: `build` turns a decided message into one signed HTTP request at send time (the
 * platforms refuse timestamps over an hour old, so nothing is signed when it is decided), and
 * `interpret` reads the platform's answer. Channels are pure: the clock's reading and the
 * nonce come in as arguments, so a request is the same bytes for the same inputs.
 */

/** One HTTP request, ready for `fetch`. */
export interface ChannelRequest {
  url: string
  init: { method: 'POST'; headers: Record<string, string>; body: string }
}

/**
 * A failure's reach: `channel` (the platform, the key, the signature, the network: the whole
 * channel is unwell, and delivery pauses it) or `message` (this message only: a bad phone
 * number, a text over the limit, one recipient's flow control).
 */
export type FaultScope = 'channel' | 'message'

/** What a platform's answer means. */
export type Answer =
  | { ok: true }
  | {
      ok: false
      /** Worth sending again later (a permanent failure is recorded and never sent again). */
      retry: boolean
      /** The platform's code and text, without any secret. */
      error: string
      fault: FaultScope
      /** The platform said "too many": its flow control, counted apart. */
      rateLimited?: boolean
      /** Not before this long (a platform's penalty, or an HTTP Retry-After). */
      retryAfterMs?: number
    }

export interface Channel {
  readonly type: ChannelType
  /**
   * The request for `msg`. Throws a ChannelError when it cannot be built (no key, no phone
   * number, no template); `nonce` is for gateways that want one per request (Aliyun).
   */
  build(msg: OutboundMessage, cfg: ChannelConfig, secret: ChannelSecret | undefined, now: number, nonce?: string): ChannelRequest
  /** The meaning of the platform's answer (status, body text, and headers when there are any). */
  interpret(status: number, body: string, headers?: Headers): Answer
}

/** A request that cannot be built; `retry` when an operator can mend it (a key set later). */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
    readonly fault: FaultScope,
  ) {
    super(message)
    this.name = 'ChannelError'
  }
}

/**
 * Every request carries the message id in this header: platforms ignore unknown headers, and
 * the fake platforms (simulators/src/channels/fake-platforms.ts) count duplicates by it.
 */
export const MESSAGE_ID_HEADER = 'x-notify-message-id'

/** A JSON POST of `body`, with the message id header. */
export function jsonRequest(url: string, body: unknown, msgId: string, headers: Record<string, string> = {}): ChannelRequest {
  return {
    url,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', [MESSAGE_ID_HEADER]: msgId, ...headers },
      body: JSON.stringify(body),
    },
  }
}

/** `url` with `params` added to its query (keeping any it already has). */
export function withQuery(url: string, params: Record<string, string>): string {
  const u = new URL(url)
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v)
  return u.toString()
}

/** The key a channel cannot do without (robot key, access token, AccessKeyId…). */
export function requireKey(secret: ChannelSecret | undefined, what: string): string {
  if (!secret?.key) throw new ChannelError(`no ${what} set for this channel`, true, 'channel')
  return secret.key
}

/** The full phone numbers of the recipients that have one. */
export function phonesOf(msg: OutboundMessage): string[] {
  return msg.to.flatMap((r) => (r.phone ? [r.phone] : []))
}

/** The language of a message: its first recipient's, zh-CN by default. */
export function langOf(msg: OutboundMessage): 'zh-CN' | 'en' {
  return msg.to[0]?.lang ?? 'zh-CN'
}

/** `text` with the link on a line of its own, unless the text holds it already. */
export function withLink(text: string, link: string | undefined): string {
  return link && !text.includes(link) ? `${text}\n${link}` : text
}

/**
 * `text` and its link within `maxBytes` of UTF-8: the text is cut (truncateUtf8) so that the
 * link, the part a reader acts on, stays whole.
 */
export function fitWithLink(text: string, link: string | undefined, maxBytes: number): string {
  const whole = withLink(text, link)
  if (Buffer.byteLength(whole, 'utf8') <= maxBytes || !link || text.includes(link)) return truncateUtf8(whole, maxBytes)
  const room = maxBytes - Buffer.byteLength(link, 'utf8') - 1
  return room > 0 ? `${truncateUtf8(text, room)}\n${link}` : truncateUtf8(whole, maxBytes)
}

/**
 * `text` cut to at most `maxBytes` of UTF-8, at a character boundary, ending in "…" when cut
 * (platform limits count bytes: WeCom's text.content is 2,048 bytes, about 680 Chinese characters).
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text
  const ellipsis = '…'
  let budget = maxBytes - Buffer.byteLength(ellipsis, 'utf8')
  let out = ''
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8')
    if (n > budget) break
    out += ch
    budget -= n
  }
  return out + ellipsis
}

/** The answer's JSON object, or undefined when it is not one. */
export function parseJsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body)
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** An HTTP Retry-After header (seconds, or a date) in milliseconds from `now`. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const v = headers?.get('retry-after')
  if (!v) return undefined
  if (/^\d+$/.test(v.trim())) return Number(v) * 1000
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/**
 * The answer to an HTTP status that is not the platform's success (for the robots, whose
 * errors otherwise come as 200 with an error code): 429 and 5xx are worth another try
 * (RFC 9110 15.6: server errors; RFC 6585 4: too many requests), any other status is not.
 */
export function httpFailure(status: number, body: string, headers?: Headers): Answer {
  const error = `HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`
  if (status === 429) return { ok: false, retry: true, error, fault: 'channel', rateLimited: true, ...optionalRetryAfter(headers) }
  if (status >= 500 || status === 408) return { ok: false, retry: true, error, fault: 'channel' }
  return { ok: false, retry: false, error, fault: 'message' }
}

function optionalRetryAfter(headers: Headers | undefined): { retryAfterMs?: number } {
  const ms = retryAfterMs(headers)
  return ms === undefined ? {} : { retryAfterMs: ms }
}

/**
 * The answer of a chat robot that says {"errcode":…,"errmsg":…} with HTTP 200 (WeCom,
 * DingTalk): 0 is delivered; `rateLimited` is the robot's flow control (the channel rests
 * `pauseMs`); `messageCodes` concern this message only (too long…), for good; any other code
 * (a key, a signature, a busy platform) is the channel's, mended by an operator or by time.
 */
export function robotAnswer(status: number, body: string, headers: Headers | undefined, codes: { rateLimited: number; pauseMs: number; messageCodes: readonly number[] }): Answer {
  if (status !== 200) return httpFailure(status, body, headers)
  const answer = parseJsonObject(body)
  const code = answer?.errcode
  const error = `errcode ${String(code)}: ${String(answer?.errmsg ?? '')}`.slice(0, 300)
  if (code === 0) return { ok: true }
  if (code === codes.rateLimited) return { ok: false, retry: true, error, fault: 'channel', rateLimited: true, retryAfterMs: codes.pauseMs }
  if (typeof code === 'number' && codes.messageCodes.includes(code)) return { ok: false, retry: false, error, fault: 'message' }
  return { ok: false, retry: true, error, fault: 'channel' }
}

/** A transport failure (refused, reset, timed out) as an answer: the channel's fault, worth another try. */
export function transportFailure(err: unknown): Answer {
  const e = err as Error & { cause?: { code?: string; message?: string } }
  const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError'
  const detail = timedOut ? 'request timed out' : [e.message, e.cause?.code ?? e.cause?.message].filter(Boolean).join(': ')
  return { ok: false, retry: true, error: `transport: ${detail}`, fault: 'channel' }
}

/** An answer's body as text, at most `maxBytes` of it (a platform's answer is small; anything else is cut). */
export async function readAnswer(res: Response, maxBytes = 64 * 1024): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    size += value.byteLength
    if (size >= maxBytes) {
      await reader.cancel()
      break
    }
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8')
}
