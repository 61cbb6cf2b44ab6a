import type { ChannelConfig, ChannelType, DeliveryResult } from './types.js'
import type { Outbox, OutboxEntry } from './outbox.js'
import { scrubSecrets, type SecretSource } from './channel-secrets.js'
import { assertHostAllowed, HostNotAllowedError } from './allowlist.js'
import { RateLimiter } from './rate-limit.js'
import { ChannelError, readAnswer, transportFailure, type Answer } from './channels/channel.js'
import { CHANNELS, rateWindows } from './channels/registry.js'

/**
 * The delivery worker: takes the outbox's messages channel by channel, one request in flight
 * per channel, and sends each as its platform wants it, at least once.
 *
 * - Rate: a channel sends no faster than its platform takes (rate-limit.ts; WeCom and DingTalk
 *   robots 20 a minute, `ratePerMinute` overrides); a platform's "too many" pauses the channel
 *   for its penalty.
 * - Signing at send time: the request is built and signed after the attempt is on disk,
 *   with the clock's reading then and the channel's secret then (an admin's new key applies
 *   to the next attempt).
 * - Retries: a channel's fault (network, 5xx, a key or a signature refused, a timeout) pauses
 *   the channel with exponential back-off and jitter — one message probes, the rest wait —
 *   until it answers again; a message's own permanent fault (a bad number, a text the
 *   platform refuses) is recorded as failed; a retryable message-only fault waits alone.
 *   Nothing is dropped but a message older than `maxAgeMs` (a day), recorded as failed.
 * - Safety: the request's final URL must be on the allowlist (refused for good otherwise);
 *   every request has a timeout; redirects are not followed; secrets are scrubbed from every
 *   error and log line, and URLs (which carry keys) are never logged.
 * - Health: a channel whose failures have lasted `unhealthyAfterMs` (2 minutes) without a
 *   success is unhealthy (`channelsUnhealthy()`: the core raises a channel alarm). A new
 *   secret for a channel ends its back-off at once (`resume`).
 */
export interface DeliveryLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

export interface DeliveryOptions {
  outbox: Outbox
  channels: readonly ChannelConfig[]
  secrets: SecretSource
  allowHosts: readonly string[]
  clock: () => number
  log: DeliveryLog
  onResult: (r: DeliveryResult) => void
  /** Per request (default 10 s). */
  timeoutMs?: number
  /** Back-off: first delay and ceiling (defaults 2 s and 5 minutes). */
  retryBaseMs?: number
  retryMaxMs?: number
  /** Failing this long without a success makes a channel unhealthy (default 2 minutes). */
  unhealthyAfterMs?: number
  /** A message not delivered this long after it was decided is given up (default a day). */
  maxAgeMs?: number
  /** How long stop() lets requests in flight finish before abandoning them (default 2 s). */
  stopGraceMs?: number
  /** 0 ≤ random() < 1, for the jitter. */
  random?: () => number
}

export interface ChannelStats {
  id: string
  type: ChannelType
  park: string | undefined
  /** The platform's host (the URL itself may carry a key). */
  host: string
  healthy: boolean
  hasSecret: boolean
  sent: number
  failed: number
  retried: number
  resent: number
  rateLimited: number
  backlog: number
  lastError: string | undefined
  lastSentAt: number | undefined
  latencyP50: number | undefined
  latencyP99: number | undefined
  pausedUntil: number | undefined
}

interface Runtime {
  cfg: ChannelConfig
  limiter: RateLimiter
  busy: boolean
  timer: NodeJS.Timeout | undefined
  pausedUntil: number
  /** Channel faults in a row (the back-off's exponent). */
  faults: number
  failingSince: number | undefined
  stats: { sent: number; failed: number; retried: number; rateLimited: number; lastError: string | undefined; lastSentAt: number | undefined }
  latencies: number[]
}

const LATENCY_SAMPLES = 512

export class Delivery {
  private readonly runtimes = new Map<string, Runtime>()
  private allowHosts: readonly string[]
  private running = false
  private unsubscribe: (() => void) | undefined
  private readonly inFlight = new Set<Promise<void>>()
  private stopping = new AbortController()
  private readonly o: Required<Omit<DeliveryOptions, 'channels' | 'allowHosts'>>

  constructor(options: DeliveryOptions) {
    this.o = {
      timeoutMs: 10_000, retryBaseMs: 2_000, retryMaxMs: 300_000, unhealthyAfterMs: 120_000, maxAgeMs: 86_400_000, stopGraceMs: 2_000,
      random: Math.random, ...options,
    }
    this.allowHosts = options.allowHosts
    this.setChannels(options.channels)
  }

  start(): void {
    if (this.running) return
    this.running = true
    if (this.stopping.signal.aborted) this.stopping = new AbortController()
    // An operator's test message probes the channel now, back-off or not.
    const offAdded = this.o.outbox.onAdded((msg) => (msg.kind === 'test' ? this.resume(msg.channel) : this.wake(msg.channel)))
    const offSecret = this.o.secrets.onChange?.((id) => this.resume(id))
    this.unsubscribe = () => {
      offAdded()
      offSecret?.()
    }
    this.failUnknownChannels()
    for (const rt of this.runtimes.values()) this.kick(rt)
  }

  /** Stops sending; requests in flight get `stopGraceMs`, then are abandoned (the outbox resends them, marked). */
  async stop(): Promise<void> {
    this.running = false
    this.unsubscribe?.()
    for (const rt of this.runtimes.values()) clearTimeout(rt.timer)
    const all = Promise.allSettled([...this.inFlight])
    let grace: NodeJS.Timeout | undefined
    await Promise.race([all, new Promise((r) => (grace = setTimeout(r, this.o.stopGraceMs)))])
    clearTimeout(grace)
    this.stopping.abort()
    await all
  }

  /** New channel configuration (a zone reload): counters and limiters of kept channels stay. */
  setChannels(channels: readonly ChannelConfig[]): void {
    const ids = new Set(channels.map((c) => c.id))
    for (const [id, rt] of this.runtimes) {
      if (ids.has(id)) continue
      clearTimeout(rt.timer)
      this.runtimes.delete(id)
    }
    for (const cfg of channels) {
      const rt = this.runtimes.get(cfg.id)
      if (!rt) {
        this.runtimes.set(cfg.id, newRuntime(cfg))
        continue
      }
      // The same runtime object stays (a request in flight finishes on it); a new rate, a new limiter.
      if (rt.cfg.type !== cfg.type || rt.cfg.ratePerMinute !== cfg.ratePerMinute) rt.limiter = new RateLimiter(rateWindows(cfg.type, cfg.ratePerMinute))
      rt.cfg = cfg
    }
    if (this.running) {
      this.failUnknownChannels()
      for (const rt of this.runtimes.values()) this.kick(rt)
    }
  }

  setAllowHosts(allowHosts: readonly string[]): void {
    this.allowHosts = allowHosts
  }

  /**
   * Ends a channel's back-off now (an admin set its secret, or asks for a test message): its
   * waiting messages go as soon as its send rate allows. Returns how many were waiting to retry.
   */
  resume(channelId: string): number {
    const rt = this.runtimes.get(channelId)
    if (!rt) return 0
    rt.pausedUntil = 0
    rt.faults = 0
    const n = this.o.outbox.retryNow(channelId)
    this.kick(rt)
    return n
  }

  /** Looks at every channel again now (after a fake clock moved, in tests of the whole service). */
  wakeAll(): void {
    for (const rt of this.runtimes.values()) this.kick(rt)
  }

  stats(): ChannelStats[] {
    const now = this.o.clock()
    return [...this.runtimes.values()].map((rt) => {
      const sorted = [...rt.latencies].sort((a, b) => a - b)
      return {
        id: rt.cfg.id,
        type: rt.cfg.type,
        park: rt.cfg.park,
        host: hostOf(rt.cfg.url),
        healthy: !this.unhealthy(rt, now),
        hasSecret: Boolean(this.o.secrets.get(rt.cfg.id)?.key || this.o.secrets.get(rt.cfg.id)?.secret),
        ...rt.stats,
        resent: this.o.outbox.resentAtOpen.get(rt.cfg.id) ?? 0,
        backlog: this.o.outbox.unfinished(rt.cfg.id).length,
        latencyP50: percentile(sorted, 0.5),
        latencyP99: percentile(sorted, 0.99),
        pausedUntil: rt.pausedUntil > now ? rt.pausedUntil : undefined,
      }
    })
  }

  /** Ids of the channels failing for longer than `unhealthyAfterMs`. */
  channelsUnhealthy(now = this.o.clock()): string[] {
    return [...this.runtimes.values()].filter((rt) => this.unhealthy(rt, now)).map((rt) => rt.cfg.id)
  }

  private unhealthy(rt: Runtime, now: number): boolean {
    return rt.failingSince !== undefined && now - rt.failingSince >= this.o.unhealthyAfterMs
  }

  private wake(channel: string): void {
    const rt = this.runtimes.get(channel)
    if (rt) this.kick(rt)
    else this.failUnknownChannels()
  }

  /** Sends the channel's next message if it may go now, or sets a timer for when it may. */
  private kick(rt: Runtime): void {
    if (!this.running || rt.busy || this.runtimes.get(rt.cfg.id) !== rt) return
    clearTimeout(rt.timer)
    rt.timer = undefined
    const now = this.o.clock()
    const entry = this.o.outbox.next(rt.cfg.id)
    if (!entry) return
    const wait = Math.max(rt.pausedUntil - now, (entry.retryAt ?? 0) - now, rt.limiter.waitMs(now))
    if (wait > 0) {
      rt.timer = setTimeout(() => this.kick(rt), wait)
      rt.timer.unref()
      return
    }
    rt.limiter.record(now)
    rt.busy = true
    const p = this.send(rt, entry)
      .catch((err: unknown) => this.o.log.warn({ channel: rt.cfg.id, err: this.scrub(String(err)) }, 'notification delivery step failed'))
      .finally(() => {
        this.inFlight.delete(p)
        rt.busy = false
        if (this.runtimes.get(rt.cfg.id) === rt) this.kick(rt)
        else if (this.running) this.failUnknownChannels() // its channel went away while it was in flight
      })
    this.inFlight.add(p)
  }

  private async send(rt: Runtime, entry: OutboxEntry): Promise<void> {
    const { outbox, clock } = this.o
    const id = entry.msg.id
    if (clock() - entry.msg.decidedAt > this.o.maxAgeMs) {
      // Decided too long ago to be worth sending late (a backlog after a long outage, a restart after days).
      return this.failed(rt, entry, entry.attempts, `not sent: decided more than ${Math.round(this.o.maxAgeMs / 60_000)} minutes ago`)
    }
    await outbox.attempt(id)
    const attempt = entry.attempts
    let answer: Answer
    try {
      answer = await this.request(rt, entry)
    } catch (err) {
      if (this.stopping.signal.aborted) return // abandoned at stop: no outcome, so the next open resends it, marked
      answer = transportFailure(err)
    }
    const now = clock()
    const base = { id, channel: rt.cfg.id, attempt, resent: entry.resent, at: now }
    if (answer.ok) {
      const latencyMs = now - entry.msg.decidedAt
      rt.faults = 0
      rt.failingSince = undefined
      rt.stats.sent++
      rt.stats.lastSentAt = now
      rt.latencies.push(latencyMs)
      if (rt.latencies.length > LATENCY_SAMPLES) rt.latencies.shift()
      await outbox.sent(id, latencyMs)
      this.o.log.info({ channel: rt.cfg.id, id, attempt, latencyMs, resent: entry.resent }, 'notification sent')
      this.o.onResult({ ...base, state: 'sent', latencyMs, error: undefined, retryAt: undefined })
      return
    }
    const error = this.scrub(answer.error)
    rt.stats.lastError = error
    if (answer.rateLimited) rt.stats.rateLimited++
    if (answer.fault === 'channel') {
      rt.faults++
      rt.failingSince ??= now
    }
    const expired = now - entry.msg.decidedAt > this.o.maxAgeMs
    if (!answer.retry || expired) return this.failed(rt, entry, attempt, expired && answer.retry ? `given up after ${attempt} attempts: ${error}` : error)
    const delay = Math.max(answer.retryAfterMs ?? 0, this.backoff(answer.fault === 'channel' ? rt.faults : attempt))
    const retryAt = now + delay
    if (answer.fault === 'channel') rt.pausedUntil = Math.max(rt.pausedUntil, retryAt)
    rt.stats.retried++
    await outbox.retry(id, error, retryAt)
    this.o.log.warn({ channel: rt.cfg.id, id, attempt, error, retryInMs: delay }, 'notification will be retried')
    this.o.onResult({ ...base, state: 'retrying', latencyMs: undefined, error, retryAt })
  }

  /** Builds, checks and sends one request; throws on a transport failure. */
  private async request(rt: Runtime, entry: OutboxEntry): Promise<Answer> {
    const channel = CHANNELS[rt.cfg.type]
    let req
    try {
      assertHostAllowed(rt.cfg.url, this.allowHosts)
      req = channel.build(entry.msg, rt.cfg, this.o.secrets.get(rt.cfg.id), this.o.clock())
      assertHostAllowed(req.url, this.allowHosts)
    } catch (err) {
      if (err instanceof HostNotAllowedError) return { ok: false, retry: false, error: err.message, fault: 'channel' }
      if (err instanceof ChannelError) return { ok: false, retry: err.retry, error: err.message, fault: err.fault }
      // Anything else (a URL that does not parse…): the channel's configuration, mended by an operator.
      return { ok: false, retry: true, error: `cannot build the request: ${(err as Error).message}`, fault: 'channel' }
    }
    const signal = AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), this.stopping.signal])
    const res = await fetch(req.url, { ...req.init, signal, redirect: 'manual' })
    const body = await readAnswer(res)
    return channel.interpret(res.status, body, res.headers)
  }

  /** Exponential back-off with equal jitter: half the delay fixed, half random. */
  private backoff(n: number): number {
    const full = Math.min(this.o.retryMaxMs, this.o.retryBaseMs * 2 ** Math.max(0, n - 1))
    return Math.round(full / 2 + (this.o.random() * full) / 2)
  }

  private scrub(text: string): string {
    return scrubSecrets(text, this.o.secrets.values())
  }

  /** A message given up: counted, recorded, logged and reported. */
  private async failed(rt: Runtime | undefined, e: OutboxEntry, attempt: number, error: string): Promise<void> {
    if (rt) rt.stats.failed++
    await this.o.outbox.failed(e.msg.id, error)
    this.o.log.warn({ channel: e.msg.channel, id: e.msg.id, attempt, error }, 'notification failed')
    this.o.onResult({ id: e.msg.id, channel: e.msg.channel, state: 'failed', attempt, resent: e.resent, at: this.o.clock(), latencyMs: undefined, error, retryAt: undefined })
  }

  /** Messages for a channel no longer configured cannot go anywhere: recorded as failed. */
  private failUnknownChannels(): void {
    for (const e of this.o.outbox.unfinished()) {
      if (this.runtimes.has(e.msg.channel) || e.state === 'attempted') continue
      void this.failed(undefined, e, e.attempts, `channel ${e.msg.channel} is not configured`)
    }
  }
}

function newRuntime(cfg: ChannelConfig): Runtime {
  return {
    cfg,
    limiter: new RateLimiter(rateWindows(cfg.type, cfg.ratePerMinute)),
    busy: false,
    timer: undefined,
    pausedUntil: 0,
    faults: 0,
    failingSince: undefined,
    stats: { sent: 0, failed: 0, retried: 0, rateLimited: 0, lastError: undefined, lastSentAt: undefined },
    latencies: [],
  }
}

function percentile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return ''
  }
}
