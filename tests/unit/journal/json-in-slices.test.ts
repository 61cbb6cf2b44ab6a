import { describe, expect, it } from 'vitest'
import { CachedJson, JsonText, jsonInSlices } from '../../../hub/src/journal/json-in-slices.js'

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

  it('puts a part given as JSON text in as it is', async () => {
    const state = bigState(1_000)
    const deadman = new JsonText(JSON.stringify(state.deadman))
    expect(await jsonInSlices({ ...state, deadman })).toBe(JSON.stringify(state))
    expect(await jsonInSlices(new JsonText('[1]'))).toBe('[1]')
  })
})

describe('CachedJson', () => {
  it('writes a part again only when its version changes', async () => {
    const cache = new CachedJson()
    const part = { offline: { 'GAS-1': 'timeout' } as Record<string, string> }
    let built = 0
    const value = (): unknown => (built++, part)
    expect((await cache.of(1, value)).text).toBe('{"offline":{"GAS-1":"timeout"}}')
    part.offline['GAS-2'] = 'status'
    // Same version: the text kept, the value not even asked for.
    expect((await cache.of(1, value)).text).toBe('{"offline":{"GAS-1":"timeout"}}')
    expect(built).toBe(1)
    expect((await cache.of(2, value)).text).toBe('{"offline":{"GAS-1":"timeout","GAS-2":"status"}}')
    expect(built).toBe(2)
  })

  it('keeps a text written less than staleForMs ago even when the version changed', async () => {
    const cache = new CachedJson()
    const part = { n: 1 }
    expect(cache.length).toBe(0)
    expect((await cache.of(1, () => part, 60_000)).text).toBe('{"n":1}')
    part.n = 2
    expect((await cache.of(2, () => part, 60_000)).text).toBe('{"n":1}')
    expect(cache.length).toBe(7)
    // Without the allowance the change is written at once.
    expect((await cache.of(2, () => part)).text).toBe('{"n":2}')
  })
})
