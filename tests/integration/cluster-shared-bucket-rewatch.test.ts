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
 * health counts the restart. One whose consumer is gone with its NATS server, which the client
 * would notice only after a minute of missed heartbeats, is found stalled and started again
 * within seconds. Real nats-servers.
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

/** Two nodes' view of bucket `name`: the writer has put a = 1, the reader has started and records what it applies. */
async function writerAndReader(name: string): Promise<{ writer: SharedBucket; reader: SharedBucket; applied: [string, string | undefined, number][] }> {
  const writer = await SharedBucket.open({ js, jsm, name, replicas: 3, log })
  const reader = await SharedBucket.open({ js, jsm, name, replicas: 3, log })
  const applied: [string, string | undefined, number][] = []
  await writer.put('a', bytes('1'))
  await reader.start((key, value, revision) => void applied.push([key, text(value), revision]))
  return { writer, reader, applied }
}

describe('shared bucket: the watcher started again', () => {
  it('applies what changed while its watcher was gone, once each, and counts the restart', async () => {
    const { writer, reader, applied } = await writerAndReader('rewatch')
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

  it('a watcher whose consumer died with its NATS server is started again, and applies what changed', async () => {
    const { writer, reader, applied } = await writerAndReader('stalled')
    // The watcher's consumer (replicas 1) lives on one server: kill that one. Two of three keep the quorum.
    const consumers: { name: string; server: string | undefined }[] = []
    for await (const c of jsm.consumers.list('KV_stalled')) consumers.push({ name: c.name, server: c.cluster?.leader })
    expect(consumers).toHaveLength(1)
    const server = nats.cluster.servers.find((s) => s.name === consumers[0]!.server)!
    await server.kill9()
    const killed = Date.now()
    // The bucket's stream may have lost its leader with it: the write is taken once another is elected.
    await eventually(async () => {
      await writer.put('b', bytes('2'))
      return true
    }, 30_000, 'the write taken by the two servers left')
    const written = Date.now()
    // The client alone would deliver it only after two 30 s heartbeats were missed.
    await eventually(() => applied.length === 2, 20_000, 'the change applied by the reader whose consumer died')
    console.log(`consumer on ${server.name} killed: write taken after ${written - killed} ms, applied by the reader ${Date.now() - written} ms later`)
    expect(applied).toEqual([['a', '1', 1], ['b', '2', 2]])
    await eventually(() => reader.stats().watcherRestarts >= 1, 10_000, 'the stalled watcher started again')
    // …and the new watcher goes on: a later change arrives once, nothing before it twice.
    await eventually(async () => {
      await writer.put('c', bytes('3'))
      return true
    }, 30_000, 'a later write taken')
    await eventually(() => applied.length >= 3, 20_000, 'a later change applied')
    expect(applied.map(([k]) => k)).toEqual(['a', 'b', 'c'])
    reader.stop()
    writer.stop()
    await server.start()
  }, 90_000)
})
