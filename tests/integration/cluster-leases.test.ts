import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { ensureStateStream, FencedParkLog, type StateMessage } from '../../hub/src/cluster/fenced-park-log.js'
import { startParkOwnership } from '../../hub/src/cluster/park-ownership.js'
import { stateSubject, STATE_STREAM } from '../../hub/src/cluster/subjects.js'
import { startJetStream, streamMessages, type TestNats } from '../support/cluster-harness.js'
import { eventually } from '../support/hub-harness.js'

/**
 * Leases with the default 5 s lease on a real three-server NATS cluster, against an owner in its
 * own process that is killed (-9) or paused (SIGSTOP) for real: another node evaluates the
 * killed node's parks within the 10 s target, and a paused owner resuming after its lease moved
 * writes nothing (the fenced park log refuses it) even though it goes on trying.
 */

const LEASE_MS = 5000
const FAILOVER_TARGET_MS = 10_000
const nodeScript = fileURLToPath(new URL('./cluster-leases-node.ts', import.meta.url))

let nats: TestNats
let nc: NatsConnection
let js: JetStreamClient
let jsm: JetStreamManager
const children: ChildProcess[] = []
const stops: (() => Promise<void>)[] = []

type Line = { ev: string; park?: string; seq?: number; n?: number; reason?: string; token?: number }

/** A node process claiming `parks`; its JSON lines collected as they come. */
function startChild(id: string, parks: string[]): { child: ChildProcess; lines: Line[] } {
  const child = spawn(process.execPath, ['--import', 'tsx', nodeScript], {
    env: { ...process.env, NATS_URLS: nats.urls, NODE_ID: id, PARKS: parks.join(','), LEASE_MS: String(LEASE_MS), TICK_MS: '100' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.push(child)
  const lines: Line[] = []
  let buf = ''
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString()
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      lines.push(JSON.parse(buf.slice(0, i)) as Line)
      buf = buf.slice(i + 1)
    }
  })
  return { child, lines }
}

/** The surviving node, in this process: on each park it acquires it takes the log over. */
async function startSurvivor(id: string, parks: string[]) {
  const acquired = new Map<string, { at: number; log: FencedParkLog }>()
  const lost: { park: string; reason: string }[] = []
  const h = await startParkOwnership(nc, {
    node: id,
    leaseMs: LEASE_MS,
    replicas: 3,
    parks: () => parks,
    onAcquired: async (park, token, epoch) => {
      const at = Date.now()
      acquired.set(park, { at, log: await FencedParkLog.takeover(js, jsm, { park, node: id, token, epoch }) })
    },
    onLost: (park, reason) => void lost.push({ park, reason }),
  })
  stops.push(() => h.stop({ release: true }))
  return { ...h, acquired, lost }
}

async function stateOf(park: string): Promise<{ seq: number; m: StateMessage }[]> {
  return (await streamMessages(nc, STATE_STREAM, stateSubject(park))).map((s) => ({ seq: s.seq, m: s.json<StateMessage>() }))
}

beforeAll(async () => {
  ;({ nats, nc, js, jsm } = await startJetStream())
  await ensureStateStream(jsm, { replicas: 3 })
})

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) {
    c.kill('SIGCONT')
    c.kill('SIGKILL')
  }
  for (const s of stops.splice(0)) await s().catch(() => undefined)
})

afterAll(async () => {
  await nc?.close()
  await nats?.stop()
})

describe('park leases: a killed or paused owner (5 s lease)', () => {
  it(`another node evaluates a killed node's parks within ${FAILOVER_TARGET_MS / 1000} s, restoring what it wrote`, async () => {
    const parks = ['kill-1', 'kill-2', 'kill-3']
    const x = startChild('node-x', parks)
    await eventually(() => parks.every((p) => x.lines.some((l) => l.ev === 'wrote' && l.park === p && l.n! >= 5)), 20_000, 'node-x owning and writing every park')
    const s = await startSurvivor('node-s', parks)
    await eventually(() => s.ownership.claiming, 3 * LEASE_MS + 2000, 'node-s claiming')
    await new Promise((r) => setTimeout(r, 500))
    expect(s.acquired.size).toBe(0) // the parks are held: nothing to claim

    const killedAt = Date.now()
    x.child.kill('SIGKILL')
    await eventually(() => s.acquired.size === parks.length, 20_000, "node-x's parks on node-s")
    const failover = Math.max(...[...s.acquired.values()].map((a) => a.at)) - killedAt
    process.stdout.write(`failover after kill -9, lease ${LEASE_MS} ms: ${parks.length} parks taken over and their logs restored ${failover} ms after the kill\n`)
    expect(failover).toBeLessThanOrEqual(FAILOVER_TARGET_MS)
    for (const p of parks) {
      const printed = Math.max(...x.lines.filter((l) => l.ev === 'wrote' && l.park === p).map((l) => l.n!))
      const restored = s.acquired.get(p)!.log.loaded.records as { tick: number; node: string }[]
      // Every write node-x reported is restored (a write acknowledged just before the kill may not have been reported).
      expect(restored.length).toBeGreaterThanOrEqual(printed)
      expect(restored.map((r) => r.tick)).toEqual(restored.map((_, i) => i + 1))
    }
  })

  it('a paused owner resuming after its lease moved writes nothing: the fenced log refuses it', async () => {
    const park = 'pause-1'
    const y = startChild('node-y', [park])
    await eventually(() => y.lines.some((l) => l.ev === 'wrote' && l.park === park && l.n! >= 5), 20_000, 'node-y writing')
    const s = await startSurvivor('node-s2', [park])
    await eventually(() => s.ownership.claiming, 3 * LEASE_MS + 2000, 'node-s2 claiming')

    const pausedAt = Date.now()
    y.child.kill('SIGSTOP')
    await eventually(() => s.acquired.has(park), 20_000, 'the park on node-s2')
    process.stdout.write(`pause: park taken over ${s.acquired.get(park)!.at - pausedAt} ms after SIGSTOP\n`)
    const log = s.acquired.get(park)!.log
    await log.append([{ by: 'node-s2' }])
    const takeoverSeq = (await stateOf(park)).find((x) => x.m.kind === 'takeover' && x.m.node === 'node-s2')!.seq
    const printedBefore = y.lines.length

    // Resume node-y: its tick timer writes at once, as if it had never stopped.
    y.child.kill('SIGCONT')
    await eventually(() => y.lines.slice(printedBefore).some((l) => l.ev === 'fenced' && l.park === park), 10_000, 'node-y fenced')
    const after = y.lines.slice(printedBefore)
    process.stdout.write(`node-y after SIGCONT: ${after.map((l) => `${l.ev}${l.reason ? `(${l.reason})` : ''}`).join(', ')}\n`)
    expect(after.some((l) => l.ev === 'lost' && l.park === park)).toBe(true)
    expect(after.filter((l) => l.ev === 'wrote' && l.seq! > takeoverSeq)).toEqual([])

    // The log after node-s2's takeover holds node-s2's writes only, and node-s2 still writes.
    await log.append([{ by: 'node-s2', again: true }])
    const state = await stateOf(park)
    const since = state.filter((x) => x.seq >= takeoverSeq)
    expect(since.length).toBe(3)
    expect(since.every((x) => x.m.node === 'node-s2')).toBe(true)
    expect(log.fenced).toBe(false)
  })
})
