import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { NodeRoster } from '../../hub/src/cluster/node-roster.js'
import { openTtlBucket } from '../../hub/src/cluster/park-leases.js'
import { NODES_BUCKET } from '../../hub/src/cluster/subjects.js'
import { connectNats, startJetStream, type TestNats } from '../support/cluster-harness.js'
import { eventually } from '../support/hub-harness.js'

/**
 * The roster's probes (cluster/node-roster.ts) over real nats-servers: a running node answers
 * on its probe subject, so `silentFor` stays short; a node that stopped (its connection closed,
 * as a killed process's is) does not, and `silentFor` grows past a lease time — what
 * park-ownership.ts takes for a node gone rather than one whose heartbeat lapsed in an election.
 * A node never heard is `undefined` (waited for, as a node without probes).
 */
let nats: TestNats
let nc: NatsConnection
let js: JetStreamClient
let jsm: JetStreamManager

beforeAll(async () => {
  ;({ nats, nc, js, jsm } = await startJetStream())
})
afterAll(async () => {
  await nc?.close()
  await nats?.stop()
})

describe('node roster: probes over core NATS', () => {
  it('a running node answers, a stopped one falls silent, one never heard is undefined', async () => {
    const leaseMs = 2000
    const kv = await openTtlBucket(js, NODES_BUCKET, { ttlMs: leaseMs, replicas: 3 })
    const a = new NodeRoster(kv, jsm, { node: 'a', leaseMs, nc })
    const ncB = await connectNats(nats.urls)
    const b = new NodeRoster(await openTtlBucket(jetstream(ncB), NODES_BUCKET, { ttlMs: leaseMs, replicas: 3 }), await jetstreamManager(ncB), { node: 'b', leaseMs, nc: ncB })
    await Promise.all([a.start(), b.start()])
    expect(a.silentFor('b')).toBeUndefined()
    a.probe(['b', 'never-ran'])
    await eventually(() => a.silentFor('b') !== undefined, 5000, 'b answering')
    expect(a.silentFor('b')!).toBeLessThan(leaseMs)
    // b's process ends: its connection closes, nothing answers on its subject any more.
    await b.stop()
    await ncB.close()
    const stoppedAt = performance.now()
    await eventually(() => {
      a.probe(['b'])
      return performance.now() - stoppedAt > leaseMs + 500
    }, 10_000, 'a lease time and more after b stopped')
    expect(a.silentFor('b')!).toBeGreaterThan(leaseMs)
    expect(a.silentFor('never-ran')).toBeUndefined()
    await a.stop()
  })
})
