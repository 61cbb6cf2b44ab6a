import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import YAML from 'yaml'
import type { NatsConnection } from '@nats-io/transport-node'
import { api, eventually, startTestHub, type TestHub } from '../support/hub-harness.js'
import { connectNats, jetStreamReady, startTestNats, streamMessages, type TestNats } from '../support/cluster-harness.js'
import { TestLogger } from '../support/hj212-test-logger.js'
import type { ReadingsMessage } from '../../hub/src/cluster/readings-codec.js'
import type { HealthReport } from '../../hub/src/api/services.js'

/**
 * An HJ 212-2017 logger's real-time data in cluster mode: the 9014 answer goes out once the
 * packet's readings are in the outbox on disk and JetStream acknowledged them — withheld while
 * two of three NATS servers are down, sent once they are back.
 */
const STACK = 'vtc-ti01-cems-001'
const STACK_MN = '010000A8900016F000169DC0'
const STACK_PW = '100000'
const TZ = 'Asia/Shanghai'
const CP = 'a21026-Rtd=35.2,a21026-Flag=N;a21002-Rtd=50.5,a21002-Flag=N'

describe('cluster log: HJ 212 answers after JetStream', () => {
  let nats: TestNats
  let nc: NatsConnection
  let t: TestHub
  let dir: string
  let logger: TestLogger | undefined

  beforeAll(async () => {
    nats = await startTestNats()
    nc = await connectNats(nats.urls)
    await jetStreamReady(nc)
    dir = await mkdtemp(join(tmpdir(), 'smartpark-cluster-hj212-'))
    const zone = YAML.parse(await readFile(new URL('../../hub/zones/demo-zone.yaml', import.meta.url), 'utf8')) as { devices: Record<string, unknown>[] }
    for (const d of zone.devices) if (d.id === STACK) d.hj212 = { mn: STACK_MN, pw: STACK_PW }
    await writeFile(join(dir, 'zone.yaml'), YAML.stringify(zone))
    t = await startTestHub({ dataDir: join(dir, 'data'), env: { HUB_CONFIG: join(dir, 'zone.yaml'), HUB_HJ212_PORT: '0', HUB_NATS_URL: nats.urls, HUB_NODE_ID: 'hj212-a' } })
  })
  afterAll(async () => {
    logger?.close()
    await t?.stop()
    await nc?.close()
    await nats?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('answers 9014 once JetStream has the packet, and not while the quorum is lost', async () => {
    logger = await TestLogger.open(t.hub.addresses.hj212Port!, TZ)
    const ts = Math.floor((Date.now() - 600_000) / 1000) * 1000
    logger.send('2011', STACK_MN, STACK_PW, ts, CP)
    await eventually(() => logger!.answers === 1, 15_000, 'the first 9014')
    const first = (await streamMessages(nc, 'READINGS', `readings.vtc.${STACK}`)).map((m) => m.json<ReadingsMessage>())
    expect(first).toHaveLength(1)
    expect(first[0]!.readings![0]).toMatchObject({ device: STACK, ts, values: { so2: 35.2 } })
    const [s1, s2] = nats.cluster.servers
    await s1!.kill9()
    await s2!.kill9()
    logger.send('2011', STACK_MN, STACK_PW, ts + 30_000, CP)
    await eventually(async () => {
      const h = (await api<HealthReport>(t, 'GET', '/api/v1/health')).body.cluster
      return h?.quorum === 'lost' && h.pendingAcks === 1
    }, 30_000, 'the packet waiting for JetStream with the quorum lost')
    expect(logger.answers).toBe(1)
    await s1!.start()
    await s2!.start()
    await eventually(() => logger!.answers === 2, 30_000, 'the second 9014 once JetStream is back')
    const all = (await streamMessages(nc, 'READINGS', `readings.vtc.${STACK}`)).map((m) => m.json<ReadingsMessage>().readings![0]!.ts)
    expect(all).toEqual([ts, ts + 30_000])
  }, 150_000)
})
