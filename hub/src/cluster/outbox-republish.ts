import { open } from 'node:fs/promises'
import type { JetStreamClient } from '@nats-io/jetstream'
import { messageId, type ReadingsMessage } from './readings-codec.js'
import { subjectOf } from './turn-batches.js'

/**
 * The cluster outbox published again while the node runs: every line of its files on disk —
 * the segments kept after JetStream acknowledged them (KEEP_ACKED_MS, cluster-log.ts) and the
 * others — each with its own `Nats-Msg-Id`. For READINGS that lost what this node had
 * acknowledged: made again empty, or its tail lost when a majority of the NATS machines lost
 * power within their sync interval. A node's next start does the same with what it finds; this
 * is that, without the restart. JetStream stores what it lost and answers the rest as
 * duplicates (its dedup window is as long as the segments are kept); a message past the window
 * is stored twice, which InfluxDB takes as an overwrite and a park's rules as the same reading
 * again.
 *
 * Published `IN_FLIGHT` at a time, the lines parsed a few hundred per turn of the event loop.
 */
const IN_FLIGHT = 64
const LINES_PER_TURN = 500
const PUBLISH_TIMEOUT_MS = 5000

export interface Republished {
  /** Lines read from the outbox's files. */
  lines: number
  /** Stored again (JetStream did not have them). */
  stored: number
  /** Answered as duplicates (JetStream had them). */
  duplicates: number
  /** Lines that were not a readings message, or whose publish failed. */
  failed: number
}

export async function republishOutbox(js: JetStreamClient, node: string, files: readonly { path: string; bytes: number }[]): Promise<Republished> {
  const out: Republished = { lines: 0, stored: 0, duplicates: 0, failed: 0 }
  const inFlight = new Set<Promise<void>>()
  let sinceYield = 0
  for (const f of files) {
    const body = await readPrefix(f.path, f.bytes)
    if (!body) continue
    let start = 0
    for (let i = body.indexOf(10); i >= 0; i = body.indexOf(10, start)) {
      const line = body.subarray(start, i)
      start = i + 1
      out.lines++
      let subject: string | undefined
      let seq: number | undefined
      try {
        const m = JSON.parse(line.toString('utf8')) as ReadingsMessage
        subject = subjectOf(m)
        seq = typeof m.seq === 'number' ? m.seq : undefined
      } catch {
        // a torn line, or not a readings message: counted below
      }
      if (subject === undefined || seq === undefined) {
        out.failed++
        continue
      }
      const p = js.publish(subject, line, { msgID: messageId({ node, seq }), timeout: PUBLISH_TIMEOUT_MS }).then(
        (ack) => void (ack.duplicate ? out.duplicates++ : out.stored++),
        () => void out.failed++,
      )
      inFlight.add(p)
      void p.finally(() => inFlight.delete(p))
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight)
      if (++sinceYield >= LINES_PER_TURN) {
        sinceYield = 0
        await new Promise((r) => setImmediate(r))
      }
    }
  }
  await Promise.all(inFlight)
  return out
}

/** The file's first `bytes` bytes (what was committed), or undefined when it is gone (a kept segment's time ran out meanwhile). */
async function readPrefix(path: string, bytes: number): Promise<Buffer | undefined> {
  let fh
  try {
    fh = await open(path, 'r')
  } catch {
    return undefined
  }
  try {
    const buf = Buffer.allocUnsafe(bytes)
    const { bytesRead } = await fh.read(buf, 0, bytes, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}
