import { describe, expect, it } from 'vitest'
import { TOXIC_GASES } from '../../../hub/src/model/vocabulary.js'
import { toxicFirstLevelOf } from '../../../simulators/src/models/gases.js'
import { indexZone } from '../../../simulators/src/scenarios/locate.js'
import { SCENARIOS, buildScenario } from '../../../simulators/src/scenarios/index.js'
import { CALIBRATION_AT, CALIBRATION_SEC, FLAG_FAULT_AT, FLAG_FAULT_SEC } from '../../../simulators/src/scenarios/plant-incidents.js'
import type { Device } from '../../../hub/src/model/device.js'
import { Engine, type Output } from '../../../simulators/src/engine.js'
import { collect, runScenario, T0 } from './scenario-run.js'
import { smallZone } from './small-zone.js'

const gasIn = (area: string) => smallZone().devices.filter((d) => d.kind === 'gas' && d.area === area)

describe('scenarios', () => {
  it.each(SCENARIOS.map((s) => s.name))('%s builds against a small hand-made zone, the same for the same seed', (name) => {
    const ix = indexZone(smallZone())
    const a = buildScenario(name, ix, { seed: 3, horizonSec: 3600 })
    const b = buildScenario(name, ix, { seed: 3, horizonSec: 3600 })
    expect(b).toEqual(a)
    expect(a.name).toBe(name)
    if (name !== 'normal-day') expect(a.timeline.length).toBeGreaterThan(0)
    for (const step of a.timeline) {
      if ('device' in step.action) expect(ix.devices.map((d) => d.id)).toContain(step.action.device)
      if ('park' in step.action) expect(ix.parks.map((p) => p.id)).toContain(step.action.park)
    }
  })

  it('normal-day stays below every GB/T 50493 first-level set point for 24 h', () => {
    const run = runScenario('normal-day', { durationSec: 86_400 })
    const zone = smallZone()
    let readings = 0
    for (const o of run.telemetry) {
      const d = zone.devices.find((x) => x.id === o.device)
      if (d?.kind !== 'gas') continue
      for (const [m, v] of Object.entries(o.values)) {
        readings++
        if (m === 'lel') expect(v).toBeLessThan(25)
        else if (m === 'o2') {
          expect(v).toBeGreaterThan(19.5)
          expect(v).toBeLessThan(23.5)
        } else if ((TOXIC_GASES as readonly string[]).includes(m)) expect(v).toBeLessThan(toxicFirstLevelOf(m))
      }
    }
    expect(readings).toBeGreaterThan(100_000)
    expect(run.events).toEqual([])
    expect(run.outputs.filter((o) => o.type === 'link')).toEqual([])
    // No exceedance either: the stack stays under its limits at reference O2.
    for (const o of run.telemetry.filter((x) => x.device === 's-1' && !x.flags)) {
      expect((o.values.so2 as number) * (15 / (21 - (o.values.o2 as number)))).toBeLessThan(35)
    }
  })

  it('combustible-leak drives a detector past 25 %LEL (first level) and 50 %LEL within its timeline', () => {
    const run = runScenario('combustible-leak')
    const leak = run.scenario.timeline.find((s) => s.action.kind === 'leak')?.action
    if (leak?.kind !== 'leak') throw new Error('expected a leak')
    // The hydrogen area gets hydrogen (LEL 4 %VOL).
    expect(leak.gas).toBe('h2')
    const detectors = gasIn(leak.area ?? '').filter((d) => d.metrics.includes('lel'))
    expect(detectors.length).toBeGreaterThanOrEqual(2)
    const first = Math.min(...detectors.map((d) => run.firstAbove(d.id, 'lel', 25)))
    expect(first).toBeLessThan(run.scenario.durationSec ?? 0)
    expect(Math.max(...detectors.map((d) => run.max(d.id, 'lel')))).toBeGreaterThan(50)
    // Near the source the plume passes the detector's range: pinned at 100 %LEL and flagged T
    // (over range, the hub's red at once); every flag on the wire is such a T.
    const flagged = run.telemetry.filter((o) => o.flags)
    expect(flagged.length).toBeGreaterThan(0)
    for (const o of flagged) expect([o.flags, o.values.lel]).toEqual([{ lel: 'T' }, 100])
    // The story holds: first level, then second level, and only then over range.
    const second = Math.min(...detectors.map((d) => run.firstAbove(d.id, 'lel', 50)))
    expect(first).toBeLessThan(second)
    expect(Math.min(...flagged.map((o) => (o.ts - T0) / 1000))).toBeGreaterThan(second)
    // Once the valve is closed the readings come back down.
    const closeAt = run.scenario.timeline.find((s) => s.action.kind === 'valve')?.at ?? 0
    for (const d of detectors) {
      const tail = run.series(d.id, 'lel').filter(([t]) => t > closeAt + 180)
      expect(Math.max(...tail.map(([, v]) => v))).toBeLessThan(10)
    }
  })

  it('toxic-release takes a chlorine detector in the chlorination area past 1× and 2× OEL', () => {
    const run = runScenario('toxic-release')
    const leak = run.scenario.timeline.find((s) => s.action.kind === 'leak')?.action
    expect(leak?.kind === 'leak' ? [leak.gas, leak.area] : []).toEqual(['cl2', 'a-cl'])
    const cl2 = ['g-cl-1', 'g-cl-2']
    const first = Math.min(...cl2.map((d) => run.firstAbove(d, 'cl2', toxicFirstLevelOf('cl2'))))
    const second = Math.min(...cl2.map((d) => run.firstAbove(d, 'cl2', 2 * toxicFirstLevelOf('cl2'))))
    expect(first).toBeLessThan(second)
    expect(second).toBeLessThan(300)
    // Past the detector's range (0–30 mg/m³) only after the second level: pinned at 30, flagged T.
    const over = run.telemetry.filter((o) => o.flags?.cl2 === 'T')
    for (const o of over) expect(o.values.cl2).toBe(30)
    expect(over.length).toBeGreaterThan(0)
    expect(Math.min(...over.map((o) => (o.ts - T0) / 1000))).toBeGreaterThan(second)
  })

  it('fire: smoke trips first, then heat, a call point is pressed, and everything clears after', () => {
    const run = runScenario('fire')
    const on = (type: string) => run.events.filter((e) => e.event === type && e.state === 'on').map((e) => (e.ts - T0) / 1000)
    const smoke = on('smoke_alarm')
    const heat = on('heat_alarm')
    expect(smoke.length).toBeGreaterThan(0)
    expect(on('manual_call_point').length).toBe(1)
    if (heat.length > 0) expect(Math.min(...smoke)).toBeLessThan(Math.min(...heat))
    expect(run.events.some((e) => e.event === 'smoke_alarm' && e.state === 'off')).toBe(true)
  })

  it('leak-ignites: gas past 25 %LEL, then fire signals in the same park', () => {
    const run = runScenario('leak-ignites')
    const leak = run.scenario.timeline.find((s) => s.action.kind === 'leak')?.action
    const fire = run.scenario.timeline.find((s) => s.action.kind === 'fire')
    expect(leak?.kind).toBe('leak')
    if (leak?.kind !== 'leak' || fire?.action.kind !== 'fire') return
    expect(fire.action.park).toBe(leak.park)
    expect(fire.action.position).toEqual(leak.position)
    const detectors = gasIn(leak.area ?? '').filter((d) => d.metrics.includes('lel'))
    expect(Math.min(...detectors.map((d) => run.firstAbove(d.id, 'lel', 25)))).toBeLessThan(fire.at)
    const fireEvents = run.events.filter((e) => e.state === 'on' && ['smoke_alarm', 'flame', 'heat_alarm'].includes(e.event))
    expect(fireEvents.length).toBeGreaterThan(0)
    const parkOf = (id: string) => smallZone().devices.find((d) => d.id === id)?.park
    for (const e of fireEvents) expect(parkOf(e.device)).toBe(leak.park)
    expect(Math.min(...fireEvents.map((e) => (e.ts - T0) / 1000))).toBeGreaterThanOrEqual(fire.at)
  })

  it('emission-exceedance: the stack\'s hourly O2-corrected average goes over its limit', () => {
    const run = runScenario('emission-exceedance')
    const step = run.scenario.timeline[0]
    expect(step?.action.kind).toBe('cems_episode')
    if (step?.action.kind !== 'cems_episode') return
    const metric = step.action.metric
    const limit = metric === 'so2' ? 35 : 50
    const hour = run.telemetry.filter((o) => o.device === 's-1' && !o.flags && o.ts >= T0 + (step.at + 900) * 1000 && o.ts < T0 + (step.at + 4500) * 1000)
    expect(hour.length).toBeGreaterThanOrEqual(45)
    const avg = hour.reduce((a, o) => a + (o.values[metric] as number) * (15 / (21 - (o.values.o2 as number))), 0) / hour.length
    expect(avg).toBeGreaterThan(limit)
    expect(run.scenario.suggestedSpeed).toBeGreaterThan(1)
  })

  it('energy-spike: the meter\'s power jumps for a while', () => {
    const run = runScenario('energy-spike')
    const step = run.scenario.timeline[0]
    if (step?.action.kind !== 'energy_spike') throw new Error('expected an energy spike first')
    const kw = run.series(step.action.device, 'kw')
    const before = kw.filter(([t]) => t < step.at).map(([, v]) => v)
    const during = kw.filter(([t]) => t > step.at + 60 && t < step.at + 600).map(([, v]) => v)
    expect(Math.min(...during)).toBeGreaterThan(1.5 * Math.max(...before))
  })

  it('sensor-faults: a device drops off and returns, one sticks, one spikes, a meter restarts', () => {
    const run = runScenario('sensor-faults')
    const kinds = run.scenario.timeline.map((s) => (s.action.kind === 'fault' ? s.action.fault : s.action.kind))
    expect(kinds).toEqual(expect.arrayContaining(['stuck', 'spike', 'dropout', 'offline', 'meter_replace', 'panel_fault']))
    const links = run.outputs.filter((o) => o.type === 'link')
    expect(links.map((l) => (l.type === 'link' ? l.up : null))).toEqual([false, true])
    expect(run.events.filter((e) => e.event === 'panel_fault').map((e) => e.state)).toEqual(['on', 'off'])
  })

  it('sensor-faults: a gas detector flags D for 5 min, another C with span gas for 4 min, then both send valid values', () => {
    const run = runScenario('sensor-faults')
    const flagStep = (fault: string) => run.scenario.timeline.find((s) => s.action.kind === 'fault' && s.action.fault === fault)
    const cases: Array<[string, string, number, number]> = [
      ['fault', 'D', FLAG_FAULT_AT, FLAG_FAULT_SEC],
      ['calibration', 'C', CALIBRATION_AT, CALIBRATION_SEC],
    ]
    const devices = new Set<string>()
    for (const [fault, flag, at, sec] of cases) {
      const step = flagStep(fault)
      if (step?.action.kind !== 'fault') throw new Error(`expected a ${fault} step`)
      expect(step.at).toBe(at)
      const device = step.action.device
      devices.add(device)
      expect(smallZone().devices.find((d) => d.id === device)?.kind).toBe('gas')
      const tele = run.telemetry.filter((o) => o.device === device).map((o) => ({ at: (o.ts - T0) / 1000, flags: o.flags, values: o.values }))
      const during = tele.filter((o) => o.at >= at && o.at < at + sec)
      expect(during.length).toBeGreaterThanOrEqual(sec / 5 - 6)
      for (const o of during) expect(Object.values(o.flags ?? {})).toEqual(Object.keys(o.values).map(() => flag))
      expect(tele.filter((o) => o.at < at || o.at >= at + sec).every((o) => o.flags === undefined)).toBe(true)
      // Valid again afterwards: that is what clears the hub's device_fault / out_of_service.
      expect(tele.filter((o) => o.at >= at + sec).length).toBeGreaterThan(10)
    }
    expect(devices.size).toBe(2)
    // The spike: one reading past the first level, short of the second and inside the range.
    const spike = run.scenario.timeline.find((s) => s.action.kind === 'fault' && s.action.fault === 'spike')
    if (spike?.action.kind !== 'fault') throw new Error('expected a spike')
    const spikeDevice = spike.action.device
    const readings = run.telemetry.filter((o) => o.device === spikeDevice).flatMap((o) => Object.entries(o.values))
    const above = readings.filter(([m, v]) => (m === 'lel' ? v > 25 : v > toxicFirstLevelOf(m)))
    expect(above.length).toBe(1)
    const [metric, value] = above[0] as [string, number]
    expect(value).toBeLessThan(metric === 'lel' ? 50 : 2 * toxicFirstLevelOf(metric))
    expect(run.telemetry.filter((o) => o.device === spikeDevice).every((o) => o.flags === undefined)).toBe(true)
  })

  it('oxygen-deficiency: a nitrogen purge takes O2 below 19.5 %VOL for minutes, then it recovers; nothing combustible or toxic is read', () => {
    const run = runScenario('oxygen-deficiency')
    const leak = run.scenario.timeline.find((s) => s.action.kind === 'leak')
    const close = run.scenario.timeline.find((s) => s.action.kind === 'valve')
    if (leak?.action.kind !== 'leak' || !close) throw new Error('expected a purge and its end')
    expect([leak.action.gas, leak.action.area]).toEqual(['n2', 'a-h2'])
    const o2 = run.series('g-o2-1', 'o2')
    expect(o2.filter(([t]) => t < leak.at).every(([, v]) => v > 20.4)).toBe(true)
    const below = o2.filter(([, v]) => v < 19.5).map(([t]) => t)
    expect(below.length).toBeGreaterThan(0)
    const firstBelow = Math.min(...below)
    const lastBelow = Math.max(...below)
    expect(firstBelow).toBeGreaterThan(leak.at)
    expect(firstBelow).toBeLessThan(leak.at + 120)
    // Below for some minutes, without a break (the alarm does not chatter) …
    expect(lastBelow - firstBelow).toBeGreaterThan(300)
    expect(o2.filter(([t]) => t >= firstBelow && t <= lastBelow).every(([, v]) => v < 19.5)).toBe(true)
    // … not lethal, and inside the detector's 0–25 %VOL …
    expect(Math.min(...o2.map(([, v]) => v))).toBeGreaterThan(16)
    // … and back above the low set point plus its deadband (19.5 + 0.5) within 2 min of the purge's end.
    expect(lastBelow).toBeLessThan(close.at + 120)
    const after = o2.filter(([t]) => t > close.at + 120)
    expect(after.length).toBeGreaterThan(10)
    expect(after.every(([, v]) => v > 20)).toBe(true)
    // Nitrogen is inert: the hydrogen area's combustible detectors read nothing of it.
    for (const d of gasIn('a-h2').filter((x) => x.metrics.includes('lel'))) expect(run.max(d.id, 'lel')).toBeLessThan(5)
    expect(run.telemetry.filter((o) => o.flags)).toEqual([])
  })

  it('multi: several incidents at once across parks', () => {
    const run = runScenario('multi')
    const parks = new Set(run.scenario.incidents.map((i) => i.park))
    expect(parks.size).toBeGreaterThanOrEqual(2)
    expect(run.scenario.incidents.length).toBeGreaterThanOrEqual(4)
    expect(run.events.some((e) => e.event === 'smoke_alarm' && e.state === 'on')).toBe(true)
    const lel = smallZone().devices.filter((d) => d.metrics.includes('lel'))
    expect(Math.max(...lel.map((d) => run.max(d.id, 'lel')))).toBeGreaterThan(25)
    // Both parks are taken before the oxygen purge's turn: it needs a park of its own (its calm air).
    expect(run.scenario.incidents.map((i) => i.kind)).not.toContain('oxygen-deficiency')
  })

  it('oxygen-deficiency at a vacuum furnace purges argon (nitrogen would react with the melt), scaled to displace as much air', () => {
    const zone = smallZone()
    const area = zone.parks[0]?.areas.find((x) => x.id === 'a-h2')
    if (!area) throw new Error('a-h2')
    area.name = '真空熔炼车间'
    area.nameEn = 'Vacuum melting shop'
    const ix = indexZone(zone)
    const s = buildScenario('oxygen-deficiency', ix, { seed: 1 })
    const leak = s.timeline.find((t) => t.action.kind === 'leak')?.action
    if (leak?.kind !== 'leak') throw new Error('expected a purge')
    // 0.6 → 2 kg/s of nitrogen is 0.856 → 2.85 kg/s of argon (× 39.95 / 28.01).
    expect([leak.gas, leak.rate, leak.maxRate]).toEqual(['ar', 0.856, 2.85])
    const engine = new Engine(ix.devices, { seed: 1, start: T0, quiet: true })
    engine.schedule(s.timeline, T0)
    const outputs: Output[] = []
    engine.runUntil(T0 + (s.durationSec ?? 0) * 1000, (o) => outputs.push(o))
    const o2 = collect(s, engine, outputs).series('g-o2-1', 'o2').map(([, v]) => v)
    expect(Math.min(...o2)).toBeLessThan(19.5)
    expect(Math.min(...o2)).toBeGreaterThan(16)
  })

  it('multi: the oxygen purge joins in a park of its own, by the area with two oxygen detectors', () => {
    const zone = smallZone()
    zone.parks.push({
      id: 'gas',
      name: '气体园区',
      nameEn: 'Industrial gases park',
      kind: 'industrial',
      site: zone.parks[0]?.site ?? { width: 400, height: 300, buildings: [] },
      areas: [
        { id: 'a-n2', name: '制氮站', nameEn: 'Nitrogen station', enterprise: 'e-n2', rect: { x: 0, y: 0, w: 60, h: 40 } },
        { id: 'a-ox', name: '仓库', nameEn: 'Store', enterprise: 'e-n2', rect: { x: 100, y: 0, w: 60, h: 40 } },
      ],
      enterprises: [{ id: 'e-n2', name: '气体公司', nameEn: 'Gases Co', landMu: 30, outputValue: 5000 }],
    })
    const o2 = (id: string, area: string, x: number): Device => ({ id, kind: 'gas', type: 'oxygen', park: 'gas', enterprise: 'e-n2', area, name: id, metrics: ['o2'], position: { x, y: 20 }, interval: 5 })
    zone.devices.push(o2('n-o2-1', 'a-n2', 20), o2('n-o2-2', 'a-n2', 26), o2('n-o2-3', 'a-ox', 120))
    const ix = indexZone(zone)
    const s = buildScenario('multi', ix, { seed: 1 })
    const purge = s.incidents.find((i) => i.kind === 'oxygen-deficiency')
    expect(purge?.park).toBe('gas')
    expect(s.incidents.filter((i) => i.park === 'gas')).toHaveLength(1)
    const leak = s.timeline.find((t) => t.action.kind === 'leak' && t.action.gas === 'n2')?.action
    expect(leak?.kind === 'leak' ? leak.area : undefined).toBe('a-n2')
    expect(s.durationSec).toBe(2400)
    const engine = new Engine(ix.devices, { seed: 1, start: T0, quiet: true })
    engine.schedule(s.timeline, T0)
    const outputs: Output[] = []
    engine.runUntil(T0 + 900_000, (o) => outputs.push(o))
    const run = collect(s, engine, outputs)
    // The nearer detector goes below 19.5 %VOL; the other area's stays in clean air.
    expect(Math.min(...['n-o2-1', 'n-o2-2'].flatMap((id) => run.series(id, 'o2').map(([, v]) => v)))).toBeLessThan(19.5)
    expect(Math.min(...run.series('n-o2-3', 'o2').map(([, v]) => v))).toBeGreaterThan(20.4)
  })

  it('demo: an incident every few minutes, rotating kinds and parks', () => {
    const ix = indexZone(smallZone())
    const s = buildScenario('demo', ix, { seed: 1, horizonSec: 6 * 3600 })
    expect(s.durationSec).toBeUndefined()
    const kinds = s.incidents.map((i) => i.kind)
    expect(new Set(kinds).size).toBeGreaterThanOrEqual(6)
    expect(new Set(s.incidents.map((i) => i.park)).size).toBe(2)
    const starts = s.timeline.filter((t) => t.action.kind === 'note' && t.label?.startsWith('— incident')).map((t) => t.at)
    for (let i = 1; i < starts.length; i++) {
      expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(240)
      expect((starts[i] as number) - (starts[i - 1] as number)).toBeLessThanOrEqual(420)
    }
    expect(buildScenario('demo', ix, { seed: 1, horizonSec: 6 * 3600 })).toEqual(s)
    const run = runScenario('demo', { durationSec: 1800 })
    expect(run.events.length).toBeGreaterThan(0)
  })

  it('keeps to the parks it is given', () => {
    const ix = indexZone(smallZone(), ['ind'])
    const s = buildScenario('multi', ix, { seed: 1 })
    for (const i of s.incidents) expect(i.park).toBe('ind')
    expect(() => indexZone(smallZone(), ['nope'])).toThrow(/unknown park/)
  })
})
