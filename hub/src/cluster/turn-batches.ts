import type { DeviceEntry } from '../journal/durable-log.js'
import { BothDurable } from '../journal/durable-log.js'
import type { ReadingsMessage } from './readings-codec.js'
import { parkBatchSubject, readingsSubject } from './subjects.js'

/**
 * What one turn of the event loop brought to the readings log, one message per park
 * (docs/cluster.md, "The readings log"): the devices' readings, events and statuses of a park
 * accepted in the same turn ride in one ReadingsMessage, on `readings.<park>.<device>` when they
 * are one device's and on `readings.<park>.=many` when they are several devices'. A JetStream
 * message costs the hub a publish, a PubAck and a delivery to each consumer, and the NATS servers
 * their replication, whatever its size: measured (cluster bench, QoS 1 at 3,000 msgs/s, one node),
 * the NATS client's work alone was 26 µs of the hub's 144 µs per reading with a message each.
 *
 * Each item is JSON-encoded as it is added (its size checked against the outbox's room then, so a
 * refusal is the publisher's answer); the turn's messages are made when the turn's synchronous
 * work is done (a microtask: after every connection the broker served in that pass). A QoS 1
 * publisher waits for its park's message: on disk in the outbox and acknowledged by JetStream.
 */
export interface TurnBatch {
  park: string
  /** The one device, or undefined once a second one joined. */
  device: string | undefined
  many: boolean
  readings: string[]
  events: string[]
  statuses: string[]
  /** Characters of the items' JSON. */
  chars: number
  /** What a QoS 1 publisher in the batch waits for (outbox on disk and JetStream's acknowledgement). */
  durable: BothDurable | undefined
}

/** Bytes of a message besides its items (`{"v":1,"node":…,"seq":…,"readings":[…]}`), counted generously. */
const MESSAGE_OVERHEAD = 160
/**
 * A park's message of one turn is closed past this size and the next one started: NATS refuses a
 * message over its max_payload (1 MB by default), and a refused one would be retried forever.
 */
const MAX_MESSAGE_CHARS = 256 * 1024

export class TurnBatches {
  /** Each park's open message of this turn. */
  private batches = new Map<string, TurnBatch>()
  /** This turn's messages in the order they were started, closed ones included. */
  private order: TurnBatch[] = []
  private chars = 0
  private scheduled = false

  constructor(private readonly onTurn: (batches: TurnBatch[]) => void) {}

  /**
   * Add one device's entry to its park's message of this turn: the batch, or undefined when
   * `hasRoom` refuses the characters this turn's messages would then hold.
   */
  add(entry: DeviceEntry, qos: number, hasRoom: (chars: number) => boolean): TurnBatch | undefined {
    const first = entry.readings?.[0] ?? entry.events?.[0] ?? entry.statuses?.[0]
    if (!first) return undefined
    const readings = entry.readings?.map((r) => JSON.stringify(r)) ?? []
    const events = entry.events?.map((e) => JSON.stringify(e)) ?? []
    const statuses = entry.statuses?.map((s) => JSON.stringify(s)) ?? []
    let chars = 0
    for (const x of readings) chars += x.length + 1
    for (const x of events) chars += x.length + 1
    for (const x of statuses) chars += x.length + 1
    let b = this.batches.get(first.park)
    if (b && b.chars + chars > MAX_MESSAGE_CHARS) b = undefined
    if (!hasRoom(this.chars + chars + (b ? 0 : MESSAGE_OVERHEAD))) return undefined
    if (!b) {
      b = { park: first.park, device: first.device, many: false, readings: [], events: [], statuses: [], chars: MESSAGE_OVERHEAD, durable: undefined }
      this.batches.set(first.park, b)
      this.order.push(b)
      this.chars += MESSAGE_OVERHEAD
    } else if (!b.many && b.device !== first.device) {
      b.many = true
      b.device = undefined
    }
    b.readings.push(...readings)
    b.events.push(...events)
    b.statuses.push(...statuses)
    b.chars += chars
    this.chars += chars
    if (qos >= 1) b.durable ??= new BothDurable()
    if (!this.scheduled) {
      this.scheduled = true
      queueMicrotask(this.flush)
    }
    return b
  }

  /** Hand this turn's messages on now (also before the log closes). */
  readonly flush = (): void => {
    this.scheduled = false
    if (this.order.length === 0) return
    const done = this.order
    this.order = []
    this.batches = new Map()
    this.chars = 0
    this.onTurn(done)
  }
}

/** The message's JSON after its `{"v":1,"node":…,"seq":` prefix: `<seq>,"readings":[…],…}`. */
export function batchBody(seq: number, b: TurnBatch): string {
  let s = String(seq)
  if (b.readings.length) s += `,"readings":[${b.readings.join(',')}]`
  if (b.events.length) s += `,"events":[${b.events.join(',')}]`
  if (b.statuses.length) s += `,"statuses":[${b.statuses.join(',')}]`
  return `${s}}`
}

export function batchSubject(b: Pick<TurnBatch, 'park' | 'device'>): string {
  return b.device !== undefined ? readingsSubject(b.park, b.device) : parkBatchSubject(b.park)
}

/** The subject of a message read back from the outbox: its one device's, or its park's for several. */
export function subjectOf(m: ReadingsMessage): string | undefined {
  const items = [...(m.readings ?? []), ...(m.events ?? []), ...(m.statuses ?? [])]
  const first = items[0]
  if (!first) return undefined
  return batchSubject({ park: first.park, device: items.every((i) => i.device === first.device) ? first.device : undefined })
}
