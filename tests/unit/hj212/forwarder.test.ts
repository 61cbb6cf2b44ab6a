import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Device } from '../../../hub/src/model/device.js'
import type { Hj212Upstream } from '../../../hub/src/model/hj212.js'
import type { Reading } from '../../../hub/src/model/reading.js'
import { Forwarder } from '../../../hub/src/hj212/forwarder.js'
import { frame } from '../../../hub/src/hj212/frame.js'
import { buildDataSegment, parseDataTime } from '../../../hub/src/hj212/packet.js'
import { FakeHj212Platform } from '../../support/fake-hj212-platform.js'
import { eventually } from '../../support/hub-harness.js'

/**
 * The forwarder against a real TCP platform, without a hub: a window of packets in flight,
 * forwarding without answers, a platform's request refused, a disabled upstream left alone.
 */
const TZ = 'Asia/Shanghai'
const stack: Device = { id: 'stk', kind: 'emission', park: 'p', enterprise: 'e', name: 's', metrics: ['so2', 'flow'], position: { x: 0, y: 0 }, interval: 30 }
const T0 = Date.UTC(2026, 0, 1, 0, 0, 0)
const reading = (i: number): Reading => ({ park: 'p', enterprise: 'e', area: undefined, device: 'stk', kind: 'emission', ts: T0 + i * 30_000, values: { so2: i, flow: 3600 }, flags: undefined })

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

async function setUp(over: Partial<Hj212Upstream>): Promise<{ f: Forwarder; platform: FakeHj212Platform }> {
  const platform = new FakeHj212Platform()
  await platform.start()
  const dataDir = await mkdtemp(join(tmpdir(), 'forwarder-'))
  const f = await Forwarder.open({
    upstreams: [{ id: 'up', host: '127.0.0.1', port: platform.port, mn: 'PARK01', answerTimeoutSec: 1, ...over }],
    dataDir, timeZone: TZ, device: (id) => (id === 'stk' ? stack : undefined), loggerMnOf: () => undefined, loggerPw: () => undefined,
  })
  await f.setPw('up', 'pw1')
  cleanup.push(async () => {
    await f.close()
    await platform.stop()
    await rm(dataDir, { recursive: true, force: true })
  })
  return { f, platform }
}

const times = (platform: FakeHj212Platform): number[] => platform.packets.filter((p) => p.cn === '2011').map((p) => parseDataTime(p.cp.dataTime!, TZ)!)

describe('forwarder', () => {
  it('keeps a window of packets in flight and every one arrives, in order', async () => {
    const { f, platform } = await setUp({ window: 8 })
    f.readings(Array.from({ length: 50 }, (_, i) => reading(i)))
    await eventually(() => f.status()[0]!.backlog === 0 && platform.packets.length >= 50, 10_000, 'all answered')
    expect(times(platform)).toEqual(Array.from({ length: 50 }, (_, i) => T0 + i * 30_000))
    expect(platform.packets.every((p) => p.flag === 5 && p.pw === 'pw1' && p.mn === 'PARK01')).toBe(true)
    expect(f.status()[0]!.answered).toBe(50)
  })

  it('takes a platform answering in the HJ/T 212-2005 form, its QN inside CP', async () => {
    const { f, platform } = await setUp({ window: 8, answerTimeoutSec: 30 })
    platform.silence = 1000 // the platform answers below, 2005 style
    f.readings([reading(0), reading(1), reading(2)])
    await eventually(() => platform.packets.filter((p) => p.cn === '2011').length === 3, 10_000, 'three packets')
    for (const p of platform.packets) platform.sendToAll(frame(buildDataSegment({ st: '91', cn: '9014', pw: p.pw!, mn: p.mn!, flag: 0, cp: `QN=${p.qn};CN=2011` })))
    await eventually(() => f.status()[0]!.backlog === 0, 5_000, 'all three answered')
    expect(f.status()[0]).toMatchObject({ answered: 3, unmatched: 0, resent: 0 })
  })

  it('without answers, packets leave the queue once written, Flag without the A bit', async () => {
    const { f, platform } = await setUp({ answer: false })
    f.readings(Array.from({ length: 20 }, (_, i) => reading(i)))
    await eventually(() => platform.packets.length >= 20, 10_000, 'all arrived')
    await eventually(() => f.status()[0]!.backlog === 0, 5_000, 'queue empty')
    expect(platform.packets.every((p) => p.flag === 4)).toBe(true)
    expect(platform.answered).toBe(0)
  })

  it("refuses a platform's request with 9011 QnRtn=2 and goes on forwarding", async () => {
    const { f, platform } = await setUp({})
    f.readings([reading(0)])
    await eventually(() => platform.packets.length >= 1 && f.status()[0]!.backlog === 0, 10_000, 'first packet')
    platform.sendToAll(frame(buildDataSegment({ qn: '20260101000000123', st: '31', cn: '1061', pw: 'pw1', mn: 'PARK01', flag: 5, cp: '' })))
    await eventually(() => platform.packets.some((p) => p.cn === '9011'), 5_000, 'the refusal')
    const refusal = platform.packets.find((p) => p.cn === '9011')!
    expect(refusal.qn).toBe('20260101000000123')
    expect(refusal.cp.fields.get('QnRtn')).toBe('2')
    f.readings([reading(1)])
    await eventually(() => times(platform).length === 2 && f.status()[0]!.backlog === 0, 10_000, 'second packet')
  })

  it('a disabled upstream neither connects nor queues', async () => {
    const { f, platform } = await setUp({ disabled: true })
    f.readings([reading(0)])
    expect(f.status()[0]!.backlog).toBe(0)
    expect(f.status()[0]!.enabled).toBe(false)
    expect(f.status()[0]!.connects).toBe(0)
    expect(platform.packets).toHaveLength(0)
  })
})

describe('forwarder: a PW shared by a cluster', () => {
  it('setPw goes through the share only for a PW a packet can carry, resolves with it applied and kept, and the packets carry it', async () => {
    const { f, platform } = await setUp({})
    const shared: [string, string][] = []
    // The share stands for the cluster's bucket: it applies the PW on this node before it resolves.
    f.shareWith(async (id, pw) => {
      shared.push([id, pw])
      await f.applyPw(id, pw)
    })
    expect(await f.setPw('up', 'bad;pw')).toBe(false)
    expect(shared).toEqual([])
    expect(await f.setPw('up', 'pw-shared')).toBe(true)
    expect(shared).toEqual([['up', 'pw-shared']])
    expect(f.storedPws()).toEqual({ up: 'pw-shared' })
    f.readings([reading(0)])
    await eventually(() => platform.packets.length >= 1, 10_000, 'the packet')
    expect(platform.packets[0]!.pw).toBe('pw-shared')
    // A value no packet can carry, from another node's bucket, is refused rather than used.
    await expect(f.applyPw('up', 'two words')).rejects.toThrow(/not a PW a packet can carry/)
    expect(f.storedPws()).toEqual({ up: 'pw-shared' })
  })
})
