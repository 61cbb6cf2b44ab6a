import type { Socket } from 'node:net'
import type { Device } from '../model/device.js'
import type { Durable } from '../journal/journal.js'
import { ANSWER_COMMANDS, DATA_COMMANDS, dataAnswer, noticeAnswer, QN_RTN, requestAnswer, setTime } from './answers.js'
import type { Hj212Counters } from './counters.js'
import { Deframer } from './frame.js'
import type { LoggerDirectory, LoggerPoint } from './logger-directory.js'
import { flagBits, parseDataSegment, parseDataTime, type Hj212Packet } from './packet.js'
import { SplitAssembler } from './split-packets.js'
import { aggregates, readNumber, realtimeItems } from './to-readings.js'
import { AGGREGATE_INTERVAL, CN, type Hj212Reject, type LoggerAggregate, type LoggerRows } from './types.js'

/**
 * One logger's TCP connection (HJ 212-2017 §6): bytes → packets (frame.ts) → data segments
 * (packet.ts) → each packet authenticated by its MN and PW (and the connection's address) →
 * split packets joined → real-time data through ingest, minute/hourly/daily data and status
 * through the journal → the 9014 answer once the journal has the data on disk. Idle connections
 * are closed; so is a connection that sends only garbage or keeps failing to authenticate.
 */
export interface SessionDeps {
  directory: LoggerDirectory
  /** Ingest's path for readings of another protocol (ingest/pipeline.ts fromProtocol). */
  ingest: { fromProtocol(device: Device, items: readonly unknown[], qos: number, label: string): { kept: number; durable: Durable | undefined; refused: boolean } }
  /** Where the logger's own aggregates and status rows are kept (store/logger-points.ts loggerRows). */
  rows: LoggerRows
  /** Each logger aggregate once it is in the journal (the emissions room takes minute values). */
  onAggregate(a: LoggerAggregate): void
  /** Each data packet kept (splits joined), with its logger's devices (the forwarder takes it). */
  onDataPacket(p: Hj212Packet, deviceIds: readonly string[]): void
  counters: Hj212Counters
  clock: () => number
  timeZone: string
  limits: SessionLimits
  log: { warn(o: object, m: string): void }
}

export interface SessionLimits {
  idleMs: number
  /** Bytes rejected in a row (no good packet between) after which the connection is closed. */
  floodBytes: number
  /** Packets failing authentication in a row, with none passing, after which the connection is closed. */
  maxAuthFailures: number
  /** Answers waiting for the journal past which the socket stops being read until they drain. */
  maxPendingAnswers: number
  /** How far ahead of the hub's clock a logger's DataTime may be (ms). */
  futureMs: number
  /** Split packets wait this long for their other parts. */
  splitTimeoutMs: number
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  idleMs: 600_000, floodBytes: 65_536, maxAuthFailures: 20, maxPendingAnswers: 10_000, futureMs: 300_000, splitTimeoutMs: 120_000,
}

export class Hj212Session {
  private readonly deframer = new Deframer()
  private readonly splits: SplitAssembler
  private pendingAnswers = 0
  private authFailures = 0
  private authenticated = false
  private paused = false
  private closed = false
  private corked = false
  /** Set by keep(): the packet's values were all refused by ingest. */
  private keptNothing = false

  constructor(private readonly socket: Socket, private readonly address: string | undefined, private readonly d: SessionDeps) {
    this.splits = new SplitAssembler({ timeoutMs: d.limits.splitTimeoutMs })
    d.counters.connections.open++
    d.counters.connections.accepted++
    socket.setNoDelay(true)
    socket.setTimeout(d.limits.idleMs, () => this.close('idle'))
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', () => undefined)
    socket.once('close', () => {
      this.closed = true
      d.counters.connections.open--
    })
  }

  private close(why: 'idle' | 'flood' | 'auth'): void {
    if (this.closed) return
    const c = this.d.counters.connections
    if (why === 'idle') c.closedIdle++
    else if (why === 'flood') c.closedFlood++
    else c.closedAuth++
    this.closed = true
    this.socket.destroy()
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return
    const now = this.d.clock()
    const out = this.deframer.push(chunk)
    const before = this.deframer.overStandardPackets
    for (const r of out.rejects) {
      this.d.counters.reject(r.reason)
      if (this.d.counters.firstInAWhile(`${r.reason}|${this.address ?? ''}`, now)) {
        if (r.modbusCrc) this.d.log.warn({ address: this.address, reason: r.reason }, 'HJ 212 packet refused: its CRC is CRC-16/MODBUS, not the HJ 212 CRC (HJ 212-2017 appendix A); the logger or its software must be set to the HJ 212 CRC')
        else this.d.log.warn({ address: this.address, reason: r.reason, bytes: r.bytes }, 'HJ 212 bytes refused: not a well-framed packet (##, 4-digit length, data, CRC, CR LF)')
      }
    }
    for (const seg of out.segments) {
      if (this.closed) return
      this.onSegment(seg, now)
    }
    this.d.counters.overStandard += this.deframer.overStandardPackets - before
    const expired = this.splits.expire(now)
    if (expired) this.d.counters.reject('split_expired', expired)
    if (this.deframer.garbageBytes > this.d.limits.floodBytes) this.close('flood')
  }

  private onSegment(seg: string, now: number): void {
    const c = this.d.counters
    const parsed = parseDataSegment(seg)
    if (!parsed.ok) {
      c.reject(parsed.reason as Hj212Reject)
      return
    }
    const p = parsed.packet
    c.packets++
    const admitted = this.d.directory.admit(p.mn, p.pw, this.address)
    if (!admitted.ok) {
      c.reject(admitted.reason, 1, p.mn)
      if (c.firstInAWhile(`${admitted.reason}|${p.mn ?? ''}|${this.address ?? ''}`, now))
        this.d.log.warn({ mn: p.mn, address: this.address, reason: admitted.reason, cn: p.cn }, 'HJ 212 packet refused: MN, PW or address not as configured (device hj212)')
      if (flagBits(p.flag).answer && admitted.reason !== 'source_refused') this.send(requestAnswer(p, admitted.reason === 'wrong_pw' ? QN_RTN.wrongPw : QN_RTN.wrongMn))
      if (!this.authenticated && ++this.authFailures >= this.d.limits.maxAuthFailures) this.close('auth')
      return
    }
    this.authenticated = true
    this.authFailures = 0
    c.heard(admitted.point.mn, now)
    const parts = p.pnum ?? 1
    const refusedBefore = this.splits.refused
    const whole = this.splits.add(p, now)
    if (!whole) {
      if (this.splits.refused > refusedBefore) c.reject('split_refused', 1, p.mn)
      return
    }
    this.dispatch(whole, admitted.point, now, parts)
  }

  private dispatch(p: Hj212Packet, point: LoggerPoint, now: number, parts: number): void {
    const wantsAnswer = flagBits(p.flag).answer
    if (ANSWER_COMMANDS.has(p.cn)) return // the logger answering the hub
    if (p.cn === CN.timeCalibration) {
      this.d.counters.accepted++
      this.send(setTime(p, now, this.d.timeZone))
      return
    }
    if (!DATA_COMMANDS.has(p.cn)) {
      // Heartbeats, log-ins and notices: the logger is heard from; answered when it asks.
      this.d.counters.accepted++
      if (wantsAnswer) this.send(noticeAnswer(p))
      return
    }
    this.keptNothing = false
    const kept = this.keep(p, point, now)
    if (kept === 'refused') return
    // A packet whose every value ingest refused is answered (below) but neither counted accepted nor forwarded.
    if (!this.keptNothing) {
      this.d.counters.accepted++
      this.d.onDataPacket(p, point.devices.map((d) => d.id))
    }
    if (!wantsAnswer) return
    const answer = dataAnswer(p)
    const reply = (): void => {
      for (let i = 0; i < parts; i++) this.send(answer)
    }
    if (!kept) return reply()
    this.pendingAnswers++
    if (this.pendingAnswers >= this.d.limits.maxPendingAnswers && !this.paused) {
      this.paused = true
      this.socket.pause()
    }
    kept.whenDurable(() => {
      this.pendingAnswers--
      if (this.paused && this.pendingAnswers <= this.d.limits.maxPendingAnswers / 2) {
        this.paused = false
        this.socket.resume()
      }
      reply()
    })
  }

  /** The packet's data into the hub: its Durable (answer after it), undefined (nothing to wait for) or 'refused'. */
  private keep(p: Hj212Packet, point: LoggerPoint, now: number): Durable | undefined | 'refused' {
    const c = this.d.counters
    const mn = point.mn
    const ts = this.dataTime(p, now, mn)
    if (ts === undefined) return 'refused'
    if (p.cn === CN.realtime) {
      const conv = realtimeItems(p, point, ts)
      for (const code of conv.unknownCodes) c.unknownCode(code)
      if (conv.invalid) c.reject('value_invalid', conv.invalid, mn)
      let last: Durable | undefined
      let keptAny = conv.byDevice.size === 0
      for (const [device, item] of conv.byDevice) {
        const r = this.d.ingest.fromProtocol(device, [item], 1, `hj212/${mn}/${p.cn}`)
        if (r.refused) {
          c.reject('journal_full', 1, mn)
          return 'refused'
        }
        if (r.kept > 0) keptAny = true
        last = r.durable ?? last
      }
      // Every value refused by ingest (counted there by reason): answered all the same, so the logger does not resend it forever.
      if (!keptAny) {
        c.reject('no_values', 1, mn)
        this.keptNothing = true
      }
      return last
    }
    const interval = AGGREGATE_INTERVAL[p.cn]
    if (interval !== undefined) {
      const conv = aggregates(p, point, ts, interval)
      for (const code of conv.unknownCodes) c.unknownCode(code)
      if (conv.invalid) c.reject('value_invalid', conv.invalid, mn)
      const durable = this.d.rows.aggregates(conv.byDevice.values())
      if (durable === 'empty') return undefined
      if (durable === 'full') {
        c.reject('journal_full', 1, mn)
        return 'refused'
      }
      for (const agg of conv.byDevice.values()) this.d.onAggregate(agg)
      return durable
    }
    // 2021 status, 2041 run times: kept as they come, on the MN's first device.
    const fields: Record<string, number | string> = {}
    for (const [code, group] of p.cp.pollutants) {
      for (const [suffix, raw] of group) {
        const key = `${code}_${suffix}`
        if (!/^[A-Za-z0-9_]{1,32}$/.test(key)) continue
        fields[key] = readNumber(raw) ?? raw.slice(0, 256)
      }
    }
    const device = point.devices[0]!
    const durable = this.d.rows.status({ park: device.park, enterprise: device.enterprise, area: device.area, device: device.id, kind: device.kind }, p.cn, ts, fields)
    if (durable === 'empty') return undefined
    if (durable === 'full') {
      c.reject('journal_full', 1, mn)
      return 'refused'
    }
    return durable
  }

  /** The packet's DataTime (QN's time when it has none, as 2021 status may), or undefined, counted. */
  private dataTime(p: Hj212Packet, now: number, mn: string): number | undefined {
    const text = p.cp.dataTime ?? (p.cn === CN.status || p.cn === CN.runTime ? p.qn : undefined)
    if (text === undefined) {
      if (p.cn === CN.status || p.cn === CN.runTime) return now
      this.d.counters.reject('no_datatime', 1, mn)
      return undefined
    }
    const ts = parseDataTime(text, this.d.timeZone)
    if (ts === undefined) {
      this.d.counters.reject('bad_datatime', 1, mn)
      return undefined
    }
    // Real-time data is judged by ingest like MQTT's (ts_future); the logger's own periods here.
    if (p.cn !== CN.realtime && ts > now + this.d.limits.futureMs) {
      this.d.counters.reject('ts_future', 1, mn)
      return undefined
    }
    return ts
  }

  /** Answers of one turn go out in one write (a commit releases hundreds at once). */
  private send(text: string): void {
    if (this.socket.destroyed || !this.socket.writable) return
    this.d.counters.answers++
    if (!this.corked) {
      this.corked = true
      this.socket.cork()
      process.nextTick(() => {
        this.corked = false
        this.socket.uncork()
      })
    }
    this.socket.write(text)
  }
}
