/**
 * Payloads of CONTRACT.md. Telemetry `{ts, values, flags?}`, a batch is a JSON array of those
 * (at most 1000, and the whole message at most 64 KiB); events `{ts, type, state}`; the
 * command acknowledgement `{ts, type: 'command_ack', state: 'on', command, id}`.
 */
import type { Output } from './engine.js'

export const MAX_BATCH = 1000
/** 64 KiB less headroom for the topic and MQTT framing. */
export const MAX_PAYLOAD_BYTES = 64 * 1024 - 1024

export type TelemetryOut = Extract<Output, { type: 'telemetry' }>

export function telemetryObject(o: TelemetryOut): { ts: number; values: Record<string, number>; flags?: Record<string, string> } {
  return o.flags ? { ts: o.ts, values: o.values, flags: o.flags } : { ts: o.ts, values: o.values }
}

export function telemetryPayload(o: TelemetryOut): string {
  return JSON.stringify(telemetryObject(o))
}

export function eventPayload(o: Extract<Output, { type: 'event' }>): string {
  return JSON.stringify({ ts: o.ts, type: o.event, state: o.state })
}

export function ackPayload(o: Extract<Output, { type: 'ack' }>): string {
  return JSON.stringify({ ts: o.ts, type: 'command_ack', state: 'on', command: o.command, id: o.id })
}

/**
 * Packs one device's readings into JSON-array messages of at most MAX_BATCH items and
 * MAX_PAYLOAD_BYTES bytes each, in order.
 */
export function packBatches(items: readonly TelemetryOut[], maxItems = MAX_BATCH, maxBytes = MAX_PAYLOAD_BYTES): string[] {
  const out: string[] = []
  let parts: string[] = []
  let bytes = 2 // [ ]
  for (const item of items) {
    const s = telemetryPayload(item)
    const add = Buffer.byteLength(s) + (parts.length > 0 ? 1 : 0)
    if (parts.length > 0 && (parts.length >= maxItems || bytes + add > maxBytes)) {
      out.push(`[${parts.join(',')}]`)
      parts = []
      bytes = 2
    }
    parts.push(s)
    bytes += Buffer.byteLength(s) + (parts.length > 1 ? 1 : 0)
  }
  if (parts.length > 0) out.push(`[${parts.join(',')}]`)
  return out
}
