import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jetstream, jetstreamManager, StorageType, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { startParkFeed, StreamBehindError } from '../../hub/src/cluster/park-feed.js'
import { encodeReadings, messageId } from '../../hub/src/cluster/readings-codec.js'
import { READINGS_STREAM, readingsSubject } from '../../hub/src/cluster/subjects.js'
import { connectNats, jetStreamReady, startTestNats, untilJetStream, type TestNats } from '../support/cluster-harness.js'
import { eventually } from '../support/hub-harness.js'

/**
 * A park's feed against a READINGS stream made again (deleted, or the NATS cluster rebuilt on
 * empty disks) while the park's position stayed: the new stream's sequences start at 1, below
 * the position, and the feed hands nothing over until the stream passes it — the park not
 * evaluated. That must be said, never silent. Real nats-servers.
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

/** A feed from `after`, collecting the sequences handed over and what it reported. */
function feedFrom(after: number) {
  const applied: number[] = []
  const errors: Error[] = []
  const feed = startParkFeed(js, { park: PARK, after, onBatch: (batch) => void applied.push(...batch.map((m) => m.seq)), onError: (err) => void errors.push(err) })
  return { feed, applied, errors }
}

beforeAll(async () => {
  nats = await startTestNats()
  nc = await connectNats(nats.urls)
  await jetStreamReady(nc)
  js = jetstream(nc)
  jsm = await jetstreamManager(nc)
  await untilJetStream(() => jsm.streams.add(stream))
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

  it('the stream made again below the position: the feed says so, naming the park, its position and the stream\'s end', async () => {
    await jsm.streams.delete(READINGS_STREAM)
    await untilJetStream(() => jsm.streams.add(stream))
    await publish(5)
    const second = feedFrom(30)
    const behind = await eventually(() => second.errors.find((e): e is StreamBehindError => e instanceof StreamBehindError), 15_000, 'the stream behind reported')
    await second.feed.stop()
    expect(behind).toMatchObject({ park: PARK, position: 30, lastSeq: 5 })
    expect(behind.message).toMatch(/not evaluated/)
    expect(second.applied).toEqual([])
  })
})
