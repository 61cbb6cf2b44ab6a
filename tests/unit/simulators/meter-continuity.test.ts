import { describe, expect, it } from 'vitest'
import type { Device } from '../../../hub/src/model/device.js'
import { advance } from '../../../hub/src/energy/counter.js'
import { DEFAULT_MAX_RATE } from '../../../hub/src/energy/meter-limits.js'
import { EnergyMeterModel } from '../../../simulators/src/models/energy.js'
import { continueMeters, readMeterLatest, type FetchLike } from '../../../simulators/src/meter-continuity.js'
import { createRng } from '../../../simulators/src/prng.js'
import { World } from '../../../simulators/src/world.js'
import { T0 } from './scenario-run.js'

const MIN = 60_000
const meter = (id: string, metrics: string[]): Device => ({ id, kind: 'energy', type: 'electricity', park: 'p', enterprise: 'e', name: id, metrics, position: { x: 0, y: 0 }, interval: 60 })

/** Readings of a fresh model from `from`, once a minute, for `minutes`. */
function run(m: EnergyMeterModel, from: number, minutes: number): Array<[number, Record<string, number>]> {
  const world = new World(createRng(1), { start: from, quiet: true })
  const out: Array<[number, Record<string, number>]> = []
  for (let i = 0; i <= minutes; i++) {
    const s = m.sample(from + i * MIN, world)
    if (s) out.push([from + i * MIN, s.values as Record<string, number>])
  }
  return out
}

describe('a meter carries on from the hub’s last reading', () => {
  it('a later run starts at the hub’s value, so the step between runs is plausible use', () => {
    const first = run(new EnergyMeterModel(meter('m', ['kwh', 'kw']), createRng(7)), T0, 60)
    const [lastTs, lastValues] = first[first.length - 1]!
    // the same seed again (a second run) would start from the model's own base: backwards, a second base
    const again = run(new EnergyMeterModel(meter('m', ['kwh', 'kw']), createRng(7)), lastTs + 10 * MIN, 5)
    expect(again[0]![1].kwh!).toBeLessThan(lastValues.kwh! - 100)
    const m = new EnergyMeterModel(meter('m', ['kwh', 'kw']), createRng(7))
    expect(m.continueFrom({ kwh: { value: lastValues.kwh!, ts: lastTs }, kw: { value: 1, ts: lastTs } })).toEqual(['kwh'])
    const next = run(m, lastTs + 10 * MIN, 5)
    // ten minutes after the hub's reading: ten minutes of use on from its value
    expect(next[0]![1].kwh! - lastValues.kwh!).toBeCloseTo((next[0]![1].kw! / 60) * 10, -1)
    const step = advance({ baseline: { ts: lastTs, value: lastValues.kwh! } }, { ts: next[5]![0], value: next[5]![1].kwh! }, DEFAULT_MAX_RATE.kwh)
    expect(step.kind).toBe('normal')
    expect(step.usage).toBeGreaterThan(0)
  })

  it('history the hub already holds is not sent again (a backfill after a live run); the first reading after it counts on', () => {
    const m = new EnergyMeterModel(meter('m', ['kwh', 'kw', 'gas_m3']), createRng(8))
    const hubTs = T0 + 30 * MIN
    m.continueFrom({ kwh: { value: 123_456, ts: hubTs }, gas_m3: { value: 789, ts: hubTs } })
    const out = run(m, T0, 60)
    expect(out.every(([t, v]) => t > hubTs || (v.kwh === undefined && v.gas_m3 === undefined && v.kw === undefined))).toBe(true)
    const after = out.filter(([t]) => t > hubTs)
    expect(after[0]![0]).toBe(hubTs + MIN)
    // one minute at the meter's rate on from the hub's value
    expect(after[0]![1].kwh! - 123_456).toBeCloseTo(after[0]![1].kw! / 60, 0)
    expect(after[0]![1].kwh).toBeGreaterThan(123_456)
    expect(after[0]![1].gas_m3).toBeGreaterThan(789)
    for (let i = 1; i < after.length; i++) expect(after[i]![1].kwh!).toBeGreaterThanOrEqual(after[i - 1]![1].kwh!)
  })

  it('reads each meter’s latest from the hub, signed in; says so when the hub is unreachable', async () => {
    const asked: string[] = []
    const hub: FetchLike = async (url, init) => {
      asked.push(`${init?.method ?? 'GET'} ${url.replace('http://hub', '')}`)
      if (url.endsWith('/auth/login')) return Response.json({ token: 't' })
      if (url.endsWith('/devices/m1/latest')) return Response.json({ device: 'm1', online: true, lastSeen: 5, values: { kwh: { value: 42, ts: 5 }, kw: { value: 3, ts: 5 } } })
      if (url.endsWith('/devices/m2/latest')) return Response.json({ device: 'm2', online: false, lastSeen: null, values: {} })
      return new Response('', { status: 404 })
    }
    const devices = [meter('m1', ['kwh', 'kw']), meter('m2', ['gas_m3']), { ...meter('g', ['lel']), kind: 'gas' as const }]
    const r = await readMeterLatest('http://hub', 'viewer', 'viewer-demo', devices, hub)
    expect(r.error).toBeUndefined()
    expect([...r.latest]).toEqual([['m1', { kwh: { value: 42, ts: 5 }, kw: { value: 3, ts: 5 } }]])
    expect(asked.sort()).toEqual(['GET /api/v1/devices/m1/latest', 'GET /api/v1/devices/m2/latest', 'POST /api/v1/auth/login'])
    const models = new Map([['m1', new EnergyMeterModel(devices[0]!, createRng(1))]])
    expect(continueMeters((id) => models.get(id), r.latest)).toEqual({ meters: 1, newest: 5 })

    const down: FetchLike = async () => { throw new Error('connect ECONNREFUSED') }
    const d = await readMeterLatest('http://hub', 'viewer', 'viewer-demo', devices, down)
    expect(d.latest.size).toBe(0)
    expect(d.error).toMatch(/cannot sign in to http:\/\/hub as viewer: connect ECONNREFUSED/)
  })
})
