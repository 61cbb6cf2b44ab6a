/**
 * Backfill: history with past timestamps, as fast as the broker takes it. The engine runs a
 * simulated day at a time; each device's readings of that day go out as JSON-array batches
 * (≤ 1000 readings and ≤ 64 KiB a message, CONTRACT.md). Real-time devices are thinned to one
 * reading a minute (HJ 212 minute data, command 2051), which is what history holds.
 */
import type { Engine, Output } from './engine.js'
import type { Fleet } from './fleet.js'
import { packBatches, type TelemetryOut } from './payloads.js'
import { sleep, type TokenBucket } from './rate-limiter.js'

const CATCH_UP_MS = 5000

export interface BackfillOptions {
  engine: Engine
  fleet: Fleet
  /** Where history ends; read again as it goes, since the present moves on meanwhile. */
  until: () => number
  /** Simulated span per round. */
  chunkMs?: number
  /** Messages awaiting the broker's acknowledgement at once (QoS 1 backpressure). */
  maxInflight?: number
  bucket: TokenBucket
  stopped: () => boolean
  onProgress?: (p: { from: number; at: number; until: number; messages: number; readings: number }) => void
  onOutput?: (out: Output) => void
}

export async function backfill(opts: BackfillOptions): Promise<{ messages: number; readings: number }> {
  const { engine, fleet } = opts
  const from = engine.time
  const chunk = opts.chunkMs ?? 86_400_000
  const maxInflight = opts.maxInflight ?? 64
  let messages = 0
  let readings = 0
  while (!opts.stopped()) {
    const until = opts.until()
    // Done once within a few seconds of the (moving) present; live takes over from there.
    if (until - engine.time < CATCH_UP_MS) break
    const end = Math.min(engine.time + chunk, until)
    const byDevice = new Map<string, TelemetryOut[]>()
    const others: Output[] = []
    engine.runUntil(end, (out) => {
      if (out.type === 'telemetry') {
        const list = byDevice.get(out.device)
        if (list) list.push(out)
        else byDevice.set(out.device, [out])
      } else others.push(out)
    })
    for (const out of others) {
      opts.onOutput?.(out)
      fleet.publish(out)
    }
    for (const [device, items] of byDevice) {
      for (const payload of packBatches(items)) {
        while (fleet.inflight >= maxInflight || !opts.bucket.take()) {
          if (opts.stopped()) return { messages, readings }
          await sleep(Math.max(2, opts.bucket.waitMs()))
        }
        const n = countItems(payload)
        if (fleet.publishBatch(device, payload, n)) {
          messages++
          readings += n
        }
      }
    }
    opts.onProgress?.({ from, at: engine.time, until, messages, readings })
    // Let socket writes and acknowledgements run between rounds.
    await sleep(0)
  }
  return { messages, readings }
}

function countItems(payload: string): number {
  let n = 0
  for (let i = payload.indexOf('{"ts"'); i >= 0; i = payload.indexOf('{"ts"', i + 5)) n++
  return n
}
