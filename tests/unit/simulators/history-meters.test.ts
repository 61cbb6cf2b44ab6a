/**
 * The history ends where the live meters start: `meterEnds` gives what the fill's own engine
 * writes last for each meter, and a live engine counting on from those values goes on from
 * them (no second base, no step back) — the hub sees one counter per meter.
 */
import { describe, expect, it } from 'vitest'
import { Engine } from '../../../simulators/src/engine.js'
import { continueMeters } from '../../../simulators/src/meter-continuity.js'
import { historyEngine, meterEnds } from '../../../simulators/src/history/history-fill.js'
import { indexZone } from '../../../simulators/src/scenarios/locate.js'
import { loadZone, tzOffsetMinutes } from '../../../simulators/src/zone-source.js'

const DAY = 86_400_000

describe('history and live meters', () => {
  it('meet: the live counters go on from the history\'s last values', async () => {
    const zone = await loadZone('hub/zones/demo-zone.yaml')
    const devices = indexZone(zone).devices
    const tz = tzOffsetMinutes(zone.timezone)
    const until = Date.UTC(2026, 10, 20, 6, 30)
    const from = until - 2 * DAY
    const ends = await meterEnds(devices, 1, from, until, tz)
    expect(ends.size).toBe(devices.filter((d) => d.kind === 'energy').length)

    // What the fill writes last for each meter is what meterEnds says.
    const last = new Map<string, Record<string, number>>()
    historyEngine(devices, 1, from, tz).runUntil(until, (o) => void (o.type === 'telemetry' && o.values.kwh !== undefined && last.set(o.device, o.values)))
    for (const [id, values] of last) expect(ends.get(id)?.kwh?.value).toBe(values.kwh)

    // Live, from a minute later: every counter goes on from there, by at most what 10 minutes at
    // the meters' highest nominal load (4,000 kW, models/energy.ts) with a 2.5× spike can count.
    const live = new Engine(devices, { seed: 1, start: until + 60_000, quiet: true, tzOffsetMin: tz })
    expect(continueMeters((id) => live.model(id), ends).meters).toBe(ends.size)
    const first = new Map<string, number>()
    live.runUntil(until + 11 * 60_000, (o) => void (o.type === 'telemetry' && o.values.kwh !== undefined && !first.has(o.device) && first.set(o.device, o.values.kwh)))
    expect(first.size).toBe(last.size)
    for (const [id, kwh] of first) {
      const end = ends.get(id)!.kwh!.value
      expect(kwh).toBeGreaterThanOrEqual(end)
      expect(kwh - end).toBeLessThan((4000 * 2.5 * 10) / 60)
    }
  })
})
