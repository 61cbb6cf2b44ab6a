import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream'
import { parkReadingsFilter, READINGS_STREAM } from './subjects.js'

/**
 * Where a park's feed (park-feed.ts) starts in READINGS: for a park never owned before, and
 * after the stream was made again or lost its tail — found by the stored times of the
 * messages, which the NATS servers' clocks give.
 */

/** READINGS's last sequence and creation time (ms); undefined when JetStream does not answer within 2 s (looked at again at the next opening). */
export async function readingsMark(js: JetStreamClient): Promise<{ lastSeq: number; created: number } | undefined> {
  try {
    const info = await within(js.streams.get(READINGS_STREAM).then((st) => st.info()), 2000)
    return { lastSeq: info.state.last_seq, created: Date.parse(info.created) }
  } catch {
    return undefined
  }
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
