import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StorageType, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { ensureStateStream, FencedParkLog } from '../../hub/src/cluster/fenced-park-log.js'
import { startParkFeed, StreamBehindError } from '../../hub/src/cluster/park-feed.js'
import { encodeReadings, messageId } from '../../hub/src/cluster/readings-codec.js'
import { READINGS_STREAM, readingsSubject } from '../../hub/src/cluster/subjects.js'
import { startJetStream, untilJetStream, type TestNats } from '../support/cluster-harness.js'
import { eventually } from '../support/hub-harness.js'

/**
 * A park's feed against a READINGS stream made again (deleted, or the NATS cluster rebuilt on
 * empty disks), or one that lost its tail, while the park's position stayed: the stream's new
 * messages have sequences at or below the position. Knowing when the message at its position
 * was stored, the feed reads on from the first message stored later, and the park's log takes
 * the move; not knowing it, the feed says so — never silent. Real nats-servers.
 */
let nats: TestNats
let nc: NatsConnection
let js: JetStreamClient
let jsm: JetStreamManager
let seq = 0
const PARK = 'behind'
const stream = { name: READINGS_STREAM, subjects: ['readings.>'], storage: StorageType.File, num_replicas: 3 }

async function publish(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const m = { v: 1 as const, node: 'ingest', seq: ++seq, readings: [] }
    await untilJetStream(() => js.publish(readingsSubject(PARK, 'd'), encodeReadings(m), { msgID: messageId(m), timeout: 2000 }))
  }
}

/** A feed from `after` (stored at `afterTime`), collecting the sequences handed over, the last one's time, the moves and what it reported. */
function feedFrom(after: number, afterTime?: number, log?: FencedParkLog) {
  const applied: number[] = []
  const errors: Error[] = []
  const rebases: number[] = []
  let time: number | undefined
  const feed = startParkFeed(js, {
    park: PARK, after, afterTime,
    onBatch: async (batch, position, positionTime) => {
      applied.push(...batch.map((m) => m.seq))
      expect(batch.at(-1)?.time).toBe(positionTime)
      time = positionTime
      await log?.append([], { position, positionTime })
    },
    onRebase: async (to, behind) => {
      rebases.push(to)
      await log?.rebase(to, { from: behind.position, lastSeq: behind.lastSeq })
    },
    onError: (err) => void errors.push(err),
  })
  return { feed, applied, errors, rebases, time: () => time }
}

beforeAll(async () => {
  ;({ nats, nc, js, jsm } = await startJetStream())
  await untilJetStream(() => jsm.streams.add(stream))
  await untilJetStream(() => ensureStateStream(jsm, { replicas: 3 }))
})

afterAll(async () => {
  await nc?.close()
  await nats?.stop()
})

describe('park feed: READINGS behind the park\'s position', () => {
  it('a stream that is not behind is read from the position, nothing reported', async () => {
    await publish(30)
    const first = feedFrom(0)
    await eventually(() => first.applied.length === 30, 15_000, '30 readings applied')
    await first.feed.stop()
    expect(first.feed.position).toBe(30)
    const again = feedFrom(28)
    await eventually(() => again.applied.length === 2, 15_000, 'the last 2 applied again')
    await again.feed.stop()
    expect(again.applied).toEqual([29, 30])
    expect(again.errors).toEqual([])
  })

  it('the stream made again below a position whose time is not known: the feed says so, naming the park, its position and the stream\'s end', async () => {
    await jsm.streams.delete(READINGS_STREAM)
    await untilJetStream(() => jsm.streams.add(stream))
    await publish(5)
    const second = feedFrom(30)
    const behind = await eventually(() => second.errors.find((e): e is StreamBehindError => e instanceof StreamBehindError), 15_000, 'the stream behind reported')
    await second.feed.stop()
    expect(behind).toMatchObject({ park: PARK, position: 30, lastSeq: 5 })
    expect(behind.message).toMatch(/made again, or lost its tail/)
    expect(second.applied).toEqual([])
    expect(second.rebases).toEqual([])
  })

  it('the stream made again below a position whose time is known: the messages stored since are applied, the move is on the park\'s log', async () => {
    // The park has processed the stream's 5 messages; its log holds position 5 and that message's time.
    const before = feedFrom(0)
    await eventually(() => before.applied.length === 5, 15_000, '5 readings applied')
    await before.feed.stop()
    const time = before.time()!
    const log = await FencedParkLog.takeover(js, jsm, { park: PARK, node: 'a', token: 1 })
    await log.append([], { position: 5, positionTime: time })
    await jsm.streams.delete(READINGS_STREAM)
    await untilJetStream(() => jsm.streams.add(stream))
    await publish(3)
    const after = feedFrom(5, time, log)
    await eventually(() => after.applied.length === 3, 15_000, 'the new stream\'s 3 readings applied')
    await after.feed.stop()
    expect(after.rebases).toEqual([0])
    expect(after.applied).toEqual([1, 2, 3])
    expect(after.errors).toEqual([])
    expect(log.position).toBe(3)
    // The next owner loads the new position and its time: nothing applied again.
    const next = await FencedParkLog.takeover(js, jsm, { park: PARK, node: 'b', token: 2 })
    expect(next.loaded.position).toBe(3)
    expect(next.loaded.positionTime).toBe(after.time())
    const again = feedFrom(3, after.time())
    await publish(1)
    await eventually(() => again.applied.length === 1, 15_000, 'the next reading applied')
    await again.feed.stop()
    expect(again.applied).toEqual([4])
    expect(again.rebases).toEqual([])
  })

  it('a tail lost below the position: the messages kept are not applied again, those stored after the position\'s time are', async () => {
    // Messages 1 – 4 kept, 5 – 30 lost after the park processed them; 2 new ones stored since.
    const kept = feedFrom(3)
    await eventually(() => kept.applied.length === 1, 15_000, 'message 4 read for its time')
    await kept.feed.stop()
    await new Promise((r) => setTimeout(r, 5))
    await publish(2)
    const feed = feedFrom(30, kept.time())
    await eventually(() => feed.applied.length === 2, 15_000, 'the 2 new readings applied')
    await feed.feed.stop()
    expect(feed.rebases).toEqual([4])
    expect(feed.applied).toEqual([5, 6])
  })
})
