import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream'
import { parkReadingsFilter, READINGS_STREAM } from './subjects.js'

/**
 * Where a park's feed (park-feed.ts) starts in READINGS: for a park never owned before, and
 * after the stream was made again or lost its tail — found by the stored times of the
 * messages, which the NATS servers' clocks give.
 */

export interface ReadingsMark {
  lastSeq: number
  /** The stream's creation time, ms: another one means it was made again. */
  created: number
}

/** The latest look at READINGS per client, shared by its feeds' periodic looks. */
const looks = new WeakMap<JetStreamClient, { at: number; mark: Promise<ReadingsMark | undefined> }>()

/**
 * READINGS's last sequence and creation time; undefined when JetStream does not answer within
 * 2 s (looked at again later). One stream-info request; with `maxAgeMs`, a look of the same
 * client that recent is shared (a node's park feeds look every few seconds: one request for all
 * of them, not one each).
 */
export function readingsMark(js: JetStreamClient, maxAgeMs = 0): Promise<ReadingsMark | undefined> {
  const now = performance.now()
  const last = looks.get(js)
  if (maxAgeMs > 0 && last && now - last.at <= maxAgeMs) return last.mark
  const mark = within(js.streams.get(READINGS_STREAM), 2000)
    .then((st) => st.info(true))
    .then((info) => ({ lastSeq: info.state.last_seq, created: Date.parse(info.created) }))
    .catch(() => undefined)
  looks.set(js, { at: now, mark })
  return mark
}

/**
 * Where a park never owned before starts: just before its first message at or after `since`,
 * or the stream's last sequence when it has none since then (only later messages are read).
 * Written into the takeover record, so every later owner starts from the same place.
 */
export async function startPositionAt(js: JetStreamClient, jsm: JetStreamManager, park: string, since: Date): Promise<number> {
  return firstSince(js, park, since, (await jsm.streams.info(READINGS_STREAM)).state.last_seq)
}

/**
 * Where a feed behind the stream reads on: just before the park's first message stored after
 * `time` (the stored time of the message at its old position), or the stream's end `last`
 * when there is none yet. The stored times come from the NATS servers' clocks; a stream's
 * messages before and after a rebuild or a majority's outage are seconds apart at least.
 */
export async function positionAfter(js: JetStreamClient, park: string, time: number, last: number): Promise<number> {
  return within(firstSince(js, park, new Date(time + 1), last), 10_000)
}

async function firstSince(js: JetStreamClient, park: string, since: Date, last: number): Promise<number> {
  const consumer = await js.consumers.get(READINGS_STREAM, { filter_subjects: parkReadingsFilter(park), deliver_policy: DeliverPolicy.StartTime, opt_start_time: since.toISOString() })
  const info = await consumer.info(true)
  if (info.num_pending === 0) {
    await consumer.delete().catch(() => undefined)
    return last
  }
  const first = await consumer.next({ expires: 5000 })
  await consumer.delete().catch(() => undefined)
  if (!first) throw new Error(`park ${park}: no answer from ${READINGS_STREAM} for its first message since ${since.toISOString()}`)
  return first.seq - 1
}

/** `p`, or an error once `ms` passed without it settling. */
export function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer))
}
