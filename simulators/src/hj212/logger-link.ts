/**
 * A simulated data logger's TCP link to the hub's HJ 212 port (HUB_HJ212_PORT), as loggers
 * behave in the field (HJ 212-2017 §6.5): packets go out in order; one that asks for an
 * answer (Flag A bit) waits for the hub's 9014 with its QN, and is sent again after the
 * timeout (5 s, 3 times, §6.5.3), then the connection is made again. While the link is down
 * every packet is kept (a backlog, as a logger's 补发 store) and sent after it comes back,
 * with its original DataTime and QN. Faults for scenarios: a disconnect for a while, packets
 * sent with a bad CRC (the hub drops them; the logger's timeout sends them again, good).
 */
import { connect, type Socket } from 'node:net'
import { Deframer, frame } from '../../../hub/src/hj212/frame.js'
import { flagBits, parseDataSegment } from '../../../hub/src/hj212/packet.js'

export interface LoggerLinkCounters {
  /** Packets written (first sends and resends). */
  sent: number
  answered: number
  resent: number
  timeouts: number
  /** Packets sent with a bad CRC on purpose. */
  badCrc: number
  connects: number
  connectFailures: number
  /** Packets dropped because the backlog was full. */
  dropped: number
  /** Time from a packet's first send to its 9014, ms (the last `latencyKeep` of them). */
  latencies: number[]
}

export interface LoggerLinkOptions {
  host: string
  port: number
  answerTimeoutMs?: number
  retries?: number
  /** Packets kept while disconnected. */
  maxBacklog?: number
  reconnectMs?: number
  counters?: LoggerLinkCounters
  /** Keep send → answer times (benches). */
  latencyKeep?: number
  log?: (line: string) => void
}

interface Pending {
  /** One data segment, or the pieces of a split packet (sent, answered and sent again together: the hub answers once it has them all). */
  segments: string[]
  qn: string | undefined
  answer: boolean
  firstSentAt: number
  sentAt: number
  tries: number
}

export const newLinkCounters = (): LoggerLinkCounters => ({ sent: 0, answered: 0, resent: 0, timeouts: 0, badCrc: 0, connects: 0, connectFailures: 0, dropped: 0, latencies: [] })

export class LoggerLink {
  private socket: Socket | undefined
  private deframer = new Deframer()
  private queue: Pending[] = []
  private head = 0
  private waiting: Pending | undefined
  private up = false
  private stopped = false
  private heldUntil = 0
  private badCrcLeft = 0
  private timer: ReturnType<typeof setInterval> | undefined
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  readonly counters: LoggerLinkCounters
  private readonly timeoutMs: number
  private readonly retries: number

  constructor(readonly id: string, private readonly o: LoggerLinkOptions) {
    this.counters = o.counters ?? newLinkCounters()
    this.timeoutMs = o.answerTimeoutMs ?? 5000
    this.retries = o.retries ?? 3
  }

  get connected(): boolean {
    return this.up
  }

  /** Packets not yet sent or not yet answered. */
  get backlog(): number {
    return this.queue.length - this.head + (this.waiting ? 1 : 0)
  }

  /** Connects; resolves whether the first attempt worked (it keeps trying either way). */
  connect(): Promise<boolean> {
    this.timer ??= setInterval(() => this.checkTimeout(), Math.min(500, this.timeoutMs / 2))
    this.timer.unref?.()
    return new Promise((resolve) => this.open(resolve))
  }

  /** Data segments to send, in order. */
  send(segments: readonly string[]): void {
    for (const segment of segments) {
      if (this.backlog >= (this.o.maxBacklog ?? 100_000)) {
        this.counters.dropped++
        continue
      }
      const qn = /(?:^|;)QN=(\d+)/.exec(segment)?.[1]
      const flag = /(?:^|;)Flag=(\d+)/.exec(segment)?.[1]
      const bits = flagBits(flag === undefined ? undefined : Number(flag))
      const last = this.queue[this.queue.length - 1]
      if (bits.split && last && this.queue.length > this.head && last.qn === qn) {
        last.segments.push(segment)
        continue
      }
      this.queue.push({ segments: [segment], qn, answer: bits.answer, firstSentAt: 0, sentAt: 0, tries: 0 })
    }
    this.pump()
  }

  /** The link drops now and stays down for `ms` (packets meanwhile wait in the backlog). */
  disconnect(ms: number): void {
    this.heldUntil = Date.now() + ms
    this.socket?.destroy()
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    // The timer ends the hold: it may fire a millisecond before Date.now() reaches heldUntil
    // (timers count from the loop's cached time), and open() would then refuse and the link
    // stay down for good, its backlog never sent.
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined
      this.heldUntil = 0
      this.open()
    }, ms)
    this.reconnectTimer.unref?.()
  }

  /** The next `n` packets go out with a wrong CRC. */
  corruptNext(n: number): void {
    this.badCrcLeft += n
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    const s = this.socket
    if (s && !s.destroyed) await new Promise<void>((resolve) => s.once('close', () => resolve()).end())
  }

  /** Waits (polling) until everything sent has been answered, or the time is up. */
  async drained(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs
    while (this.backlog > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
    return this.backlog === 0
  }

  private open(first?: (ok: boolean) => void): void {
    if (this.stopped || Date.now() < this.heldUntil || this.socket) {
      first?.(false)
      return
    }
    const s = connect({ host: this.o.host, port: this.o.port })
    this.socket = s
    this.deframer = new Deframer()
    s.setNoDelay(true)
    s.once('connect', () => {
      this.up = true
      this.counters.connects++
      first?.(true)
      first = undefined
      this.pump()
    })
    s.on('data', (chunk: Buffer) => this.onData(chunk))
    s.on('error', () => undefined)
    s.once('close', () => {
      if (!this.up) this.counters.connectFailures++
      this.up = false
      this.socket = undefined
      first?.(false)
      // What waited for an answer goes again first (HJ 212-2017 §6.5.3, 补发).
      if (this.waiting) {
        this.queue.splice(this.head, 0, this.waiting)
        this.waiting = undefined
      }
      if (this.stopped || this.reconnectTimer && Date.now() < this.heldUntil) return
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = undefined
        this.open()
      }, this.o.reconnectMs ?? 2000)
      this.reconnectTimer.unref?.()
    })
  }

  private pump(): void {
    const s = this.socket
    if (!s || !this.up) return
    while (!this.waiting && this.head < this.queue.length) {
      const p = this.queue[this.head++]!
      this.write(s, p)
      if (p.answer) this.waiting = p
    }
    if (this.head > 1000 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head)
      this.head = 0
    }
  }

  private write(s: Socket, p: Pending): void {
    const now = Date.now()
    if (p.tries === 0 && p.firstSentAt === 0) p.firstSentAt = now
    p.sentAt = now
    let packet = p.segments.map((seg) => frame(seg)).join('')
    if (this.badCrcLeft > 0) {
      this.badCrcLeft--
      this.counters.badCrc++
      // The CRC's last hex digit changed: the hub refuses it as bad_crc and stays in step.
      const at = packet.length - 3
      packet = packet.slice(0, at) + (packet[at] === '0' ? '1' : '0') + packet.slice(at + 1)
    }
    this.counters.sent++
    s.write(packet)
  }

  private onData(chunk: Buffer): void {
    for (const seg of this.deframer.push(chunk).segments) {
      const r = parseDataSegment(seg)
      if (!r.ok || r.packet.cn !== '9014') continue
      const w = this.waiting
      if (!w || w.qn !== r.packet.qn) continue
      this.waiting = undefined
      this.counters.answered++
      const keep = this.o.latencyKeep ?? 0
      if (keep > 0) {
        this.counters.latencies.push(Date.now() - w.firstSentAt)
        if (this.counters.latencies.length > keep) this.counters.latencies.shift()
      }
      this.pump()
    }
  }

  private checkTimeout(): void {
    const w = this.waiting
    const s = this.socket
    if (!w || !s || !this.up || Date.now() - w.sentAt < this.timeoutMs) return
    this.counters.timeouts++
    if (w.tries >= this.retries) {
      this.o.log?.(`${this.id}: no answer to QN ${w.qn ?? '?'} after ${w.tries + 1} sends; connecting again`)
      s.destroy()
      return
    }
    w.tries++
    this.counters.resent++
    this.write(s, w)
  }
}
