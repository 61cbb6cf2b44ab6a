import { describe, expect, it } from 'vitest'
import type { Reading } from '../../../hub/src/model/reading.js'
import type { ReadingsMessage } from '../../../hub/src/cluster/readings-codec.js'
import { batchBody, batchSubject, subjectOf, TurnBatches, type TurnBatch } from '../../../hub/src/cluster/turn-batches.js'

const reading = (park: string, device: string, v: number): Reading => ({ park, enterprise: 'e', area: 'a', device, kind: 'gas', ts: 1_700_000_000_000 + v, values: { lel: v }, flags: {} }) as unknown as Reading
const turn = (): Promise<void> => new Promise((r) => setImmediate(r))
const message = (b: TurnBatch, seq: number): ReadingsMessage => JSON.parse(`{"v":1,"node":"n","seq":${batchBody(seq, b)}`) as ReadingsMessage

describe('a turn\'s readings, one message per park', () => {
  it('gathers one turn\'s entries by park, in order; the next turn starts anew', async () => {
    const turns: TurnBatch[][] = []
    const t = new TurnBatches((b) => turns.push(b))
    const room = (): boolean => true
    t.add({ readings: [reading('p1', 'd1', 1)] }, 0, room)
    t.add({ readings: [reading('p2', 'd9', 2)] }, 0, room)
    t.add({ readings: [reading('p1', 'd1', 3), reading('p1', 'd1', 4)] }, 0, room)
    expect(turns).toHaveLength(0)
    await turn()
    expect(turns).toHaveLength(1)
    const [p1, p2] = turns[0]!
    expect(batchSubject(p1!)).toBe('readings.p1.d1')
    expect(message(p1!, 7).readings!.map((r) => r.values.lel)).toEqual([1, 3, 4])
    expect(batchSubject(p2!)).toBe('readings.p2.d9')
    t.add({ readings: [reading('p1', 'd1', 5)] }, 0, room)
    t.add({ events: [{ park: 'p1', enterprise: 'e', area: 'a', device: 'd2', kind: 'gas', ts: 1, type: 'fault' } as never] }, 0, room)
    await turn()
    expect(turns).toHaveLength(2)
    const b = turns[1]![0]!
    expect(batchSubject(b)).toBe('readings.p1.=many')
    const m = message(b, 8)
    expect(m.readings).toHaveLength(1)
    expect(m.events).toHaveLength(1)
    expect(subjectOf(m)).toBe('readings.p1.=many')
  })

  it('closes a park\'s message past 256 KB and starts the next, in order (NATS refuses messages over its max_payload)', async () => {
    const turns: TurnBatch[][] = []
    const t = new TurnBatches((b) => turns.push(b))
    // 4,000 readings of about 130 characters: about 520 KB.
    for (let i = 0; i < 4000; i++) t.add({ readings: [reading('p1', 'd1', i)] }, 0, () => true)
    await turn()
    const sizes = turns[0]!.map((b) => b.chars)
    expect(sizes.length).toBeGreaterThan(1)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(256 * 1024)
    expect(turns[0]!.flatMap((b, k) => message(b, k).readings!.map((r) => r.values.lel))).toEqual(Array.from({ length: 4000 }, (_, i) => i))
  })

  it('a QoS 1 entry makes the park\'s message one to wait for; QoS 0 alone does not', async () => {
    const turns: TurnBatch[][] = []
    const t = new TurnBatches((b) => turns.push(b))
    const a = t.add({ readings: [reading('p1', 'd1', 1)] }, 0, () => true)!
    expect(a.durable).toBeUndefined()
    const b = t.add({ readings: [reading('p1', 'd2', 2)] }, 1, () => true)!
    expect(b).toBe(a)
    expect(b.durable).toBeDefined()
    await turn()
  })

  it('refuses an entry the outbox has no room for, counting the turn\'s messages not yet written', () => {
    const t = new TurnBatches(() => undefined)
    let asked = 0
    const room = (chars: number): boolean => {
      asked = chars
      return chars < 1000
    }
    expect(t.add({ readings: [reading('p1', 'd1', 1)] }, 0, room)).toBeDefined()
    const first = asked
    // The second asks for the first's characters too.
    expect(t.add({ readings: [reading('p1', 'd1', 2)] }, 0, room)).toBeDefined()
    expect(asked).toBeGreaterThan(first)
    let refused = 0
    for (let i = 0; i < 50; i++) if (!t.add({ readings: [reading('p1', 'd1', i)] }, 0, room)) refused++
    expect(refused).toBeGreaterThan(0)
  })
})
