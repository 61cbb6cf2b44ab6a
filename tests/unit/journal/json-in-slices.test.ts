import { describe, expect, it } from 'vitest'
import { jsonInSlices } from '../../../hub/src/journal/json-in-slices.js'

/** A rules-like state: big records of last-seen times and sample windows, under a few keys. */
function bigState(devices: number): Record<string, unknown> {
  const seen: Record<string, number> = Object.create(null) as Record<string, number>
  const windows: Record<string, unknown> = {}
  for (let i = 0; i < devices; i++) {
    seen[`GAS-${i}`] = 1_763_800_000_000 + i
    if (i % 10 === 0) windows[`GAS-${i}:lel`] = { t: [1, 2, 3], v: [0.5, 1e21, -0] }
  }
  return { version: 3, deadman: { seen, offline: { 'GAS-7': 'timeout' } }, rateOfRise: { windows, conds: {} }, events: {}, note: 'ünïcode "quoted"', skipped: undefined, list: [1, { a: null }] }
}

describe('jsonInSlices', () => {
  it('writes exactly what JSON.stringify writes', async () => {
    const state = bigState(5_000)
    expect(await jsonInSlices(state)).toBe(JSON.stringify(state))
    for (const v of [null, 1, 'x', [1, 2], { a: { b: { c: { d: 1 } } } }, {}]) expect(await jsonInSlices(v)).toBe(JSON.stringify(v))
  })

  it('gives the event loop its turns while it writes a large state', async () => {
    const state = bigState(50_000)
    let turns = 0
    const tick = (): void => {
      turns++
      if (!done) setImmediate(tick)
    }
    let done = false
    setImmediate(tick)
    const text = await jsonInSlices(state)
    done = true
    // Written in one piece, not one other callback would have run before it was done.
    expect(turns).toBeGreaterThan(5)
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(state)))
  })

  it('stays valid JSON when the state changes while it is written', async () => {
    const state = bigState(50_000)
    const seen = (state.deadman as { seen: Record<string, number> }).seen
    const writing = jsonInSlices(state)
    // Between slices: an entry not yet written goes, one is added, one changes.
    await new Promise((r) => setImmediate(r))
    delete seen['GAS-49999']
    seen['GAS-new'] = 1
    seen['GAS-49998'] = 2
    const parsed = JSON.parse(await writing) as { deadman: { seen: Record<string, number> } }
    expect(parsed.deadman.seen['GAS-49999']).toBeUndefined()
    expect(parsed.deadman.seen['GAS-49998']).toBe(2)
    expect(parsed.deadman.seen['GAS-0']).toBe(1_763_800_000_000)
  })
})
