import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { ensureStateStream, FencedParkLog } from '../../hub/src/cluster/fenced-park-log.js'
import { MoveRefused, startParkOwnership } from '../../hub/src/cluster/park-ownership.js'
import { connectNats, jetStreamReady, startTestNats, type TestNats } from '../support/cluster-harness.js'
import { eventually } from '../support/hub-harness.js'

/**
 * A park taken over again by its own owner (ParkOwnership.retake, what park-runner.ts does when
 * a write's fate is unknown), on a real three-server NATS cluster: the caller's state is dropped
 * and read back from the fenced log under the same lease — what landed is there, the lease and
 * its token unchanged. The buckets' view (GET /api/v1/cluster) and refused moves.
 */

let nats: TestNats
let nc: NatsConnection
let js: JetStreamClient
let jsm: JetStreamManager

beforeAll(async () => {
  nats = await startTestNats()
  nc = await connectNats(nats.urls)
  await jetStreamReady(nc)
  js = jetstream(nc)
  jsm = await jetstreamManager(nc)
  await ensureStateStream(jsm, { replicas: 3 })
})

afterAll(async () => {
  await nc?.close()
  await nats?.stop()
})

describe('park retake', () => {
  it('drops the park and reads it back from its log under the same lease; the view lists the lease', async () => {
    const park = 'rt1'
    const events: string[] = []
    const logs: FencedParkLog[] = []
    const started = Date.now()
    const { ownership, stop } = await startParkOwnership(nc, {
      node: 'rt-a', leaseMs: 2000, settleMs: 200, replicas: 3, parks: () => [park],
      onAcquired: async (p, token, epoch) => {
        const log = await FencedParkLog.takeover(js, jsm, { park: p, node: 'rt-a', token, epoch, initialPosition: async () => 0 })
        logs.push(log)
        events.push(`acquired ${token} ${JSON.stringify(log.loaded.records)}`)
      },
      onLost: (p, reason) => void events.push(`lost ${reason}`),
    })
    try {
      await eventually(() => logs.length === 1, 15_000, 'the park acquired')
      const token = ownership.token(park)!
      await logs[0]!.append([{ n: 1 }], { position: 1 })
      // A write whose fate the owner does not know: it gives the log up and takes the park again.
      logs[0]!.fail()
      await ownership.retake(park)
      expect(events).toEqual([`acquired ${token} []`, 'lost retaken', `acquired ${token} [{"n":1}]`])
      expect(ownership.token(park)).toBe(token)
      expect(logs[1]!.loaded.position).toBe(1)
      await expect(logs[1]!.append([{ n: 2 }], { position: 2 })).resolves.toBeGreaterThan(0)

      // The buckets' view, read from their leaders: owner, token and since when.
      const [view] = await ownership.view()
      expect(view).toMatchObject({ park, owner: 'rt-a', token, movingTo: undefined })
      expect(view!.since).toBeGreaterThanOrEqual(started)
      expect(view!.since).toBeLessThanOrEqual(Date.now())
      // Still the acquiring revision after renewals rewrote the key.
      await new Promise((r) => setTimeout(r, 1500))
      expect((await ownership.lease(park))?.token).toBe(token)

      await expect(ownership.move(park, 'nobody')).rejects.toThrow(MoveRefused)
      await expect(ownership.move(park, 'nobody')).rejects.toThrow(/no such live node \(alive: rt-a\)/)
      await expect(ownership.move(park, 'rt-a')).rejects.toThrow(`park ${park} is already on rt-a`)
    } finally {
      await stop({ release: true })
    }
  })
})
