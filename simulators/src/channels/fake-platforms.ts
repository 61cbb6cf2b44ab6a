import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { aliyunRule, dingtalkRule, feishuRule, webhookRule, wecomRule, PLATFORMS, type IncomingRequest, type Platform, type PlatformAccounts, type Verdict } from './platform-rules.js'

/**
 * One HTTP server playing every notification platform the hub speaks to, for the tests, the
 * bench and the demo's local sink (`npm run sink`). Each platform lives under its own prefix:
 *
 *   /wecom/cgi-bin/webhook/send?key=…                WeCom group robot
 *   /dingtalk/robot/send?access_token=…&timestamp=…&sign=…   DingTalk custom robot
 *   /feishu/open-apis/bot/v2/hook/{token}            Feishu custom bot
 *   /aliyun-sms/                                     Aliyun SendSms (RPC, signature v1)
 *   /aliyun-voice/                                   Aliyun SingleCallByTts
 *   /webhook/{anything}                              generic signed JSON webhook
 *
 * It checks every signature as the platform does (platform-rules.ts, written apart from the
 * hub's signing), answers with the platform's own error bodies (bad signature, stale
 * timestamp, text over the limit, unknown key) and flow control (same limits as the
 * platforms: WeCom and DingTalk robots 20 a minute, then throttled for minutes; Feishu 100 a
 * minute and 5 a second; Aliyun per number), can be told to fail (an outage, the next n
 * requests, a slow answer), and records every request: platform, parsed body, message id
 * (the x-notify-message-id header, else Aliyun's OutId or a webhook body's id), arrival time,
 * the answer, and how many times that message had already been delivered (duplicates).
 */
export interface FlowLimit {
  limit: number
  windowMs: number
  /** Once over the limit, refused for this long (WeCom "for minutes", DingTalk 10 minutes). */
  penaltyMs?: number
}

export interface FakePlatformsOptions {
  accounts: PlatformAccounts
  port?: number
  host?: string
  clock?: () => number
  /** Flow limits by key prefix ("wecom", "dingtalk", "feishu", "sms", "voice", "sms-number", "voice-number"). */
  limits?: Partial<Record<string, FlowLimit[]>>
  /** Called for each request once answered (the sink prints it). */
  onRequest?: (r: RecordedRequest) => void
  /** Called for a request to no platform (a wrong path or method): the sink says so. */
  onStray?: (method: string, path: string, status: number) => void
  /** Requests kept in `requests`, the newest (default 10,000; the duplicate counts keep every id). */
  maxRecorded?: number
}

export interface RecordedRequest {
  seq: number
  platform: Platform
  path: string
  at: number
  messageId: string | undefined
  body: unknown
  text: string | undefined
  status: number
  answer: unknown
  delivered: boolean
  rateLimited: boolean
  /** Deliveries of the same message id before this one (0: the first). */
  duplicateOf: number
  /** An injected failure answered this one. */
  injected: boolean
}

export interface Injection {
  /** HTTP status to answer with (default 503), or "reset" to drop the connection. */
  status?: number | 'reset'
  body?: string
  /** Delay before answering (a slow platform; the hub's timeout is tested with it). */
  delayMs?: number
}

export const PLATFORM_LIMITS: Readonly<Record<string, FlowLimit[]>> = {
  wecom: [{ limit: 20, windowMs: 60_000, penaltyMs: 120_000 }],
  dingtalk: [{ limit: 20, windowMs: 60_000, penaltyMs: 600_000 }],
  feishu: [{ limit: 100, windowMs: 60_000 }, { limit: 5, windowMs: 1000 }],
  'sms-number': [{ limit: 50, windowMs: 86_400_000 }],
  'voice-number': [{ limit: 1, windowMs: 60_000 }, { limit: 5, windowMs: 3_600_000 }, { limit: 20, windowMs: 86_400_000 }],
}

const PREFIX: Readonly<Record<Platform, string>> = { wecom: '/wecom', dingtalk: '/dingtalk', feishu: '/feishu', sms: '/aliyun-sms', voice: '/aliyun-voice', webhook: '/webhook' }
const MAX_BODY = 1024 * 1024

export class FakePlatforms {
  readonly requests: RecordedRequest[] = []
  private readonly deliveredById = new Map<string, number>()
  private readonly windows = new Map<string, { times: number[][]; blockedUntil: number }>()
  private readonly nonces = new Map<string, number>()
  private readonly outages = new Map<Platform, Injection>()
  private readonly failures = new Map<Platform, { left: number; injection: Injection }>()
  private readonly clock: () => number
  private readonly limits: Record<string, FlowLimit[]>
  private seq = 0
  /** Requests arrived and not answered yet (a held one shows here before it is recorded). */
  handling = 0

  private constructor(
    private readonly server: Server,
    private readonly o: FakePlatformsOptions,
  ) {
    this.clock = o.clock ?? Date.now
    this.limits = { ...PLATFORM_LIMITS, ...(o.limits as Record<string, FlowLimit[]>) }
  }

  static async start(o: FakePlatformsOptions): Promise<FakePlatforms> {
    const server = createServer()
    const fake = new FakePlatforms(server, o)
    server.on('request', (req, res) => {
      fake.handling++
      void fake.handle(req, res).finally(() => fake.handling--)
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve())
    })
    return fake
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port
  }

  get origin(): string {
    return `http://${this.o.host ?? '127.0.0.1'}:${this.port}`
  }

  /** The base URL a hub channel of this platform is configured with. */
  url(platform: Platform, name = 'hook'): string {
    switch (platform) {
      case 'wecom':
        return `${this.origin}/wecom/cgi-bin/webhook/send`
      case 'dingtalk':
        return `${this.origin}/dingtalk/robot/send`
      case 'feishu':
        return `${this.origin}/feishu/open-apis/bot/v2/hook`
      case 'webhook':
        return `${this.origin}/webhook/${name}`
      default:
        return `${this.origin}${PREFIX[platform]}/`
    }
  }

  /** Every request to `platform` fails as told until `outage(platform, false)`. */
  outage(platform: Platform, injection: Injection | false = {}): void {
    if (injection === false) this.outages.delete(platform)
    else this.outages.set(platform, injection)
  }

  /** The next `n` requests to `platform` fail as told. */
  failNext(platform: Platform, n: number, injection: Injection = {}): void {
    this.failures.set(platform, { left: n, injection })
  }

  /** Requests that delivered a message (of one platform, when named). */
  delivered(platform?: Platform): RecordedRequest[] {
    return this.requests.filter((r) => r.delivered && (platform === undefined || r.platform === platform))
  }

  /** How many times each message id was delivered. */
  deliveries(): Map<string, number> {
    return new Map(this.deliveredById)
  }

  /** Message ids delivered more than once, with their counts. */
  duplicates(): Map<string, number> {
    return new Map([...this.deliveredById].filter(([, n]) => n > 1))
  }

  /** Forget the requests, counts and flow-control windows (not the accounts). */
  reset(): void {
    this.requests.length = 0
    this.deliveredById.clear()
    this.windows.clear()
    this.nonces.clear()
    this.outages.clear()
    this.failures.clear()
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = this.clock()
    const url = new URL(req.url ?? '/', 'http://fake')
    const platform = PLATFORMS.find((p) => url.pathname === PREFIX[p] || url.pathname.startsWith(`${PREFIX[p]}/`))
    let raw: string
    try {
      raw = await readBody(req)
    } catch {
      res.writeHead(413).end()
      return
    }
    if (!platform || req.method !== 'POST') {
      const status = platform ? 405 : 404
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }))
      this.o.onStray?.(req.method ?? '?', url.pathname, status)
      return
    }
    const incoming: IncomingRequest & { method: string } = { path: url.pathname.slice(PREFIX[platform].length), query: url.searchParams, headers: req.headers, raw, method: req.method }
    const injection = this.injectionFor(platform)
    const headerId = req.headers['x-notify-message-id']
    let verdict: Verdict
    if (injection) {
      if (injection.delayMs) await new Promise((r) => setTimeout(r, injection.delayMs))
      if (injection.status === 'reset') {
        req.socket.destroy()
        this.record({ platform, path: url.pathname, at, headerId, verdict: { status: 0, answer: undefined, delivered: false, body: raw }, injected: true })
        return
      }
      verdict = injection.status !== undefined || injection.body !== undefined || !injection.delayMs
        ? { status: injection.status ?? 503, answer: injection.body ?? 'Service Unavailable', delivered: false, body: raw }
        : this.verdict(platform, incoming, this.clock())
    } else verdict = this.verdict(platform, incoming, at)
    const text = typeof verdict.answer === 'string' ? verdict.answer : JSON.stringify(verdict.answer)
    res.writeHead(verdict.status, { 'content-type': typeof verdict.answer === 'string' ? 'text/plain' : 'application/json' }).end(text)
    this.record({ platform, path: url.pathname, at, headerId, verdict, injected: injection !== undefined })
  }

  private verdict(platform: Platform, req: IncomingRequest & { method: string }, now: number): Verdict {
    const a = this.o.accounts
    const throttle = (key: string): boolean => this.allow(key, now)
    switch (platform) {
      case 'wecom':
        return wecomRule(req, a.wecom, throttle)
      case 'dingtalk':
        return dingtalkRule(req, a.dingtalk, throttle, now)
      case 'feishu':
        return feishuRule(req, a.feishu, throttle, now)
      case 'sms':
      case 'voice':
        return aliyunRule(platform, req, a[platform], throttle, now, this.nonces)
      case 'webhook':
        return webhookRule(req, a.webhook, now)
    }
  }

  private injectionFor(platform: Platform): Injection | undefined {
    const outage = this.outages.get(platform)
    if (outage) return outage
    const f = this.failures.get(platform)
    if (!f) return undefined
    if (--f.left <= 0) this.failures.delete(platform)
    return f.injection
  }

  /** Sliding windows of accepted messages per key; past a limit, a penalty if the platform gives one. */
  private allow(key: string, now: number): boolean {
    const limits = this.limits[key.slice(0, key.indexOf(':'))] ?? []
    if (limits.length === 0) return true
    let w = this.windows.get(key)
    if (!w) this.windows.set(key, (w = { times: limits.map(() => []), blockedUntil: 0 }))
    if (now < w.blockedUntil) return false
    for (const [i, l] of limits.entries()) {
      const times = w.times[i]!
      while (times.length > 0 && times[0]! <= now - l.windowMs) times.shift()
      if (times.length >= l.limit) {
        if (l.penaltyMs) w.blockedUntil = now + l.penaltyMs
        return false
      }
    }
    for (const times of w.times) times.push(now)
    return true
  }

  private record(r: { platform: Platform; path: string; at: number; headerId: string | string[] | undefined; verdict: Verdict; injected: boolean }): void {
    const v = r.verdict
    const messageId = (Array.isArray(r.headerId) ? r.headerId[0] : r.headerId) ?? idInBody(r.platform, v.body)
    const before = messageId !== undefined ? (this.deliveredById.get(messageId) ?? 0) : 0
    if (v.delivered && messageId !== undefined) this.deliveredById.set(messageId, before + 1)
    const rec: RecordedRequest = {
      seq: ++this.seq, platform: r.platform, path: r.path, at: r.at, messageId, body: v.body, text: v.text, status: v.status, answer: v.answer,
      delivered: v.delivered, rateLimited: v.rateLimited ?? false, duplicateOf: v.delivered ? before : 0, injected: r.injected,
    }
    this.requests.push(rec)
    if (this.requests.length > (this.o.maxRecorded ?? 10_000)) this.requests.shift()
    this.o.onRequest?.(rec)
  }
}

function idInBody(platform: Platform, body: unknown): string | undefined {
  const b = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {}
  const id = platform === 'sms' || platform === 'voice' ? b.OutId : platform === 'webhook' ? b.id : undefined
  return typeof id === 'string' ? id : undefined
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        reject(new Error('body too large'))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
