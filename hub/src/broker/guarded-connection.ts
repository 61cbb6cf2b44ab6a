/**
 * The connection between a socket and aedes: every read passes the size check
 * (packet-size-check.ts), bytes are handed to the broker a slice at a time in the connection's
 * turn (the broker's ConnectionScheduler, loop-turns.ts), and a device's telemetry may skip
 * aedes's parser (publish-fast-path.ts).
 */
import { Duplex } from 'node:stream'
import { SETTLED_MS, type ConnectionScheduler, type TurnQueue } from './loop-turns.js'
import { PacketSizeCheck } from './packet-size-check.js'
import { refuseWithConnack } from '../net/connack-refusal.js'
import { isFastPublish, packetLengthAt, publishAt, type FastPublish } from './publish-fast-path.js'

/**
 * The MQTT TCP listener's options. Half-open: a client's FIN does not make Node end and close
 * the socket at once, in the loop's I/O phase; the guard ends it in the connection's turn. When
 * 18,000 devices' connections ended at once (many-connections bench, --storm), their closes held
 * the loop for 1.5 – 2.4 s in one I/O phase, and a detector's alarm reading that came meanwhile
 * waited behind all of them (Node's close and shutdown of each socket: 0.5 s of the profile's
 * JavaScript, the rest in native code and the kernel); in turns, 0.6 s.
 */
export const MQTT_SERVER_OPTIONS = { allowHalfOpen: true } as const

/**
 * A connection whose bytes come after this long without any counts as quiet, and goes ahead of
 * busy ones. A bulk sender (a meter, or the bench's generators, a message every few
 * milliseconds) never is; a detector reporting once a second, or once on an alarm, always is.
 */
const QUIET_MS = 100

export interface GuardOptions {
  /** Largest MQTT packet accepted (bytes); a larger one ends the connection before it is read. */
  maxPacketBytes: number
  /**
   * Most bytes handed to the broker at a time. aedes parses everything it can read and reads
   * again only once every packet of that batch is handled, so this bounds the publishes one
   * connection has in flight (held for durability or a rate limit, or queued in the broker).
   */
  sliceBytes: number
  /** A packet over `maxPacketBytes` from the client at `remote` ended its connection. */
  onTooLarge: (bytes: number, remote: string | undefined) => void
  /** The broker's scheduler: whose turn it is to hand bytes to the broker (loop-turns.ts). */
  scheduler: ConnectionScheduler
  /** The broker's count of bytes read and not yet handed over, and of paused sockets. */
  backlog: InboundBacklog
}

/** Bytes read from a broker's MQTT sockets and not yet handed to it; connections paused meanwhile. */
export class InboundBacklog {
  waitingBytes = 0
  pausedConnections = 0

  stats(): { waitingBytes: number; pausedConnections: number } {
    return { waitingBytes: this.waitingBytes, pausedConnections: this.pausedConnections }
  }
}

/**
 * The connection as aedes sees it: reads go through the size check and are handed out a
 * slice at a time; while more than a few slices wait, the socket is paused and TCP holds the
 * rest at the publisher. Writes go to the socket, everything written in one tick in one
 * syscall (mqtt-packet corks the stream for a tick; a PUBACK alone is several small writes).
 */
class GuardedConnection extends Duplex {
  private readonly check: PacketSizeCheck
  private readonly waiting: Buffer[] = []
  private waitingBytes = 0
  private ended = false
  private wanted = false
  private deliverQueued = false
  /** When bytes last came in, or the socket was resumed (performance.now()). */
  private lastData = 0
  /** Where the bytes handed to the broker so far end (a partial packet waits in its parser). */
  private readonly toBroker = new PacketSizeCheck(Infinity)
  /** Its first bytes (the CONNECT) handed to the broker: connected ones go ahead of connecting ones (loop-turns.ts). */
  private greeted = false
  /** When they were (performance.now()): a quiet connection this old is settled (loop-turns.ts SETTLED_MS). */
  private greetedAt = 0
  /** Takes a device's QoS 0 and 1 telemetry past the broker's parser; set once the broker has the client. */
  fast: FastPublish | undefined

  /** `o` is the broker's, the same for every connection (one object, not one per connection). */
  constructor(private readonly socket: Duplex, private readonly o: GuardOptions, private readonly remote: string | undefined) {
    super({ readableHighWaterMark: o.sliceBytes, allowHalfOpen: false })
    this.check = new PacketSizeCheck(o.maxPacketBytes)
    socket.on('data', this.onData)
    // A clean end of the socket (the client's FIN) ends the connection after every byte it
    // carried has been read, in a turn among the connecting ones, as a broken socket's does
    // (closeInTurn): the socket is half-open meanwhile (MQTT_SERVER_OPTIONS) and closed once the
    // broker is done with it.
    socket.on('end', () => {
      this.ended = true
      this.queueDelivery(false, true)
    })
    socket.on('error', () => this.closeInTurn())
    socket.on('close', () => {
      if (!this.ended) this.closeInTurn()
    })
  }

  private readonly onData = (chunk: Buffer): void => this.received(chunk)

  private closeQueued = false
  /**
   * A broken socket ends the connection in a turn among the connecting ones (loop-turns.ts), not
   * as the socket reports it: when a network blip resets 18,000 connections at once, the broker's
   * and the hub's work on each (the session, the device offline) is paced with the connects
   * instead of holding the loop in one go while a connected detector's alarm waits.
   */
  private closeInTurn(): void {
    if (this.destroyed || this.closeQueued) return
    this.closeQueued = true
    this.o.scheduler.inTurn(this.destroyNow, 'connecting')
  }

  private readonly destroyNow = (): void => {
    this.destroy()
  }

  /**
   * The broker will not take this connection now (connect-pacing.ts): its CONNECT, read or still
   * to come, is answered with CONNACK "server unavailable" and the connection ended. Only
   * before the broker has been handed it.
   */
  refuseBusy(): void {
    if (this.destroyed) return
    this.socket.removeListener('data', this.onData)
    const read = Buffer.concat(this.waiting)
    this.o.backlog.waitingBytes -= this.waitingBytes
    this.waitingBytes = 0
    this.waiting.length = 0
    if (this.socket.isPaused()) this.o.backlog.pausedConnections--
    refuseWithConnack(this.socket, read)
  }

  private received(chunk: Buffer): void {
    const bad = this.check.check(chunk)
    if (bad) {
      if (bad.tooLarge !== undefined) this.o.onTooLarge(bad.tooLarge, this.remote)
      this.socket.destroy()
      this.destroy(new Error(bad.error))
      return
    }
    const now = performance.now()
    const wasQuiet = now - this.lastData >= QUIET_MS
    this.lastData = now
    this.waiting.push(chunk)
    this.waitingBytes += chunk.length
    this.o.backlog.waitingBytes += chunk.length
    if (this.waitingBytes >= 4 * this.o.sliceBytes && !this.socket.isPaused()) {
      this.socket.pause()
      this.o.backlog.pausedConnections++
    }
    if (this.wanted) this.queueDelivery(wasQuiet)
  }

  /**
   * Deliver when this connection's turn comes (loop-turns.ts): ahead of busy ones if it had been
   * quiet; among the connecting ones before its CONNECT was handed over, or for its end.
   */
  private queueDelivery(wasQuiet = false, ending = false): void {
    if (this.deliverQueued) return
    this.deliverQueued = true
    this.o.scheduler.inTurn(this.queuedDelivery, this.turnQueue(wasQuiet, ending))
  }

  /** Its CONNECT or its end among the connecting ones; else busy, or quiet, settled once connected for SETTLED_MS. */
  private turnQueue(wasQuiet: boolean, ending: boolean): TurnQueue {
    if (ending || !this.greeted) return 'connecting'
    if (!wasQuiet) return 'busy'
    return performance.now() - this.greetedAt >= SETTLED_MS ? 'settled' : 'quiet'
  }

  /** The last QoS 1 publish the fast path held is acknowledged: the next bytes may come. */
  private readonly whenIdle = (): void => {
    if (!this.destroyed && (this.waiting.length > 0 || this.ended)) this.queueDelivery()
  }

  private readonly queuedDelivery = (): void => {
    this.deliverQueued = false
    if (!this.greeted) this.greetedAt = performance.now()
    this.greeted = true
    if (!this.destroyed) this.deliver()
  }

  private deliver(): void {
    const { waiting, o } = this
    // QoS 1 publishes of ours still held: the rest waits, as aedes waits for its batch.
    if (this.fast && this.fast.held() > 0) return
    if (this.fast && this.readableLength === 0 && this.toBroker.atBoundary && this.fast.ready()) {
      if (!this.takeFast(this.fast)) {
        // Whatever ended the turn, a paused socket with room again reads on.
        this.resumeSocket()
        return
      }
    }
    while (this.wanted && waiting.length > 0) {
      let chunk = waiting[0]!
      if (chunk.length > o.sliceBytes) {
        waiting[0] = chunk.subarray(o.sliceBytes)
        chunk = chunk.subarray(0, o.sliceBytes)
      } else waiting.shift()
      this.waitingBytes -= chunk.length
      this.o.backlog.waitingBytes -= chunk.length
      this.toBroker.check(chunk)
      this.wanted = this.push(chunk)
    }
    this.resumeSocket()
    if (this.ended && waiting.length === 0) this.push(null)
  }

  private resumeSocket(): void {
    if (this.waitingBytes < 4 * this.o.sliceBytes && this.socket.isPaused() && !this.destroyed) {
      this.socket.resume()
      this.o.backlog.pausedConnections--
      // What TCP held meanwhile comes now: a busy sender, not a quiet one.
      this.lastData = performance.now()
    }
  }

  /**
   * Take the QoS 0 and 1 publishes at the head of the waiting bytes past the broker
   * (publish-fast-path.ts), up to a slice's worth a turn; stop at the first other packet, which
   * the broker gets as before. A publish split between reads is joined, or waits for its rest.
   * False when the connection's turn is over: it was closed, its next publish is not whole yet,
   * or another turn was queued for the rest.
   */
  private takeFast(fast: FastPublish): boolean {
    const { waiting, o } = this
    let taken = 0
    while (waiting.length > 0 && taken < o.sliceBytes) {
      let chunk = waiting[0]!
      let at = 0
      let p
      while (taken + at < o.sliceBytes && (p = publishAt(chunk, at)) !== undefined && fast.takes(p.topic)) {
        fast.take(p, this.whenIdle)
        at = p.end
        // Refused: the client's error closed the connection.
        if (this.destroyed) return false
      }
      taken += at
      this.waitingBytes -= at
      this.o.backlog.waitingBytes -= at
      if (at === chunk.length) {
        waiting.shift()
        continue
      }
      chunk = waiting[0] = chunk.subarray(at)
      const whole = packetLengthAt(chunk, 0)
      // A publish not yet whole, and small: join it with the next read, or wait for that.
      if (p === undefined && isFastPublish(chunk[0]) && (whole === undefined || (whole > chunk.length && whole <= o.sliceBytes))) {
        if (waiting.length > 1) {
          waiting.splice(0, 2, Buffer.concat([chunk, waiting[1]!]))
          continue
        }
        if (!this.ended) return false
      }
      break
    }
    if (taken >= o.sliceBytes && waiting.length > 0 && isFastPublish(waiting[0]![0])) {
      this.queueDelivery()
      return false
    }
    return true
  }

  override _read(): void {
    this.wanted = true
    // Never push inside read(): aedes reads again from within a handler that completes at
    // once; bytes pushed into that nested read were lost (616 of a 1,500-message burst).
    this.queueDelivery()
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.socket.write(chunk)) done()
    else this.socket.once('drain', () => done())
  }

  override _writev(chunks: { chunk: Buffer }[], done: (err?: Error | null) => void): void {
    this.socket.cork()
    let room = true
    for (const c of chunks) room = this.socket.write(c.chunk)
    this.socket.uncork()
    if (room) done()
    else this.socket.once('drain', () => done())
  }

  override _final(done: (err?: Error | null) => void): void {
    this.socket.end()
    done()
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.socket.destroy()
    this.o.backlog.waitingBytes -= this.waitingBytes
    this.waitingBytes = 0
    this.waiting.length = 0
    if (this.socket.isPaused()) {
      this.o.backlog.pausedConnections--
      // Counted once: a destroyed socket is never resumed.
      this.socket.resume()
    }
    done(err)
  }
}

export function guardedConnection(socket: Duplex, o: GuardOptions, remote?: string): Duplex & { fast: FastPublish | undefined; refuseBusy(): void } {
  return new GuardedConnection(socket, o, remote)
}
