import type { DeviceEvent, DeviceStatus, Reading } from '../model/reading.js'

/**
 * One message on the readings log (`readings.<park>.<device>`): what one device sent in one
 * MQTT message or HJ 212 packet, already validated and normalised by ingest. Several readings
 * ride in one message where they arrived together. `node` is the ingesting hub; `seq` its own
 * order (with `node`, the message's `Nats-Msg-Id`, so a republish after a crash is deduplicated).
 */
export interface ReadingsMessage {
  v: 1
  node: string
  seq: number
  readings?: Reading[]
  events?: DeviceEvent[]
  statuses?: DeviceStatus[]
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export function encodeReadings(m: ReadingsMessage): Uint8Array {
  return encoder.encode(JSON.stringify(m))
}

/** Decode a message; a message that is not one (another writer, a newer version) is an error naming why. */
export function decodeReadings(data: Uint8Array): ReadingsMessage {
  const m = JSON.parse(decoder.decode(data)) as Partial<ReadingsMessage>
  if (m === null || typeof m !== 'object' || m.v !== 1) throw new Error(`readings message of unknown version ${JSON.stringify((m as { v?: unknown } | null)?.v)}`)
  if (typeof m.node !== 'string' || typeof m.seq !== 'number') throw new Error('readings message without node or seq')
  return m as ReadingsMessage
}

export function messageId(m: Pick<ReadingsMessage, 'node' | 'seq'>): string {
  return `${m.node}:${m.seq}`
}
