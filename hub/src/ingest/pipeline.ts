import type { Device } from '../model/device.js'
import type { DeviceStatus, Place, Reading, RejectReason } from '../model/reading.js'
import type { DeviceTopic } from '../model/topic.js'
import type { Durable } from '../journal/journal.js'
import { RejectCounter } from './reject-counter.js'
import { checkEvent, checkTelemetry, type CheckedEvent, type MetricReject } from './validate.js'

/**
 * The ingest pipeline (ARCHITECTURE.md): decode → validate → normalise → hand on.
 * Each step is a small function; a bad message is counted by reason and never disturbs good
 * ones — in a batch, each element stands or falls alone, and in a message, each metric: an
 * invalid value refuses that metric only (counted with its reason), the others go on.
 */
/** The sink could not keep a valid message (the journal full, or QoS 0 shed): ingest counts it as refused. */
export interface Refusal {
  refused: Extract<RejectReason, 'journal_full' | 'overload_shed'>
  detail: string
}

export interface IngestSink {
  /** Valid readings. A returned Durable holds the publisher until the journal has them on disk; a Refusal refuses them all. */
  readings(readings: Reading[], qos: number): void | Durable | Refusal
  event(event: CheckedEvent, qos: number): void | Durable | Refusal
  status(status: DeviceStatus): void | Durable | Refusal
  reject(reject: { reason: RejectReason; detail: string; topic: string; device: string | undefined; ts: number; sample: string }): void
}

export interface IngestOptions {
  devices: { get(id: string): { device: Device } | undefined }
  sink: IngestSink
  clock: () => number
  maxPayloadBytes: number
  maxBatch: number
}

export class Ingest {
  readonly rejects = new RejectCounter()
  accepted = 0
  messages = 0

  constructor(private readonly o: IngestOptions) {}

  /** One publish on an authorised device topic. */
  handle(topic: DeviceTopic, rawTopic: string, payload: Buffer, qos = 0): void | Durable {
    this.messages++
    const rec = this.o.devices.get(topic.device)
    if (!rec) return this.reject('unknown_device', `no device ${topic.device}`, rawTopic, undefined, payload)
    const device = rec.device
    if (payload.length > this.o.maxPayloadBytes)
      return this.reject('payload_too_large', `${payload.length} bytes > ${this.o.maxPayloadBytes}`, rawTopic, device.id, payload)
    const place: Place = { park: device.park, enterprise: device.enterprise, area: device.area, device: device.id, kind: device.kind }
    const now = this.o.clock()
    switch (topic.channel) {
      case 'telemetry':
        return this.telemetry(payload, device, place, now, rawTopic, qos)
      case 'event':
        return this.event(payload, place, now, rawTopic, qos)
      case 'status':
        return this.status(payload, place, now, rawTopic)
      case 'cmd':
        // Devices never publish commands (the broker refuses it); the hub's own go straight out.
        return undefined
    }
  }

  private telemetry(payload: Buffer, device: Device, place: Place, now: number, rawTopic: string, qos: number): void | Durable {
    const parsed = parseJson(payload)
    if (parsed === PARSE_ERROR) return this.reject('json_invalid', 'payload is not UTF-8 JSON', rawTopic, device.id, payload)
    if (Array.isArray(parsed)) {
      if (parsed.length === 0) return this.reject('batch_empty', 'batch array is empty', rawTopic, device.id, payload)
      if (parsed.length > this.o.maxBatch)
        return this.reject('batch_too_large', `batch of ${parsed.length} > ${this.o.maxBatch}`, rawTopic, device.id, payload)
      const good = this.checkItems(parsed, device, place, now, rawTopic, payload)
      if (good.length === 0) return undefined
      return this.kept(good.length, device.id, this.o.sink.readings(good, qos))
    }
    const r = checkTelemetry(parsed, device, place, now)
    if (!r.ok) return this.reject(r.reason, r.detail, rawTopic, device.id, payload)
    this.rejectMetrics(r.dropped, rawTopic, device.id, payload)
    return this.kept(1, device.id, this.o.sink.readings([r.value], qos))
  }

  private event(payload: Buffer, place: Place, now: number, rawTopic: string, qos: number): void | Durable {
    const parsed = parseJson(payload)
    if (parsed === PARSE_ERROR) return this.reject('json_invalid', 'payload is not UTF-8 JSON', rawTopic, place.device, payload)
    const r = checkEvent(parsed, place, now)
    if (!r.ok) return this.reject(r.reason, r.detail, rawTopic, place.device, payload)
    return this.kept(1, place.device, this.o.sink.event(r.value, qos))
  }

  private status(payload: Buffer, place: Place, now: number, rawTopic: string): void | Durable {
    const text = payload.length <= 64 ? payload.toString('utf8').trim() : ''
    if (text !== 'online' && text !== 'offline')
      return this.reject('status_invalid', 'status payload must be online or offline', rawTopic, place.device, payload)
    const out = this.o.sink.status({ ...place, ts: now, online: text === 'online' })
    if (out === undefined || !('refused' in out)) return out
    this.reject(out.refused, out.detail, '', place.device, undefined)
    return undefined
  }

  /**
   * Telemetry items that came by another protocol (an HJ 212 logger's real-time data), for one
   * device: the same checks, counters and sink as an MQTT telemetry message (`label` stands for
   * the topic in rejects). `kept`: how many the sink took; `durable` when the journal holds
   * them until its commit (qos ≥ 1); `refused`: the sink refused them (journal full).
   */
  fromProtocol(device: Device, items: readonly unknown[], qos: number, label: string): { kept: number; durable: Durable | undefined; refused: boolean } {
    this.messages++
    const place: Place = { park: device.park, enterprise: device.enterprise, area: device.area, device: device.id, kind: device.kind }
    const good = this.checkItems(items, device, place, this.o.clock(), label, undefined)
    if (good.length === 0) return { kept: 0, durable: undefined, refused: false }
    const out = this.o.sink.readings(good, qos)
    if (out !== undefined && 'refused' in out) {
      this.kept(good.length, device.id, out)
      return { kept: 0, durable: undefined, refused: true }
    }
    this.accepted += good.length
    return { kept: good.length, durable: out ?? undefined, refused: false }
  }

  /** Each telemetry item checked alone: the valid readings; the refused items and metrics counted. */
  private checkItems(items: readonly unknown[], device: Device, place: Place, now: number, topic: string, payload: Buffer | undefined): Reading[] {
    const good: Reading[] = []
    for (const item of items) {
      const r = checkTelemetry(item, device, place, now)
      if (!r.ok) {
        this.reject(r.reason, r.detail, topic, device.id, payload)
        continue
      }
      good.push(r.value)
      this.rejectMetrics(r.dropped, topic, device.id, payload)
    }
    return good
  }

  /** `n` valid messages the sink kept (counted accepted) or refused (counted with its reason): ingest alone counts. */
  private kept(n: number, device: string, out: void | Durable | Refusal): void | Durable {
    if (out === undefined || !('refused' in out)) {
      this.accepted += n
      return out
    }
    for (let i = 0; i < n; i++) this.reject(out.refused, out.detail, '', device, undefined)
    return undefined
  }

  private reject(reason: RejectReason, detail: string, topic: string, device: string | undefined, payload: Buffer | undefined): undefined {
    this.rejects.add(reason)
    const sample = payload ? payload.subarray(0, 256).toString('utf8') : ''
    this.o.sink.reject({ reason, detail, topic: topic.slice(0, 256), device, ts: this.o.clock(), sample })
    return undefined
  }

  /** The metrics of an accepted message that were refused, each counted with its reason. */
  private rejectMetrics(dropped: readonly MetricReject[], topic: string, device: string, payload: Buffer | undefined): void {
    for (const d of dropped) this.reject(d.reason, d.detail, topic, device, payload)
  }

  /** Count a reject decided before ingest (by the broker's authorisation hook). */
  countReject(reason: RejectReason, detail: string, topic: string, device: string | undefined): void {
    this.reject(reason, detail, topic, device, undefined)
  }
}

const PARSE_ERROR = Symbol('parse error')
const decoder = new TextDecoder('utf-8', { fatal: true })

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(decoder.decode(payload))
  } catch {
    return PARSE_ERROR
  }
}
