/**
 * The hub's link to one upstream platform (docs/hj212.md, "Forwarding"): a TCP client that
 * sends what the upstream's queue holds, in order, and takes it off the queue once answered.
 *
 * - With answers (the default) every packet asks for a 9014 data answer (Flag A bit); an
 *   answer is matched by QN. No answer within the timeout: the packet is sent again, up to
 *   `retries` times (HJ 212-2017 §6.5.3: 超时时间 5 s, 重发次数 3); then the connection is
 *   dropped and made again, and everything unanswered goes again, oldest first. Nothing is
 *   ever taken off the queue without its answer.
 * - The pieces of a split packet (PNUM/PNO) go together, as one, and one answer with their QN
 *   takes them all (a platform answering each piece or only the whole is understood either way).
 * - Without answers a packet leaves the queue once the socket has taken it.
 * - A request from the platform (a command the hub does not carry out) is answered 9011 with
 *   QnRtn=2 (request refused, HJ 212-2017 table 8).
 * - The connection is made again after 1 s, doubling to 30 s while the platform stays away.
 */
import { connect, type Socket } from 'node:net'
import type { Hj212Upstream } from '../model/hj212.js'
import { Deframer, frame } from './frame.js'
import { FLAG_2017, PIECE_SEPARATOR, withPw } from './outbound.js'
import { buildDataSegment, parseDataSegment } from './packet.js'
import type { ForwardQueue, QueueItem } from './forward-queue.js'

export interface UpstreamStatus {
  id: string
  name: string | undefined
  host: string
  port: number
  enabled: boolean
  connected: boolean
  /** Since when connected (or disconnected), ms. */
  since: number | undefined
  /** The last answer from the platform: when, which command, for which QN. */
  lastAnswer: { at: number; cn: string; qn: string | undefined } | undefined
  /** Packets not yet answered (queued, or sent and waiting). */
  backlog: number
  queueBytes: number
  /** Packets sent and waiting for their answer now. */
  waiting: number
  sent: number
  answered: number
  resent: number
  timeouts: number
  connects: number
  /** Answers and requests that did not match anything sent, and bad frames from the platform. */
  unmatched: number
  badFrames: number
  /** Packets the queue refused (full). */
  refused: number
  lastError: string | undefined
  /** A packet cannot go because its PW is not set (the secrets file). */
  missingPw: string | undefined
}

export interface UpstreamClientOptions {
  upstream: Hj212Upstream
  queue: ForwardQueue
  /** The PW for a queued line's key (`@` the upstream's own, else a logger's MN). */
  pwFor: (key: string) => string | undefined
  clock?: () => number
  log?: { warn(o: object, msg: string): void; info(o: object, msg: string): void }
  /** Answers to the platform's requests need a QN of their own. */
  qn: () => string
}

interface Waiting {
  item: QueueItem
  qn: string | undefined
  sentAt: number
  tries: number
}

const MIN_RECONNECT_MS = 1000
const MAX_RECONNECT_MS = 30_000

export class UpstreamClient {
  private socket: Socket | undefined
  private deframer = new Deframer()
  private waiting: Waiting[] = []
  private stopped = false
  private reconnectMs = MIN_RECONNECT_MS
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private timeoutTimer: ReturnType<typeof setInterval> | undefined
  private pwRetry: ReturnType<typeof setTimeout> | undefined
  private readonly answer: boolean
  private readonly timeoutMs: number
  private readonly retries: number
  private readonly window: number
  private readonly clock: () => number
  readonly status: UpstreamStatus

  constructor(private readonly o: UpstreamClientOptions) {
    const u = o.upstream
    this.answer = u.answer ?? true
    this.timeoutMs = (u.answerTimeoutSec ?? 5) * 1000
    this.retries = u.retries ?? 3
    this.window = u.window ?? 1
    this.clock = o.clock ?? Date.now
    this.status = {
      id: u.id, name: u.name, host: u.host, port: u.port, enabled: !u.disabled, connected: false, since: undefined, lastAnswer: undefined,
      backlog: 0, queueBytes: 0, waiting: 0, sent: 0, answered: 0, resent: 0, timeouts: 0, connects: 0, unmatched: 0, badFrames: 0, refused: 0,
      lastError: undefined, missingPw: undefined,
    }
  }

  start(): void {
    if (this.o.upstream.disabled) return
    this.connectNow()
    this.timeoutTimer = setInterval(() => this.checkTimeouts(), Math.min(250, this.timeoutMs / 2))
    this.timeoutTimer.unref?.()
  }

  /** New lines are on the queue. */
  poke(): void {
    if (this.socket && this.status.connected) this.pump()
  }

  /** The status with the queue's figures of now. */
  snapshot(): UpstreamStatus {
    return { ...this.status, backlog: this.o.queue.backlog, queueBytes: this.o.queue.sizeBytes, waiting: this.waiting.length, refused: this.o.queue.stats.refused }
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    if (this.timeoutTimer) clearInterval(this.timeoutTimer)
    if (this.pwRetry) clearTimeout(this.pwRetry)
    const s = this.socket
    this.socket = undefined
    if (s && !s.destroyed) await new Promise<void>((resolve) => s.once('close', () => resolve()).destroy())
    this.o.queue.rewind()
  }

  private connectNow(): void {
    if (this.stopped) return
    const { host, port } = this.o.upstream
    const s = connect({ host, port })
    s.setNoDelay(true)
    s.setKeepAlive(true, 30_000)
    s.setTimeout(10_000, () => s.destroy(new Error('connect or idle timeout')))
    this.socket = s
    this.deframer = new Deframer()
    s.once('connect', () => {
      s.setTimeout(0)
      this.status.connected = true
      this.status.since = this.clock()
      this.status.connects++
      this.status.lastError = undefined
      this.reconnectMs = MIN_RECONNECT_MS
      this.o.log?.info({ upstream: this.o.upstream.id, host, port }, 'HJ 212 upstream connected')
      this.pump()
    })
    s.on('data', (chunk: Buffer) => this.onData(chunk))
    s.on('error', (err) => {
      this.status.lastError = err.message
    })
    s.once('close', () => this.onClose(s))
  }

  private onClose(s: Socket): void {
    if (this.socket !== s) return
    this.socket = undefined
    const was = this.status.connected
    this.status.connected = false
    this.status.since = this.clock()
    this.waiting = []
    this.o.queue.rewind()
    if (this.stopped) return
    if (was) this.o.log?.warn({ upstream: this.o.upstream.id, err: this.status.lastError }, 'HJ 212 upstream disconnected; packets wait in its queue')
    this.reconnectTimer = setTimeout(() => this.connectNow(), this.reconnectMs)
    this.reconnectTimer.unref?.()
    this.reconnectMs = Math.min(MAX_RECONNECT_MS, this.reconnectMs * 2)
  }

  /** Sends while the window has room. */
  private pump(): void {
    const s = this.socket
    if (!s || !this.status.connected) return
    while (this.waiting.length < this.window || !this.answer) {
      if (s.writableNeedDrain) {
        s.once('drain', () => this.pump())
        return
      }
      const item = this.o.queue.next()
      if (!item) return
      const { key, segments } = unpack(item)
      const pw = this.o.pwFor(key)
      if (pw === undefined) {
        // Held, not dropped: the operator sets the PW and the queue moves on.
        this.status.missingPw = key === '@' ? `upstream ${this.o.upstream.id}` : `logger ${key}`
        this.o.queue.rewind()
        this.waiting = []
        // One retry at a time, however often new packets poke the link meanwhile.
        this.pwRetry ??= setTimeout(() => {
          this.pwRetry = undefined
          this.pump()
        }, 5000)
        this.pwRetry.unref?.()
        return
      }
      this.status.missingPw = undefined
      const packet = segments.map((seg) => frame(withPw(seg, pw))).join('')
      this.status.sent++
      if (this.answer) {
        this.waiting.push({ item, qn: /(?:^|;)QN=(\d+)/.exec(segments[0]!)?.[1], sentAt: this.clock(), tries: 0 })
        s.write(packet)
      } else {
        s.write(packet, (err) => {
          if (!err) this.o.queue.ack(item)
        })
      }
    }
  }

  private onData(chunk: Buffer): void {
    const { segments, rejects } = this.deframer.push(chunk)
    this.status.badFrames += rejects.length
    for (const seg of segments) {
      const r = parseDataSegment(seg)
      if (!r.ok) {
        this.status.badFrames++
        continue
      }
      const p = r.packet
      if (p.cn === '9014' || p.cn === '9012') {
        // 9014 data answer; a platform answering 9012 (execution result) to data is taken too.
        // A platform answering in the 2005 form puts the QN inside CP (`CP=&&QN=…;CN=2011&&`).
        const qn = p.qn ?? p.cp.fields.get('QN')
        const i = this.waiting.findIndex((w) => w.qn !== undefined && w.qn === qn)
        if (i < 0) {
          this.status.unmatched++
          continue
        }
        const [w] = this.waiting.splice(i, 1)
        this.o.queue.ack(w!.item)
        this.status.answered++
        this.status.lastAnswer = { at: this.clock(), cn: p.cn, qn }
        this.pump()
      } else if (p.cn === '9013' || p.cn === '9011') {
        this.status.lastAnswer = { at: this.clock(), cn: p.cn, qn: p.qn }
      } else {
        // A request the hub does not carry out: refused (HJ 212-2017 table 8, QnRtn 2).
        this.status.unmatched++
        const answer = buildDataSegment({ qn: p.qn ?? this.o.qn(), st: '91', cn: '9011', pw: p.pw ?? '', mn: p.mn ?? '', flag: FLAG_2017, cp: 'QnRtn=2' })
        this.socket?.write(frame(answer))
      }
    }
  }

  private checkTimeouts(): void {
    const s = this.socket
    if (!s || !this.status.connected || this.waiting.length === 0) return
    const now = this.clock()
    for (const w of this.waiting) {
      if (now - w.sentAt < this.timeoutMs) continue
      this.status.timeouts++
      if (w.tries >= this.retries) {
        this.status.lastError = `no answer to QN ${w.qn ?? '?'} after ${w.tries + 1} sends`
        s.destroy()
        return
      }
      w.tries++
      w.sentAt = now
      this.status.resent++
      const { key, segments } = unpack(w.item)
      const pw = this.o.pwFor(key) ?? ''
      s.write(segments.map((seg) => frame(withPw(seg, pw))).join(''))
    }
  }
}

/** A queued line: the key of its PW, and its data segments (several for a split packet). */
function unpack(item: QueueItem): { key: string; segments: string[] } {
  const tab = item.line.indexOf('\t')
  return { key: tab >= 0 ? item.line.slice(0, tab) : '@', segments: (tab >= 0 ? item.line.slice(tab + 1) : item.line).split(PIECE_SEPARATOR) }
}
