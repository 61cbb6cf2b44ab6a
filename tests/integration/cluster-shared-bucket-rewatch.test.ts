import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { SharedBucket } from '../../hub/src/cluster/shared-bucket.js'
import { startJetStream, type TestNats } from '../support/cluster-harness.js'
import { eventually } from '../support/hub-harness.js'

/**
 * A shared bucket's watcher (cluster/shared-bucket.ts) that ends without being asked — as the
 * client's ordered consumer does when it gives up on a server — is started again from the
 * revision after the last one applied: what changed meanwhile is applied, nothing twice, and
 * health counts the restart. Real nats-servers.
 */
let nats: TestNats
let nc: NatsConnection
let js: JetStreamClient
let jsm: JetStreamManager
const log = { warn: () => undefined, info: () => undefined, error: () => undefined }
const text = (v: Uint8Array | undefined): string | undefined => (v === undefined ? undefined : new TextDecoder().decode(v))
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

beforeAll(async () => {
  ;({ nats, nc, js, jsm } = await startJetStream())
})

afterAll(async () => {
  await nc?.close()
  await nats?.stop()
})

describe('shared bucket: the watcher started again', () => {
  it('applies what changed while its watcher was gone, once each, and counts the restart', async () => {
    const writer = await SharedBucket.open({ js, jsm, name: 'rewatch', replicas: 3, log })
    const reader = await SharedBucket.open({ js, jsm, name: 'rewatch', replicas: 3, log })
    const applied: [string, string | undefined, number][] = []
    await writer.put('a', bytes('1'))
    await reader.start((key, value, revision) => void applied.push([key, text(value), revision]))
    expect(applied).toEqual([['a', '1', 1]])
    expect(reader.stats().watcherRestarts).toBe(0)

    // The watcher ends unasked, and the bucket changes before it is watched again (500 ms later).
    ;(reader as unknown as { watcher: { stop(): void } }).watcher.stop()
    await writer.put('b', bytes('2'))
    await writer.put('a', bytes('3'))
    await eventually(() => applied.length === 3, 10_000, 'the changes made meanwhile applied')
    expect(applied).toEqual([['a', '1', 1], ['b', '2', 2], ['a', '3', 3]])
    expect(reader.stats().watcherRestarts).toBe(1)

    // …and it goes on watching.
    await writer.put('c', bytes('4'))
    await eventually(() => applied.length === 4, 10_000, 'a later change applied')
    expect(applied.at(-1)).toEqual(['c', '4', 4])
    expect(reader.stats()).toMatchObject({ revision: 4, applied: 4, watcherRestarts: 1 })
    reader.stop()
    writer.stop()
  })
})
