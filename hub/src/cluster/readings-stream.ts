import { nanos } from '@nats-io/transport-node'
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig, type StreamInfo } from '@nats-io/jetstream'
import { READINGS_STREAM } from './subjects.js'

/**
 * The READINGS stream (docs/cluster.md): every accepted device message, subjects
 * `readings.<park>.<device>`, on disk, replicated; kept `maxAgeH` hours (the oldest go first).
 * Ensured idempotently at each node's start: created when missing, updated when a setting the
 * hub controls differs (replicas, age, dedup window), left alone otherwise.
 */
export interface ReadingsStreamOptions {
  replicas: number
  maxAgeH: number
}

/**
 * The dedup window: a message republished with the same `Nats-Msg-Id` within it is stored once.
 * Two minutes is JetStream's default and covers a node's restart (the hub starts in seconds) and
 * a NATS leader change; an outbox older than that republished after a long stop can store a
 * message twice, which the readers tolerate (cluster/cluster-log.ts).
 */
export const DUPLICATE_WINDOW_MS = 120_000

export function readingsStreamConfig(o: ReadingsStreamOptions): Partial<StreamConfig> & { name: string } {
  return {
    name: READINGS_STREAM,
    subjects: ['readings.>'],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: o.replicas,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    max_age: nanos(o.maxAgeH * 3600_000),
  }
}

/**
 * Create or update the stream, retrying until `deadlineMs` passes: while the JetStream meta leader
 * is being elected (≈ 0.7 s after the servers start) or the quorum is lost, the API does not answer.
 */
export async function ensureReadingsStream(jsm: JetStreamManager, o: ReadingsStreamOptions, deadlineMs = 60_000, onRetry?: (err: Error) => void, onCreated?: () => void): Promise<StreamInfo> {
  const want = readingsStreamConfig(o)
  const until = Date.now() + deadlineMs
  for (let attempt = 0; ; attempt++) {
    try {
      return await ensureOnce(jsm, want, onCreated)
    } catch (err) {
      if (Date.now() > until || isConfigError(err)) throw err
      if (attempt % 10 === 0) onRetry?.(err as Error)
      await new Promise((r) => setTimeout(r, 300))
    }
  }
}

async function ensureOnce(jsm: JetStreamManager, want: Partial<StreamConfig> & { name: string }, onCreated?: () => void): Promise<StreamInfo> {
  let info: StreamInfo
  try {
    info = await jsm.streams.info(want.name)
  } catch (err) {
    if (!isNotFound(err)) throw err
    const made = await jsm.streams.add(want)
    onCreated?.()
    return made
  }
  const c = info.config
  const differs = c.num_replicas !== want.num_replicas || c.max_age !== want.max_age || c.duplicate_window !== want.duplicate_window
    || c.discard !== want.discard || c.subjects.length !== 1 || c.subjects[0] !== want.subjects![0]
  if (!differs) return info
  if (c.storage !== want.storage || c.retention !== want.retention) {
    throw new StreamConfigError(`stream ${want.name} exists with storage ${c.storage} and retention ${c.retention}; the hub needs ${want.storage} and ${want.retention}: these cannot be changed in place`)
  }
  return await jsm.streams.update(want.name, { subjects: want.subjects, num_replicas: want.num_replicas, max_age: want.max_age, duplicate_window: want.duplicate_window, discard: want.discard })
}

class StreamConfigError extends Error {}

function isConfigError(err: unknown): boolean {
  return err instanceof StreamConfigError
}

function isNotFound(err: unknown): boolean {
  const e = err as { code?: unknown; message?: string; name?: string }
  return e?.name === 'StreamNotFoundError' || /stream not found/i.test(e?.message ?? '')
}
