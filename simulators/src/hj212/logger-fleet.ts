/**
 * `npm run sim -- --hj212`: the simulated CEMS stacks and wastewater outlets as HJ 212-2017
 * data loggers, one TCP connection each to the hub's HJ 212 port, each under its device's
 * identity (`hj212.mn` in the zone, its PW from the credentials file). The engine's samples go
 * through each logger's model (data-logger.ts: 2011 every 30 s, 2051 each minute, 2061 each
 * hour) and out on its link (logger-link.ts: answers awaited, backlog kept while down).
 */
import type { Device } from '../../../hub/src/model/device.js'
import type { Output } from '../engine.js'
import { DataLoggerModel, type LoggerIdentity } from './data-logger.js'
import { LoggerLink, newLinkCounters, type LoggerLinkCounters } from './logger-link.js'

export interface LoggerFleetOptions {
  host: string
  port: number
  timeZone: string
  /** A device's logger identity, or undefined: it stays on MQTT. */
  identityOf: (device: Device) => LoggerIdentity | undefined
  rtdIntervalSec?: number
  connectConcurrency?: number
  answerTimeoutMs?: number
  log?: (line: string) => void
}

/** Logger faults a scenario plays (logger_fault actions). */
export type LoggerFaultKind = 'disconnect' | 'bad_crc'

/** Kinds of device whose monitors are HJ 212 data loggers. */
export const LOGGER_KINDS: ReadonlySet<string> = new Set(['emission', 'wastewater'])

export class LoggerFleet {
  readonly counters: LoggerLinkCounters = newLinkCounters()
  private readonly loggers = new Map<string, { model: DataLoggerModel; link: LoggerLink }>()
  /** Devices of the logger kinds without an identity (they stay on MQTT). */
  readonly withoutIdentity: string[] = []

  constructor(devices: readonly Device[], private readonly o: LoggerFleetOptions) {
    for (const d of devices) {
      if (!LOGGER_KINDS.has(d.kind)) continue
      const id = o.identityOf(d)
      if (!id) {
        this.withoutIdentity.push(d.id)
        continue
      }
      const model = new DataLoggerModel(d, id, { timeZone: o.timeZone, rtdIntervalSec: o.rtdIntervalSec ?? 30 })
      const link = new LoggerLink(`${d.id} (MN ${id.mn})`, { host: o.host, port: o.port, counters: this.counters, answerTimeoutMs: o.answerTimeoutMs ?? 5000, log: o.log })
      this.loggers.set(d.id, { model, link })
    }
  }

  /** Whether a device is one of these loggers (the MQTT fleet leaves it alone). */
  has(deviceId: string): boolean {
    return this.loggers.has(deviceId)
  }

  get size(): number {
    return this.loggers.size
  }

  get connected(): number {
    let n = 0
    for (const l of this.loggers.values()) if (l.link.connected) n++
    return n
  }

  get backlog(): number {
    let n = 0
    for (const l of this.loggers.values()) n += l.link.backlog
    return n
  }

  async connect(): Promise<{ ok: number; failed: number }> {
    const all = [...this.loggers.values()]
    let next = 0
    let ok = 0
    const worker = async (): Promise<void> => {
      while (next < all.length) {
        const l = all[next++]!
        if (await l.link.connect()) ok++
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.o.connectConcurrency ?? 100, all.length) }, worker))
    return { ok, failed: all.length - ok }
  }

  /** An engine output for one of these loggers; false when it is not theirs. */
  publish(out: Output): boolean {
    if (out.type === 'note') return false
    const l = this.loggers.get(out.device)
    if (!l) return false
    if (out.type === 'telemetry') {
      l.link.send(l.model.sample(out.ts, out.values, out.flags))
    } else if (out.type === 'link') {
      // The device's own offline fault: the logger's link is down while it lasts.
      if (!out.up) l.link.disconnect(24 * 3_600_000)
      else l.link.disconnect(0)
    }
    return true
  }

  /** A scenario's logger fault: the link down for `ms` (packets kept and sent after), or `n` packets with a bad CRC. */
  fault(deviceId: string, kind: LoggerFaultKind, ms: number, n = 3): boolean {
    const l = this.loggers.get(deviceId)
    if (!l) return false
    if (kind === 'disconnect') l.link.disconnect(ms)
    else l.link.corruptNext(n)
    return true
  }

  /** Waits for every logger to be answered (up to `timeoutMs`), then closes the links. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const links = [...this.loggers.values()].map((l) => l.link)
    await Promise.all(links.map((l) => l.drained(timeoutMs)))
    await Promise.all(links.map((l) => l.stop()))
  }
}
